"""customer side: a channel binding can be shared with the customer

channelbinding.shared marks a channel the customer's people are in: kambot shows only
customer-safe things there, never posts alerts or internal reports to it, and its members
are not counted as the team.

Revision ID: 0010_customer
Revises: 0009_authz
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_customer"
down_revision: str | Sequence[str] | None = "0009_authz"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channelbinding") as batch_op:
        batch_op.add_column(sa.Column("shared", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("channelbinding") as batch_op:
        batch_op.drop_column("shared")
