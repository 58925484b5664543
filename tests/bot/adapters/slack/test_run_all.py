"""`kambot run`: Slack and Telegram in one process, sharing one HTTP listener."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import build_core
from bot.runner import NothingConfigured, start_all, stop_all
from tests.bot.adapters.conftest import ALICE, free_port, say, until
from tests.bot.adapters.slack.slack_driver import SECRET, SlackDriver, text_of
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram


async def test_slack_and_telegram_webhook_share_one_port(
    settings: Any, engine: Any, clock: Any, fake_slack: FakeSlack, fake: FakeTelegram
) -> None:
    port = free_port()
    core = build_core(settings.model_copy(update={
        "SLACK_BOT_TOKEN": SecretStr("xoxb-test-token"),
        "SLACK_SIGNING_SECRET": SecretStr(SECRET),
        "SLACK_API_URL": fake_slack.url,
        "TELEGRAM_BOT_TOKEN": SecretStr(fake.token),
        "TELEGRAM_API_URL": fake.api_url,
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": SecretStr("hook-secret"),
    }), clock=clock, engine=engine, migrate=False)
    stops = await start_all(core, host="127.0.0.1", port=port)
    try:
        assert core.senders.platforms() == ["slack", "telegram"]
        slack = SlackDriver(f"http://127.0.0.1:{port}/slack/events", fake_slack)
        response = await slack.command('account new "Acme Corp"')
        assert response.status == 200
        await until(lambda: any("Acme Corp is set up" in text_of(c)
                                for c in fake_slack.calls_to("chat.postMessage")))
        answer = await say(fake, ALICE, '/account new "Globex"')
        assert "Globex is set up" in answer
    finally:
        await stop_all(stops)


async def test_nothing_configured_is_a_clear_message(core: Any) -> None:
    with pytest.raises(NothingConfigured) as exc:
        await start_all(core)
    assert "SLACK_BOT_TOKEN" in str(exc.value) and "TELEGRAM_BOT_TOKEN" in str(exc.value)
