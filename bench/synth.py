"""Synthetic account records for benchmarks: accounts, triangles, tasks, notes and health
snapshots over the months before a given moment. Deterministic for a seed.

Rows are inserted in bulk (numbers assigned here, counters set at the end) so 1,000
accounts take seconds, not the minutes that one command per row would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage.models import (
    Account,
    ChannelBinding,
    HealthSnapshot,
    Note,
    Person,
    RoleAssignment,
    Task,
    TaskStatus,
)

TIERS = ("core", "important", "potential")
COLORS = ("green", "yellow", "red")
VERBS = ("Send", "Review", "Prepare", "Confirm", "Schedule", "Escalate", "Install", "Quote")
THINGS = ("the renewal offer", "the pilot plan", "delivery acceptance", "the QBR deck",
          "the technical proposal", "payment collection", "the support ticket", "the bid")


@dataclass(frozen=True)
class SynthStats:
    accounts: int
    people: int
    tasks: int
    notes: int
    snapshots: int


def generate(
    session: Session,
    *,
    accounts: int,
    end: datetime,
    months: int = 8,
    tasks_per_month: int = 6,
    notes_per_month: int = 3,
    snapshots_per_month: int = 30,
    platform: str = "slack",
    seed: int = 7,
) -> SynthStats:
    """``accounts`` accounts, each bound to its own channel, with ``months`` of history
    before ``end``. The caller commits."""
    rng = random.Random(seed)
    start = end - timedelta(days=30 * months)
    span = (end - start).total_seconds()
    people = [Person(platform=platform, user_id=f"U{i:05d}", display_name=f"Person {i}",
                     username=f"person{i}") for i in range(max(3, accounts // 3))]
    session.add_all(people)
    session.flush()
    counts = {"tasks": 0, "notes": 0, "snapshots": 0}
    for i in range(accounts):
        account = Account(name=f"Account {i:04d}", name_key=f"account {i:04d}",
                          tier=TIERS[i % 3], created_at=start,
                          renewal_date=(end + timedelta(days=rng.randint(-30, 400))).date())
        session.add(account)
        session.flush()
        assert account.id is not None
        session.add(ChannelBinding(platform=platform, workspace="T1", channel=f"C{i:05d}",
                                   channel_name=f"acct-{i}", account_id=account.id,
                                   created_at=start))
        triangle = rng.sample(people, 3)
        for role, person in zip(("AR", "SR", "FR"), triangle, strict=True):
            session.add(RoleAssignment(account_id=account.id, role=role, person_id=person.id,
                                       started_at=start))
        n_tasks = rng.randint(tasks_per_month * months // 2, tasks_per_month * months)
        for number in range(1, n_tasks + 1):
            created = start + timedelta(seconds=rng.random() * span)
            role = rng.choice(("AR", "SR", "FR"))
            done = rng.random() < 0.6
            closed = created + timedelta(days=rng.randint(1, 45)) if done else None
            if closed is not None and closed >= end:
                closed, done = None, False
            session.add(Task(
                account_id=account.id, number=number,
                title=f"{rng.choice(VERBS)} {rng.choice(THINGS)}", role=role,
                assignee_id=triangle[("AR", "SR", "FR").index(role)].id,
                due_date=(created + timedelta(days=rng.randint(3, 40))).date(),
                status=TaskStatus.DONE.value if done else TaskStatus.OPEN.value,
                shared=rng.random() < 0.4, created_at=created, closed_at=closed,
            ))
        n_notes = rng.randint(notes_per_month * months // 2, notes_per_month * months)
        for number in range(1, n_notes + 1):
            session.add(Note(account_id=account.id, number=number,
                             text=f"Meeting {number}: internal discussion of {rng.choice(THINGS)}",
                             kind=rng.choice(("meeting", "meeting", "call")),
                             created_at=start + timedelta(seconds=rng.random() * span)))
        score = rng.randint(30, 95)
        n_snaps = snapshots_per_month * months
        for k in range(n_snaps):
            score = max(0, min(100, score + rng.randint(-4, 4)))
            color = "green" if score >= 70 else "yellow" if score >= 45 else "red"
            session.add(HealthSnapshot(account_id=account.id, color=color, score=score,
                                       reasons=[{"key": "synthetic"}],
                                       at=start + timedelta(seconds=span * k / n_snaps)))
        account.task_seq, account.note_seq = n_tasks, n_notes
        counts["tasks"] += n_tasks
        counts["notes"] += n_notes
        counts["snapshots"] += n_snaps
        if i % 50 == 49:
            session.flush()
    session.flush()
    return SynthStats(accounts=accounts, people=len(people), **counts)
