"""Task lists that fetch only what they show: the open list of one account reads its
counts by role in one aggregate and at most ``per_role`` rows of each role in one windowed
query, however many open tasks the account holds (the composite index
task(account_id, status, due_date, number) serves both)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Task, TaskStatus


@dataclass(frozen=True, slots=True)
class RoleCount:
    open: int
    overdue: int


def open_counts_by_role(session: Session, *, account_id: int, today: date) -> dict[str, RoleCount]:
    """Role -> how many open tasks and how many of them are overdue (due before today)."""
    late = sa.func.sum(sa.case((col(Task.due_date) < today, 1), else_=0))
    rows = session.execute(
        sa.select(col(Task.role), sa.func.count(), late)
        .where(col(Task.account_id) == account_id, col(Task.status) == TaskStatus.OPEN.value)
        .group_by(col(Task.role))
    ).all()
    return {str(role): RoleCount(int(n), int(o or 0)) for role, n, o in rows}


def open_tasks_shown(session: Session, *, account_id: int, per_role: int) -> Sequence[Task]:
    """The first ``per_role`` open tasks of each role in the open list's order: by due date
    (so overdue first, oldest first), undated last, then by number."""
    order = (col(Task.due_date).is_(None), col(Task.due_date), col(Task.number))
    ranked = (
        sa.select(col(Task.id).label("id"),
                  sa.func.row_number().over(partition_by=col(Task.role), order_by=order)
                  .label("rank"))
        .where(col(Task.account_id) == account_id, col(Task.status) == TaskStatus.OPEN.value)
        .subquery()
    )
    return session.exec(
        select(Task).join(ranked, col(Task.id) == ranked.c.id)
        .where(ranked.c.rank <= per_role).order_by(*order)
    ).all()
