"""The account record as SQLModel tables.

Every side effect that a retried platform event could repeat is made unique in the
database: ProcessedEvent (one effect per event), Delivery (one post per report or
alert), per-account task and note numbers. Datetimes are stored timezone-aware (UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Only for column defaults; code that decides anything takes time from the Clock."""
    return datetime.now(UTC)


class AwareDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; take time from the Clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(**kw: Any) -> Any:
    return Field(sa_column=sa.Column(AwareDateTime(), **kw))


class Tier(StrEnum):
    CORE = "core"
    IMPORTANT = "important"
    POTENTIAL = "potential"


class Role(StrEnum):
    AR = "AR"
    SR = "SR"
    FR = "FR"
    SPONSOR = "SPONSOR"
    # A commitment of the customer's side: owned by one of their people (a stakeholder)
    # or by "the customer"; never routed to our triangle.
    CUSTOMER = "CUSTOMER"


TRIANGLE = (Role.AR, Role.SR, Role.FR)
# The roles people of our side hold on an account (the customer's side holds none).
TEAM_ROLES = (Role.AR, Role.SR, Role.FR, Role.SPONSOR)


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    # Withdrawn: kept in history, out of open lists and reports.
    CANCELLED = "cancelled"


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Lower-cased, space-folded name: unique, so "ACME corp" and "Acme Corp" are one account.
    name_key: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    tier: str = Field(default=Tier.IMPORTANT.value, max_length=20)
    industry: str | None = Field(default=None, max_length=200)
    revenue: float | None = None
    margin: float | None = None
    renewal_date: date | None = None
    language: str | None = Field(default=None, max_length=8)
    score_value: int | None = None
    score_potential: int | None = None
    score_fit: int | None = None
    score_cost: int | None = None
    task_seq: int = 0
    note_seq: int = 0
    created_at: datetime = _ts(nullable=False, default=utcnow)


class ChannelBinding(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("platform", "workspace", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    workspace: str = Field(max_length=100)
    channel: str = Field(max_length=100)
    channel_name: str = Field(default="", max_length=200)
    account_id: int = Field(foreign_key="account.id", index=True)
    language: str | None = Field(default=None, max_length=8)
    archived: bool = False
    created_at: datetime = _ts(nullable=False, default=utcnow)


class Person(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("platform", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=100)
    display_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=200, index=True)
    language: str | None = Field(default=None, max_length=8)


class RoleAssignment(SQLModel, table=True):
    """Who held which role on an account, and when. ``ended_at`` is null for the holder now."""

    __table_args__ = (
        sa.Index(
            "uq_roleassignment_current",
            "account_id",
            "role",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    role: str = Field(max_length=10)
    person_id: int = Field(foreign_key="person.id", index=True)
    started_at: datetime = _ts(nullable=False)
    ended_at: datetime | None = _ts(nullable=True)


class Note(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("account_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    number: int
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    author_id: int | None = Field(default=None, foreign_key="person.id")
    kind: str = Field(default="meeting", max_length=20)
    internal: bool = True
    created_at: datetime = _ts(nullable=False)


class Task(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("account_id", "number"),
        # A rule creates its task once per account and occasion (NULLs, i.e. tasks people
        # made, are never equal to each other).
        sa.Index("uq_task_account_rule", "account_id", "rule_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    number: int
    title: str = Field(max_length=500)
    role: str = Field(max_length=10)
    assignee_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    due_date: date | None = None
    status: str = Field(default=TaskStatus.OPEN.value, max_length=10, index=True)
    shared: bool = False
    source_note_id: int | None = Field(default=None, foreign_key="note.id")
    # Why it went to its role ("quote" -> SR), kept so the record can explain itself.
    routing_reason: str | None = Field(default=None, max_length=200)
    # Set for tasks the bot created by a rule, so the rule fires once (renewal:2027-01-31).
    rule_key: str | None = Field(default=None, max_length=100)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _ts(nullable=False)
    closed_at: datetime | None = _ts(nullable=True)
    # An owner kambot could not place on the team, kept as written ("Carol from finance"),
    # or the name of the customer's person who owns a customer action.
    owner_text: str | None = Field(default=None, max_length=200)
    # The customer's person (stakeholder) who owns a customer action (role CUSTOMER).
    stakeholder_id: int | None = Field(default=None, foreign_key="stakeholder.id", index=True)
    cancel_reason: str | None = Field(default=None, max_length=500)


class Decision(SQLModel, table=True):
    """Something the meeting decided ("Decision: ...", "We agreed ...", "决定：..."), kept on
    its note so reports and questions can cite it."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    note_id: int | None = Field(default=None, foreign_key="note.id", index=True)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    line_no: int | None = None
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _ts(nullable=False)


class Signal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    metric: str = Field(max_length=40)
    value: float | None = None
    value_date: date | None = None
    at: datetime = _ts(nullable=False)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")


class HealthSnapshot(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    color: str = Field(max_length=10)
    score: int
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    at: datetime = _ts(nullable=False)


class Stakeholder(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("account_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=100)
    power: int | None = None
    interest: int | None = None
    stance: str | None = Field(default=None, max_length=40)
    relationship: int | None = None
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = _ts(nullable=False, default=utcnow)


class PlanSection(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("account_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    section: str = Field(max_length=40)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = _ts(nullable=False)
    updated_by_id: int | None = Field(default=None, foreign_key="person.id")


class DeliveryStatus(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    FAILED = "failed"


class Delivery(SQLModel, table=True):
    """The ledger of things the bot posts by itself: claimed before posting, so once only.

    ``key`` names the occasion (``2026-11`` for a report, ``red:2026-11-24`` for an
    alert); ``account_id`` 0 stands for the portfolio (management channel).
    """

    __table_args__ = (sa.UniqueConstraint("kind", "account_id", "key", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    account_id: int = Field(default=0, index=True)
    key: str = Field(max_length=100)
    platform: str = Field(default="", max_length=20)
    channel: str = Field(default="", max_length=100)
    status: str = Field(default=DeliveryStatus.CLAIMED.value, max_length=10)
    message_ref: str | None = Field(default=None, max_length=100)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=500)
    claimed_at: datetime = _ts(nullable=False)
    posted_at: datetime | None = _ts(nullable=True)


class ProcessedEvent(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("platform", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    key: str = Field(max_length=200)
    at: datetime = _ts(nullable=False)


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False)
    account_id: int | None = Field(default=None, index=True)
    person_id: int | None = None
    action: str = Field(max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
