"""The 360° card of every demo account fits one Slack message (Block Kit: 50 blocks, 3,000
characters a section) and one Telegram message (4,096 characters), in both languages."""

from __future__ import annotations

import json

from bot.demo import seed_demo
from bot.render.slack import MAX_BLOCKS, SECTION_TEXT, render_slack
from bot.render.telegram import TEXT_LIMIT, render_telegram, tg_len
from tests.support import Conversation


def _texts(block: object) -> list[str]:
    """Every text value inside one block."""
    found: list[str] = []
    if isinstance(block, dict):
        for key, value in block.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found += _texts(value)
    elif isinstance(block, list):
        for value in block:
            found += _texts(value)
    return found


def test_every_demo_card_fits_one_message_on_each_platform(core):
    info = seed_demo(core)
    checked = 0
    for name, channel in info.channels.items():
        chat = Conversation(core, channel=channel, user=info.user)
        for verb in ("account", "客户"):
            reply = chat.say(verb)
            assert not reply.is_error, (name, verb, reply.plain_text())
            assert name in reply.plain_text()
            slack = render_slack(reply)
            assert len(slack) == 1, (name, verb, len(slack))
            blocks = slack[0].blocks
            assert 0 < len(blocks) <= MAX_BLOCKS
            assert all(len(text) <= SECTION_TEXT for b in blocks for text in _texts(b)), name
            json.dumps(blocks)  # a payload Slack can take
            telegram = render_telegram(reply)
            assert len(telegram) == 1, (name, verb, len(telegram))
            assert tg_len(telegram[0].html) <= TEXT_LIMIT
            checked += 1
    assert checked == 2 * len(info.channels) >= 8
