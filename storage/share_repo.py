"""Queries of the customer page: its links, the joint plan it shows, and the once-only
effects of the customer's people there (a done tick, a comment)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Role, Task, TaskStatus
from storage.share_models import ShareComment, ShareLink


def add_link(session: Session, *, account_id: int, token: str, language: str,
             created_by_id: int | None, at: datetime, expires_at: datetime) -> ShareLink:
    link = ShareLink(account_id=account_id, token=token, language=language,
                     created_by_id=created_by_id, created_at=at, expires_at=expires_at)
    session.add(link)
    session.flush()
    return link


def link_by_token(session: Session, *, token: str) -> ShareLink | None:
    return session.exec(select(ShareLink).where(ShareLink.token == token)).first()


def live_links(session: Session, *, account_id: int, at: datetime) -> Sequence[ShareLink]:
    """The account's links neither revoked nor expired at ``at``."""
    return session.exec(select(ShareLink).where(
        ShareLink.account_id == account_id, col(ShareLink.revoked_at).is_(None),
        col(ShareLink.expires_at) > at).order_by(col(ShareLink.id))).all()


def revoke_links(session: Session, *, account_id: int, at: datetime) -> int:
    """Revoke every live link of the account; returns how many."""
    links = live_links(session, account_id=account_id, at=at)
    for link in links:
        link.revoked_at = at
        session.add(link)
    session.flush()
    return len(links)


def joint_tasks(session: Session, *, account_id: int) -> Sequence[Task]:
    """The joint plan: open or done actions shared with the customer or theirs."""
    return session.exec(select(Task).where(
        Task.account_id == account_id,
        col(Task.status).in_((TaskStatus.OPEN.value, TaskStatus.DONE.value)),
        sa.or_(col(Task.shared).is_(True), col(Task.role) == Role.CUSTOMER.value),
    ).order_by(col(Task.number))).all()


def mark_done_once(session: Session, *, account_id: int, number: int,
                   at: datetime) -> Task | None:
    """Close the customer's open action ``number``; None when it is not theirs, not open,
    or another request closed it first (the UPDATE's condition decides, not a read)."""
    done = session.execute(
        sa.update(Task).where(col(Task.account_id) == account_id, col(Task.number) == number,
                              col(Task.role) == Role.CUSTOMER.value,
                              col(Task.status) == TaskStatus.OPEN.value)
        .values(status=TaskStatus.DONE.value, closed_at=at))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.exec(select(Task).where(Task.account_id == account_id,
                                           Task.number == number)).first()


def add_comment(session: Session, *, account_id: int, link_id: int, task_id: int | None,
                author: str, text: str, nonce: str, at: datetime) -> ShareComment | None:
    """Keep a comment once per form (its nonce); None when this form was already sent."""
    comment = ShareComment(account_id=account_id, link_id=link_id, task_id=task_id,
                           author=author, text=text, nonce=nonce, created_at=at)
    try:
        with session.begin_nested():
            session.add(comment)
            session.flush()
    except sa.exc.IntegrityError:
        return None
    return comment


def comments_of(session: Session, *, account_id: int, limit: int = 20) -> Sequence[ShareComment]:
    return session.exec(select(ShareComment).where(ShareComment.account_id == account_id)
                        .order_by(col(ShareComment.id).desc()).limit(limit)).all()
