"""access: channel members, archived accounts, removed people, the seal key

channelmember records who kambot has seen in a channel (and when they left): members of
an account's bound channels may read it. account.archived_at marks an archived account;
person.removed_at a person whose access was removed. secret holds the key that signs
button values and modal metadata when KAMBOT_SECRET_KEY is not set.

Revision ID: 0009_authz
Revises: 0008_health
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import AwareDateTime

revision: str = "0009_authz"
down_revision: str | Sequence[str] | None = "0008_health"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("archived_at", AwareDateTime(), nullable=True))
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("removed_at", AwareDateTime(), nullable=True))
    op.create_table(
        "channelmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", AwareDateTime(), nullable=False),
        sa.Column("left_at", AwareDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name="fk_channelmember_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_channelmember"),
        sa.UniqueConstraint("platform", "workspace", "channel", "person_id",
                            name="uq_channelmember_platform_workspace_channel_person_id"),
    )
    op.create_index("ix_channelmember_person_id", "channelmember", ["person_id"])
    op.create_table(
        "secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_secret"),
    )


def downgrade() -> None:
    op.drop_table("secret")
    op.drop_index("ix_channelmember_person_id", table_name="channelmember")
    op.drop_table("channelmember")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("archived_at")
