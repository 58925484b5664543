"""perf: composite indexes for per-account lists, and note search scoped inside the index

- task (account_id, status, due_date, number): open / overdue lists and counts of one
  account read in index order, no temporary sort;
- healthsnapshot (account_id, at): the latest snapshot is one index probe;
- note (account_id, created_at): the newest notes and the last meeting of one account;
- processedevent (at) and healthsnapshot retention (the daily retention job);
- task (source_note_id): a page of `notes` counts each note's tasks without reading every
  task of every account.
- SQLite: the full-text table ``note_fts`` gets an indexed ``scope`` column holding the
  account as one token (``a123``), so a search matches the account inside the index rather
  than filtering every account's hits afterwards. The table is rebuilt empty;
  storage.search fills it again per account before its first search (its catch-up).

Revision ID: 0012_perf
Revises: 0011_jobs
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_perf"
down_revision: str | Sequence[str] | None = "0011_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_task_account_status_due", "task", ["account_id", "status", "due_date", "number"]),
    ("ix_healthsnapshot_account_at", "healthsnapshot", ["account_id", "at"]),
    ("ix_note_account_created", "note", ["account_id", "created_at"]),
    ("ix_processedevent_at", "processedevent", ["at"]),
    ("ix_task_source_note_id", "task", ["source_note_id"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS note_fts")
        op.execute(
            "CREATE VIRTUAL TABLE note_fts USING fts5("
            "body, scope, account_id UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS note_fts")
        op.execute(
            "CREATE VIRTUAL TABLE note_fts USING fts5("
            "body, account_id UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
