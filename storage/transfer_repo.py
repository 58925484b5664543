"""Queries of the import and export (bot/transfer.py, bot/transfer_record.py).

People are found by what a person would write in a file (a handle, a username or a display
name); an account's record is read whole, in a stable order, so an export is reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Account,
    Decision,
    HealthSnapshot,
    Note,
    Opportunity,
    Payment,
    Person,
    PlanSection,
    PlaybookRun,
    RoleAssignment,
    Signal,
    StageChange,
    Stakeholder,
    Task,
    TaskStatus,
)


def people_matching(session: Session, *, handle: str) -> Sequence[Person]:
    """The people ``handle`` can mean: ``platform:user_id`` exactly; else ``@name`` / ``name``
    as a username, a user id or a display name (case-insensitive). Removed people are not
    offered."""
    handle = handle.strip()
    query = select(Person).where(col(Person.removed_at).is_(None))
    platform, sep, user_id = handle.partition(":")
    if sep and platform and user_id and " " not in platform:
        exact = session.exec(query.where(Person.platform == platform,
                                         Person.user_id == user_id)).all()
        if exact:
            return exact
    name = handle.lstrip("@").lower()
    rows = session.exec(query.where(sa.or_(
        sa.func.lower(Person.username) == name,
        sa.func.lower(Person.user_id) == name,
        sa.func.lower(Person.display_name) == name,
    )).order_by(col(Person.id))).all()
    return rows


@dataclass
class AccountCounts:
    open: int
    overdue: int


def task_counts(session: Session, *, today: object) -> dict[int, AccountCounts]:
    """Account id -> open and overdue task counts, for every account, in one query."""
    overdue = sa.func.sum(sa.case((col(Task.due_date) < today, 1), else_=0))
    rows = session.exec(
        select(Task.account_id, sa.func.count(), overdue)
        .where(Task.status == TaskStatus.OPEN.value)
        .group_by(col(Task.account_id))
    ).all()
    return {account_id: AccountCounts(int(n), int(late or 0)) for account_id, n, late in rows}


def latest_snapshots(session: Session) -> dict[int, HealthSnapshot]:
    """Account id -> its newest health assessment."""
    newest = (select(HealthSnapshot.account_id, sa.func.max(HealthSnapshot.at).label("at"))
              .group_by(col(HealthSnapshot.account_id)).subquery())
    rows = session.exec(select(HealthSnapshot).join(newest, sa.and_(
        col(HealthSnapshot.account_id) == newest.c.account_id,
        col(HealthSnapshot.at) == newest.c.at)))
    return {s.account_id: s for s in rows}


def current_roles(session: Session) -> dict[int, dict[str, Person]]:
    """Account id -> role -> the person holding it now, for every account."""
    rows = session.exec(
        select(RoleAssignment, Person)
        .join(Person, col(Person.id) == RoleAssignment.person_id)
        .where(col(RoleAssignment.ended_at).is_(None))
    ).all()
    out: dict[int, dict[str, Person]] = {}
    for ra, person in rows:
        out.setdefault(ra.account_id, {})[ra.role] = person
    return out


@dataclass
class AccountRecord:
    """Everything stored about one account, each list in a stable order."""

    account: Account
    roles: Sequence[RoleAssignment]
    notes: Sequence[Note]
    tasks: Sequence[Task]
    decisions: Sequence[Decision]
    signals: Sequence[Signal]
    health: Sequence[HealthSnapshot]
    stakeholders: Sequence[Stakeholder]
    plan: Sequence[PlanSection]
    opportunities: Sequence[Opportunity]
    stage_changes: Sequence[StageChange]
    payments: Sequence[Payment]
    playbook_runs: Sequence[PlaybookRun]
    people: dict[int, Person]


def account_record(session: Session, *, account: Account) -> AccountRecord:
    assert account.id is not None
    aid = account.id

    def rows(model: type, *order: Any) -> Sequence:  # type: ignore[type-arg]
        return session.exec(select(model).where(model.account_id == aid)  # type: ignore[attr-defined]
                            .order_by(*order)).all()

    record = AccountRecord(
        account=account,
        roles=rows(RoleAssignment, col(RoleAssignment.started_at), col(RoleAssignment.role),
                   col(RoleAssignment.id)),
        notes=rows(Note, col(Note.number)),
        tasks=rows(Task, col(Task.number)),
        decisions=rows(Decision, col(Decision.created_at), col(Decision.id)),
        signals=rows(Signal, col(Signal.at), col(Signal.metric), col(Signal.id)),
        health=rows(HealthSnapshot, col(HealthSnapshot.at), col(HealthSnapshot.id)),
        stakeholders=rows(Stakeholder, col(Stakeholder.created_at), col(Stakeholder.id)),
        plan=rows(PlanSection, col(PlanSection.section)),
        opportunities=rows(Opportunity, col(Opportunity.number)),
        stage_changes=rows(StageChange, col(StageChange.at), col(StageChange.id)),
        payments=rows(Payment, col(Payment.number)),
        playbook_runs=rows(PlaybookRun, col(PlaybookRun.started_at), col(PlaybookRun.id)),
        people={},
    )
    ids: set[int] = {ra.person_id for ra in record.roles}
    ids |= {n.author_id for n in record.notes if n.author_id}
    for t in record.tasks:
        ids |= {i for i in (t.assignee_id, t.created_by_id) if i}
    ids |= {d.created_by_id for d in record.decisions if d.created_by_id}
    ids |= {s.recorded_by_id for s in record.signals if s.recorded_by_id}
    ids |= {p.updated_by_id for p in record.plan if p.updated_by_id}
    ids |= {o.created_by_id for o in record.opportunities if o.created_by_id}
    ids |= {c.person_id for c in record.stage_changes if c.person_id}
    ids |= {p.created_by_id for p in record.payments if p.created_by_id}
    ids |= {r.started_by_id for r in record.playbook_runs if r.started_by_id}
    if ids:
        record.people = {p.id: p for p in session.exec(  # type: ignore[misc]
            select(Person).where(col(Person.id).in_(ids)))}
    return record
