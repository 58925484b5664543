"""A rule creates its task once: unique (account_id, rule_key).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.create_index("uq_task_account_rule", ["account_id", "rule_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_index("uq_task_account_rule")
