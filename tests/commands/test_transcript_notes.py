"""A transcript posted in a channel: one meeting note, proposals, and Create / Record once.

Played through the real dispatcher: the file rides on the Incoming as the Slack and
Telegram adapters hand it over; the buttons' commands are dispatched as a press would be.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.messages import IncomingFile, Reply, Tone
from commands.proposals import decision_text, find_proposals, third_person
from commands.transcripts import MAX_FILE_BYTES, read_transcript
from storage.models import AuditLog, Decision, Note, Proposal, Task
from tests.support import Conversation

SAMPLES = Path(__file__).parent / "transcripts"
TODAY = date(2026, 11, 24)


def zoom() -> IncomingFile:
    data = (SAMPLES / "zoom_quarterly_review.vtt").read_bytes()
    return IncomingFile("zoom_quarterly_review.vtt", len(data), data)


def count(chat: Conversation, model: type) -> int:
    with chat.core.sessions() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def tasks(chat: Conversation) -> list[Task]:
    with chat.core.sessions() as session:
        return list(session.exec(select(Task).order_by(Task.number)).all())


def buttons(reply: Reply) -> list[tuple[str, str]]:
    found = [(b.label, b.command) for s in reply.sections for i in s.items for b in i.buttons]
    return found + [(b.label, b.command) for b in reply.buttons]


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    return chat


# --- what a transcript proposes ------------------------------------------------------------


def test_a_speakers_own_commitment_is_read_in_the_third_person() -> None:
    assert third_person("Bob Li", "I'll send the quote by Friday.") == \
        "Bob Li will send the quote by Friday."
    assert third_person("Bob Li", "OK, I need to check the price.") == \
        "Bob Li needs to check the price."
    assert third_person("张伟", "好的，我来准备续约方案。") == "张伟负责准备续约方案。"
    assert third_person("Bob", "We shipped it.") == "We shipped it."


@pytest.mark.parametrize(("line", "decision"), [
    ("Decision: we go with plan B", "we go with plan B"),
    ("**Agreed:** weekly status calls", "weekly status calls"),
    ("We agreed to extend the pilot.", "We agreed to extend the pilot."),
    ("So we have decided on the three-year term", "So we have decided on the three-year term"),
    ("决定：二期在明年一月启动", "二期在明年一月启动"),
    ("结论：方案通过", "方案通过"),
    ("双方达成共识，先做试点", "双方达成共识，先做试点"),
    ("我们一致同意下周签约", "我们一致同意下周签约"),
])
def test_decision_lines(line: str, decision: str) -> None:
    assert decision_text(line) == decision


@pytest.mark.parametrize("line", [
    "We need to decide on the price next week", "Did we agree on this?", "请确认一下时间",
    "ACTION: SR to send the quote", "The decision maker is their CFO",
])
def test_not_decisions(line: str) -> None:
    assert decision_text(line) is None


def test_proposals_point_at_the_note_lines_they_come_from() -> None:
    transcript = read_transcript(zoom().content or b"", "zoom.vtt")
    note_lines = ["Transcript: zoom.vtt", *transcript.lines()]
    found = find_proposals(transcript.turns, first_line=2, today=TODAY)
    assert [(f.kind, f.text, f.owner, f.due) for f in found] == [
        ("action", "send the revised quote", "SR", date(2026, 11, 27)),
        # a speaker's own "I'll ...", kept with the speaker's name as written
        ("action", "book the installation crew for December", "Carol Zhang", None),
        ("action", "confirm the acceptance test plan", "FR", date(2026, 12, 4)),
        ("decision", "we go ahead with the three-year plan.", None, None),
    ]
    assert "revised quote" in note_lines[found[0].line_no - 1]
    assert "installation crew" in note_lines[found[1].line_no - 1]
    assert "acceptance test plan" in note_lines[found[2].line_no - 1]
    assert "three-year plan" in note_lines[found[3].line_no - 1]


# --- posting a transcript ------------------------------------------------------------------


def test_a_transcript_becomes_a_note_and_proposes_without_creating(acme: Conversation) -> None:
    reply = acme.say("transcript", file=zoom())
    assert reply.tone is Tone.SUCCESS
    assert reply.title == "Transcript zoom_quarterly_review.vtt saved as note 1 on Acme Corp."
    text = reply.plain_text()
    assert "Alice Wang, Li Wei, Bob Li, Carol Zhang" in text
    assert "1. send the revised quote — SR — due 2026-11-27 (Fri)" in text
    # Carol Zhang's own "I'll book ..." is hers: carol is on the team (FR)
    assert "2. book the installation crew for December — carol" in text
    assert "3. confirm the acceptance test plan — FR — due 2026-12-04 (Fri)" in text
    assert "1. we go ahead with the three-year plan." in text
    assert buttons(reply) == [("Create", "accept 1 1"), ("Create", "accept 1 2"),
                              ("Create", "accept 1 3"), ("Record", "accept 1 decision 1"),
                              ("Create all (3)", "accept 1 all")]
    assert tasks(acme) == [] and count(acme, Decision) == 0
    with acme.core.sessions() as session:
        note = session.exec(select(Note)).one()
        assert note.kind == "meeting"
        lines = note.text.splitlines()
        assert lines[0] == "Transcript: zoom_quarterly_review.vtt"
        assert lines[3] == "Bob Li: Understood. Action item: SR to send the revised quote by Friday."
        proposals = session.exec(select(Proposal).order_by(Proposal.id)).all()
        assert [(p.kind, p.number, p.line_no) for p in proposals] == [
            ("action", 1, 4), ("action", 2, 5), ("action", 3, 7), ("decision", 1, 6)]
        audit = session.exec(select(AuditLog).where(AuditLog.action == "note.transcript")).one()
        assert audit.detail["file"] == "zoom_quarterly_review.vtt"


def test_create_once_however_often_it_is_pressed_or_delivered(acme: Conversation) -> None:
    acme.say("transcript", file=zoom())
    first = acme.say("accept 1 1", key="press-1")
    assert first.tone is Tone.SUCCESS
    assert "#1 send the revised quote · SR · bob · due 2026-11-27 (Fri)" in first.plain_text()
    # a second press (another event) creates nothing
    again = acme.say("accept 1 1", key="press-2", user="carol")
    assert again.tone is Tone.INFO and "already created as #1" in again.plain_text()
    # the same press delivered again (a retried event) is not even answered
    assert acme.send(acme.incoming("accept 1 1", key="press-1")) is None
    # "Create all" creates the rest and says which existed
    everything = acme.say("accept 1 all")
    assert "#2 book the installation crew for December · FR · carol" in everything.plain_text()
    assert "#3 confirm the acceptance test plan · FR · carol" in everything.plain_text()
    assert "Action 1 was already created as #1" in everything.plain_text()
    assert acme.say("accept 1 all").title == "Nothing new from note 1: that was created already."
    created = tasks(acme)
    assert [(t.number, t.title, t.role) for t in created] == [
        (1, "send the revised quote", "SR"), (2, "book the installation crew for December", "FR"),
        (3, "confirm the acceptance test plan", "FR")]
    with acme.core.sessions() as session:
        note = session.exec(select(Note)).one()
        assert {t.source_note_id for t in created} == {note.id}
        proposals = session.exec(select(Proposal).where(Proposal.kind == "action")).all()
        assert {p.task_id for p in proposals} == {t.id for t in created}
    listing = acme.say("accept 1")
    assert all(f"✔ created as #{n}" in listing.plain_text() for n in (1, 2, 3))
    assert buttons(listing) == [("Record", "accept 1 decision 1")]


def test_record_a_decision_once(acme: Conversation) -> None:
    acme.say("transcript", file=zoom())
    recorded = acme.say("accept 1 decision 1")
    assert "Decision recorded: we go ahead with the three-year plan." in recorded.plain_text()
    again = acme.say("accept 1 decision all")
    assert "Decision 1 was already recorded" in again.plain_text()
    with acme.core.sessions() as session:
        decision = session.exec(select(Decision)).one()
        note = session.exec(select(Note)).one()
        assert (decision.note_id, decision.line_no) == (note.id, 6)
        assert decision.text == "we go ahead with the three-year plan."
    assert tasks(acme) == []


def test_two_presses_at_the_same_moment_create_one_task(acme: Conversation) -> None:
    acme.say("transcript", file=zoom())
    replies: list[Reply | None] = []
    start = threading.Barrier(2)

    def press(n: int) -> None:
        start.wait()
        replies.append(acme.send(acme.incoming("accept 1 2", key=f"race-{n}")))

    threads = [threading.Thread(target=press, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(tasks(acme)) == 1
    assert len(replies) == 2 and all(r is not None and not r.is_error for r in replies)
    assert sorted(r.tone.value for r in replies if r is not None) == ["info", "success"]


def test_an_owner_not_on_the_team_is_kept_as_written(acme: Conversation) -> None:
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAlice Wang: ACTION @dave: book the venue for the workshop\n"
    acme.say("transcript", file=IncomingFile("workshop.vtt", len(data), data))
    reply = acme.say("accept 1 1")
    assert "@dave is not on the account team" in reply.plain_text()
    [task] = tasks(acme)
    assert task.owner_text == "@dave" and task.role == "AR"


def test_chinese_transcript_in_a_chinese_channel(chat: Conversation) -> None:
    chat.say('account new "华星零售"')
    chat.say("account set lang=zh")
    chat.say("triangle AR=@zhang FR=@li")
    data = (SAMPLES / "tencent_meeting_zh.txt").read_bytes()
    reply = chat.say("transcript", file=IncomingFile("腾讯会议.txt", len(data), data))
    text = reply.plain_text()
    assert reply.title == "会议转写 腾讯会议.txt 已保存为 华星零售 的第 1 条纪要。"
    assert "发言人" in text and "张伟, 李娜, 王芳" in text
    assert "1. 完成一期验收 — 交付经理 — 截止 2026年12月5日（周六）" in text
    assert ("创建", "accept 1 1") in buttons(reply)
    created = chat.say("采纳 1 全部")
    assert "#1 完成一期验收" in created.plain_text()
    assert "已记录" in chat.say("采纳 1 决定 1").plain_text()
    with chat.core.sessions() as session:
        assert session.exec(select(Note)).one().text.startswith("会议转写：腾讯会议.txt\n")


# --- refusals: clear, and nothing half-stored -------------------------------------------


def test_transcript_without_a_file_says_how(acme: Conversation) -> None:
    reply = acme.say("transcript")
    assert reply.is_error and ".vtt, .srt, .txt or .docx" in reply.title
    assert "kambot import transcript" in reply.plain_text()


@pytest.mark.parametrize(("file", "words"), [
    (IncomingFile("minutes.pdf", 10, b"%PDF-1.7 x"), "I read .vtt, .srt, .txt, .docx"),
    (IncomingFile("huge.vtt", MAX_FILE_BYTES + 1, None), "I read files up to 5.0 MB"),
    (IncomingFile("lost.vtt", 100, None), "could not download lost.vtt"),
    (IncomingFile("broken.docx", 20, b"PK\x03\x04 not really"), "not a valid Word .docx file"),
    (IncomingFile("long.txt", 150_000, b"a" * 150_000), "a note holds at most 100000"),
])
def test_a_file_that_cannot_be_a_note_leaves_nothing(acme: Conversation, file: IncomingFile,
                                                     words: str) -> None:
    reply = acme.say("transcript", file=file)
    assert reply.is_error and reply.private
    assert words in reply.plain_text()
    assert count(acme, Note) == 0 and count(acme, Proposal) == 0


def test_a_transcript_outside_an_account_channel(chat: Conversation) -> None:
    reply = chat.say("transcript", file=zoom())
    assert reply.is_error and "not an account channel" in reply.title
    assert count(chat, Note) == 0


def test_accept_errors(acme: Conversation) -> None:
    acme.say("note Met the CIO.\nACTION: SR to send the quote by friday")
    assert "proposes nothing" in acme.say("accept 1").title
    acme.say("transcript", file=zoom())
    assert acme.say("accept").is_error
    assert "There is no note 9" in acme.say("accept 9 1").title
    assert "no proposed action 7 (it has 3)" in acme.say("accept 2 7").title
    assert "no proposed decision 2 (it has 1)" in acme.say("accept 2 decision 2").title
    assert '"x1" is not a proposal number' in acme.say("accept 2 x1").title
    assert len(tasks(acme)) == 1  # only the typed note's own task


def test_help_lists_the_new_verbs_in_both_languages(acme: Conversation) -> None:
    listing = acme.text("help")
    assert "transcript — a transcript or minutes file" in listing
    assert "accept — create a transcript's proposed actions" in listing
    assert "accept <note>" in acme.text("help accept")
    assert "会保存为纪要，并提出其中的行动项和决定" in acme.text("帮助 transcript")
    assert "采纳 3 全部" in acme.text("帮助 accept")


def test_a_transcript_note_is_deleted_with_its_proposals_and_undo_brings_them_back(
        acme: Conversation) -> None:
    acme.say("transcript", file=zoom())
    acme.say("accept 1 1")
    acme.say("accept 1 decision 1")
    with acme.core.sessions() as session:
        before = sorted((p.kind, p.number, p.text, p.task_id is not None,
                         p.decision_id is not None)
                        for p in session.exec(select(Proposal)).all())
    assert any(accepted for *_, accepted in before)
    deleted = acme.say("note delete 1")
    assert deleted.tone is Tone.SUCCESS, deleted.plain_text()
    assert (count(acme, Note), count(acme, Proposal), count(acme, Decision)) == (0, 0, 0)
    assert len(tasks(acme)) == 1  # the task it made stays
    assert "Undone" in acme.say("undo").plain_text()
    with acme.core.sessions() as session:
        after = session.exec(select(Proposal)).all()
        assert sorted((p.kind, p.number, p.text, p.task_id is not None,
                       p.decision_id is not None) for p in after) == before
        [decision] = session.exec(select(Decision)).all()
        assert [p.decision_id for p in after if p.decision_id] == [decision.id]
    # and what was not accepted can still be accepted
    assert "already" not in acme.say("accept 1 2").plain_text()
