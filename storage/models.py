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
    # Whose public holidays and weekends reminders and escalations skip (ISO code, "CN");
    # None: KAMBOT_COUNTRY's.
    country: str | None = Field(default=None, max_length=8)
    score_value: int | None = None
    score_potential: int | None = None
    score_fit: int | None = None
    score_cost: int | None = None
    task_seq: int = 0
    note_seq: int = 0
    opportunity_seq: int = 0
    payment_seq: int = 0
    created_at: datetime = _ts(nullable=False, default=utcnow)
    # Set while the account is archived: read-only, out of jobs, portfolio and Home tabs.
    archived_at: datetime | None = _ts(nullable=True)


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
    # A channel the customer's people are in (Slack Connect, a Telegram group with them):
    # kambot shows only customer-safe things there and never posts alerts or internal
    # reports to it; its members are not the team (commands/customer_side.py).
    shared: bool = False
    created_at: datetime = _ts(nullable=False, default=utcnow)


class Person(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("platform", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=100)
    display_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=200, index=True)
    language: str | None = Field(default=None, max_length=8)
    # Set by `person remove` outside an account channel: no access anywhere until the
    # person is given a role again.
    removed_at: datetime | None = _ts(nullable=True)


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
    __table_args__ = (
        sa.UniqueConstraint("account_id", "number"),
        sa.Index("ix_note_account_created", "account_id", "created_at"),
    )

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
        # One account's open / overdue lists and counts in index order (migration 0010).
        sa.Index("ix_task_account_status_due", "account_id", "status", "due_date", "number"),
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
    source_note_id: int | None = Field(default=None, foreign_key="note.id", index=True)
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


