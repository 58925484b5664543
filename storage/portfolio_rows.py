"""The portfolio's rows for every account in a constant number of queries (three, however
many accounts): the accounts, their open and overdue counts in one aggregate, and each
one's latest health colour by one index probe per account inside a single statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from storage import repos
from storage.models import Account, HealthSnapshot, Task, TaskStatus


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    account: Account
    open: int
    overdue: int
    color: str  # "" when no snapshot yet


def portfolio_rows(session: Session, *, today: date) -> Sequence[PortfolioRow]:
    """Every account that is not archived, with its counts and latest colour (by name)."""
    accounts = repos.all_accounts(session)
    late = sa.func.sum(sa.case((col(Task.due_date) < today, 1), else_=0))
    counts = {int(aid): (int(n), int(o or 0)) for aid, n, o in session.execute(
        sa.select(col(Task.account_id), sa.func.count(), late)
        .where(col(Task.status) == TaskStatus.OPEN.value)
        .group_by(col(Task.account_id))
    ).all()}
    latest = (
        sa.select(col(HealthSnapshot.color))
        .where(col(HealthSnapshot.account_id) == col(Account.id))
        .order_by(col(HealthSnapshot.at).desc(), col(HealthSnapshot.id).desc())
        .limit(1).correlate(Account).scalar_subquery()
    )
    colors = {int(aid): str(color or "") for aid, color in session.execute(
        sa.select(col(Account.id), latest).where(col(Account.archived_at).is_(None))
    ).all()}
    rows = []
    for account in accounts:
        assert account.id is not None
        n_open, n_late = counts.get(account.id, (0, 0))
        rows.append(PortfolioRow(account, n_open, n_late, colors.get(account.id, "")))
    return rows
