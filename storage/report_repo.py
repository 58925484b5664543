"""Queries the monthly reports and the portfolio digest make (keyword-only; nothing commits).

Reports read the record as it stands: every task of an account (a few hundred rows at most)
is loaded once and the month's figures are computed in Python, so one report costs a fixed
handful of queries whatever the month.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import HealthSnapshot, Note, Signal, Task


def all_tasks_of(session: Session, *, account_id: int) -> Sequence[Task]:
    """Every task of the account, numbered order, as read-only rows that read like a Task
    (``task.status``, ``task.closed_at``...): the monthly job reads every task of every
    account, and building ORM objects of them cost it more than the query."""
    table = Task.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        sa.select(table).where(table.c.account_id == account_id).order_by(table.c.number)
    ).all()
    return cast("Sequence[Task]", rows)


def notes_between(
    session: Session, *, account_id: int, start: datetime, end: datetime
) -> Sequence[Note]:
    return session.exec(
        select(Note)
        .where(Note.account_id == account_id, col(Note.created_at) >= start,
               col(Note.created_at) < end)
        .order_by(col(Note.number))
    ).all()


def exec_meeting_days(
    session: Session, *, account_id: int, start: date, end: date
) -> set[date]:
    """Days in [start, end) with an executive meeting recorded (``signal exec_meeting=``)."""
    rows = session.exec(
        select(col(Signal.value_date)).where(
            Signal.account_id == account_id, Signal.metric == "exec_meeting",
            col(Signal.value_date) >= start, col(Signal.value_date) < end)
    ).all()
    return {day for day in rows if day is not None}


def health_points_between(
    session: Session, *, account_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, str, int]]:
    """(at, color, score) of the health snapshots taken in [start, end), oldest first.

    Columns, not rows: a daily health check leaves ~180 snapshots in six months, and a
    report needs neither their reasons (JSON) nor ORM objects.
    """
    rows = session.execute(
        select(HealthSnapshot.at, HealthSnapshot.color, HealthSnapshot.score)
        .where(HealthSnapshot.account_id == account_id, col(HealthSnapshot.at) >= start,
               col(HealthSnapshot.at) < end)
        .order_by(col(HealthSnapshot.at), col(HealthSnapshot.id))
    ).all()
    return [(at, color, score) for at, color, score in rows]


def health_point_before(
    session: Session, *, account_id: int, at: datetime
) -> tuple[datetime, str, int] | None:
    """(at, color, score) of the newest health snapshot taken before ``at``."""
    row = session.execute(
        select(HealthSnapshot.at, HealthSnapshot.color, HealthSnapshot.score)
        .where(HealthSnapshot.account_id == account_id, col(HealthSnapshot.at) < at)
        .order_by(col(HealthSnapshot.at).desc(), col(HealthSnapshot.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None

