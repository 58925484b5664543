"""Decisions taken in meetings, each kept on its note (keyword-only; the caller commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Decision


def add_decision(
    session: Session, *, account_id: int, note_id: int | None, text: str, line_no: int | None,
    created_by_id: int | None, at: datetime,
) -> Decision:
    decision = Decision(account_id=account_id, note_id=note_id, text=text, line_no=line_no,
                        created_by_id=created_by_id, created_at=at)
    session.add(decision)
    session.flush()
    return decision


def decisions_of(
    session: Session, *, account_id: int, since: datetime | None = None,
    until: datetime | None = None, limit: int | None = None,
) -> Sequence[Decision]:
    """An account's decisions, newest first (``since`` inclusive, ``until`` exclusive)."""
    query = select(Decision).where(Decision.account_id == account_id)
    if since is not None:
        query = query.where(col(Decision.created_at) >= since)
    if until is not None:
        query = query.where(col(Decision.created_at) < until)
    query = query.order_by(col(Decision.created_at).desc(), col(Decision.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def decisions_of_note(session: Session, *, account_id: int, note_id: int) -> Sequence[Decision]:
    """A note's decisions in the order they were written."""
    return session.exec(
        select(Decision)
        .where(Decision.account_id == account_id, Decision.note_id == note_id)
        .order_by(col(Decision.line_no), col(Decision.id))
    ).all()
