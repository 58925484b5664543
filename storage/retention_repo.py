"""Retention: what is deleted once it is old enough not to matter.

- processed event keys (the once-only guard against a platform's retries, which come
  within minutes): deleted before a cut-off;
- health snapshots: deleted before a cut-off, except each account's newest snapshot at or
  before it, which is the state its kept history starts from (a report's trend, an
  episode's start and "the colour before" are read from it).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.models import HealthSnapshot, ProcessedEvent


def purge_events(session: Session, *, before: datetime) -> int:
    result = session.execute(sa.delete(ProcessedEvent).where(col(ProcessedEvent.at) < before))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_snapshots(session: Session, *, before: datetime) -> int:
    """Delete snapshots taken before ``before`` but the newest of each account among them."""
    older = sa.alias(HealthSnapshot.__table__, "older")  # type: ignore[attr-defined]
    newer_old = (
        sa.select(sa.literal(1)).select_from(older)
        .where(older.c.account_id == col(HealthSnapshot.account_id),
               older.c.at < before,
               sa.or_(older.c.at > col(HealthSnapshot.at),
                      sa.and_(older.c.at == col(HealthSnapshot.at),
                              older.c.id > col(HealthSnapshot.id))))
    )
    result = session.execute(
        sa.delete(HealthSnapshot).where(col(HealthSnapshot.at) < before, newer_old.exists())
    )
    return int(getattr(result, "rowcount", 0) or 0)
