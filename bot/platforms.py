"""Which platforms this deployment has, and their senders for the bot's own posts.

Every process that posts by itself (the scheduler inside `kambot slack`, `telegram` and
`run`, and `kambot digest` / `alerts` by hand) can reach every configured platform: an
account bound to a Telegram group gets its report even from the Slack process.
"""

from __future__ import annotations

import logging

from bot.app import Core

log = logging.getLogger(__name__)


def add_configured_senders(core: Core) -> list[str]:
    """Register a Sender for each platform with a token; returns the platforms' names."""
    settings = core.settings
    if settings.SLACK_BOT_TOKEN is not None and core.senders.get("slack") is None:
        from bot.adapters.slack import slack_sender

        core.senders.add(slack_sender(core))
    if settings.TELEGRAM_BOT_TOKEN is not None and core.senders.get("telegram") is None:
        from bot.adapters.telegram import make_sender
        from bot.seals import ChannelSealer

        core.senders.add(make_sender(settings, sealer=ChannelSealer(
            core.dispatcher.seals, core.sessions, "telegram")))
    return core.senders.platforms()


def enable_followups(core: Core) -> None:
    """With an LLM, slow answers are posted after the ack, in the question's thread."""
    if core.services.get("llm") is not None and "followup" not in core.services:
        from bot.followup import ThreadFollowUp

        core.services["followup"] = ThreadFollowUp(core.senders)
