"""Read-only queries the question answering needs, beside storage.repos (keyword-only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import Note, Stakeholder, Task, TaskStatus


def stakeholders_of(session: Session, *, account_id: int) -> Sequence[Stakeholder]:
    return session.exec(
        select(Stakeholder)
        .where(Stakeholder.account_id == account_id)
        .order_by(col(Stakeholder.power).desc().nulls_last(), col(Stakeholder.name))
    ).all()


def notes_by_ids(session: Session, *, account_id: int, ids: Sequence[int]) -> dict[int, Note]:
    """Notes by primary key, only from ``account_id`` (a foreign id is silently dropped)."""
    if not ids:
        return {}
    rows = session.exec(
        select(Note).where(Note.account_id == account_id, col(Note.id).in_(list(ids)))
    ).all()
    return {n.id: n for n in rows if n.id is not None}


def note_count(session: Session, *, account_id: int) -> int:
    return int(session.exec(select(func.count()).where(Note.account_id == account_id)).one())


def tasks_from_notes(session: Session, *, account_id: int, note_ids: Sequence[int]) -> Sequence[Task]:
    if not note_ids:
        return []
    return session.exec(
        select(Task)
        .where(Task.account_id == account_id, col(Task.source_note_id).in_(list(note_ids)))
        .order_by(col(Task.number))
    ).all()


def task_counts(session: Session, *, account_id: int) -> dict[str, int]:
    rows = session.exec(
        select(Task.status, func.count()).where(Task.account_id == account_id).group_by(Task.status)
    ).all()
    counts = {TaskStatus.OPEN.value: 0, TaskStatus.DONE.value: 0}
    counts.update({str(status): int(n) for status, n in rows})
    return counts
