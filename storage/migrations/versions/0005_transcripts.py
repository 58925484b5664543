"""transcript proposals: actions and decisions a transcript proposes, accepted once each

Revision ID: 0005_transcripts
Revises: 0004_owners_decisions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import AwareDateTime

revision: str = "0005_transcripts"
down_revision: str | Sequence[str] | None = "0004_owners_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", AwareDateTime(), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_proposal_account_id_account"),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], name="fk_proposal_note_id_note"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name="fk_proposal_task_id_task"),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"],
                                name="fk_proposal_decision_id_decision"),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["person.id"],
                                name="fk_proposal_accepted_by_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_proposal"),
        sa.UniqueConstraint("note_id", "kind", "number", name="uq_proposal_note_id_kind_number"),
    )
    op.create_index("ix_proposal_account_id", "proposal", ["account_id"])
    op.create_index("ix_proposal_note_id", "proposal", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_proposal_note_id", table_name="proposal")
    op.drop_index("ix_proposal_account_id", table_name="proposal")
    op.drop_table("proposal")
