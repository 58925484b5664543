"""Correcting the record from chat: task <n> [edit], cancel, notes, note <n>, note delete,
in English and Chinese, played through the real dispatcher on a console channel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.messages import Tone
from storage import repos, search
from storage.models import AuditLog, Decision, Note, Task, UndoStash
from tests.support import Conversation

NOTE = "Met Li Wei (CIO).\nThey want the pilot live in January.\nACTION: SR to send the revised quote by 2026-12-04\nACTION: FR to book the installation crew by 2026-12-05"


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    for who in ("bob", "carol", "dana", "erin"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def task_row(chat: Conversation, number: int) -> Task:
    with chat.core.sessions.begin() as s:
        acct = repos.account_by_name(s, name="Acme Corp")
        assert acct is not None and acct.id is not None
        found = repos.task_by_number(s, account_id=acct.id, number=number)
        assert found is not None
        s.expunge(found)
        return found


def notes_in_db(chat: Conversation) -> list[Note]:
    with chat.core.sessions.begin() as s:
        rows = list(s.exec(select(Note).order_by(Note.number)).all())
        for r in rows:
            s.expunge(r)
        return rows


def person_id(chat: Conversation, name: str) -> int:
    with chat.core.sessions.begin() as s:
        person = repos.person_by_username(s, platform="console", username=name)
        assert person is not None and person.id is not None
        return person.id


# --- task <n> and task <n> edit -------------------------------------------------------------


def test_task_number_alone_shows_the_task_with_its_buttons(acme: Conversation) -> None:
    acme.say('task "Send the revised quote" owner=SR due=2026-12-04')
    reply = acme.say("task 1")
    assert reply.title.startswith("#1 Send the revised quote · SR · bob")
    assert [b.command for b in reply.buttons] == ["done 1", "task 1 edit", "cancel 1"]
    assert "alice" in reply.plain_text()  # who created it
    with acme.core.sessions.begin() as s:
        assert len(s.exec(select(Task)).all()) == 1  # no task titled "1"


def test_task_edit_alone_gives_the_line_to_copy(acme: Conversation) -> None:
    acme.say('task “Send the "revised" quote” owner=SR due=2026-12-04 shared')
    reply = acme.say("task 1 edit")
    assert reply.private
    [form] = [s for s in reply.sections if s.code]
    assert form.code == 'task 1 edit title=“Send the "revised" quote” due=2026-12-04 owner=SR shared'
    assert "Send the" in reply.plain_text() and "2026-12-04" in reply.plain_text()


def test_task_edit_changes_several_fields_at_once_and_says_what_changed(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR due=2026-12-04')
    reply = acme.say('task 1 edit title="Send the final quote" due=2026-12-11 owner=FR shared')
    assert reply.tone is Tone.SUCCESS and reply.title == "#1 updated"
    text = reply.plain_text()
    assert "owner SR · bob → FR · carol" in text
    assert "due 2026-12-04 → 2026-12-11" in text
    assert 'title Send the quote → Send the final quote' in text
    assert "shared no → yes" in text
    task = task_row(acme, 1)
    assert (task.title, task.role, task.assignee_id, task.due_date, task.shared) == (
        "Send the final quote", "FR", person_id(acme, "carol"), date(2026, 12, 11), True)
    assert any(b.command.startswith("undo id=") for b in reply.buttons)


def test_task_edit_person_without_a_role_keeps_the_role(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task 1 edit owner=@erin due=none internal")
    task = task_row(acme, 1)
    assert (task.role, task.assignee_id, task.due_date, task.shared) == (
        "SR", person_id(acme, "erin"), None, False)
    acme.say("task 1 edit owner=sponsor")
    task = task_row(acme, 1)
    assert (task.role, task.assignee_id) == ("SPONSOR", person_id(acme, "dana"))


def test_task_edit_in_other_word_orders(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task edit #1 due=2026-12-24")
    assert task_row(acme, 1).due_date == date(2026, 12, 24)
    acme.say("task 1 edit @carol")
    assert task_row(acme, 1).assignee_id == person_id(acme, "carol")


def test_task_edit_with_nothing_new_changes_nothing(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR due=2026-12-04')
    reply = acme.say("task 1 edit due=2026-12-04")
    assert "nothing changed" in reply.title
    with acme.core.sessions.begin() as s:
        assert not s.exec(select(AuditLog).where(AuditLog.action == "task.edit")).all()


@pytest.mark.parametrize(("command", "expected"), [
    ("task 1 edit colour=red", 'does not take "colour="'),
    ("task 1 edit tomorrow please", '"tomorrow" is not something I can change'),
    ("task 1 edit due=someday", 'can\'t read "someday" as a date'),
    ("task 1 edit owner=nobody-here", "not an owner I understand"),
    ("task 1 edit shared=maybe", "is not yes or no"),
    ('task 1 edit title=""', "needs a title"),
    ("task 9 edit due=friday", "There is no task #9"),
])
def test_task_edit_refuses_bad_input_clearly(acme: Conversation, command: str, expected: str) -> None:
    acme.say('task "Send the quote" owner=SR due=2026-12-04')
    reply = acme.say(command)
    assert reply.is_error and expected in reply.plain_text(), reply.plain_text()
    assert task_row(acme, 1).due_date == date(2026, 12, 4)


def test_a_new_task_starting_with_a_number_is_still_a_new_task(acme: Conversation) -> None:
    reply = acme.say("task 3 boxes to the warehouse owner=FR")
    assert reply.title.startswith("Task #1 added")
    assert task_row(acme, 1).title == "3 boxes to the warehouse"


def test_chinese_task_edit(acme: Conversation) -> None:
    acme.say('task "发送报价" 负责人=SR')
    reply = acme.say("任务 1 编辑 标题=“发送最终报价” 截止=2026-12-18 负责人=交付经理 共享")
    assert reply.tone is Tone.SUCCESS and "已更新" in reply.title
    assert "负责人" in reply.plain_text() and "→" in reply.plain_text()
    task = task_row(acme, 1)
    assert (task.title, task.role, task.due_date, task.shared) == (
        "发送最终报价", "FR", date(2026, 12, 18), True)
    acme.say("任务 1 编辑 内部 截止=无")
    task = task_row(acme, 1)
    assert (task.shared, task.due_date) == (False, None)
    prompt = acme.say("任务 1 编辑")
    assert "复制" in prompt.plain_text() and "task 1 edit" in prompt.plain_text()


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_keeps_the_task_out_of_open_lists(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say('task "Book the crew" owner=FR')
    reply = acme.say("cancel 1 the customer dropped the pilot")
    assert reply.tone is Tone.SUCCESS
    assert "#1 Send the quote: cancelled" in reply.plain_text()
    assert "the customer dropped the pilot" in reply.plain_text()
    assert reply.buttons and reply.buttons[0].command.startswith("undo id=")
    task = task_row(acme, 1)
    assert (task.status, task.cancel_reason) == ("cancelled", "the customer dropped the pilot")
    assert task.closed_at is not None
    for listing in ("open", "tasks", "tasks all", "tasks mine"):
        assert "Send the quote" not in acme.text(listing), listing
    assert "Book the crew" in acme.text("tasks all")
    cancelled = acme.text("tasks cancelled")
    assert "#1 Send the quote" in cancelled and "cancelled" in cancelled
    assert "Book the crew" not in cancelled
    assert "cancelled" in acme.text("task 1") and "the customer dropped the pilot" in acme.text("task 1")


def test_cancel_several_and_the_ones_that_cannot_be(acme: Conversation) -> None:
    for title in ("A quote", "B quote", "C quote"):
        acme.say(f'task "{title}" owner=SR')
    acme.say("done 3")
    reply = acme.say("cancel 1,2 3")
    text = reply.plain_text()
    assert "#1 A quote: cancelled" in text and "#2 B quote: cancelled" in text
    assert "#3 C quote is done" in text
    again = acme.say("cancel 1")
    assert "already cancelled" in again.plain_text() and not again.buttons
    assert [task_row(acme, n).status for n in (1, 2, 3)] == ["cancelled", "cancelled", "done"]


def test_reopen_brings_a_cancelled_task_back(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("cancel 1 duplicate")
    acme.say("reopen 1")
    task = task_row(acme, 1)
    assert (task.status, task.cancel_reason, task.closed_at) == ("open", None, None)
    assert "Send the quote" in acme.text("open")


def test_cancel_usage_and_chinese(acme: Conversation) -> None:
    assert acme.say("cancel").is_error
    assert acme.say("cancel soon").is_error
    assert acme.say("cancel 7").is_error
    acme.say('task "发送报价" 负责人=SR')
    reply = acme.say("取消 1 客户不再需要")
    assert "已取消" in reply.plain_text() and "客户不再需要" in reply.plain_text()
    assert "发送报价" in acme.text("任务列表 已取消")
    assert "发送报价" not in acme.text("未完成")


# --- notes and note <n> ---------------------------------------------------------------------


def test_notes_lists_recent_notes_numbered(acme: Conversation) -> None:
    acme.say("note " + NOTE)
    acme.say("note Short call with procurement about the renewal.", user="bob")
    reply = acme.say("notes")
    assert reply.title == "Acme Corp: 2 note(s), newest first"
    lines = [i.text for s in reply.sections for i in s.items]
    assert lines[0].startswith("Note 2 · 2026-11-24 · bob · 0 task(s) — Short call")
    assert lines[1].startswith("Note 1 · 2026-11-24 · alice · 2 task(s) — Met Li Wei (CIO).")
    assert [b.command for s in reply.sections for i in s.items for b in i.buttons] == [
        "note 2", "note 1"]
    assert acme.say("纪要列表").title == "Acme Corp：共 2 份纪要，最新在前"


def test_notes_are_paged(acme: Conversation) -> None:
    for n in range(1, 13):
        acme.say(f"note Weekly sync {n}")
    first = acme.say("notes")
    assert len(first.sections[0].items) == 10 and "notes 2" in first.footer
    second = acme.say("notes 2")
    assert [i.text.split(" · ")[0] for i in second.sections[0].items] == ["Note 2", "Note 1"]
    assert acme.say("notes two").is_error


def test_note_number_shows_the_note_whole(acme: Conversation) -> None:
    acme.say("note " + NOTE)
    with acme.core.sessions.begin() as s:
        note = s.exec(select(Note)).one()
        s.add(Decision(account_id=note.account_id, note_id=note.id, text="Pilot goes live in January",
                       line_no=2, created_at=note.created_at))
    for command in ("note 1", "note #1", "纪要 1", "note show 1"):
        reply = acme.say(command)
        text = reply.plain_text()
        assert "Note 1 · Acme Corp" in text or "纪要 1 · Acme Corp" in text, command
        assert NOTE.split("\n")[1] in text.split("\n")  # line breaks kept
        assert "Pilot goes live in January" in text
        assert "#1 send the revised quote" in text and "#2 book the installation crew" in text
    assert len(notes_in_db(acme)) == 1  # nothing saved by reading


def test_note_number_unknown(acme: Conversation) -> None:
    reply = acme.say("note 4")
    assert reply.is_error and "no note 4" in reply.title
    assert notes_in_db(acme) == []


def test_note_delete_by_its_author(acme: Conversation) -> None:
    acme.say("note " + NOTE)
    with acme.core.sessions.begin() as s:
        note = s.exec(select(Note)).one()
        s.add(Decision(account_id=note.account_id, note_id=note.id, text="Go live in January",
                       created_at=note.created_at))
        account_id = note.account_id
    with acme.core.sessions.begin() as s:
        assert search.search_notes(s, account_id=account_id, question="installation crew")
    reply = acme.say("note delete 1")
    assert reply.tone is Tone.SUCCESS and "Note 1 deleted" in reply.title
    assert "#1, #2" in reply.plain_text() and reply.buttons[0].command.startswith("undo id=")
    assert notes_in_db(acme) == []
    assert [task_row(acme, n).source_note_id for n in (1, 2)] == [None, None]
    with acme.core.sessions.begin() as s:
        assert s.exec(select(Decision)).all() == []
        assert search.search_notes(s, account_id=account_id, question="installation crew") == []
        entry = s.exec(select(AuditLog).where(AuditLog.action == "note.delete")).one()
        assert "Li Wei" not in str(entry.detail)  # the text is not kept in the history
        assert s.exec(select(UndoStash)).one().audit_id == entry.id


def test_note_delete_only_by_author_or_admin(acme: Conversation) -> None:
    acme.say("note Met the CIO")
    refused = acme.say("note delete 1", user="bob")
    assert refused.is_error and "author or an admin" in refused.title
    assert len(notes_in_db(acme)) == 1
    acme.core.settings.KAMBOT_ADMINS.append("erin")
    assert not acme.say("纪要 删除 1", user="erin").is_error
    assert notes_in_db(acme) == []


def test_a_note_mentioning_delete_is_still_a_note(acme: Conversation) -> None:
    reply = acme.say("note delete 3 files from the server")
    assert reply.title.startswith("Note 1 saved")


# --- help ------------------------------------------------------------------------------------


def test_help_shows_the_new_verbs_and_forms(chat: Conversation) -> None:
    overview = chat.text("help")
    for verb in ("notes —", "cancel —", "history —", "undo —"):
        assert verb in overview
    assert "task <n> edit [title=" in chat.text("help task")
    note = chat.text("help note")
    assert "note <n>" in note and "note delete <n>" in note
    assert "取消" in chat.text("help cancel") and "撤销" in chat.text("help undo")
    assert "tasks [mine|overdue|done|cancelled|all]" in chat.text("help tasks")
    zh = chat.text("帮助 任务")
    assert "任务 <编号> 编辑 [标题=" in zh and "共享|内部" in zh
    assert "纪要 删除 <编号>" in chat.text("帮助 笔记")
    assert "撤回你在本频道最近的一次改动" in chat.text("帮助")
    assert "历史 [页码]" in chat.text("帮助 历史")


def test_console_note_reply_shows_the_text_commands(acme: Conversation) -> None:
    text = acme.text("note " + NOTE)
    assert "[done 1] [task 1 edit] [cancel 1]" in text
    assert "[done 2] [task 2 edit] [cancel 2]" in text


def test_the_edit_line_sent_unchanged_changes_nothing(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR due=2026-12-04')
    acme.say("task 1 edit owner=@erin")  # a person who holds no role here
    [line] = [s.code for s in acme.say("task 1 edit").sections if s.code]
    assert "owner=@erin" in line
    assert "nothing changed" in acme.say(line).title
    with acme.core.sessions.begin() as s:
        task = s.exec(select(Task)).one()
        task.assignee_id = None  # left without a person while SR has one
    [line] = [s.code for s in acme.say("task 1 edit").sections if s.code]
    assert "owner=" not in line
    assert "nothing changed" in acme.say(line).title


def test_the_edit_line_keeps_a_title_with_quotes_as_written(acme: Conversation) -> None:
    acme.say('task “Send the "final" quote” owner=SR due=2026-12-04')
    [line] = [s.code for s in acme.say("task 1 edit").sections if s.code]
    assert "nothing changed" in acme.say(line).title
    with acme.core.sessions.begin() as s:
        assert s.exec(select(Task)).one().title == 'Send the "final" quote'
