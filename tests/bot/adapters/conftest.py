"""Fixtures for the Telegram bot tests: the fake Bot API, a core wired to it, a runtime,
and helpers that play a Telegram group."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.adapters.telegram import TelegramRuntime
from bot.adapters.telegram_client import BotApi
from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.settings import Settings
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


async def until(check: Callable[[], Any], within: float = 8.0) -> Any:
    """Wait (without blocking the loop) until ``check()`` is truthy; returns its value."""
    deadline = time.monotonic() + within
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
