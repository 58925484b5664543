"""owners outside the team, customer actions, cancelled tasks, decisions

task.owner_text (an owner not placed on the team, kept as written), task.stakeholder_id
(the customer's person owning a customer action), task.cancel_reason; a decision table
of what meetings decided, each on its note.

Revision ID: 0004_owners_decisions
Revises: 0003_note_search
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import AwareDateTime

revision: str = "0004_owners_decisions"
down_revision: str | Sequence[str] | None = "0003_note_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.add_column(sa.Column("owner_text", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("stakeholder_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            "fk_task_stakeholder_id_stakeholder", "stakeholder", ["stakeholder_id"], ["id"]
        )
        batch_op.create_index("ix_task_stakeholder_id", ["stakeholder_id"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_decision_account_id_account"),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], name="fk_decision_note_id_note"),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"],
                                name="fk_decision_created_by_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
    )
    op.create_index("ix_decision_account_id", "decision", ["account_id"])
    op.create_index("ix_decision_note_id", "decision", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_decision_note_id", table_name="decision")
    op.drop_index("ix_decision_account_id", table_name="decision")
    op.drop_table("decision")
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_index("ix_task_stakeholder_id")
        batch_op.drop_constraint("fk_task_stakeholder_id_stakeholder", type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("stakeholder_id")
        batch_op.drop_column("owner_text")
