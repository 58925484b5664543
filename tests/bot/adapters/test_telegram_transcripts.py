"""A transcript sent as a document in a Telegram group, end to end against the fake Bot API.

document update -> getFile -> /file/bot<token>/<path> -> a note whose proposals carry
Create / Record buttons -> each press creates the task once.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from docx import Document
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.adapters.telegram import TelegramRuntime
from bot.adapters.telegram_client import file_url_base
from bot.seals import peek
from storage.models import Note, Proposal, Task
from tests.bot.adapters.conftest import ALICE, BOB, GROUP, say, until
from tests.fakes.telegram_api import FakeTelegram

SAMPLES = Path(__file__).resolve().parents[2] / "commands" / "transcripts"
ZOOM = (SAMPLES / "zoom_quarterly_review.vtt").read_bytes()


async def post_document(fake: FakeTelegram, name: str, content: bytes, *, caption: str | None,
                        chat: dict[str, Any] = GROUP, **kw: Any) -> str:
    """Send a document and return the bot's answer (all its new messages)."""
    before = len(fake.sent_messages(chat["id"]))
    fake.document(chat, ALICE, name, content, caption=caption, **kw)
    await until(lambda: len(fake.sent_messages(chat["id"])) > before)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.1)
    return "\n".join(fake.sent_texts(chat["id"])[before:])


def command_of(data: str) -> str:
    """The command a button's data stands for (it is a seal, bot/seals.py)."""
    claimed = peek(data)
    return claimed.command if claimed is not None else data


def press(fake: FakeTelegram, user: dict[str, Any], data: str) -> int:
    """Press the newest button whose callback_data is ``data``."""
    for message in reversed(fake.sent_messages(GROUP["id"])):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for b in row:
                if command_of(b["callback_data"]) == data:
                    return fake.callback(GROUP["id"], user, message["message_id"],
                                         b["callback_data"])
    raise AssertionError(f"no button {data!r}")


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def note_tasks(engine: Engine) -> list[Task]:
    with Session(engine) as session:
        return list(session.exec(select(Task).where(col(Task.source_note_id).is_not(None))).all())


async def bound(fake: FakeTelegram) -> None:
    assert "Acme" in await say(fake, ALICE, '/account new "Acme"')
    await say(fake, BOB, "/help")  # Bob is known by his @username from now on
    await say(fake, ALICE, "/triangle AR=@alice_ar SR=@bob_sr")


async def test_a_document_with_a_transcript_caption_becomes_a_note(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await bound(fake)
    answer = await post_document(fake, "zoom_quarterly_review.vtt", ZOOM,
                                 caption="/transcript Quarterly review")
    assert "Transcript zoom_quarterly_review.vtt saved as note 1 on Acme." in answer
    assert "send the revised quote" in answer and "three-year plan" in answer
    [get_file] = fake.calls_of("getFile")
    assert fake.downloads == [fake.files[get_file.params["file_id"]][0]]
    with Session(engine) as session:
        note = session.exec(select(Note)).one()
        assert note.text.startswith("Transcript: zoom_quarterly_review.vtt — Quarterly review\n")
    assert note_tasks(engine) == [] and count(engine, Proposal) == 4
    keyboard = fake.sent_messages(GROUP["id"])[-1]["reply_markup"]["inline_keyboard"]
    assert ["accept 1 1"] in [[command_of(b["callback_data"]) for b in row] for row in keyboard]

    # Create, pressed twice by two people, and the press delivered twice: one task
    first = press(fake, BOB, "accept 1 1")
    await until(lambda: len(note_tasks(engine)) == 1)
    await until(lambda: first not in fake.pending_update_ids)
    fake.push_duplicate(first)
    press(fake, ALICE, "accept 1 1")
    await until(lambda: len(fake.callback_answers) == 2)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.2)
    [task] = note_tasks(engine)
    assert (task.title, task.role) == ("send the revised quote", "SR")
    assert "already created as #1" in "\n".join(fake.sent_texts(GROUP["id"]))


async def test_a_repeated_document_update_makes_one_note(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await bound(fake)
    before = len(fake.sent_messages(GROUP["id"]))
    update_id = fake.document(GROUP, ALICE, "zoom.vtt", ZOOM, caption="/note")
    await until(lambda: len(fake.sent_messages(GROUP["id"])) > before)
    await until(lambda: update_id not in fake.pending_update_ids)
    sent = len(fake.sent_messages(GROUP["id"]))
    fake.push_duplicate(update_id)
    await asyncio.to_thread(fake.wait_idle)
    await asyncio.sleep(0.3)
    assert count(engine, Note) == 1
    assert len(fake.sent_messages(GROUP["id"])) == sent


async def test_without_privacy_mode_any_transcript_document_is_read(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await bound(fake)
    document = Document()
    for line in ("张伟 00:00:05", "大家好。", "李娜 00:00:40", "待办：交付经理 12月5日前完成一期验收"):
        document.add_paragraph(line)
    data = io.BytesIO()
    document.save(data)
    answer = await post_document(fake, "飞书妙记.docx", data.getvalue(), caption=None)
    assert "saved as note 1" in answer or "已保存为" in answer
    assert "完成一期验收" in answer
    # other documents without a command are none of kambot's business
    sent = len(fake.sent_messages(GROUP["id"]))
    fake.document(GROUP, ALICE, "photo.jpg", b"\xff\xd8\xff", caption="our booth")
    await say(fake, ALICE, "/open")
    assert len(fake.sent_messages(GROUP["id"])) == sent + 1  # only the answer to /open
    assert len(fake.calls_of("getFile")) == 1


async def test_wrong_type_too_big_and_direct_messages_are_answered_without_download(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine
) -> None:
    await bound(fake)
    answer = await post_document(fake, "minutes.pdf", b"%PDF-1.7", caption="/transcript")
    assert "minutes.pdf is not a transcript file I can read" in answer
    assert ".vtt, .srt, .txt, .docx" in answer
    answer = await post_document(fake, "all_hands.vtt", b"WEBVTT\n", caption="/transcript",
                                 file_size=8 * 1024 * 1024)
    assert "all_hands.vtt is 8.0 MB" in answer
    direct = FakeTelegram.private(ALICE)
    answer = await post_document(fake, "zoom.vtt", ZOOM, caption=None, chat=direct)
    assert "not an account channel" in answer
    assert fake.calls_of("getFile") == [] and count(engine, Note) == 0


async def test_a_local_bot_api_server_hands_out_paths_on_its_disk(
    fake: FakeTelegram, polling: TelegramRuntime, engine: Engine, tmp_path: Path
) -> None:
    fake.local_files = tmp_path
    await bound(fake)
    answer = await post_document(fake, "zoom.vtt", ZOOM, caption="/transcript")
    assert "saved as note 1" in answer
    assert fake.downloads == []  # read from the server's disk, not over HTTP
    assert count(engine, Note) == 1


def test_file_url_base() -> None:
    assert file_url_base("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_base("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
    assert file_url_base("https://bot.example.com/bot") == "https://bot.example.com/file/bot"
