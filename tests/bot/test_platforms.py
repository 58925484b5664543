"""Every process can post to every configured platform."""

from __future__ import annotations

from pydantic import SecretStr

from bot.app import Core
from bot.platforms import add_configured_senders, enable_followups


def test_no_tokens_no_senders(core: Core) -> None:
    assert add_configured_senders(core) == []


def test_each_configured_platform_gets_a_sender(core: Core) -> None:
    core.settings.SLACK_BOT_TOKEN = SecretStr("xoxb-test")
    core.settings.SLACK_API_URL = "http://127.0.0.1:9/api/"
    core.settings.TELEGRAM_BOT_TOKEN = SecretStr("123:abc")
    core.settings.TELEGRAM_API_URL = "http://127.0.0.1:9/bot"
    assert add_configured_senders(core) == ["slack", "telegram"]
    slack = core.senders.get("slack")
    assert add_configured_senders(core) == ["slack", "telegram"]
    assert core.senders.get("slack") is slack  # a running adapter's sender is kept


def test_followups_only_with_an_llm(core: Core) -> None:
    enable_followups(core)
    assert "followup" not in core.services
    core.services["llm"] = object()
    enable_followups(core)
    assert "followup" in core.services
    core.services["followup"].close()
