"""Confirm and fix on Telegram: Edit / Remove under each extracted task, Edit answered with
the exact line to copy (as tap-to-copy code), Remove with Undo; against the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.telegram import TelegramRuntime
from bot.seals import peek
from storage.models import Task
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, say, until
from tests.fakes.telegram_api import FakeTelegram


async def press(fake: FakeTelegram, label: str) -> str:
    before = len(fake.sent_messages(GROUP["id"]))
    fake.press(GROUP["id"], ALICE, label)
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await asyncio.to_thread(fake.wait_idle)
    return "\n".join(fake.sent_texts(GROUP["id"])[before:])


def the_task(engine: Engine) -> Task:
    with Session(engine) as session:
        return session.exec(select(Task)).one()


async def test_edit_and_remove_under_each_extracted_task(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "Acme"')
    await say(fake, BOB, "/help")
    await say(fake, ALICE, "/triangle AR=@alice_ar SR=@bob_sr")
    reply = await say(fake, ALICE, "/note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04")
    assert "#1 send the revised quote" in reply
    keyboard = fake.sent_messages(GROUP["id"])[-1]["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["Done #1", "Edit #1", "Remove #1"]]
    # button data are seals (bot/seals.py) of these commands
    assert [peek(b["callback_data"]).command for b in keyboard[0]] == [  # type: ignore[union-attr]
        "done 1", "task 1 edit", "cancel 1"]

    form = await press(fake, "Edit #1")
    line = '/task 1 edit title="send the revised quote" due=2026-12-04 owner=SR internal'
    assert f"<code>{line}</code>" in form
    assert "Copy this, change what you need and send it" in form

    await say(fake, ALICE, line.replace("send the revised", "Send the final").replace(
        "2026-12-04", "2026-12-11").replace("internal", "shared"))
    task = the_task(engine)
    assert (task.title, task.due_date, task.shared) == ("Send the final quote", date(2026, 12, 11), True)

    removed = await press(fake, "Remove #1")
    assert "cancelled" in removed
    assert the_task(engine).status == "cancelled"
    undone = await press(fake, "Undo")
    assert "Undone" in undone
    assert the_task(engine).status == "open"


async def test_chinese_edit_line_on_telegram(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await say(fake, ALICE, '/account new "华星零售"')
    await say(fake, ALICE, "/kam 任务 “发送报价” 负责人=SR 截止=2026-12-04")
    form = await say(fake, ALICE, "/kam 任务 1 编辑")
    assert '<code>/task 1 edit title="发送报价" due=2026-12-04 owner=SR internal</code>' in form
    assert "复制" in form
    await say(fake, ALICE, "/kam 任务 1 编辑 截止=2026-12-18 共享")
    task = the_task(engine)
    assert (task.due_date, task.shared) == (date(2026, 12, 18), True)
    assert "已撤销" in await say(fake, ALICE, "/kam 撤销")
    assert the_task(engine).due_date == date(2026, 12, 4)
