"""The delivery ledger: what the bot posts on its own is claimed here before it is posted.

A unique (kind, account, key, channel) row makes every report, alert and reminder happen
once, across restarts and replicas. A claim that failed is taken again by the next run; a
claim left by a process that died mid-post is taken again once it is stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryStatus

STALE_CLAIM = timedelta(minutes=30)


def find(
    session: Session, *, kind: str, account_id: int, key: str, channel: str
) -> Delivery | None:
    return session.exec(
        select(Delivery).where(
            Delivery.kind == kind,
            Delivery.account_id == account_id,
            Delivery.key == key,
            Delivery.channel == channel,
        )
    ).first()


def posted_keys(session: Session, *, kind: str, account_id: int, channel: str) -> list[str]:
    """The keys of what was posted of ``kind`` for an account in one channel."""
    return list(session.exec(
        select(Delivery.key).where(
            Delivery.kind == kind,
            Delivery.account_id == account_id,
            Delivery.channel == channel,
            Delivery.status == DeliveryStatus.POSTED.value,
        )
    ).all())


def claim(
    session: Session,
    *,
    kind: str,
    account_id: int,
    key: str,
    platform: str,
    channel: str,
    at: datetime,
) -> Delivery | None:
    """Claim the right to post; None when it was posted, or another run holds a fresh claim.

    Commit the session right after claiming, before posting, so others see the claim.
    """
    try:
        with session.begin_nested():
            new = Delivery(kind=kind, account_id=account_id, key=key, platform=platform,
                           channel=channel, claimed_at=at, attempts=1)
            session.add(new)
            session.flush()
            return new
    except sa.exc.IntegrityError:
        pass
    row = find(session, kind=kind, account_id=account_id, key=key, channel=channel)
    if row is None or row.status == DeliveryStatus.POSTED.value:
        return None
    if row.status == DeliveryStatus.CLAIMED.value and at - row.claimed_at < STALE_CLAIM:
        return None
    # Retake a failed or stale claim, guarded so two runs cannot both retake it.
    result = session.execute(
        sa.update(Delivery)
        .where(col(Delivery.id) == row.id, col(Delivery.claimed_at) == row.claimed_at,
               col(Delivery.status) == row.status)
        .values(status=DeliveryStatus.CLAIMED.value, claimed_at=at, attempts=row.attempts + 1)
    )
    taken: int = getattr(result, "rowcount", 0)
    if not taken:
        return None
    session.refresh(row)
    return row


def mark_posted(session: Session, *, delivery_id: int, ref: str | None, at: datetime) -> None:
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.status = DeliveryStatus.POSTED.value
        row.message_ref = ref
        row.posted_at = at
        row.error = None
        session.add(row)


def mark_failed(session: Session, *, delivery_id: int, error: str) -> None:
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.status = DeliveryStatus.FAILED.value
        row.error = error[:500]
        session.add(row)
