"""Queries over many accounts at once, for portfolio questions: each is one query however
many accounts are asked about (the caller owns the transaction)."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from storage.models import Person, RoleAssignment, Task, TaskStatus


def holders_many(session: Session, *, account_ids: list[int]) -> dict[int, dict[str, Person]]:
    """Account id -> role -> the person holding it now."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(RoleAssignment, Person)
        .join(Person, col(Person.id) == RoleAssignment.person_id)
        .where(col(RoleAssignment.account_id).in_(account_ids), col(RoleAssignment.ended_at).is_(None))
    ).all()
    out: dict[int, dict[str, Person]] = {}
    for ra, person in rows:
        out.setdefault(ra.account_id, {})[ra.role] = person
    return out


def open_counts_many(session: Session, *, account_ids: list[int]) -> dict[int, int]:
    """Account id -> open tasks (the customer's own actions included, as `open` counts)."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(Task.account_id, func.count()).where(
            col(Task.account_id).in_(account_ids), Task.status == TaskStatus.OPEN.value)
        .group_by(col(Task.account_id))
    ).all()
    return {int(a): int(n) for a, n in rows}
