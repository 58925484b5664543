"""customer side: a channel binding can be shared with the customer

channelbinding.shared marks a channel the customer's people are in: kambot shows only
customer-safe things there, never posts alerts or internal reports to it, and its members
are not counted as the team. sharelink holds the signed links to an account's customer
page; sharecomment what the customer's people wrote there.

Revision ID: 0010_customer
Revises: 0009_authz
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import AwareDateTime

revision: str = "0010_customer"
down_revision: str | Sequence[str] | None = "0009_authz"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channelbinding") as batch_op:
        batch_op.add_column(sa.Column("shared", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "sharelink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.Column("revoked_at", AwareDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_sharelink_account_id_account"),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"],
                                name="fk_sharelink_created_by_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_sharelink"),
        sa.UniqueConstraint("token", name="uq_sharelink_token"),
    )
    op.create_index("ix_sharelink_account_id", "sharelink", ["account_id"])
    op.create_table(
        "sharecomment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_sharecomment_account_id_account"),
        sa.ForeignKeyConstraint(["link_id"], ["sharelink.id"],
                                name="fk_sharecomment_link_id_sharelink"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name="fk_sharecomment_task_id_task"),
        sa.PrimaryKeyConstraint("id", name="pk_sharecomment"),
        sa.UniqueConstraint("nonce", name="uq_sharecomment_nonce"),
    )
    op.create_index("ix_sharecomment_account_id", "sharecomment", ["account_id"])
    op.create_index("ix_sharecomment_link_id", "sharecomment", ["link_id"])


def downgrade() -> None:
    op.drop_table("sharecomment")
    op.drop_table("sharelink")
    with op.batch_alter_table("channelbinding") as batch_op:
        batch_op.drop_column("shared")
