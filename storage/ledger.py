"""The delivery ledger: what the bot posts on its own is claimed here before it is posted.

A unique (kind, account, key, channel) row makes every report, alert and reminder happen
once, across restarts and replicas. A claim that failed is taken again by the next run; a
claim left by a process that died mid-post is taken again once it is stale, or at once by
a run of the same *work*.

``claimed_by`` names the work a claim was made for (a job of the engine claims under its
lock, ``work:account:42``; bot/tasks/definitions.py). Runs of one work never overlap: the
job engine starts none while another holds the lock. So a fresh claim held under the
claimant's own work name was left by a run that died, whichever job (the same one
retried, or the next tick of that work) comes to it, and it is taken at once. A claim of
other work, or of no named work (a replica's after-write check), is left alone until it
is stale. Either way a claim taken from a run that never finished is *in doubt*: the post
may have gone out before the process died, so whoever takes it asks the platform first
(bot/posting.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryStatus

STALE_CLAIM = timedelta(minutes=30)
# The error of a claim taken over from a run that never finished: it may have posted.
IN_DOUBT = "in doubt: the run that claimed it stopped before recording the outcome"


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


@dataclass(frozen=True, slots=True)
class State:
    """What the ledger holds of one delivery: its status, tries and the post's id."""

    status: str
    attempts: int
    message_ref: str | None

    @property
    def posted(self) -> bool:
        return self.status == DeliveryStatus.POSTED.value


def states(
    session: Session, *, kinds: Iterable[str], key: str
) -> dict[tuple[str, int, str], State]:
    """Every delivery of ``kinds`` under ``key``, by (kind, account_id, channel), in one
    query: a run that resumes learns what is done without a claim per delivery. Only a
    hint: posting still goes through :func:`claim`, which alone decides."""
    rows = session.execute(
        sa.select(col(Delivery.kind), col(Delivery.account_id), col(Delivery.channel),
                  col(Delivery.status), col(Delivery.attempts), col(Delivery.message_ref))
        .where(col(Delivery.kind).in_(list(kinds)), col(Delivery.key) == key)
    ).all()
    return {(kind, account_id, channel): State(status, attempts, ref)
            for kind, account_id, channel, status, attempts, ref in rows}


def claim(
    session: Session,
    *,
    kind: str,
    account_id: int,
    key: str,
    platform: str,
    channel: str,
    at: datetime,
    by: str | None = None,
) -> Delivery | None:
    """Claim the right to post; None when it was posted, or another run holds a fresh claim.

    ``by`` names the work claiming (see the module docstring); a fresh claim held under the
    same name is taken again at once, since no other run of that work is alive. A claim
    taken from a run that never finished comes back :func:`in_doubt`; two runs that both
    find it unfinished cannot both take it (the update is guarded by what they read).
    Commit the session right after claiming, before posting, so others see the claim.
    """
    try:
        with session.begin_nested():
            new = Delivery(kind=kind, account_id=account_id, key=key, platform=platform,
                           channel=channel, claimed_at=at, attempts=1, claimed_by=by)
            session.add(new)
            session.flush()
            return new
    except sa.exc.IntegrityError:
        pass
    row = find(session, kind=kind, account_id=account_id, key=key, channel=channel)
    if row is None or row.status == DeliveryStatus.POSTED.value:
        return None
    unfinished = row.status == DeliveryStatus.CLAIMED.value
    same_work = by is not None and row.claimed_by == by
    if unfinished and not same_work and at - row.claimed_at < STALE_CLAIM:
        return None
    # Retake a failed, stale or same-work claim, guarded so two runs cannot both retake it.
    result = session.execute(
        sa.update(Delivery)
        .where(col(Delivery.id) == row.id, col(Delivery.claimed_at) == row.claimed_at,
               col(Delivery.status) == row.status)
        .values(status=DeliveryStatus.CLAIMED.value, claimed_at=at, attempts=row.attempts + 1,
                claimed_by=by, error=IN_DOUBT if unfinished or in_doubt(row) else None)
    )
    taken: int = getattr(result, "rowcount", 0)
    if not taken:
        return None
    session.refresh(row)
    return row


def in_doubt(row: Delivery) -> bool:
    """Whether an earlier run may have posted this claim before it died."""
    return row.error == IN_DOUBT


def mark_posted(session: Session, *, delivery_id: int, ref: str | None, at: datetime) -> None:
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.status = DeliveryStatus.POSTED.value
        row.message_ref = ref
        row.posted_at = at
        row.error = None
        session.add(row)


def mark_unverified(session: Session, *, delivery_id: int, reason: str, at: datetime) -> None:
    """Done without knowing whether it went out: a claim in doubt on a platform that cannot
    say (at most once rather than twice)."""
    mark_posted(session, delivery_id=delivery_id, ref=None, at=at)
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.error = f"not verified: {reason}"[:500]
        session.add(row)


def mark_failed(session: Session, *, delivery_id: int, error: str) -> None:
    row = session.get(Delivery, delivery_id)
    if row is not None:
        row.status = DeliveryStatus.FAILED.value
        row.error = error[:500]
        session.add(row)

