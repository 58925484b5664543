"""A known account record for report tests: Acme Corp with its triangle, tasks, notes,
health snapshots and a stakeholder, set up through the repositories, plus canary strings
planted wherever something internal lives (the shared report must never show them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from storage import repos
from storage.db import SessionFactory
from storage.models import HealthSnapshot, Signal, Stakeholder, TaskStatus

CANARY_NOTE = "CANARY-NOTE-7f3a"
CANARY_REASON = "CANARY-REASON-91bc"
CANARY_STAKEHOLDER = "CANARY-STAKEHOLDER-c0de"
CANARY_TASK = "CANARY-INTERNAL-TASK-55e1"
CANARY_PERSON = "Canaryperson"
CANARIES = (CANARY_NOTE, CANARY_REASON, CANARY_STAKEHOLDER, CANARY_TASK, CANARY_PERSON)


def at(day: str, hour: int = 10) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=UTC)


@dataclass
class Seeded:
    account_id: int
    platform: str
    channel: str


def seed_acme(sessions: SessionFactory, *, platform: str = "console", channel: str = "acme-team",
              workspace: str = "local", name: str = "Acme Corp",
              bound_at: datetime | None = None) -> Seeded:
    """November 2026 for Acme: closed #1 #3, opened #2 #3 #5, overdue #2 at month end,
    open at month end #2 #4 #5; 2 notes (1 meeting); 1 executive meeting; health yellow 61
    -> green 78."""
    with sessions.begin() as s:
        acme = repos.create_account(s, name=name, tier="core", at=at("2026-08-01"))
        assert acme.id is not None
        acme.renewal_date = date(2027, 1, 15)
        repos.bind_channel(s, platform=platform, workspace=workspace, channel=channel,
                           account_id=acme.id, channel_name=channel,
                           at=bound_at or at("2026-08-01"))
        people = {}
        for user, role in (("alice", "AR"), ("bob", "SR"), ("carol", "FR")):
            p = repos.upsert_person(s, platform=platform, user_id=user,
                                    display_name=user.title(), username=user)
            repos.assign_role(s, account_id=acme.id, role=role, person_id=p.id,
                              at=at("2026-08-01"))
            people[user] = p.id
        spy = repos.upsert_person(s, platform=platform, user_id="zed",
                                  display_name=CANARY_PERSON)

        def task(title, role, who, created, *, due=None, closed=None, shared=False):
            t = repos.add_task(s, account_id=acme.id, title=title, role=role,
                               assignee_id=who, due_date=due, shared=shared,
                               at=at(created), routing_reason="CANARY-ROUTING")
            if closed:
                t.status = TaskStatus.DONE.value
                t.closed_at = at(closed)
            return t

        task("Renew the contract", "AR", people["alice"], "2026-10-05",
             due=date(2026, 11, 10), closed="2026-11-08", shared=True)             # 1
        task("Send the quote", "SR", people["bob"], "2026-11-03",
             due=date(2026, 11, 20), shared=True)                                  # 2
        task(f"Install pilot {CANARY_TASK}", "FR", people["carol"], "2026-11-05",
             closed="2026-11-25")                                                  # 3
        task("Fix the invoice", "AR", spy.id, "2026-09-01", due=date(2026, 12, 15))  # 4
        task("Kick-off workshop", "SR", people["bob"], "2026-11-10",
             due=date(2026, 12, 5), shared=True)                                   # 5
        task("Old work", "FR", people["carol"], "2026-08-01", closed="2026-10-20")  # 6
        task("December work", "AR", people["alice"], "2026-12-02", shared=True)    # 7

        repos.add_note(s, account_id=acme.id, text=f"Met the CFO. {CANARY_NOTE}\nmore",
                       author_id=people["alice"], at=at("2026-11-04"))
        repos.add_note(s, account_id=acme.id, text="Email about the quote",
                       author_id=people["bob"], at=at("2026-11-12"), kind="email")
        repos.add_note(s, account_id=acme.id, text="October meeting",
                       author_id=people["bob"], at=at("2026-10-12"))
        for when, color, score in (("2026-09-28", "red", 35), ("2026-10-28", "yellow", 61),
                                   ("2026-11-20", "green", 78), ("2026-12-02", "red", 20)):
            s.add(HealthSnapshot(account_id=acme.id, color=color, score=score,
                                 reasons=[{"text": CANARY_REASON}], at=at(when)))
        for day in (date(2026, 10, 30), date(2026, 11, 18)):
            s.add(Signal(account_id=acme.id, metric="exec_meeting", value_date=day,
                         at=at("2026-11-18")))
        s.add(Stakeholder(account_id=acme.id, name="Dana CFO", name_key="dana cfo",
                          notes=CANARY_STAKEHOLDER, stance="sceptical"))
        return Seeded(acme.id, platform, channel)


def seed_quiet(sessions: SessionFactory, *, platform: str = "console",
               channel: str = "quiet-team", name: str = "Quiet Ltd") -> Seeded:
    """An account with one old open task and nothing else happening in November 2026."""
    with sessions.begin() as s:
        acct = repos.create_account(s, name=name, tier="potential", at=at("2026-06-01"))
        assert acct.id is not None
        repos.bind_channel(s, platform=platform, workspace="local", channel=channel,
                           account_id=acct.id, channel_name=channel, at=at("2026-06-01"))
        repos.add_task(s, account_id=acct.id, title="Call back", role="AR", assignee_id=None,
                       due_date=date(2026, 10, 1), shared=False, at=at("2026-09-01"))
        return Seeded(acct.id, platform, channel)
