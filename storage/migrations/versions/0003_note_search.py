"""note search: a full-text index of meeting notes

SQLite: an FTS5 table ``note_fts`` (rowid = note.id). PostgreSQL: a table ``note_search``
with a generated tsvector and a GIN index. Both hold the text as storage.search.index_text
makes it (words case-folded, Chinese as overlapping character bigrams), so one query
builder serves both and a two-character word like 回款 is found inside 下月回款计划.
The index is filled by storage.search (on note insert and by catch-up before a search).

Revision ID: 0003_note_search
Revises: 0002 (task_rule_unique)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_note_search"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE note_fts USING fts5("
            "body, account_id UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE TABLE note_search ("
            " note_id INTEGER PRIMARY KEY REFERENCES note(id) ON DELETE CASCADE,"
            " account_id INTEGER NOT NULL,"
            " body TEXT NOT NULL,"
            " tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED)"
        )
        op.execute("CREATE INDEX ix_note_search_tsv ON note_search USING GIN (tsv)")
        op.execute("CREATE INDEX ix_note_search_account_id ON note_search (account_id)")
    else:  # pragma: no cover - other databases search with LIKE (storage.search)
        pass


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS note_fts")
    elif dialect == "postgresql":
        op.execute("DROP TABLE IF EXISTS note_search")
