"""A transcript shared in a Slack account channel, end to end against the fake Slack.

file_shared event -> files.info -> download with the bot token -> a note whose proposals
carry Create / Record buttons -> pressing them creates each task once.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.adapters.slack_files import DownloadError, download, shared_file
from storage.models import Note, Proposal, Task
from tests.bot.adapters.slack.slack_driver import button, sent_message, text_of

SAMPLE = (Path(__file__).resolve().parents[3] / "commands" / "transcripts"
          / "zoom_quarterly_review.vtt").read_bytes()


async def until(check, limit: float = 8.0):
    deadline = time.monotonic() + limit
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)
    return value


def shared(file_id: str, *, channel: str = "C0ACME", user: str = "U0ANN") -> dict:
    return {"type": "file_shared", "channel_id": channel, "file_id": file_id, "user_id": user,
            "file": {"id": file_id}, "event_ts": "1700000500.000200"}


def count(core, model) -> int:
    with core.sessions() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def note_tasks(core) -> list[Task]:
    """Tasks made from notes (account rules add others, e.g. a core account's exec visit)."""
    with core.sessions() as session:
        return list(session.exec(select(Task).where(col(Task.source_note_id).is_not(None))
                                 .order_by(col(Task.number))).all())


async def bound(slack) -> None:
    await slack.command('account new "Acme Corp" tier=core')
    await slack.fake.await_for("chat.postMessage")
    await slack.command("triangle AR=<@U0ANN|ann> SR=<@U0BOB|bob> FR=<@U0CAT|cat>")
    await slack.fake.await_for("chat.postMessage", 2)


def posted_with(fake, words: str):
    return [c for c in fake.calls_to("chat.postMessage") if words in text_of(c)]


async def test_a_shared_transcript_becomes_a_note_with_create_buttons(slack, slack_core):
    await bound(slack)
    file_id = slack.fake.add_file("zoom_quarterly_review.vtt", SAMPLE, ts="1700000500.000100")
    await slack.event(shared(file_id))
    [reply] = await until(lambda: posted_with(slack.fake, "saved as note 1"))
    # the reply goes in the thread of the message the file was shared with
    assert reply.params["thread_ts"] == "1700000500.000100"
    assert slack.fake.downloads == [(file_id, True)]  # with the bot token, as a bearer header
    assert slack.fake.calls_to("files.info")[0].params["file"] == file_id
    blocks = reply.json("blocks")
    rendered = json.dumps(blocks, ensure_ascii=False)
    assert "Alice Wang, Li Wei, Bob Li, Carol Zhang" in rendered
    assert "send the revised quote" in rendered and "three-year plan" in rendered
    assert count(slack_core, Note) == 1 and note_tasks(slack_core) == []

    create = button(blocks, "accept 1 1")
    message = sent_message(reply)
    await slack.click(message, create)
    await slack.click(message, create)  # pressed again before the message was updated
    await slack.fake.await_for("chat.update")
    await until(lambda: len(slack.fake.calls_to("chat.postEphemeral")) >= 2)
    [task] = note_tasks(slack_core)
    assert (task.title, task.role) == ("send the revised quote", "SR")
    answers = " ".join(text_of(c) for c in slack.fake.calls_to("chat.postEphemeral"))
    assert f"#{task.number} send the revised quote" in answers
    assert f"already created as #{task.number}" in answers
    # "Create all" makes the rest
    await slack.click(message, button(blocks, "accept 1 all"))
    await until(lambda: len(note_tasks(slack_core)) == 3)


async def test_a_retried_or_repeated_file_event_makes_one_note(slack, slack_core):
    await bound(slack)
    file_id = slack.fake.add_file("support_review.srt", b"1\n00:00:01,000 --> 00:00:02,000\n"
                                  b"Bob: ACTION: FR to ship the parts by 2026-12-10\n")
    await slack.event(shared(file_id), event_id="EvFILE1")
    await slack.event(shared(file_id), event_id="EvFILE1", retry_num=1)
    await slack.event(shared(file_id), event_id="EvFILE2")  # Slack told twice
    await until(lambda: posted_with(slack.fake, "saved as note 1"))
    await until(lambda: len(slack.fake.calls_to("files.info")) == 3)
    await asyncio.sleep(0.3)
    assert count(slack_core, Note) == 1 and count(slack_core, Proposal) == 1
    assert len(posted_with(slack.fake, "saved as note")) == 1


async def test_other_files_are_left_alone_and_near_misses_get_a_hint(slack, slack_core):
    await bound(slack)
    picture = slack.fake.add_file("whiteboard.png", b"\x89PNG....")
    await slack.event(shared(picture))
    pdf = slack.fake.add_file("minutes.pdf", b"%PDF-1.7")
    await slack.event(shared(pdf))
    [hint] = await slack.fake.await_for("chat.postEphemeral")
    assert hint.params["user"] == "U0ANN"
    assert "minutes.pdf" in text_of(hint) and ".vtt, .srt, .txt, .docx" in text_of(hint)
    own = slack.fake.add_file("report.vtt", b"WEBVTT\n", user="UBOT")  # the bot's own upload
    await slack.event(shared(own, user="UBOT"))
    await until(lambda: len(slack.fake.calls_to("files.info")) == 2)
    await asyncio.sleep(0.3)
    assert slack.fake.downloads == [] and count(slack_core, Note) == 0
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 1
    assert all(c.params["file"] != own for c in slack.fake.calls_to("files.info"))


async def test_too_big_or_not_downloadable_or_unbound_says_why_to_the_sharer(slack, slack_core):
    await bound(slack)
    big = slack.fake.add_file("all_hands.vtt", b"WEBVTT\n", size=6 * 1024 * 1024)
    await slack.event(shared(big))
    [too_big] = await slack.fake.await_for("chat.postEphemeral")
    assert "all_hands.vtt is 6.0 MB" in text_of(too_big)
    assert slack.fake.downloads == []
    # an app installed without files:read cannot even look the file up: logged, no answer
    slack.fake.queue_error("files.info", "missing_scope")
    scoped = slack.fake.add_file("a.vtt", SAMPLE)
    await slack.event(shared(scoped))
    await until(lambda: len(slack.fake.calls_to("files.info")) == 2)
    elsewhere = slack.fake.add_file("b.vtt", SAMPLE, channel="C0OTHER")
    await slack.event(shared(elsewhere, channel="C0OTHER"))
    [_, unbound] = await slack.fake.await_for("chat.postEphemeral", 2)
    assert unbound.params["channel"] == "C0OTHER"
    assert "not an account channel" in text_of(unbound)
    assert slack.fake.downloads == [] and count(slack_core, Note) == 0
    # the download itself fails: the sharer is told, nothing is stored
    gone = slack.fake.add_file("c.vtt", SAMPLE)
    slack.fake.file_contents.pop(gone)
    await slack.event(shared(gone))
    [*_, failed] = await slack.fake.await_for("chat.postEphemeral", 3)
    assert "could not download c.vtt" in text_of(failed)
    assert count(slack_core, Note) == 0


def test_download_needs_the_token_and_keeps_to_the_limit(fake_slack) -> None:
    file_id = fake_slack.add_file("a.vtt", b"WEBVTT\n" + b"x" * 100)
    url = fake_slack.files[file_id]["url_private_download"]
    assert download(url, "xoxb-1", limit=1000).startswith(b"WEBVTT")
    with pytest.raises(DownloadError, match="files:read"):
        download(url, "not-a-slack-token", limit=1000)  # Slack's sign-in page, not the file
    with pytest.raises(DownloadError, match="no bot token"):
        download(url, "", limit=1000)
    with pytest.raises(DownloadError, match="larger than 50 bytes"):
        download(url, "xoxb-1", limit=50)
    with pytest.raises(DownloadError, match="no download address"):
        download("", "xoxb-1", limit=50)


def test_files_info_share_gives_the_thread() -> None:
    info = {"id": "F1", "name": "x.vtt", "size": 10, "url_private_download": "https://f/x.vtt",
            "shares": {"private": {"G1": [{"ts": "1.2", "thread_ts": "1.0"}]}}}
    assert shared_file(info, "G1").thread == "1.0"
    assert shared_file(info, "C9").thread is None
