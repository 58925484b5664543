"""Real Telegram update shapes replayed through the update path, polling and webhook alike.

The corpus (tests/bot/adapters/payloads/telegram/) has every update kind of the Bot API,
message kinds and entity types, and shapes python-telegram-bot cannot parse. None may
crash, stop polling or get a 5xx from the webhook; commands and questions from a person
are answered (a document of a type kambot reads is a transcript, made a note), everything
else is left alone.
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


TRANSCRIPT = b"Alice: we agreed the pilot starts in January.\nBob: I will send the quote.\n"


def prepared(fake: FakeTelegram, case: dict[str, Any]) -> dict[str, Any]:
    update = json.loads(json.dumps(case["update"]))
    for value in update.values():
        if isinstance(value, dict):
            fake.know(value)  # a reply in its chat must find the chat
            document = value.get("document")
            if isinstance(document, dict) and document.get("file_id"):
                fake.keep_file(document, TRANSCRIPT)  # a transcript kambot reads is fetched
            new_chat = value.get("migrate_to_chat_id")
            if isinstance(new_chat, int):
                fake.know({"message_id": 1, "date": 0, "from": ALICE,
                           "chat": {"id": new_chat, "type": "supergroup", "title": "x"}})
    return update


def bot_messages(fake: FakeTelegram) -> int:
    return len(fake.sent_messages())


def crashes(caplog: pytest.LogCaptureFixture, seen: int, name: str) -> list[str]:
    return [f"{name}: {r.getMessage()[:200]}" for r in caplog.records[seen:]
            if r.levelno >= logging.ERROR]


def problems_of(name: str, case: dict[str, Any], before: int, after: int) -> list[str]:
    want = case["expect"]
    if want == "answered" and after <= before:
        return [f"{name}: no answer"]
    if want == "silent" and after != before:
        return [f"{name}: answered what is not for kambot"]
    return []


def fake_allows(case: dict[str, Any]) -> bool:
    """Polling asks only for messages and button presses, as kambot does."""
    return any(kind in case["update"] for kind in ("message", "callback_query"))


async def settle(fake: FakeTelegram) -> None:
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.05)


async def test_every_update_by_polling(fake, polling, caplog):
    caplog.set_level(logging.WARNING)
    await say(fake, ALICE, '/account new "Acme"')
    problems: list[str] = []
    for name, case in CASES:
        seen = len(caplog.records)
        before = bot_messages(fake)
        uid = fake.push_update(prepared(fake, case))
        if not fake_allows(case):  # other kinds are not delivered to polling at all
            fake.drop_pending()
            continue
        await settle(fake)
        if uid in fake.pending_update_ids:
            problems.append(f"{name}: never confirmed; polling is stuck")
            break
        await asyncio.sleep(0.1)  # a reply in several messages
        problems += problems_of(name, case, before, bot_messages(fake))
        problems += crashes(caplog, seen, name)
    # Polling goes on after all of them.
    assert "help" in (await say(fake, ALICE, "/help")).lower(), "polling stopped"
    assert not problems, f"{len(problems)} of {len(CASES)} cases:\n" + "\n".join(problems)


async def test_every_update_by_webhook(fake, make_core: Callable[..., Core], caplog):
    caplog.set_level(logging.WARNING)
    port = free_port()
    core = make_core(TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
                     TELEGRAM_WEBHOOK_SECRET=SecretStr("hook-secret"), PORT=port)
    runtime = runtime_for(core)
    await runtime.start(webhook=True, listen="127.0.0.1")
    problems: list[str] = []
    try:
        await say(fake, ALICE, '/account new "Acme"')
        for n, (name, case) in enumerate(CASES):
            seen = len(caplog.records)
            before = bot_messages(fake)
            update = {"update_id": 90_000 + n, **prepared(fake, case)}
            status = await asyncio.to_thread(fake.post_webhook, update, secret="hook-secret")
            if status != 200:
                problems.append(f"{name}: webhook answered {status}")
                continue
            await settle(fake)
            problems += problems_of(name, case, before, bot_messages(fake))
            problems += crashes(caplog, seen, name)
        assert "help" in (await say(fake, ALICE, "/help")).lower()
    finally:
        await runtime.stop()
    assert not problems, f"{len(problems)} of {len(CASES)} cases:\n" + "\n".join(problems)
    assert GROUP
