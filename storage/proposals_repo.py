"""Queries for what transcripts propose, and for recording decisions.

The caller owns the transaction. :func:`claim` is the once-only guarantee: a conditional
UPDATE that only one transaction can win for a proposal, on SQLite as on PostgreSQL
(where a second, concurrent claimer waits for the first and then finds it taken).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Decision, Proposal, Task


def add_proposals(
    session: Session,
    *,
    account_id: int,
    note_id: int,
    found: Iterable[tuple[str, int, str, str | None, date | None]],
    at: datetime,
) -> list[Proposal]:
    """Store ``(kind, line_no, text, owner, due)`` items, numbered per kind from 1."""
    counters: dict[str, int] = {}
    rows: list[Proposal] = []
    for kind, line_no, text, owner, due in found:
        counters[kind] = counters.get(kind, 0) + 1
        row = Proposal(account_id=account_id, note_id=note_id, kind=kind,
                       number=counters[kind], line_no=line_no, text=text,
                       owner=owner[:200] if owner else None, due_date=due, created_at=at)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def proposals_of(session: Session, *, note_id: int, kind: str | None = None) -> Sequence[Proposal]:
    query = select(Proposal).where(Proposal.note_id == note_id)
    if kind is not None:
        query = query.where(Proposal.kind == kind)
    return session.exec(query.order_by(col(Proposal.kind), col(Proposal.number))).all()


def claim(session: Session, *, proposal_id: int, person_id: int | None, at: datetime) -> bool:
    """Mark a proposal accepted; False when someone (or an earlier delivery) already did."""
    result = session.execute(
        sa.update(Proposal)
        .where(col(Proposal.id) == proposal_id, col(Proposal.accepted_at).is_(None))
        .values(accepted_at=at, accepted_by_id=person_id)
        .execution_options(synchronize_session=False)
    )
    won = bool(result.rowcount)  # type: ignore[attr-defined]
    if won:
        row = session.get(Proposal, proposal_id)
        if row is not None:
            session.refresh(row)
    return won


def task_of(session: Session, *, proposal: Proposal) -> Task | None:
    return session.get(Task, proposal.task_id) if proposal.task_id is not None else None


def record_decision(
    session: Session,
    *,
    account_id: int,
    note_id: int | None,
    text: str,
    line_no: int | None,
    created_by_id: int | None,
    at: datetime,
) -> Decision:
    decision = Decision(account_id=account_id, note_id=note_id, text=text, line_no=line_no,
                        created_by_id=created_by_id, created_at=at)
    session.add(decision)
    session.flush()
    return decision
