"""Read-only queries over the rest of one account's record that questions need: decisions,
closed and cancelled tasks, customer actions, the plan, stakeholders by id.

Keyword-only, one account per call, and the caller owns the transaction, like
:mod:`storage.repos`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Decision, Note, PlanSection, Role, Stakeholder, Task, TaskStatus


def decisions_of(session: Session, *, account_id: int, limit: int = 200) -> Sequence[Decision]:
    """The account's recorded decisions, newest first."""
    return session.exec(
        select(Decision).where(Decision.account_id == account_id)
        .order_by(col(Decision.created_at).desc(), col(Decision.id).desc()).limit(limit)
    ).all()


def note_numbers(session: Session, *, account_id: int, note_ids: set[int]) -> dict[int, int]:
    """Note id -> its per-account number (only this account's notes)."""
    if not note_ids:
        return {}
    rows = session.exec(
        select(Note.id, Note.number).where(Note.account_id == account_id,
                                           col(Note.id).in_(note_ids))
    ).all()
    return {int(i): int(n) for i, n in rows if i is not None}


def closed_tasks(
    session: Session, *, account_id: int, status: str, since: datetime | None = None,
    limit: int = 50,
) -> Sequence[Task]:
    """Done or cancelled tasks, most recently closed first (cancelled tasks without a
    closing time sort by creation)."""
    query = select(Task).where(Task.account_id == account_id, Task.status == status)
    if since is not None:
        query = query.where(col(Task.closed_at) >= since)
    return session.exec(
        query.order_by(col(Task.closed_at).desc().nulls_last(), col(Task.number).desc()).limit(limit)
    ).all()


def recently_closed(session: Session, *, account_id: int, limit: int = 30) -> Sequence[Task]:
    """Done and cancelled tasks, most recently closed first."""
    return session.exec(
        select(Task).where(Task.account_id == account_id, Task.status != TaskStatus.OPEN.value)
        .order_by(col(Task.closed_at).desc().nulls_last(), col(Task.number).desc()).limit(limit)
    ).all()


def customer_tasks(session: Session, *, account_id: int) -> Sequence[Task]:
    """Open commitments of the customer's side (role CUSTOMER)."""
    return session.exec(
        select(Task).where(Task.account_id == account_id, Task.role == Role.CUSTOMER.value,
                           Task.status == TaskStatus.OPEN.value)
        .order_by(col(Task.number))
    ).all()


def plan_of(session: Session, *, account_id: int) -> dict[str, PlanSection]:
    rows = session.exec(select(PlanSection).where(PlanSection.account_id == account_id)).all()
    return {r.section: r for r in rows}


def stakeholders_by_ids(session: Session, *, account_id: int, ids: set[int]) -> dict[int, Stakeholder]:
    if not ids:
        return {}
    rows = session.exec(
        select(Stakeholder).where(Stakeholder.account_id == account_id, col(Stakeholder.id).in_(ids))
    ).all()
    return {s.id: s for s in rows if s.id is not None}


def recent_notes(session: Session, *, account_id: int, limit: int) -> Sequence[Note]:
    """The newest ``limit`` notes (decision lines are looked for in them)."""
    return session.exec(
        select(Note).where(Note.account_id == account_id)
        .order_by(col(Note.created_at).desc(), col(Note.number).desc()).limit(limit)
    ).all()
