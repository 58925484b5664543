"""A Telegram group shared with the customer: the team's answers go as direct messages,
the customer's people are refused, and when Telegram will not deliver the direct message
the group hears only how to get it."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram import TelegramRuntime
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, say, until
from tests.fakes.telegram_api import FakeTelegram

CANARY = "TGCANARY"


async def _ask(fake: FakeTelegram, user: dict, text: str) -> None:
    before = len(fake.calls_of("sendMessage"))
    fake.message(GROUP, user, text)
    await until(lambda: len(fake.calls_of("sendMessage")) > before)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.1)


async def test_team_answers_go_privately_and_the_customer_is_refused(
        fake: FakeTelegram, polling: TelegramRuntime) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    await say(fake, ALICE, "/triangle AR=@alice_ar")
    await say(fake, ALICE, f"/note {CANARY} they pay late")
    assert "shared with the customer" in await say(fake, ALICE, '/account link "Acme" shared')
    in_group = len(fake.sent_messages(GROUP["id"]))

    await _ask(fake, ALICE, "/notes")
    assert any(CANARY in text for text in fake.sent_texts(ALICE["id"]))
    assert not any(CANARY in text for text in fake.sent_texts(GROUP["id"]))
    assert len(fake.sent_messages(GROUP["id"])) == in_group  # nothing in the group

    refused = await say(fake, BOB, "/notes")  # Bob is in the group, not on the team
    assert "shared with the customer" in refused and CANARY not in refused
    assert not fake.sent_texts(BOB["id"])

    joint = await say(fake, BOB, "/open")
    assert CANARY not in joint

    fake.fail_next("sendMessage", status=403, retry_after=None,
                   description="Forbidden: bot can't initiate conversation with a user")
    hint = await say(fake, ALICE, "/health")
    assert "Open a chat with me" in hint and "score" not in hint
    assert not any(CANARY in text for text in fake.sent_texts(GROUP["id"]))
