"""Read-only queries the question answering needs, beside storage.repos (keyword-only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
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


class OpenTask(NamedTuple):
    """The columns of an open task a question's facts are made of (no ORM object: an
    account may have thousands)."""

    number: int
    title: str
    role: str
    assignee_id: int | None
    due_date: date | None
    status: str
    source_note_id: int | None


def open_tasks(session: Session, *, account_id: int) -> list[OpenTask]:
    """The account's open tasks by number, as columns."""
    rows = session.execute(
        sa.select(col(Task.number), col(Task.title), col(Task.role), col(Task.assignee_id),
                  col(Task.due_date), col(Task.status), col(Task.source_note_id))
        .where(col(Task.account_id) == account_id, col(Task.status) == TaskStatus.OPEN.value)
        .order_by(col(Task.number))).all()
    return [OpenTask(*row) for row in rows]


class TaskRows(Mapping[int, Task]):
    """Task rows of one account by number, read when first asked for: a question shows a
    handful of its open tasks, not all of them. ``numbers`` are the ones that may be asked
    for (the open tasks); rows given in ``loaded`` or by :meth:`update` are kept as they are."""

    def __init__(self, session: Session, *, account_id: int, numbers: Iterable[int] = (),
                 loaded: Mapping[int, Task] | None = None) -> None:
        self._session = session
        self._account_id = account_id
        self._numbers = set(numbers)
        self._loaded: dict[int, Task] = dict(loaded or {})

    def prefetch(self, numbers: Iterable[int]) -> None:
        """Read the rows of ``numbers`` not read yet, in one query."""
        missing = {n for n in numbers if n in self._numbers and n not in self._loaded}
        if missing:
            for task in self._session.exec(select(Task).where(
                    Task.account_id == self._account_id, col(Task.number).in_(missing))).all():
                self._loaded.setdefault(task.number, task)
            self._numbers -= missing  # a number gone meanwhile is not looked for again

    def update(self, rows: Mapping[int, Task]) -> None:
        self._loaded.update(rows)

    def __getitem__(self, number: int) -> Task:
        if number not in self._loaded:
            self.prefetch([number])
        return self._loaded[number]

    def __contains__(self, number: object) -> bool:
        return number in self._loaded or number in self._numbers

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(set(self._loaded) | self._numbers))

    def __len__(self) -> int:
        return len(set(self._loaded) | self._numbers)
