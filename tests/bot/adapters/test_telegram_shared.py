"""A Telegram group shared with the customer: the team's answers go as direct messages,
the customer's people are refused, and when Telegram will not deliver the direct message
the group hears only how to get it."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram import TelegramRuntime
from storage import repos
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, WANG, say, until
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


async def test_a_newcomer_who_is_not_on_the_team_brings_a_confirmation(
        fake: FakeTelegram, polling: TelegramRuntime) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    await say(fake, ALICE, "/triangle AR=@alice_ar")
    before = len(fake.sent_messages(GROUP["id"]))
    fake.push_update({"message": {"message_id": 901, "date": 1, "chat": GROUP, "from": ALICE,
                                  "new_chat_members": [WANG]}})
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    [hint] = fake.sent_messages(GROUP["id"])[before:]
    assert "王" in hint["text"] and 'account link "Acme" shared' in hint["text"]
    [[share]] = hint["reply_markup"]["inline_keyboard"]
    fake.press(GROUP["id"], ALICE, share["text"])
    await until(lambda: any("shared with the customer" in x
                            for x in fake.sent_texts(GROUP["id"])[before + 1:]))
    with polling.core.sessions() as s:
        assert repos.binding_for(s, platform="telegram", workspace="telegram",
                                 channel=str(GROUP["id"])).shared  # type: ignore[union-attr]