class Proposal(SQLModel, table=True):
    """An action or a decision a transcript proposes, kept as it was shown to the team.

    Nothing is created until a person accepts it; ``accepted_at`` is claimed with a
    conditional update, so a double press or a retried event creates nothing more.
    ``number`` counts each kind within its note (action 1, 2 ...; decision 1, 2 ...).
    """

    __table_args__ = (sa.UniqueConstraint("note_id", "kind", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    note_id: int = Field(foreign_key="note.id", index=True)
    kind: str = Field(max_length=10)  # action | decision
    number: int
    line_no: int
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    owner: str | None = Field(default=None, max_length=200)  # as written in the transcript
    due_date: date | None = None
    task_id: int | None = Field(default=None, foreign_key="task.id")
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    accepted_by_id: int | None = Field(default=None, foreign_key="person.id")
    accepted_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts(nullable=False)


class Opportunity(SQLModel, table=True):
    """A deal on its way from lead to cash (LTC): lead, opportunity, contract, delivery,
    payment, then won or lost. Upsell, cross-sell and renewal are kinds of opportunity."""

    __table_args__ = (sa.UniqueConstraint("account_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    number: int
    name: str = Field(max_length=200)
    kind: str = Field(default="new", max_length=20)
    stage: str = Field(default="lead", max_length=20)
    # open, won or lost; a closed opportunity keeps the stage it was closed in.
    status: str = Field(default="open", max_length=10, index=True)
    value: float = 0
    # 0..1; None means the stage's default (commands/pipeline.py).
    probability: float | None = None
    close_date: date | None = None
    # When the stage last moved: a stage that has not moved for long is flagged.
    stage_changed_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime | None = _ts(nullable=True)
    close_reason: str | None = Field(default=None, max_length=500)


class StageChange(SQLModel, table=True):
    """The opportunity's history: every stage it entered, and its outcome (won / lost)."""

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    at: datetime = _ts(nullable=False)
    person_id: int | None = Field(default=None, foreign_key="person.id")


class Payment(SQLModel, table=True):
    """A payment milestone (回款) of a contract: an amount due on a day, received or not."""

    __table_args__ = (sa.UniqueConstraint("account_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    number: int
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    amount: float
    due_date: date
    received_on: date | None = None
    created_at: datetime = _ts(nullable=False)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")


class PlaybookRun(SQLModel, table=True):
    """One start of a playbook on an account. Unique per (account, playbook, trigger key),
    so a trigger seen twice (a retried event, two replicas, the daily job again) starts it
    once. Its steps are the tasks whose rule_key is ``playbook:<run id>:<step>``."""

    __table_args__ = (sa.UniqueConstraint("account_id", "playbook", "trigger_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    playbook: str = Field(max_length=60)
    # The playbook's title when it started ({"en": .., "zh": ..}): kept if it is removed.
    title: dict[str, str] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    trigger: str = Field(max_length=20)
    trigger_key: str = Field(max_length=100)
    steps: int = 0
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    started_at: datetime = _ts(nullable=False)
    started_by_id: int | None = Field(default=None, foreign_key="person.id")


class PlaybookDefinition(SQLModel, table=True):
    """A playbook an admin added from chat (TOML or YAML text), for every account."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, sa_column_kwargs={"unique": True})
    source: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    format: str = Field(default="toml", max_length=10)
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
    __table_args__ = (sa.Index("ix_healthsnapshot_account_at", "account_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    color: str = Field(max_length=10)
    score: int
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    at: datetime = _ts(nullable=False)
    # The scorecard at that moment ([{code, score, weight}]), so a change can say which
    # measure moved it; None on snapshots taken before the scorecard.
    measures: list[dict[str, Any]] | None = Field(default=None,
                                                 sa_column=sa.Column(sa.JSON, nullable=True))


class AlertAck(SQLModel, table=True):
    """Someone acknowledged (``ack``) or snoozed (``snooze``, until a day) an account's
    alert. ``episode`` is the alert's colour and start (``red:2026-11-24``) and ``state``
    the reasons it had then: reminders stop until the state changes or the snooze ends."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    episode: str = Field(max_length=40)
    state: str = Field(default="", max_length=500)
    action: str = Field(max_length=10)
    until: date | None = None
    person_id: int = Field(foreign_key="person.id")
    at: datetime = _ts(nullable=False)


class EscalationNotice(SQLModel, table=True):
    """Who was told about an overdue task, level by level (holder, AR, sponsor, management):
    unique per task, due date and level, and never the same person twice for one due date."""

    __table_args__ = (sa.UniqueConstraint("task_id", "due_date", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    due_date: date
    level: int
    # The person told; None when it went to the management channel.
    person_id: int | None = Field(default=None, foreign_key="person.id")
    role: str = Field(max_length=20)
    at: datetime = _ts(nullable=False)


class ReminderPreference(SQLModel, table=True):
    """A person's morning digest: on or off, and the hour (KAMBOT_TIMEZONE) it comes at."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", sa_column_kwargs={"unique": True})
    enabled: bool = True
    hour: int = 8
    updated_at: datetime = _ts(nullable=False)


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
    # The relationship map (commands/strategy/relmap.py): their part in the decision
    # (decision_maker, influencer, evaluator, user, gatekeeper), whom they report to, who
    # of our side owns the relationship, and when we last met them.
    decision_role: str | None = Field(default=None, max_length=20)
    reports_to_id: int | None = Field(default=None, foreign_key="stakeholder.id")
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    last_contact_on: date | None = None


class PlanSection(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("account_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    section: str = Field(max_length=40)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = _ts(nullable=False)
    updated_by_id: int | None = Field(default=None, foreign_key="person.id")


class PlanRevision(SQLModel, table=True):
    """Every version of a plan section (the living plan): who wrote what, when. The newest
    is the section's text now; the one before is what ``plan history`` shows as previous."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    section: str = Field(max_length=40)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    at: datetime = _ts(nullable=False)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    # "edit" for a change of text, "review" when the team confirmed the plan as it stands.
    kind: str = Field(default="edit", max_length=10)


class ScoreRecord(SQLModel, table=True):
    """The account score each time it or the tier changed: the tier review reads how long
    an account has scored below (or above) its tier."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    total: int
    suggested: str = Field(max_length=20)
    tier: str = Field(max_length=20)
    at: datetime = _ts(nullable=False)


class StrategySetting(SQLModel, table=True):
    """Portfolio-wide settings an admin sets from chat (the account score's weights)."""

    name: str = Field(primary_key=True, max_length=40)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
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
    # The work that holds the claim (``work:account:42`` for a job of the engine; None for
    # a replica or the embedded scheduler); see storage/ledger.py.
    claimed_by: str | None = Field(default=None, max_length=100)


class ProcessedEvent(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("platform", "key"),
        sa.Index("ix_processedevent_at", "at"),  # the retention job deletes by age
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    key: str = Field(max_length=200)
    at: datetime = _ts(nullable=False)


class AuditLog(SQLModel, table=True):
    """The account's history: who changed what, when and where, with what it was before
    and after (the conventions are in commands/audit.py), so it can be read and undone."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False)
    account_id: int | None = Field(default=None, index=True)
    person_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    # Where the change was made ("slack:T1:C1"): undo reverses a person's last change there.
    channel_key: str | None = Field(default=None, max_length=300)
    # The event (command, button, modal) that made it: one command's entries undo together.
    event_key: str | None = Field(default=None, max_length=200)
    # What it changed ("task:42", "note:7", "role:AR", "card", "plan:goals"): a later entry
    # on the same target means someone changed it since.
    target: str | None = Field(default=None, max_length=240, index=True)
    # On an "undo" entry, the entry it reversed; unique, so nothing is undone twice.
    undoes_id: int | None = Field(default=None, foreign_key="auditlog.id", unique=True)


class UndoStash(SQLModel, table=True):
    """What an undo needs for a few minutes and nobody should keep longer (a deleted note's
    text and decisions), kept apart from the audit log and purged once it expires."""

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="auditlog.id", unique=True)
    account_id: int = Field(index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    expires_at: datetime = _ts(nullable=False, index=True)


class ChannelMember(SQLModel, table=True):
    """A person seen in a channel: joined (or acted there), and when they left.

    Members of an account's bound channels may read it and work on it (commands/authz.py);
    the platform's own membership is the truth, so a leave event ends the access.
    """

    __table_args__ = (sa.UniqueConstraint("platform", "workspace", "channel", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    workspace: str = Field(max_length=100)
    channel: str = Field(max_length=100)
    person_id: int = Field(foreign_key="person.id", index=True)
    joined_at: datetime = _ts(nullable=False)
    left_at: datetime | None = _ts(nullable=True)


class Secret(SQLModel, table=True):
    """Keys kambot makes for itself when no setting gives one (the button seal key)."""

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    created_at: datetime = _ts(nullable=False)


# Tables of their own topic, registered with the metadata here (they import from above).
import storage.share_models  # noqa: E402, F401
