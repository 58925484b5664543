"""What the health model is given: storage.health_repo.gather_inputs and its queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from commands.health import Color, Health, HealthInputs, Reason, Thresholds, assess
from commands.scorecard import OverdueItem, OverdueTotal
from storage import health_repo, repos
from storage.db import SessionFactory
from storage.models import TaskStatus


@pytest.fixture
def sessions(engine) -> SessionFactory:
    return SessionFactory(engine)


def test_inputs_of_a_fresh_account_are_neutral(sessions, clock):
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=clock.now())
        inputs = health_repo.gather_inputs(s, account=acct, today=clock.today())
    assert inputs.nps is None and inputs.usage is None
    assert inputs.overdue_count == 0 and inputs.oldest_overdue_days is None
    assert inputs.days_since_note == 0 and inputs.days_since_exec_meeting == 0
    assert inputs.exec_meeting_recorded is False
    assert inputs.renewal_date is None and inputs.has_renewal_task is False


def test_inputs_from_the_record(sessions, clock):
    today = clock.today()
    earlier = clock.now() - timedelta(days=40)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="important", at=earlier)
        assert acct.id is not None
        acct.renewal_date = today + timedelta(days=50)
        health_repo.add_signal(s, account_id=acct.id, metric="nps", value=10, at=earlier)
        health_repo.add_signal(s, account_id=acct.id, metric="nps", value=-5, at=clock.now())
        health_repo.add_signal(s, account_id=acct.id, metric="exec_meeting",
                               value_date=today - timedelta(days=20), at=earlier)
        health_repo.add_signal(s, account_id=acct.id, metric="exec_meeting",
                               value_date=today - timedelta(days=30), at=clock.now())
        repos.add_note(s, account_id=acct.id, text="met", author_id=None,
                       at=clock.now() - timedelta(days=12))
        for days, role in ((3, "SR"), (9, "FR"), (-2, "AR")):
            repos.add_task(s, account_id=acct.id, title="work", role=role, assignee_id=None,
                           due_date=today - timedelta(days=days), shared=False, at=earlier)
        done = repos.add_task(s, account_id=acct.id, title="old", role="AR", assignee_id=None,
                              due_date=today - timedelta(days=30), shared=False, at=earlier)
        done.status = TaskStatus.DONE.value
        s.flush()
        inputs = health_repo.gather_inputs(s, account=acct, today=today)
    assert inputs.nps == -5  # the newest value
    assert inputs.days_since_exec_meeting == 20  # the latest meeting date, not the newest row
    assert inputs.exec_meeting_recorded is True
    assert inputs.days_since_note == 12
    assert (inputs.overdue_count, inputs.oldest_overdue_days, inputs.oldest_overdue_number,
            inputs.oldest_overdue_role) == (2, 9, 2, "FR")
    assert inputs.has_renewal_task is False


@pytest.mark.parametrize(("title", "rule_key", "status", "created_days_ago", "counts"), [
    ("Prepare the renewal", None, "open", 1, True),
    ("准备续约方案", None, "open", 1, True),
    ("Anything", "renewal:2027-01-13", "done", 1, True),
    ("Anything", "renewal:2026-01-13", "open", 1, False),  # last year's renewal
    ("Renewal 2025", None, "done", 500, False),  # done long before this renewal's year
    ("Book the QBR", None, "open", 1, False),
])
def test_what_counts_as_a_renewal_task(sessions, clock, title, rule_key, status,
                                       created_days_ago, counts):
    renewal = date(2027, 1, 13)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=clock.now())
        assert acct.id is not None
        task = repos.add_task(s, account_id=acct.id, title=title, role="AR", assignee_id=None,
                              due_date=None, shared=False, rule_key=rule_key,
                              at=clock.now() - timedelta(days=created_days_ago))
        task.status = status
        s.flush()
        assert health_repo.has_renewal_task(s, account_id=acct.id, renewal_date=renewal) is counts
        # The assessment's own check agrees, for one account and in a batch with another.
        acct.renewal_date = renewal
        other = repos.create_account(s, name="Globex", tier="core", at=clock.now())
        other.renewal_date = renewal
        s.flush()
        today = clock.today()
        assert health_repo.gather_inputs(s, account=acct, today=today).has_renewal_task is counts
        many = health_repo.gather_inputs_many(s, accounts=[acct, other], today=today)
        assert acct.id is not None and other.id is not None
        assert many[acct.id].has_renewal_task is counts
        assert many[other.id].has_renewal_task is False


def test_snapshot_kept_only_when_colour_or_score_changes(sessions, clock):
    yellow = Health(Color.YELLOW, 88, [Reason("nps_low", Color.YELLOW, {"value": 10, "limit": 30})])
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=clock.now())
        assert acct.id is not None
        first = health_repo.save_snapshot(s, account_id=acct.id, health=yellow, at=clock.now())
        again = health_repo.save_snapshot(s, account_id=acct.id, health=yellow,
                                          at=clock.now() + timedelta(days=1))
        worse = health_repo.save_snapshot(s, account_id=acct.id,
                                          health=Health(Color.YELLOW, 76, []),
                                          at=clock.now() + timedelta(days=2))
        assert first[0] is None and again[1] is first[1] and worse[0] is first[1]
        rows = health_repo.snapshots_of(s, account_id=acct.id)
        assert [(r.color, r.score) for r in rows] == [("yellow", 88), ("yellow", 76)]
        assert rows[0].reasons == [{"code": "nps_low", "severity": "yellow",
                                    "values": {"value": 10, "limit": 30}}]
        month_ago = health_repo.snapshot_at(s, account_id=acct.id,
                                            at=clock.now() + timedelta(days=1))
        assert month_ago is not None and month_ago.score == 88


def test_inputs_count_meetings_and_weigh_each_overdue_task(sessions, clock):
    today = clock.today()
    earlier = clock.now() - timedelta(days=40)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=earlier)
        assert acct.id is not None
        fresh = health_repo.gather_inputs(s, account=acct, today=today)
        assert fresh.tasks_recorded is False and fresh.note_recorded is False
        repos.add_note(s, account_id=acct.id, text="met", author_id=None,
                       at=clock.now() - timedelta(days=20), kind="meeting")
        repos.add_note(s, account_id=acct.id, text="an email", author_id=None,
                       at=clock.now() - timedelta(days=2), kind="note")
        repos.add_task(s, account_id=acct.id, title="shared", role="SR", assignee_id=None,
                       due_date=today - timedelta(days=4), shared=True, at=earlier)
        gone = repos.add_task(s, account_id=acct.id, title="withdrawn", role="FR",
                              assignee_id=None, due_date=today - timedelta(days=9),
                              shared=False, at=earlier)
        gone.status = TaskStatus.CANCELLED.value
        s.flush()
        inputs = health_repo.gather_inputs(s, account=acct, today=today)
    assert inputs.days_since_note == 20 and inputs.note_recorded  # the email is no meeting
    assert inputs.tasks_recorded and inputs.overdue_count == 1  # cancelled is never overdue
    # Summed in SQL, not read row by row: the totals, and the oldest task's number and role.
    assert inputs.overdue_totals == (OverdueTotal(shared=True, count=1, days=4),)
    assert (inputs.oldest_overdue_number, inputs.oldest_overdue_days,
            inputs.oldest_overdue_role) == (1, 4, "SR")


def test_overdue_totals_score_as_the_tasks_one_by_one(sessions, clock):
    """The overdue measure from SQL totals equals the one from every task read, for one
    account and for many at once (the portfolio's batch)."""
    today = clock.today()
    earlier = clock.now() - timedelta(days=90)
    ages = {"Acme": [(3, True), (17, False), (40, True), (2, False)],
            "Globex": [(9, False)], "Initech": []}
    with sessions.begin() as s:
        accounts = []
        for name, tasks in ages.items():
            acct = repos.create_account(s, name=name, tier="core", at=earlier)
            assert acct.id is not None
            accounts.append(acct)
            for days, shared in tasks:
                repos.add_task(s, account_id=acct.id, title=f"late {days}", role="AR",
                               assignee_id=None, due_date=today - timedelta(days=days),
                               shared=shared, at=earlier)
            repos.add_task(s, account_id=acct.id, title="not yet", role="SR",
                           assignee_id=None, due_date=today + timedelta(days=3), shared=False,
                           at=earlier)
        s.flush()
        many = health_repo.gather_inputs_many(s, accounts=accounts, today=today)
        one = {a.id: health_repo.gather_inputs(s, account=a, today=today) for a in accounts}
    assert many == one
    th = Thresholds()
    for acct in accounts:
        assert acct.id is not None
        got = one[acct.id]
        late = sorted(ages[acct.name], key=lambda x: -x[0])
        items = tuple(OverdueItem(0, days, shared, "AR") for days, shared in late)
        by_items = HealthInputs(overdue_count=len(items), overdue=items,
                                oldest_overdue_days=late[0][0] if late else None)
        assert got.overdue_count == len(items)
        assert got.oldest_overdue_days == (late[0][0] if late else None)
        mine = [m for m in assess(got, tier="core", today=today, thresholds=th).measures
                if m.code == "overdue"]
        theirs = [m for m in assess(by_items, tier="core", today=today, thresholds=th).measures
                  if m.code == "overdue"]
        assert [(m.score, m.values.get("count"), m.values.get("shared")) for m in mine] == \
            [(m.score, m.values.get("count"), m.values.get("shared")) for m in theirs]
