"""strategy: score weights and records, the relationship map, plan history

strategysetting holds portfolio-wide settings (the account score's weights); scorerecord
the account score over time (for the quarterly tier review); stakeholder gains its part in
the decision, reports-to, our owner and the last contact; planrevision keeps every version
of a plan section.

Revision ID: 0013_strategy
Revises: 0012_perf
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.models import AwareDateTime

revision: str = "0013_strategy"
down_revision: str | Sequence[str] | None = "0012_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "strategysetting",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["person.id"],
                                name="fk_strategysetting_updated_by_id_person"),
        sa.PrimaryKeyConstraint("name", name="pk_strategysetting"),
    )
    op.create_table(
        "scorerecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("suggested", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("tier", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_scorerecord_account_id_account"),
        sa.PrimaryKeyConstraint("id", name="pk_scorerecord"),
    )
    op.create_index("ix_scorerecord_account_id", "scorerecord", ["account_id"])
    op.create_table(
        "planrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_planrevision_account_id_account"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name="fk_planrevision_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_planrevision"),
    )
    op.create_index("ix_planrevision_account_id", "planrevision", ["account_id"])
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.add_column(sa.Column("decision_role",
                                      sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("reports_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_contact_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key("fk_stakeholder_reports_to_id_stakeholder", "stakeholder",
                                    ["reports_to_id"], ["id"])
        batch_op.create_foreign_key("fk_stakeholder_owner_id_person", "person",
                                    ["owner_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_constraint("fk_stakeholder_owner_id_person", type_="foreignkey")
        batch_op.drop_constraint("fk_stakeholder_reports_to_id_stakeholder", type_="foreignkey")
        batch_op.drop_column("last_contact_on")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("reports_to_id")
        batch_op.drop_column("decision_role")
    op.drop_index("ix_planrevision_account_id", table_name="planrevision")
    op.drop_table("planrevision")
    op.drop_index("ix_scorerecord_account_id", table_name="scorerecord")
    op.drop_table("scorerecord")
    op.drop_table("strategysetting")
