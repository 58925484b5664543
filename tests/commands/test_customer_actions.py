"""Customer actions: owned by the customer's side (one of their people, a stakeholder, or
"the customer"), from every entry point; listed apart, never routed to our triangle,
reminded to the AR, counted in the reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.clock import FixedClock
from commands import reports
from storage import alert_repo, repos
from storage.models import Account, Person, Task
from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    chat.say('stakeholder add "Li Wei" title=CIO')
    chat.say('stakeholder add "陈明" title=总经理')
    return chat


def _tasks(chat: Conversation) -> list[Task]:
    with chat.core.sessions.begin() as s:
        found = list(s.exec(select(Task).order_by(Task.number)).all())
        s.expunge_all()
        return found


def test_task_with_a_customer_person_or_the_customer_as_owner(acme: Conversation) -> None:
    reply = acme.text('task "Send the org chart" owner="Li Wei" due=2026-12-04')
    assert "The customer's side owns it" in reply and "Li Wei" in reply
    acme.say("task Provide the test data owner=customer")
    acme.say("task 提供接口文档 owner=客户")
    found = _tasks(acme)
    assert [(t.role, t.assignee_id, t.owner_text) for t in found] == [
        ("CUSTOMER", None, "Li Wei"), ("CUSTOMER", None, None), ("CUSTOMER", None, None)]
    assert found[0].stakeholder_id is not None and found[1].stakeholder_id is None


def test_edit_and_reassign_make_an_action_the_customers_and_back(acme: Conversation) -> None:
    acme.say("task Send the quote")
    assert _tasks(acme)[0].role == "SR"
    acme.say('task 1 edit owner="Li Wei"')
    [task] = _tasks(acme)
    assert (task.role, task.assignee_id, task.owner_text) == ("CUSTOMER", None, "Li Wei")
    acme.say("task 1 edit owner=SR")
    [task] = _tasks(acme)
    assert (task.role, task.owner_text, task.stakeholder_id) == ("SR", None, None)
    assert task.assignee_id is not None


def test_notes_in_english_and_chinese_record_the_customers_commitments(acme: Conversation) -> None:
    text = acme.text("note Sync\nLi Wei will send the org chart by Friday\n陈总负责提供数据\n"
                     "bob to send the revised quote")
    found = _tasks(acme)
    theirs = [(t.title, t.owner_text) for t in found if t.role == "CUSTOMER"]
    assert ("send the org chart", "Li Wei") in theirs
    assert any(title == "提供数据" and owner == "陈明" for title, owner in theirs), theirs
    assert [t.role for t in found if t.role != "CUSTOMER"] == ["SR"]
    assert "On their side (2)" in text


def test_open_lists_the_customers_side_apart_and_last(acme: Conversation) -> None:
    acme.say('task "Send the org chart" owner="Li Wei"')
    acme.say("task Send the quote shared")
    text = acme.text("open")
    assert text.index("SR") < text.index("On their side (1, 0 overdue)")
    assert "#1 Send the org chart · Li Wei" in text
    assert "#2 Send the quote · Bob · shared with customer" in text.replace("bob", "Bob")


def test_the_customers_dated_actions_are_reminded_to_the_ar(acme: Conversation) -> None:
    acme.say('task "Send the org chart" owner="Li Wei" due=2026-11-25')
    with acme.core.sessions.begin() as s:
        alice = s.exec(select(Person).where(Person.user_id == "alice")).one()
        found = alert_repo.open_dated_tasks_by_person(s, until=date(2026, 12, 1))
        assert [t.title for t, _ in found[alice.id]] == ["Send the org chart"]  # type: ignore[index]


def test_reports_count_the_customers_side(acme: Conversation, clock: FixedClock) -> None:
    acme.say('task "Send the org chart" owner="Li Wei" due=2026-11-25')
    acme.say("task Internal pricing review")
    acme.say("task Install the pilot shared")
    with acme.core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert isinstance(account, Account)
        clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
        now = acme.core.clock.now()
        facts = reports.gather_month(s, account=account, month=reports.Month.of(now),
                                     tz=acme.core.clock.tz, now=now)
    internal = reports.compose_report(facts, "en", chart=False).plain_text()
    assert "On the customer's side" in internal and "1 open, 1 overdue" in internal
    joint = reports.compose_shared(facts, "en", chart=False, for_customer=True).plain_text()
    assert "Send the org chart (your side · Li Wei)" in joint
    assert "Install the pilot" in joint and "Internal pricing review" not in joint
    assert "Forward" not in joint and "overdue" not in joint
    zh = reports.compose_shared(facts, "zh", chart=False, for_customer=True).plain_text()
    assert "联合计划" in zh and "贵方 · Li Wei" in zh
