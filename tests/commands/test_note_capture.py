"""The note verb with the new extractor: names of the team and the customer's people,
customer commitments, unplaced owners, shared flags, decisions and date remarks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from storage import decisions as decision_repo
from storage.models import Decision, Task
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    chat.say('stakeholder add "Li Wei" title=CIO')
    return chat


def tasks(chat: Conversation) -> list[Task]:
    with chat.core.sessions.begin() as s:
        found = s.exec(select(Task).order_by(Task.number)).all()
        s.expunge_all()
        return list(found)


NOTE = """Weekly sync with Acme
Attendees: Alice, Bob, Carol, Li Wei
We sent the pilot report last week.
Decision: phase 2 goes on-prem.
Next steps
- bob to send the revised quote by Friday
- Carol needs to book the installation crew for Dec 5 (shared)
- Li Wei to nominate two key users
- Dave from legal to review the NDA
- Alice: chase the PO by Nov 20
"""


def test_a_note_gives_tasks_to_the_people_it_names(acme: Conversation) -> None:
    reply = acme.say("note " + NOTE)
    text = reply.plain_text()
    found = tasks(acme)
    assert [(t.title, t.role, t.due_date, t.shared, t.owner_text) for t in found] == [
        ("send the revised quote", "SR", date(2026, 11, 27), False, None),
        ("book the installation crew", "FR", date(2026, 12, 5), True, None),
        # The customer's commitment is a customer action owned by their person.
        ("nominate two key users", "CUSTOMER", None, False, "Li Wei"),
        ("review the NDA", "AR", None, False, "Dave from legal"),
        ("chase the PO", "AR", date(2026, 11, 20), False, None),
    ]
    assert found[2].stakeholder_id is not None and found[2].assignee_id is None
    assert "4 action(s) found" in text
    assert "On their side (1)" in text and "#3 nominate two key users · Li Wei" in text
    assert "Decisions (1)" in text and "phase 2 goes on-prem." in text
    assert "Could not place: Dave from legal" in text
    assert '"Nov 20" has already passed this year' in text
    with acme.core.sessions.begin() as s:
        stored = s.exec(select(Decision)).all()
        assert [d.text for d in stored] == ["phase 2 goes on-prem."]
        assert [d.text for d in decision_repo.decisions_of(s, account_id=stored[0].account_id)] == [
            "phase 2 goes on-prem."]


def test_a_chinese_note(acme: Conversation) -> None:
    reply = acme.say("笔记 周会\n决定：二期采用私有化部署\n待办\n· bob：下周三前输出技术方案\n"
                     "· 交付经理 12月5日前完成现场勘察\n· 赵强负责协调机房\n")
    text = reply.plain_text()
    assert [(t.title, t.role) for t in tasks(acme)] == [
        ("输出技术方案", "SR"), ("完成现场勘察", "FR"), ("协调机房", "AR")]
    assert "决定（1）" in text and "无法对应到团队成员：赵强" in text


def test_task_refuses_a_day_already_past(acme: Conversation) -> None:
    reply = acme.say("task Send the deck due=Nov 20")
    assert reply.is_error
    assert "2027-11-20" in reply.plain_text() and "2026-11-20" in reply.plain_text()
    assert acme.say("task Send the deck due=2026-11-20").is_error is False
    ahead = acme.say("task Plan the kickoff due=Jan 15").plain_text()
    assert "2027-01-15" in ahead


def test_task_due_without_quotes(acme: Conversation) -> None:
    acme.say("task Send the deck due=next tuesday")
    acme.say("task Book the crew due=Dec 5 shared")
    assert [(t.title, t.due_date, t.shared) for t in tasks(acme)] == [
        ("Send the deck", date(2026, 12, 1), False),
        ("Book the crew", date(2026, 12, 5), True),
    ]
