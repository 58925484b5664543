"""The Telegram bot end to end: the real ptb Application and our loop against the fake API.

Each test plays a Telegram group (or a DM) through the fake Bot API on 127.0.0.1 and
checks what the bot posted there, what the database holds, and what the fake was asked.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.telegram import TelegramRuntime, TelegramSetupError
from bot.adapters.telegram_client import BotApi
from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.settings import Settings
from storage.models import ChannelBinding, ProcessedEvent, Task
from tests.fakes.telegram_api import FakeTelegram

GROUP = FakeTelegram.group(-4001, "Acme account team")
ALICE = FakeTelegram.user(101, "Alice", username="alice_ar")
BOB = FakeTelegram.user(102, "Bob", last_name="Li", username="bob_sr")
WANG = FakeTelegram.user(103, "伟", last_name="王", username=None, language_code="zh-hans")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
    assert not server.errors, [(c.method, c.error) for c in server.errors]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def make_core(
    settings: Settings, engine: Engine, clock: FixedClock, fake: FakeTelegram
) -> Callable[..., Core]:
    def make(**overrides: Any) -> Core:
        values: dict[str, Any] = {
            "TELEGRAM_BOT_TOKEN": SecretStr(fake.token),
            "TELEGRAM_API_URL": fake.api_url,
            **overrides,
        }
        return build_core(settings.model_copy(update=values), clock=clock, engine=engine,
                          migrate=False)  # fmt: skip

    return make


def runtime_for(core: Core) -> TelegramRuntime:
    token = core.settings.TELEGRAM_BOT_TOKEN
    assert token is not None
    api = BotApi(token.get_secret_value(), core.settings.TELEGRAM_API_URL, backoff=0.05)
    return TelegramRuntime(core, poll_timeout=1, api=api)


@pytest.fixture
async def polling(make_core: Callable[..., Core]) -> AsyncIterator[TelegramRuntime]:
    runtime = runtime_for(make_core())
    await runtime.start(webhook=False)
    yield runtime
    await runtime.stop()


async def until(check: Callable[[], Any], timeout: float = 8.0) -> Any:
    """Wait (without blocking the loop) until ``check()`` is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


async def say(fake: FakeTelegram, user: dict[str, Any], text: str,
              chat: dict[str, Any] = GROUP) -> str:  # fmt: skip
    """Post ``text`` in ``chat`` and return the bot's answer (all its new messages).

    With a webhook set, the fake delivers to it; otherwise the bot polls.
    """
    before = len(fake.sent_messages(chat["id"]))
    fake.message(chat, user, text)
    if fake.webhook is not None:
        assert await asyncio.to_thread(fake.deliver_webhook) == [200]
    await until(lambda: len(fake.sent_messages(chat["id"])) > before)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.1)  # a reply split in several messages
    return "\n".join(fake.sent_texts(chat["id"])[before:])


async def conversation(fake: FakeTelegram, engine: Engine) -> None:
    """The console conversation, played in a Telegram group."""
    assert "Acme" in await say(fake, ALICE, '/account new "Acme"')
    await say(fake, BOB, "/help")  # Bob is now known by his @username
    triangle = await say(fake, ALICE, "/triangle AR=@alice_ar SR=@bob_sr")
    assert "Alice" in triangle and "Bob Li" in triangle
    created = await say(
        fake, ALICE, '/task@kambot_test_bot "Send the <revised> quote & terms" owner=SR'
    )
    assert "&lt;revised&gt;" in created and "&amp;" in created  # escaped for HTML
    listing = await say(fake, BOB, "/kam open")
    assert "Send the &lt;revised&gt; quote" in listing
    assert fake.sent_messages(GROUP["id"])[-1]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Done #1", "callback_data": "done 1"}]]
    }

    # the done button goes through the same dispatcher
    before = len(fake.sent_messages(GROUP["id"]))
    fake.press(GROUP["id"], BOB, "Done #1")
    if fake.webhook is not None:
        assert await asyncio.to_thread(fake.deliver_webhook) == [200]
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await until(lambda: fake.callback_answers)
    assert list(fake.callback_answers.values())[-1]["text"]
    with Session(engine) as session:
        assert session.exec(select(Task)).one().status == "done"

    assert "#1" in await say(fake, ALICE, "/reopen@kambot_test_bot 1")
    with Session(engine) as session:
        assert session.exec(select(Task)).one().status == "open"
    # answers are HTML replies to the message that asked
    for call in fake.calls_of("sendMessage"):
        assert call.params["parse_mode"] == "HTML"
        assert "reply_parameters" in call.params


async def test_group_conversation_in_polling_mode(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    # the command menu, in English and Chinese
    assert {c["command"] for c in fake.commands[""]} >= {"help", "account", "task", "done", "kam"}
    assert fake.commands["zh"][0]["description"] == "命令列表和用法"
    assert fake.calls_of("deleteWebhook")[0].params.get("drop_pending_updates") in (None, "false")
    await conversation(fake, engine)


async def test_group_conversation_in_webhook_mode(
    fake: FakeTelegram, make_core: Callable[..., Core], engine: Engine
) -> None:
    port = free_port()
    core = make_core(
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
        TELEGRAM_WEBHOOK_SECRET=SecretStr("s3cret-Value_1"),
        PORT=port,
    )
    runtime = runtime_for(core)
    await runtime.start(webhook=True, listen="127.0.0.1")
    try:
        assert fake.webhook == {"url": f"http://127.0.0.1:{port}/telegram/hook",
                                "secret_token": "s3cret-Value_1"}  # fmt: skip
        await conversation(fake, engine)

        # wrong and missing secrets are refused before anything happens
        with Session(engine) as session:
            events = len(session.exec(select(ProcessedEvent)).all())
        sent = len(fake.sent_messages())
        forged = {"update_id": 999999, "message": {
            "message_id": 77, "date": 1, "chat": GROUP, "from": ALICE, "text": "/done 1",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}  # fmt: skip
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="wrong") == 403
        assert await asyncio.to_thread(fake.post_webhook, forged, secret=None) == 403
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="") == 403
        with Session(engine) as session:
            assert len(session.exec(select(ProcessedEvent)).all()) == events
            assert session.exec(select(Task)).one().status == "open"
        assert len(fake.sent_messages()) == sent
        # and the right one works
        assert await asyncio.to_thread(fake.post_webhook, forged, secret="s3cret-Value_1") == 200
        with Session(engine) as session:
            assert session.exec(select(Task)).one().status == "done"
    finally:
        await runtime.stop()


async def test_webhook_mode_needs_a_secret(make_core: Callable[..., Core]) -> None:
    core = make_core(TELEGRAM_WEBHOOK_URL="https://bot.example.com/telegram", PORT=free_port())
    runtime = runtime_for(core)
    with pytest.raises(TelegramSetupError, match="TELEGRAM_WEBHOOK_SECRET"):
        await runtime.start(webhook=True, listen="127.0.0.1")
    await runtime.stop()
