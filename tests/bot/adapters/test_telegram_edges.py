"""Telegram at its edges: updates the library cannot read, malformed webhook bodies, a
rejected token, anonymous admins, people posting as a channel, automatic forwards."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable

from pydantic import SecretStr

from bot.adapters.telegram import TelegramRuntime
from bot.adapters.telegram_client import BotApi
from bot.app import Core
from tests.bot.adapters.conftest import ALICE, GROUP, free_port, runtime_for, say, until
from tests.fakes.telegram_api import FakeTelegram

ANONYMOUS_BOT = FakeTelegram.user(1087968824, "Group", username="GroupAnonymousBot")
ANONYMOUS_BOT["is_bot"] = True
CHANNEL_BOT = FakeTelegram.user(136817688, "Channel", username="Channel_Bot")
CHANNEL_BOT["is_bot"] = True
SERVICE = FakeTelegram.user(777000, "Telegram")
LINKED_CHANNEL = {"id": -100777, "type": "channel", "title": "Acme news"}

# Shapes python-telegram-bot 22 cannot read (a field of the wrong type where it builds an
# object), as a newer or broken server might send them.
UNREADABLE = [
    {"message": "not an object"},
    {"message": {"message_id": 1, "date": "yesterday", "chat": 5}},
    {"callback_query": {"id": 1, "from": "nobody"}},
    {"message": {"message_id": 2, "date": 1700000000, "chat": {"id": -4001, "type": "group"},
                 "from": {"id": "x"}, "text": "/open", "entities": "many"}},
]


def _group_message(text: str, **extra: object) -> dict[str, object]:
    return {"message": {"message_id": 9000 + len(text), "date": 1700000000, "chat": GROUP,
                        "text": text, **extra}}


async def test_polling_skips_unreadable_updates_and_goes_on(fake, polling):
    await say(fake, ALICE, "/help")
    ids = [fake.push_update(u) for u in UNREADABLE]
    answer = await say(fake, ALICE, "/help")
    assert "help" in answer.lower()
    # Confirmed: not offered again after a restart.
    await until(lambda: not set(ids) & set(fake.pending_update_ids))


async def test_a_restart_does_not_replay_an_unreadable_update(fake, make_core):
    fake.push_update(UNREADABLE[1])
    first = runtime_for(make_core())
    await first.start(webhook=False)
    await until(lambda: not fake.pending_update_ids)
    await first.stop()
    second = runtime_for(make_core())
    await second.start(webhook=False)
    try:
        assert "help" in (await say(fake, ALICE, "/help")).lower()
    finally:
        await second.stop()


async def test_webhook_answers_400_to_what_is_not_an_update_and_200_to_unreadable_ones(
    fake, make_core: Callable[..., Core]
):
    port = free_port()
    core = make_core(TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
                     TELEGRAM_WEBHOOK_SECRET=SecretStr("hook-secret"), PORT=port)
    runtime = runtime_for(core)
    await runtime.start(webhook=True, listen="127.0.0.1")
    try:
        def post(body: bytes) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/tg/hook", data=body, method="POST",
                headers={"Content-Type": "application/json",
                         "X-Telegram-Bot-Api-Secret-Token": "hook-secret"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return int(exc.code)

        for body in (b"[1, 2]", b'"update"', b"42", b"null", b"{not json", b"\xff\xfe",
                     b'{"update_id": "7"}', b'{"message": {}}'):
            assert await asyncio.to_thread(post, body) == 400, body
        for n, update in enumerate(UNREADABLE):
            body = json.dumps({"update_id": 5000 + n, **update}).encode()
            assert await asyncio.to_thread(post, body) == 200, update
        assert "help" in (await say(fake, ALICE, "/help")).lower()
    finally:
        await runtime.stop()


async def test_a_rejected_token_backs_off_then_gives_up_for_a_restart(
    fake, make_core: Callable[..., Core], caplog
):
    core = make_core()
    token = core.settings.TELEGRAM_BOT_TOKEN.get_secret_value()
    runtime = TelegramRuntime(core, poll_timeout=1, max_unauthorized=3, max_backoff=0.2,
                              api=BotApi(token, core.settings.TELEGRAM_API_URL, backoff=0.05))
    await runtime.start(webhook=False)
    try:
        fake.fail_next("getUpdates", status=401, retry_after=None, description="Unauthorized")
        # One 401 is survived: polling goes on and answers.
        assert "help" in (await say(fake, ALICE, "/help")).lower()
        fake.fail_next("getUpdates", status=401, retry_after=None, description="Unauthorized",
                       times=10)
        await asyncio.wait_for(runtime.fatal.wait(), timeout=20)
    finally:
        await runtime.stop()
    assert "giving up" in caplog.text and "retrying" in caplog.text
    assert token.partition(":")[2] not in caplog.text


async def test_network_failures_are_retried_with_a_log_line(fake, polling, caplog):
    fake.fail_next("getUpdates", status=502, retry_after=None, times=2)
    assert "help" in (await say(fake, ALICE, "/help")).lower()
    assert "getUpdates failed" in caplog.text
    assert not polling.fatal.is_set()


async def test_anonymous_admin_and_channel_senders_get_a_hint(fake, polling):
    await say(fake, ALICE, "/help")  # the group exists
    before = len(fake.sent_messages(GROUP["id"]))
    fake.push_update(_group_message("/open", **{"from": ANONYMOUS_BOT, "sender_chat": GROUP}))
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    assert "anonymous" in fake.sent_texts(GROUP["id"])[-1]
    before = len(fake.sent_messages(GROUP["id"]))
    fake.push_update(_group_message("/task@" + fake.bot["username"] + " x",
                                    **{"from": CHANNEL_BOT, "sender_chat": LINKED_CHANNEL}))
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    assert "as a channel" in fake.sent_texts(GROUP["id"])[-1]
    # Another bot's command, anonymously: not ours to answer.
    before = len(fake.sent_messages(GROUP["id"]))
    fake.push_update(_group_message("/weather", **{"from": ANONYMOUS_BOT, "sender_chat": GROUP}))
    await say(fake, ALICE, "/help")
    assert not any("anonymous" in t for t in fake.sent_texts(GROUP["id"])[before:])


async def test_an_automatic_forward_is_not_a_command(fake, polling):
    await say(fake, ALICE, '/account new "Acme"')
    before = len(fake.sent_messages(GROUP["id"]))
    fake.push_update(_group_message("/task Post from the channel", **{
        "from": SERVICE, "sender_chat": LINKED_CHANNEL, "is_automatic_forward": True}))
    answer = await say(fake, ALICE, "/open")
    assert "Post from the channel" not in answer
    assert len(fake.sent_messages(GROUP["id"])) == before + 1
