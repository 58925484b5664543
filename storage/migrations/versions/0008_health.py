"""health: scorecards on snapshots, alert acknowledgements, escalations, reminders, country

healthsnapshot.measures (the scorecard at that moment), account.country (whose holidays
reminders skip), alertack (acknowledged / snoozed alerts), escalationnotice (who was told
about an overdue task, level by level), reminderpreference (a person's digest hour, on/off).

Revision ID: 0008_health
Revises: 0007_curation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import AwareDateTime

revision: str = "0008_health"
down_revision: str | Sequence[str] | None = "0007_curation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=8), nullable=True))
    with op.batch_alter_table("healthsnapshot") as batch_op:
        batch_op.add_column(sa.Column("measures", sa.JSON(), nullable=True))
    op.create_table(
        "alertack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("episode", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=500), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_alertack_account_id_account"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_alertack_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_alertack"),
    )
    op.create_index("ix_alertack_account_id", "alertack", ["account_id"])
    op.create_table(
        "escalationnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name="fk_escalationnotice_task_id_task"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_escalationnotice_account_id_account"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name="fk_escalationnotice_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_escalationnotice"),
        sa.UniqueConstraint("task_id", "due_date", "level",
                            name="uq_escalationnotice_task_id_due_date_level"),
    )
    op.create_index("ix_escalationnotice_task_id", "escalationnotice", ["task_id"])
    op.create_index("ix_escalationnotice_account_id", "escalationnotice", ["account_id"])
    op.create_table(
        "reminderpreference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name="fk_reminderpreference_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_reminderpreference"),
        sa.UniqueConstraint("person_id", name="uq_reminderpreference_person_id"),
    )


def downgrade() -> None:
    op.drop_table("reminderpreference")
    op.drop_index("ix_escalationnotice_account_id", table_name="escalationnotice")
    op.drop_index("ix_escalationnotice_task_id", table_name="escalationnotice")
    op.drop_table("escalationnotice")
    op.drop_index("ix_alertack_account_id", table_name="alertack")
    op.drop_table("alertack")
    with op.batch_alter_table("healthsnapshot") as batch_op:
        batch_op.drop_column("measures")
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("country")
