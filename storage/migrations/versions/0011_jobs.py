"""jobs: the job engine's schema on PostgreSQL, and who holds a delivery's claim

On PostgreSQL the job engine (Procrastinate, `kambot worker`) keeps its queue in the same
database: its own tables, types and functions, applied here from the schema the installed
Procrastinate ships, once. SQLite runs the embedded scheduler and gets none of it.

delivery.claimed_by names the run that holds a claim (a job of the engine, a scheduler
process): when the same job comes back after its worker died, it knows the claim is its
own and, after asking the platform whether the post went out, takes it again at once
instead of waiting for the claim to go stale.

Revision ID: 0011_jobs
Revises: 0010_customer
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_jobs"
down_revision: str | Sequence[str] | None = "0010_customer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.execute(sa.text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar()
    if not exists:
        from procrastinate.schema import SchemaManager

        # Several statements at once; the driver reads % as a placeholder, as Procrastinate's
        # own `apply_schema` knows.
        bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    # The job engine's schema stays: `procrastinate schema` owns it, and jobs may be queued.
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_column("claimed_by")
