"""history and undo: where and by which event each change was made, what it changed,
which entry an undo reversed (unique: nothing is undone twice); a short-lived stash for
what an undo of a deletion needs.

Revision ID: 0007_curation
Revises: 0006_commercial
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import AwareDateTime

revision: str = "0007_curation"
down_revision: str | Sequence[str] | None = "0006_commercial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auditlog") as batch_op:
        batch_op.add_column(sa.Column("channel_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("event_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("target", sa.String(length=240), nullable=True))
        batch_op.add_column(sa.Column("undoes_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_auditlog_undoes_id_auditlog", "auditlog", ["undoes_id"], ["id"]
        )
        batch_op.create_unique_constraint("uq_auditlog_undoes_id", ["undoes_id"])
        batch_op.create_index("ix_auditlog_person_id", ["person_id"])
        batch_op.create_index("ix_auditlog_target", ["target"])
    op.create_table(
        "undostash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["auditlog.id"],
                                name="fk_undostash_audit_id_auditlog"),
        sa.PrimaryKeyConstraint("id", name="pk_undostash"),
        sa.UniqueConstraint("audit_id", name="uq_undostash_audit_id"),
    )
    op.create_index("ix_undostash_account_id", "undostash", ["account_id"])
    op.create_index("ix_undostash_expires_at", "undostash", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_undostash_expires_at", table_name="undostash")
    op.drop_index("ix_undostash_account_id", table_name="undostash")
    op.drop_table("undostash")
    with op.batch_alter_table("auditlog") as batch_op:
        batch_op.drop_index("ix_auditlog_target")
        batch_op.drop_index("ix_auditlog_person_id")
        batch_op.drop_constraint("uq_auditlog_undoes_id", type_="unique")
        batch_op.drop_constraint("fk_auditlog_undoes_id_auditlog", type_="foreignkey")
        batch_op.drop_column("undoes_id")
        batch_op.drop_column("target")
        batch_op.drop_column("event_key")
        batch_op.drop_column("channel_key")
