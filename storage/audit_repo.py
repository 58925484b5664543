"""Queries of the account's history (the audit log) and of the undo stash.

The caller owns the transaction; nothing here commits. See commands/audit.py for what an
entry holds and commands/undo.py for how undo reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import AuditLog, UndoStash

UNDO = "undo"


def entry_by_id(session: Session, *, entry_id: int) -> AuditLog | None:
    return session.get(AuditLog, entry_id)


def history_page(
    session: Session, *, account_id: int, offset: int, limit: int
) -> Sequence[AuditLog]:
    """The account's entries, newest first."""
    return session.exec(
        select(AuditLog).where(AuditLog.account_id == account_id)
        .order_by(col(AuditLog.id).desc()).offset(offset).limit(limit)
    ).all()


def history_count(session: Session, *, account_id: int) -> int:
    return int(session.exec(
        select(sa.func.count()).select_from(AuditLog).where(AuditLog.account_id == account_id)
    ).one())


def undone_ids(session: Session, *, ids: Iterable[int]) -> set[int]:
    """Which of the entries ``ids`` an undo has reversed."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = session.exec(
        select(AuditLog.undoes_id).where(col(AuditLog.undoes_id).in_(wanted))
    ).all()
    return {r for r in rows if r is not None}


def recent_changes(
    session: Session, *, account_id: int, person_id: int, channel_key: str, since: datetime,
    limit: int = 200,
) -> Sequence[AuditLog]:
    """A person's changes to the account made in one channel since ``since``, newest first
    (undo entries left out)."""
    return session.exec(
        select(AuditLog).where(
            AuditLog.account_id == account_id,
            AuditLog.person_id == person_id,
            AuditLog.channel_key == channel_key,
            col(AuditLog.at) >= since,
            AuditLog.action != UNDO,
        ).order_by(col(AuditLog.id).desc()).limit(limit)
    ).all()


def later_changes(
    session: Session, *, account_id: int, targets: Iterable[str], after_id: int,
) -> Sequence[AuditLog]:
    """Entries made after ``after_id`` on any of ``targets`` (undo entries left out), oldest
    first."""
    wanted = list(set(targets))
    if not wanted:
        return []
    return session.exec(
        select(AuditLog).where(
            AuditLog.account_id == account_id,
            col(AuditLog.target).in_(wanted),
            col(AuditLog.id) > after_id,
            AuditLog.action != UNDO,
        ).order_by(col(AuditLog.id))
    ).all()


# --- the stash ----------------------------------------------------------------------------


def stash(session: Session, *, audit_id: int, account_id: int, data: dict[str, Any],
          expires_at: datetime) -> UndoStash:
    row = UndoStash(audit_id=audit_id, account_id=account_id, data=data, expires_at=expires_at)
    session.add(row)
    return row


def stashed(session: Session, *, audit_id: int, now: datetime) -> UndoStash | None:
    """The stash of entry ``audit_id`` if it has not expired."""
    return session.exec(
        select(UndoStash).where(UndoStash.audit_id == audit_id, col(UndoStash.expires_at) > now)
    ).first()


def drop_stash(session: Session, *, audit_id: int) -> None:
    session.execute(sa.delete(UndoStash).where(col(UndoStash.audit_id) == audit_id))


def purge_stash(session: Session, *, now: datetime) -> int:
    """Delete every expired stash (a deleted note's text is gone for good). Returns how many."""
    result = session.execute(sa.delete(UndoStash).where(col(UndoStash.expires_at) <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def drop_account_stash(session: Session, *, account_id: int) -> None:
    session.execute(sa.delete(UndoStash).where(col(UndoStash.account_id) == account_id))
