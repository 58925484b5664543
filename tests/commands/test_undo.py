"""undo: every kind of change taken back, and the rules (same person, same channel, within
the window, nothing someone changed since, nothing undone twice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.clock import FixedClock
from bot.messages import Tone
from bot.scheduler import purge_undo_stash
from storage import repos, search
from storage.models import (
    Account,
    AuditLog,
    ChannelBinding,
    Decision,
    Note,
    PlanSection,
    RoleAssignment,
    Signal,
    Stakeholder,
    Task,
    UndoStash,
)
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    for who in ("bob", "carol", "dana", "erin", "dave"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def rows(chat: Conversation, model: type, *where: object) -> list:
    with chat.core.sessions.begin() as s:
        found = list(s.exec(select(model).where(*where)).all())
        for r in found:
            s.expunge(r)
        return found


def task(chat: Conversation, number: int) -> Task | None:
    found = rows(chat, Task, Task.number == number)
    return found[0] if found else None


def account(chat: Conversation) -> Account:
    [acct] = rows(chat, Account)
    return acct


def pid(chat: Conversation, name: str) -> int:
    with chat.core.sessions.begin() as s:
        person = repos.person_by_username(s, platform="console", username=name)
        assert person is not None and person.id is not None
        return person.id


def undone(chat: Conversation, **kw: object) -> str:
    reply = chat.say("undo", **kw)
    assert reply.tone is Tone.SUCCESS, reply.plain_text()
    return reply.plain_text()


# --- each kind of change --------------------------------------------------------------------


def test_undo_task_create_removes_it(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    text = undone(acme)
    assert 'Undone: added task #1 "Send the quote", SR · bob' in text
    assert task(acme, 1) is None
    assert "Send the quote" not in acme.text("tasks all")


def test_undo_task_edit_restores_every_field(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR due=2026-12-04')
    acme.say('task 1 edit title="Final quote" due=2026-12-11 owner=FR shared')
    text = undone(acme)
    assert "Undone: edited #1" in text and "#1 Send the quote · SR · bob" in text
    t = task(acme, 1)
    assert t is not None
    assert (t.title, t.role, t.assignee_id, t.due_date, t.shared) == (
        "Send the quote", "SR", pid(acme, "bob"), date(2026, 12, 4), False)


@pytest.mark.parametrize(("command", "before", "after"), [
    ("done 1", "open", "done"),
    ("cancel 1 not needed", "open", "cancelled"),
])
def test_undo_status_changes(acme: Conversation, command: str, before: str, after: str) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say(command)
    assert task(acme, 1).status == after  # type: ignore[union-attr]
    undone(acme)
    t = task(acme, 1)
    assert t is not None and (t.status, t.closed_at, t.cancel_reason) == (before, None, None)


def test_undo_reopen_puts_back_done_or_cancelled(acme: Conversation) -> None:
    acme.say('task "A quote" owner=SR')
    acme.say('task "B quote" owner=SR')
    acme.say("done 1")
    acme.say("cancel 2 duplicate")
    acme.say("reopen 1")
    undone(acme)
    assert task(acme, 1).status == "done"  # type: ignore[union-attr]
    acme.say("reopen 2")
    undone(acme)
    t = task(acme, 2)
    assert t is not None and (t.status, t.cancel_reason) == ("cancelled", "duplicate")


def test_undo_a_command_on_several_tasks_undoes_them_all(acme: Conversation) -> None:
    for title in ("A quote", "B quote", "C quote"):
        acme.say(f'task "{title}" owner=SR')
    acme.say("done 1 2 3")
    text = undone(acme)
    assert "3 changes" in text
    assert [task(acme, n).status for n in (1, 2, 3)] == ["open"] * 3  # type: ignore[union-attr]


def test_undo_reassign(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("reassign 1 owner=FR")
    text = undone(acme)
    assert 'reassigned #1 "Send the quote": owner SR · bob → FR · carol' in text
    t = task(acme, 1)
    assert t is not None and (t.role, t.assignee_id) == ("SR", pid(acme, "bob"))


def test_undo_note_create_removes_the_note_and_its_tasks(acme: Conversation) -> None:
    acme.say('task "Older task" owner=AR')
    acme.say("note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04")
    assert task(acme, 2) is not None
    text = undone(acme)
    assert "added note 1 (1 task(s)" in text and "Note 1 and its 1 task(s) are removed" in text
    assert rows(acme, Note) == [] and task(acme, 2) is None and task(acme, 1) is not None
    with acme.core.sessions.begin() as s:
        assert search.search_notes(s, account_id=account(acme).id or 0, question="revised quote") == []


def test_undo_note_create_refused_when_a_task_of_it_changed_since(acme: Conversation) -> None:
    acme.say("note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04")
    acme.say("done 1", user="bob")
    reply = acme.say("undo")
    assert reply.is_error and "bob changed this since" in reply.title
    assert len(rows(acme, Note)) == 1 and task(acme, 1) is not None


def test_undo_note_delete_brings_it_back_whole(acme: Conversation) -> None:
    acme.say("note Met the CIO.\nLine two.\nACTION: SR to send the revised quote by 2026-12-04")
    [note] = rows(acme, Note)
    with acme.core.sessions.begin() as s:
        s.add(Decision(account_id=note.account_id, note_id=note.id, text="Go live in January",
                       line_no=2, created_at=note.created_at))
    acme.say("note delete 1")
    text = undone(acme)
    assert "Note 1 is back, with its 1 task(s) and 1 decision(s)" in text
    [back] = rows(acme, Note)
    assert (back.id, back.number, back.text, back.created_at, back.author_id) == (
        note.id, note.number, note.text, note.created_at, note.author_id)
    assert task(acme, 1).source_note_id == note.id  # type: ignore[union-attr]
    assert [d.text for d in rows(acme, Decision)] == ["Go live in January"]
    assert rows(acme, UndoStash) == []
    with acme.core.sessions.begin() as s:
        hits = search.search_notes(s, account_id=note.account_id, question="revised quote")
        assert [h.note_id for h in hits] == [note.id]
    assert "Line two." in acme.text("note 1")


def test_undo_triangle_and_handover_put_the_role_and_its_tasks_back(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task 1 edit owner=@erin")  # a task of SR held by someone else stays theirs
    acme.say('task "Send the bid" owner=SR')
    acme.say("handover SR @dave")
    assert task(acme, 2).assignee_id == pid(acme, "dave")  # type: ignore[union-attr]
    text = undone(acme)
    assert "SR handed over from bob to dave" in text and "SR is back with bob" in text
    assert task(acme, 2).assignee_id == pid(acme, "bob")  # type: ignore[union-attr]
    assert task(acme, 1).assignee_id == pid(acme, "erin")  # type: ignore[union-attr]
    current = rows(acme, RoleAssignment, RoleAssignment.role == "SR",
                   sa.column("ended_at").is_(None))
    assert [r.person_id for r in current] == [pid(acme, "bob")]
    assert len(rows(acme, RoleAssignment, RoleAssignment.role == "SR")) == 1  # dave's term gone


def test_undo_triangle_of_several_roles(acme: Conversation) -> None:
    acme.say("triangle SR=@dave FR=@erin")
    text = undone(acme)
    assert "2 changes" in text
    holders = {r.role: r.person_id for r in rows(acme, RoleAssignment)
               if r.ended_at is None}
    assert holders["SR"] == pid(acme, "bob") and holders["FR"] == pid(acme, "carol")


def test_undo_account_set_and_its_sponsor(acme: Conversation) -> None:
    acme.say("account set revenue=1.2M margin=30% renewal=2027-03-31 industry=Retail")
    acme.say('account set revenue=2M tier=potential name="Acme Group" lang=zh sponsor=@dave')
    text = undone(acme)
    assert "已撤销：2 项改动" in text  # lang=zh: the channel speaks Chinese until undone
    acct = account(acme)
    assert (acct.name, acct.name_key, acct.revenue, acct.tier, acct.language) == (
        "Acme Corp", "acme corp", 1_200_000, "core", None)
    assert acct.renewal_date == date(2027, 3, 31) and acct.industry == "Retail"
    [binding] = rows(acme, ChannelBinding)
    assert binding.language is None
    sponsor = [r for r in rows(acme, RoleAssignment, RoleAssignment.role == "SPONSOR")
               if r.ended_at is None]
    assert [r.person_id for r in sponsor] == [pid(acme, "dana")]
    undone(acme)
    acct = account(acme)
    assert (acct.revenue, acct.margin, acct.renewal_date, acct.industry) == (None, None, None, None)


def test_undo_account_score(acme: Conversation) -> None:
    acme.say("account score value=4 potential=5 fit=4 cost=2")
    acme.say("account score value=2")
    undone(acme)
    assert account(acme).score_value == 4
    undone(acme)
    acct = account(acme)
    assert (acct.score_value, acct.score_potential, acct.score_fit, acct.score_cost) == (None,) * 4


def test_undo_account_new_deletes_a_bare_account(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    text = undone(chat)
    assert "Acme Corp is deleted and this channel is free again" in text
    assert rows(chat, Account) == [] and rows(chat, ChannelBinding) == []
    assert chat.say("open").is_error  # not bound any more
    assert not chat.say('account new "Acme Corp"').is_error  # the name is free too


def test_undo_account_new_is_refused_once_it_has_a_record(chat: Conversation) -> None:
    chat.say('account new "Acme Corp"')
    chat.say('task "Send the quote"', user="bob")
    reply = chat.say("undo")  # alice's last change is the account; bob's task is a record
    assert reply.is_error and "Acme Corp has a record now" in reply.title
    assert len(rows(chat, Account)) == 1 and len(rows(chat, ChannelBinding)) == 1


def test_undo_account_link_unbinds_the_channel(acme: Conversation) -> None:
    acme.say('account link "Acme Corp"', channel="acme-delivery")
    text = undone(acme, channel="acme-delivery")
    assert "no longer linked to Acme Corp" in text
    assert [b.channel for b in rows(acme, ChannelBinding)] == ["acme-team"]
    assert acme.say("open", channel="acme-delivery").is_error


def test_undo_plan_sections(acme: Conversation) -> None:
    acme.say("plan goals Grow the platform business by 20%")
    acme.say("plan goals Grow wallet share in APAC")
    text = undone(acme)
    assert "The plan's customer goals is as it was" in text
    [row] = rows(acme, PlanSection)
    assert row.text == "Grow the platform business by 20%"
    undone(acme)
    assert rows(acme, PlanSection) == []


def test_undo_stakeholder_add_update_remove(acme: Conversation) -> None:
    acme.say('stakeholder add "Li Wei" title=CIO power=5 stance=supporter')
    acme.say('stakeholder add "Li Wei" power=3 stance=blocker')
    acme.say('stakeholder remove "Li Wei"')
    assert rows(acme, Stakeholder) == []
    assert "Li Wei is as they were" in undone(acme)
    [row] = rows(acme, Stakeholder)
    assert (row.power, row.stance) == (3, "blocker")
    undone(acme)
    [row] = rows(acme, Stakeholder)
    assert (row.title, row.power, row.stance) == ("CIO", 5, "supporter")
    assert "Li Wei is no longer a stakeholder" in undone(acme)
    assert rows(acme, Stakeholder) == []


def test_undo_signals(acme: Conversation) -> None:
    acme.say("signal nps=45 csat=4.5")
    acme.say("signal nps=-20")
    assert "1 signal(s) removed" in undone(acme)
    assert sorted((s.metric, s.value) for s in rows(acme, Signal)) == [("csat", 4.5), ("nps", 45)]


# --- the rules --------------------------------------------------------------------------------


def test_undo_steps_back_and_never_redoes(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task 1 edit due=2026-12-04")
    acme.say("done 1")
    undone(acme)
    assert task(acme, 1).status == "open"  # type: ignore[union-attr]
    undone(acme)
    assert task(acme, 1).due_date is None  # type: ignore[union-attr]
    undone(acme)
    assert task(acme, 1) is None
    undone(acme)  # the triangle
    undone(acme)  # the account itself, bare again
    reply = acme.say("undo", channel="acme-team")
    assert reply.is_error


def test_nothing_to_undo_and_everything_undone(acme: Conversation) -> None:
    nothing = acme.say("undo", user="bob")
    assert nothing.is_error and "nothing to undo" in nothing.title
    acme.say('task "Send the quote" owner=SR', user="bob")
    undone(acme, user="bob")
    left = acme.say("undo", user="bob")
    assert left.is_error and "undone already" in left.title


def test_undo_window(acme: Conversation, clock: FixedClock) -> None:
    acme.say('task "Send the quote" owner=SR', user="bob")
    clock.advance(timedelta(minutes=11))
    reply = acme.say("undo", user="bob")
    assert reply.is_error and "10 minutes" in reply.title
    assert task(acme, 1) is not None


def test_undo_window_is_a_setting(acme: Conversation, clock: FixedClock) -> None:
    acme.core.settings.KAMBOT_UNDO_MINUTES = 30
    acme.say('task "Send the quote" owner=SR', user="bob")
    clock.advance(timedelta(minutes=25))
    undone(acme, user="bob")
    assert task(acme, 1) is None


def test_undo_is_per_person_and_per_channel(acme: Conversation) -> None:
    acme.say('account link "Acme Corp"', channel="acme-delivery")
    acme.say('task "Send the quote" owner=SR', channel="acme-delivery")
    acme.say('task "Send the bid" owner=SR', user="bob")
    text = undone(acme)  # alice, in acme-team: her changes here are older (the triangle)
    assert "Send the quote" not in text and "Send the bid" not in text
    assert task(acme, 1) is not None and task(acme, 2) is not None
    assert "Send the quote" in undone(acme, channel="acme-delivery")
    assert "Send the bid" in undone(acme, user="bob")


def test_a_later_change_by_someone_else_refuses_the_undo(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task 1 edit due=2026-12-04")
    acme.say("task 1 edit due=2026-12-11", user="bob")
    reply = acme.say("undo")
    assert reply.is_error
    assert "bob changed this since" in reply.title and "2026-12-11" in reply.title
    assert task(acme, 1).due_date == date(2026, 12, 11)  # type: ignore[union-attr]
    undone(acme, user="bob")  # bob's own undo puts his change back; then alice's works
    undone(acme)
    assert task(acme, 1).due_date is None  # type: ignore[union-attr]


def test_a_change_outside_the_history_refuses_the_undo(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    acme.say("task 1 edit due=2026-12-04")
    with acme.core.sessions.begin() as s:
        s.execute(sa.update(Task).values(due_date=date(2027, 1, 1)))
    reply = acme.say("undo")
    assert reply.is_error and "#1 has changed since" in reply.title
    assert task(acme, 1).due_date == date(2027, 1, 1)  # type: ignore[union-attr]


def test_undo_by_id_is_for_its_author_only_and_once(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    reply = acme.say("cancel 1")
    button = reply.buttons[0].command
    assert button.startswith("undo id=")
    refused = acme.say(button, user="bob")
    assert refused.is_error and "Only the person who made a change" in refused.title
    acme.say('task "Send the bid" owner=SR')  # a later, unrelated change
    first = acme.say(button)
    assert first.tone is Tone.SUCCESS and "cancelled #1" in first.title
    assert task(acme, 1).status == "open" and task(acme, 2) is not None  # type: ignore[union-attr]
    again = acme.say(button)
    assert again.is_error and "undone already" in again.title
    assert acme.say("undo 1").is_error and acme.say("undo id=x").is_error


def test_each_change_is_undone_once_by_the_database(acme: Conversation) -> None:
    acme.say('task "Send the quote" owner=SR')
    undone(acme)
    with acme.core.sessions.begin() as s:
        [undo] = s.exec(select(AuditLog).where(AuditLog.action == "undo")).all()
        target = undo.undoes_id
    with pytest.raises(sa.exc.IntegrityError), acme.core.sessions.begin() as s:
        repos.audit(s, at=undo.at, action="undo", undoes_id=target)
        s.flush()


def test_a_deleted_notes_text_is_purged_after_the_window(acme: Conversation, clock: FixedClock) -> None:
    acme.say("note Confidential: the CFO is leaving")
    acme.say("note delete 1")
    assert len(rows(acme, UndoStash)) == 1
    clock.advance(timedelta(minutes=5))
    assert purge_undo_stash(acme.core) == 0  # still within the window
    clock.advance(timedelta(minutes=7))
    assert purge_undo_stash(acme.core) == 1  # the scheduler's quarter-hourly job
    assert rows(acme, UndoStash) == []
    assert acme.say("undo").is_error
    with acme.core.sessions.begin() as s:
        everything = " ".join(str(e.detail) for e in s.exec(select(AuditLog)).all())
    assert "CFO" not in everything


def test_undo_in_chinese(acme: Conversation) -> None:
    acme.say('任务 "发送报价" 负责人=SR')
    reply = acme.say("撤销")
    assert reply.tone is Tone.SUCCESS and reply.title.startswith("↶ 已撤销：新建任务 #1“发送报价”")
    assert task(acme, 1) is None
    assert "没有可撤销" in acme.say("撤销", user="bob").title
