"""Every feature's buttons are sealed when posted and work when pressed, on Telegram.

Buttons are neutral (bot.messages.Button with a command); the sender seals them for the
chat they are posted in (bot/seals.py) and the dispatcher runs only what a seal holds.
One of each kind is pressed here through the fake Bot API: the past-date Confirm, the
commercial Pipeline list, a transcript's Create, a note task's Edit / Remove and the Undo
that follows, and a health alert's Acknowledge / Snooze, posted by the health check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.telegram import TelegramRuntime
from bot.alerts import run_health_check
from bot.posting import Poster
from bot.seals import Opened, peek
from storage.models import Task, TaskStatus
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, say, until
from tests.fakes.telegram_api import FakeTelegram

ZOOM = (Path(__file__).resolve().parents[2] / "commands" / "transcripts"
        / "zoom_quarterly_review.vtt").read_bytes()
# What the dispatcher says to a button it did not seal, or to someone who may not press it.
REFUSALS = ("nothing was done", "not made by kambot", "Ask the account's AR")


async def settle(fake: FakeTelegram, before: int) -> str:
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.1)  # a reply in several messages
    return "\n".join(fake.sent_texts(GROUP["id"])[before:])


def opened(runtime: TelegramRuntime, data: str) -> Opened | None:
    """What a button's callback_data claims: a seal, carried as itself or, when longer than
    Telegram's 64 bytes, as a token the sender remembers (bot.render.telegram.CallbackStore)."""
    value = runtime.sender.callbacks.decode(data)
    return peek(value) if value is not None else None


async def press(fake: FakeTelegram, runtime: TelegramRuntime, wanted: Callable[[str], bool],
                user: dict[str, Any] = ALICE) -> tuple[str, str]:
    """Press the newest button whose sealed command ``wanted`` accepts; (command, answer)."""
    for message in reversed(fake.sent_messages(GROUP["id"])):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                sealed = opened(runtime, button["callback_data"])
                if sealed is None or not wanted(sealed.command):
                    continue
                before = len(fake.sent_messages(GROUP["id"]))
                fake.callback(GROUP["id"], user, message["message_id"], button["callback_data"])
                answer = await settle(fake, before)
                assert not any(r in answer for r in REFUSALS), (sealed.command, answer)
                return sealed.command, answer
    raise AssertionError("no sealed button for that command")


def unsealed(fake: FakeTelegram, runtime: TelegramRuntime) -> list[str]:
    """Button data the bot sent that are not seals (there should be none)."""
    return [b["callback_data"] for m in fake.sent_messages()
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row if opened(runtime, b["callback_data"]) is None]


def tasks(engine: Engine) -> dict[str, Task]:
    with Session(engine) as session:
        return {t.title: t for t in session.exec(select(Task)).all()}


async def test_one_button_of_each_feature_is_sealed_and_pressed(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    await say(fake, BOB, "/help")
    await say(fake, ALICE, "/triangle AR=@alice_ar SR=@bob_sr")

    # the task verb's past-date confirmation
    asked = await say(fake, ALICE, '/task "Fix the install" owner=SR due=2026-11-16')
    assert "in the past" in asked
    command, answer = await press(fake, polling, lambda c: c.endswith(" confirm"))
    assert command.startswith("task ") and "Task #1 added" in answer

    # commercial: the Pipeline list under a new opportunity
    await say(fake, ALICE, '/opportunity add "Line 3 upgrade" value=1.8M stage=opportunity')
    command, answer = await press(fake, polling, lambda c: c == "opportunities")
    assert "Line 3 upgrade" in answer

    # transcript: Create on a proposed action
    before = len(fake.sent_messages(GROUP["id"]))
    fake.document(GROUP, ALICE, "zoom_quarterly_review.vtt", ZOOM, caption="/transcript Review")
    await settle(fake, before)
    created = len(tasks(engine))
    command, answer = await press(fake, polling, lambda c: c.startswith("accept ") and "all" not in c
                                  and "decision" not in c)
    assert len(tasks(engine)) == created + 1

    # curation: Edit, Remove and Undo under a note's task
    await say(fake, ALICE, "/note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04")
    number = max(t.number for t in tasks(engine).values())
    command, answer = await press(fake, polling, lambda c: c == f"task {number} edit")
    assert f"task {number} edit title=" in answer
    command, answer = await press(fake, polling, lambda c: c == f"cancel {number}")
    assert tasks(engine)["send the revised quote"].status == TaskStatus.CANCELLED
    command, answer = await press(fake, polling, lambda c: c.startswith("undo id="))
    assert "Undone" in answer
    assert tasks(engine)["send the revised quote"].status == TaskStatus.OPEN

    # health: the red alert the health check posts, acknowledged then snoozed
    await say(fake, ALICE, "/signal nps=-40")
    core = polling.core
    core.senders.add(polling.sender)  # as `kambot telegram` does for the scheduler's posts
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    before = len(fake.sent_messages(GROUP["id"]))
    summary = await asyncio.to_thread(run_health_check, core)
    assert summary.alerts == 1, summary.lines
    assert "is now 🔴 red" in await settle(fake, before)
    command, answer = await press(fake, polling, lambda c: c.startswith("alert ack "))
    assert "acknowledged" in answer.lower()
    command, answer = await press(fake, polling, lambda c: c.startswith("alert snooze "))
    assert "snooze" in answer.lower()

    assert unsealed(fake, polling) == []
