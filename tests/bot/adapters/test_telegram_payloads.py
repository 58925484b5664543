"""Real Telegram update shapes replayed through the update path, polling and webhook alike.

The corpus (tests/bot/adapters/payloads/telegram/) has every update kind of the Bot API,
message kinds and entity types, and shapes python-telegram-bot cannot parse. None may
crash, stop polling or get a 5xx from the webhook; commands and questions from a person
are answered, everything else is left alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import Core
from tests.bot.adapters.conftest import ALICE, GROUP, free_port, runtime_for, say
from tests.fakes.telegram_api import FakeTelegram

CORPUS = Path(__file__).parent / "payloads" / "telegram"
CASES = [(f"{p.stem}:{n}:{c['name']}", c) for p in sorted(CORPUS.glob("*.json"))
         for n, c in enumerate(json.loads(p.read_text())["payloads"])]
IDS = [name for name, _ in CASES]


def prepared(fake: FakeTelegram, case: dict[str, Any]) -> dict[str, Any]:
    update = json.loads(json.dumps(case["update"]))
    for value in update.values():
        if isinstance(value, dict):
            fake.know(value)  # a reply in its chat must find the chat
            new_chat = value.get("migrate_to_chat_id")
            if isinstance(new_chat, int):
                fake.know({"message_id": 1, "date": 0, "from": ALICE,
                           "chat": {"id": new_chat, "type": "supergroup", "title": "x"}})
    return update


def bot_messages(fake: FakeTelegram) -> int:
    return len(fake.sent_messages())


def crashes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR or (r.exc_text and "Traceback" in r.exc_text)]


def check(name: str, case: dict[str, Any], before: int, after: int) -> None:
    want = case["expect"]
    if want == "answered":
        assert after > before, f"{name}: no answer"
    elif want == "silent":
        assert after == before, f"{name}: answered what is not for kambot"


@pytest.mark.parametrize("name, case", CASES, ids=IDS)
async def test_update_by_polling(fake, polling, name, case, caplog):
    caplog.set_level(logging.WARNING)
    await say(fake, ALICE, '/account new "Acme"')
    before = bot_messages(fake)
    uid = fake.push_update(prepared(fake, case))
    await asyncio.to_thread(fake.wait_idle)
    for _ in range(40):  # confirmed (or filtered out by allowed_updates)
        if uid not in fake.pending_update_ids:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    after = bot_messages(fake)
    if fake_allows(fake, case):  # other kinds are not delivered at all
        if uid in fake.pending_update_ids:
            raise AssertionError(f"{name}: update {uid} never confirmed; polling is stuck")
        check(name, case, before, after)
    assert "help" in (await say(fake, ALICE, "/help")).lower(), f"{name}: polling stopped"
    assert not crashes(caplog), crashes(caplog)


def fake_allows(fake: FakeTelegram, case: dict[str, Any]) -> bool:
    """Polling asks only for messages and button presses, as kambot does."""
    return any(kind in case["update"] for kind in ("message", "callback_query"))


@pytest.mark.parametrize("name, case", CASES, ids=IDS)
async def test_update_by_webhook(fake, make_core: Callable[..., Core], name, case, caplog):
    caplog.set_level(logging.WARNING)
    port = free_port()
    core = make_core(TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
                     TELEGRAM_WEBHOOK_SECRET=SecretStr("hook-secret"), PORT=port)
    runtime = runtime_for(core)
    await runtime.start(webhook=True, listen="127.0.0.1")
    try:
        await say(fake, ALICE, '/account new "Acme"')
        before = bot_messages(fake)
        update = {"update_id": 90_000, **prepared(fake, case)}
        status = await asyncio.to_thread(fake.post_webhook, update, secret="hook-secret")
        assert status == 200, f"{name}: webhook answered {status}"
        await asyncio.sleep(0.3)
        check(name, case, before, bot_messages(fake))
        assert "help" in (await say(fake, ALICE, "/help")).lower()
    finally:
        await runtime.stop()
    assert not crashes(caplog), crashes(caplog)
    assert GROUP
