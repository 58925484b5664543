"""Queries for the commercial record: opportunities, their stage history, payments (回款).

Keyword-only, and the caller owns the transaction, like :mod:`storage.repos`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Account, Opportunity, Payment, StageChange
from storage.repos import next_number

OPEN = "open"


# --- opportunities -------------------------------------------------------------------------


def add_opportunity(
    session: Session, *, account_id: int, name: str, kind: str, stage: str, value: float,
    probability: float | None, close_date: date | None, at: datetime,
    created_by_id: int | None = None,
) -> Opportunity:
    number = next_number(session, account_id=account_id, counter="opportunity_seq")
    opp = Opportunity(account_id=account_id, number=number, name=name, kind=kind, stage=stage,
                      value=value, probability=probability, close_date=close_date,
                      stage_changed_at=at, created_at=at, created_by_id=created_by_id)
    session.add(opp)
    session.flush()
    assert opp.id is not None
    session.add(StageChange(opportunity_id=opp.id, account_id=account_id, from_stage=None,
                            to_stage=stage, at=at, person_id=created_by_id))
    session.flush()
    return opp


def opportunity_by_number(session: Session, *, account_id: int, number: int) -> Opportunity | None:
    return session.exec(select(Opportunity).where(
        Opportunity.account_id == account_id, Opportunity.number == number)).first()


def opportunities_of(
    session: Session, *, account_id: int, status: str | None = OPEN,
) -> Sequence[Opportunity]:
    query = select(Opportunity).where(Opportunity.account_id == account_id)
    if status is not None:
        query = query.where(Opportunity.status == status)
    return session.exec(query.order_by(col(Opportunity.number))).all()


def all_opportunities(
    session: Session, *, closed_since: datetime | None = None,
) -> Sequence[tuple[Opportunity, Account]]:
    """Open opportunities of every account, plus those closed since ``closed_since``."""
    cond = col(Opportunity.status) == OPEN
    if closed_since is not None:
        cond = sa.or_(cond, col(Opportunity.closed_at) >= closed_since)
    return session.exec(
        select(Opportunity, Account).join(Account, col(Account.id) == Opportunity.account_id)
        .where(cond).order_by(col(Account.name), col(Opportunity.number))
    ).all()


def record_stage(
    session: Session, *, opp: Opportunity, to_stage: str, at: datetime, person_id: int | None,
) -> StageChange:
    """Move the opportunity (or close it: ``won`` / ``lost``) and keep the step in its history."""
    assert opp.id is not None
    change = StageChange(opportunity_id=opp.id, account_id=opp.account_id,
                         from_stage=opp.stage, to_stage=to_stage, at=at, person_id=person_id)
    session.add(change)
    if to_stage in ("won", "lost"):
        opp.status = to_stage
        opp.closed_at = at
    else:
        opp.stage = to_stage
        opp.stage_changed_at = at
    session.add(opp)
    session.flush()
    return change


def stage_history(session: Session, *, opportunity_id: int) -> Sequence[StageChange]:
    return session.exec(select(StageChange).where(StageChange.opportunity_id == opportunity_id)
                        .order_by(col(StageChange.at), col(StageChange.id))).all()


def renewal_opportunity(session: Session, *, account_id: int) -> Opportunity | None:
    """The account's open renewal: the open opportunity of kind renewal closing first."""
    return session.exec(
        select(Opportunity).where(Opportunity.account_id == account_id,
                                  Opportunity.status == OPEN, Opportunity.kind == "renewal")
        .order_by(col(Opportunity.close_date).is_(None), col(Opportunity.close_date),
                  col(Opportunity.number))
    ).first()


# --- payments ------------------------------------------------------------------------------


def add_payment(
    session: Session, *, account_id: int, opportunity_id: int, amount: float, due_date: date,
    at: datetime, created_by_id: int | None = None,
) -> Payment:
    number = next_number(session, account_id=account_id, counter="payment_seq")
    payment = Payment(account_id=account_id, number=number, opportunity_id=opportunity_id,
                      amount=amount, due_date=due_date, created_at=at,
                      created_by_id=created_by_id)
    session.add(payment)
    session.flush()
    return payment


def payment_by_number(session: Session, *, account_id: int, number: int) -> Payment | None:
    return session.exec(select(Payment).where(Payment.account_id == account_id,
                                              Payment.number == number)).first()


def payments_of(
    session: Session, *, account_id: int, opportunity_id: int | None = None,
    outstanding: bool = False,
) -> Sequence[Payment]:
    query = select(Payment).where(Payment.account_id == account_id)
    if opportunity_id is not None:
        query = query.where(Payment.opportunity_id == opportunity_id)
    if outstanding:
        query = query.where(col(Payment.received_on).is_(None))
    return session.exec(query.order_by(col(Payment.due_date), col(Payment.number))).all()


def overdue_payments(
    session: Session, *, today: date, account_id: int | None = None,
) -> Sequence[Payment]:
    """Payments not received and due before ``today``, oldest first."""
    query = select(Payment).where(col(Payment.received_on).is_(None),
                                  col(Payment.due_date) < today)
    if account_id is not None:
        query = query.where(Payment.account_id == account_id)
    return session.exec(query.order_by(col(Payment.due_date), col(Payment.id))).all()


@dataclass(frozen=True)
class Receivables:
    """What the customer still owes: outstanding (not received) and the overdue part."""

    outstanding: float = 0.0
    overdue: float = 0.0
    overdue_count: int = 0
    oldest_overdue_days: int | None = None
    oldest_overdue_number: int | None = None


def receivables(session: Session, *, account_id: int, today: date) -> Receivables:
    return receivables_many(session, account_ids=[account_id], today=today).get(
        account_id, Receivables())


def receivables_many(
    session: Session, *, account_ids: Sequence[int], today: date,
) -> dict[int, Receivables]:
    """:func:`receivables` for many accounts in one query; accounts owed nothing are absent."""
    if not account_ids:
        return {}
    rows: dict[int, list[Payment]] = {}
    for payment in session.exec(
        select(Payment).where(col(Payment.account_id).in_(list(account_ids)),
                              col(Payment.received_on).is_(None))
        .order_by(col(Payment.due_date), col(Payment.number))
    ).all():
        rows.setdefault(payment.account_id, []).append(payment)
    out: dict[int, Receivables] = {}
    for account_id, owed in rows.items():
        late = [p for p in owed if p.due_date < today]
        oldest = late[0] if late else None
        out[account_id] = Receivables(
            outstanding=sum(p.amount for p in owed),
            overdue=sum(p.amount for p in late),
            overdue_count=len(late),
            oldest_overdue_days=(today - oldest.due_date).days if oldest else None,
            oldest_overdue_number=oldest.number if oldest else None,
        )
    return out
