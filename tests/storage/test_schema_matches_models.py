"""The migrations build exactly the schema the models describe (on SQLite and PostgreSQL).

Several lines of work add tables and columns; a migration that forgets a column, or a
model that drifts from its migration, is caught here rather than in production.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401 - registers the tables
from storage.db import current_revision, include_in_autogenerate


def test_migrated_schema_has_no_difference_from_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_form_one_line(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(engine))
    heads = script.get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"
    assert current_revision(engine) == heads[0]
