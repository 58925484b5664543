"""Queries for what alerts and reminders remember about people: acknowledgements and
snoozes, who was told about an overdue task, and each person's digest preference.

Keyword-only, and the caller owns the transaction, like :mod:`storage.repos`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Account,
    AlertAck,
    EscalationNotice,
    ReminderPreference,
    Role,
    RoleAssignment,
    Task,
    TaskStatus,
)

DEFAULT_HOUR = 8

# --- acknowledgements -----------------------------------------------------------------------


def add_ack(
    session: Session, *, account_id: int, episode: str, state: str, action: str,
    person_id: int, at: datetime, until: date | None = None,
) -> AlertAck:
    row = AlertAck(account_id=account_id, episode=episode, state=state[:500], action=action,
                   until=until, person_id=person_id, at=at)
    session.add(row)
    session.flush()
    return row


def latest_ack(session: Session, *, account_id: int, episode: str) -> AlertAck | None:
    """The newest acknowledgement or snooze of one alert episode."""
    return session.exec(
        select(AlertAck).where(AlertAck.account_id == account_id, AlertAck.episode == episode)
        .order_by(col(AlertAck.at).desc(), col(AlertAck.id).desc()).limit(1)
    ).first()


# --- escalations ----------------------------------------------------------------------------


def notices_of(session: Session, *, task_id: int, due_date: date) -> Sequence[EscalationNotice]:
    """Who was told about this task for this due date, level by level."""
    return session.exec(
        select(EscalationNotice).where(EscalationNotice.task_id == task_id,
                                       EscalationNotice.due_date == due_date)
        .order_by(col(EscalationNotice.level))
    ).all()


def record_notice(
    session: Session, *, task: Task, level: int, person_id: int | None, role: str,
    at: datetime,
) -> bool:
    """Record that ``level`` of the chain was told; False when it already was (unique)."""
    assert task.id is not None and task.due_date is not None
    try:
        with session.begin_nested():
            session.add(EscalationNotice(task_id=task.id, account_id=task.account_id,
                                         due_date=task.due_date, level=level,
                                         person_id=person_id, role=role, at=at))
            session.flush()
        return True
    except sa.exc.IntegrityError:
        return False


# --- the morning digest ---------------------------------------------------------------------


def preference_of(session: Session, *, person_id: int) -> ReminderPreference | None:
    return session.exec(
        select(ReminderPreference).where(ReminderPreference.person_id == person_id)
    ).first()


def set_preference(
    session: Session, *, person_id: int, at: datetime, enabled: bool | None = None,
    hour: int | None = None,
) -> ReminderPreference:
    row = preference_of(session, person_id=person_id) or ReminderPreference(
        person_id=person_id, enabled=True, hour=DEFAULT_HOUR, updated_at=at)
    if enabled is not None:
        row.enabled = enabled
    if hour is not None:
        row.hour = hour
    row.updated_at = at
    session.add(row)
    session.flush()
    return row


def preferences(session: Session, *, person_ids: set[int]) -> dict[int, ReminderPreference]:
    if not person_ids:
        return {}
    rows = session.exec(select(ReminderPreference)
                        .where(col(ReminderPreference.person_id).in_(person_ids))).all()
    return {row.person_id: row for row in rows}


def open_dated_tasks_by_person(
    session: Session, *, until: date,
) -> dict[int, list[tuple[Task, Account]]]:
    """Assignee id -> their open tasks with a due date on or before ``until``, across
    accounts, earliest first (what a digest can speak of: overdue, today, this week)."""
    rows = session.exec(
        select(Task, Account).join(Account, col(Account.id) == Task.account_id).where(
            Task.status == TaskStatus.OPEN.value,
            col(Task.assignee_id).is_not(None),
            col(Task.due_date).is_not(None),
            col(Task.due_date) <= until,
        ).order_by(col(Task.due_date), col(Account.name), col(Task.number))
    ).all()
    out: dict[int, list[tuple[Task, Account]]] = {}
    for task, account in rows:
        assert task.assignee_id is not None
        out.setdefault(task.assignee_id, []).append((task, account))
    # The customer's commitments are reminded to the AR who follows them up.
    theirs = session.exec(
        select(Task, Account, RoleAssignment.person_id)
        .join(Account, col(Account.id) == Task.account_id)
        .join(RoleAssignment, sa.and_(col(RoleAssignment.account_id) == Task.account_id,
                                      col(RoleAssignment.role) == Role.AR.value,
                                      col(RoleAssignment.ended_at).is_(None)))
        .where(Task.status == TaskStatus.OPEN.value, Task.role == Role.CUSTOMER.value,
               col(Task.assignee_id).is_(None), col(Task.due_date).is_not(None),
               col(Task.due_date) <= until)
    ).all()
    for task, account, ar_id in theirs:
        out.setdefault(ar_id, []).append((task, account))
    for items in out.values():
        items.sort(key=lambda x: (x[0].due_date or until, x[1].name, x[0].number))
    return out
