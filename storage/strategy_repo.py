"""Queries of account strategy: the score's weights, the score over time, the portfolio's
rows (a fixed number of queries however many accounts), stakeholders of the relationship
map and the plan's history. Keyword-only arguments; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from storage.models import (
    Account,
    AuditLog,
    HealthSnapshot,
    Note,
    PlanRevision,
    PlanSection,
    ScoreRecord,
    Signal,
    Stakeholder,
    StrategySetting,
    Task,
    TaskStatus,
)

SCORE_WEIGHTS = "score_weights"


# --- settings -------------------------------------------------------------------------------


def setting(session: Session, *, name: str) -> dict[str, Any] | None:
    row = session.get(StrategySetting, name)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else None


def save_setting(session: Session, *, name: str, value: dict[str, Any], at: datetime,
                 person_id: int | None) -> None:
    row = session.get(StrategySetting, name)
    if row is None:
        row = StrategySetting(name=name, value=value, updated_at=at, updated_by_id=person_id)
    else:
        row.value, row.updated_at, row.updated_by_id = value, at, person_id
    session.add(row)
    session.flush()


# --- the score over time --------------------------------------------------------------------


def add_score_record(session: Session, *, account_id: int, total: int, suggested: str,
                     tier: str, at: datetime) -> None:
    """One more point of the account's score history, unless it says what the last did."""
    last = session.exec(select(ScoreRecord).where(ScoreRecord.account_id == account_id)
                        .order_by(col(ScoreRecord.at).desc(), col(ScoreRecord.id).desc())
                        .limit(1)).first()
    if last is not None and (last.total, last.suggested, last.tier) == (total, suggested, tier):
        return
    session.add(ScoreRecord(account_id=account_id, total=total, suggested=suggested,
                            tier=tier, at=at))
    session.flush()


def score_records_many(session: Session, *, account_ids: Sequence[int]
                       ) -> dict[int, list[ScoreRecord]]:
    """Account id -> its score history, oldest first."""
    if not account_ids:
        return {}
    out: dict[int, list[ScoreRecord]] = {}
    for row in session.exec(select(ScoreRecord).where(
            col(ScoreRecord.account_id).in_(list(account_ids)))
            .order_by(col(ScoreRecord.at), col(ScoreRecord.id))).all():
        out.setdefault(row.account_id, []).append(row)
    return out


# --- the portfolio --------------------------------------------------------------------------


def overdue_counts_many(session: Session, *, account_ids: Sequence[int], today: date
                        ) -> dict[int, int]:
    """Account id -> open tasks due before ``today``."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(Task.account_id, func.count()).where(
            col(Task.account_id).in_(list(account_ids)),
            Task.status == TaskStatus.OPEN.value,
            col(Task.due_date).is_not(None), col(Task.due_date) < today)
        .group_by(col(Task.account_id))).all()
    return {int(a): int(n) for a, n in rows}


def last_colors_many(session: Session, *, account_ids: Sequence[int]) -> dict[int, str]:
    """Account id -> the colour of its newest health snapshot."""
    if not account_ids:
        return {}
    newest = (select(HealthSnapshot.account_id, func.max(HealthSnapshot.id).label("last_id"))
              .where(col(HealthSnapshot.account_id).in_(list(account_ids)))
              .group_by(col(HealthSnapshot.account_id)).subquery())
    rows = session.exec(select(HealthSnapshot.account_id, HealthSnapshot.color)
                        .join(newest, col(HealthSnapshot.id) == newest.c.last_id)).all()
    return {int(a): str(c) for a, c in rows}


def active_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).where(col(Account.archived_at).is_(None))
                             .order_by(col(Account.name))).all())


# --- the sponsor ----------------------------------------------------------------------------


def last_exec_meeting(session: Session, *, account_id: int) -> date | None:
    """The newest executive meeting on record (signal exec_meeting=<date>)."""
    return session.exec(select(func.max(Signal.value_date)).where(
        Signal.account_id == account_id, Signal.metric == "exec_meeting")).one()


# --- stakeholders ---------------------------------------------------------------------------


def stakeholders_of(session: Session, *, account_id: int) -> list[Stakeholder]:
    return list(session.exec(select(Stakeholder).where(Stakeholder.account_id == account_id)
                             .order_by(col(Stakeholder.name_key))).all())


def stakeholder_named(session: Session, *, account_id: int, name_key: str) -> Stakeholder | None:
    return session.exec(select(Stakeholder).where(
        Stakeholder.account_id == account_id, Stakeholder.name_key == name_key)).first()


# --- the plan -------------------------------------------------------------------------------


def plan_sections(session: Session, *, account_id: int) -> dict[str, PlanSection]:
    return {r.section: r for r in session.exec(
        select(PlanSection).where(PlanSection.account_id == account_id)).all()}


def add_plan_revision(session: Session, *, account_id: int, section: str, text: str,
                      at: datetime, person_id: int | None, kind: str = "edit") -> PlanRevision:
    row = PlanRevision(account_id=account_id, section=section, text=text, at=at,
                       person_id=person_id, kind=kind)
    session.add(row)
    session.flush()
    return row


def plan_revisions(session: Session, *, account_id: int, section: str | None = None,
                   limit: int = 20) -> list[PlanRevision]:
    """Newest first."""
    query = select(PlanRevision).where(PlanRevision.account_id == account_id)
    if section is not None:
        query = query.where(PlanRevision.section == section)
    return list(session.exec(query.order_by(col(PlanRevision.at).desc(),
                                            col(PlanRevision.id).desc()).limit(limit)).all())


def last_plan_review(session: Session, *, account_id: int) -> datetime | None:
    """When the plan was last changed or confirmed (its history, else its sections)."""
    revised = session.exec(select(func.max(PlanRevision.at)).where(
        PlanRevision.account_id == account_id)).one()
    updated = session.exec(select(func.max(PlanSection.updated_at)).where(
        PlanSection.account_id == account_id)).one()
    found = [d for d in (revised, updated) if d is not None]
    return max(found) if found else None


# --- the handover brief ---------------------------------------------------------------------


def recent_meetings(session: Session, *, account_id: int, limit: int = 3) -> list[Note]:
    return list(session.exec(select(Note).where(Note.account_id == account_id)
                             .order_by(col(Note.created_at).desc(), col(Note.id).desc())
                             .limit(limit)).all())


def role_changes_since(session: Session, *, account_id: int, since: datetime) -> list[AuditLog]:
    """The account's role assignments (audit ``role.assign``) since ``since``, oldest first."""
    return list(session.exec(select(AuditLog).where(
        AuditLog.account_id == account_id, AuditLog.action == "role.assign",
        col(AuditLog.at) >= since).order_by(col(AuditLog.id))).all())
