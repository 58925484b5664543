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

from storage.models import Role, Task, TaskStatus


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


def task_page(
    session: Session, *, account_id: int, which: str, today: date,
    person_id: int | None = None, joint: bool = False, limit: int = 100,
) -> tuple[Sequence[Task], int]:
    """The first ``limit`` tasks of a `tasks` list and how many the list holds, in two
    queries: open work first, overdue first (oldest first), then by due date, undated last,
    then by number (commands.format.task_sort_key).

    ``which``: open, mine (open and assigned to ``person_id``), overdue, done, cancelled, or
    all (but the withdrawn); ``joint``: only the joint plan (shared, or the customer's own)."""
    where: list[sa.ColumnElement[bool]] = [col(Task.account_id) == account_id]
    is_open = col(Task.status) == TaskStatus.OPEN.value
    if which in ("open", "mine"):
        where.append(is_open)
        if which == "mine" and person_id is not None:
            where.append(col(Task.assignee_id) == person_id)
    elif which == "overdue":
        where += [is_open, col(Task.due_date).is_not(None), col(Task.due_date) < today]
    elif which in (TaskStatus.DONE.value, TaskStatus.CANCELLED.value):
        where.append(col(Task.status) == which)
    elif which == "all":
        where.append(col(Task.status) != TaskStatus.CANCELLED.value)
    else:
        raise ValueError(which)
    if joint:
        where.append(sa.or_(col(Task.shared), col(Task.role) == Role.CUSTOMER.value))
    late = sa.and_(is_open, col(Task.due_date).is_not(None), col(Task.due_date) < today)
    order = (sa.case((is_open, 0), else_=1), sa.case((late, 0), else_=1),
             col(Task.due_date).is_(None), col(Task.due_date), col(Task.number))
    total = int(session.execute(sa.select(sa.func.count()).select_from(Task).where(*where))
                .scalar_one())
    rows = session.exec(select(Task).where(*where).order_by(*order).limit(limit)).all()
    return rows, total
