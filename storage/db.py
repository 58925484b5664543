"""Engine, sessions and schema upgrades.

SQLite (the default) runs in WAL mode with a busy timeout and foreign keys on; any other
SQLAlchemy URL works, PostgreSQL through ``postgresql+psycopg://``. The schema is owned
by Alembic: :func:`upgrade` brings any database to the newest revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 30_000  # the engine's default wait for a write lock (jobs, the CLI)
_UPGRADE_LOCK = 0x6B616D62  # "kamb": PostgreSQL advisory lock held while migrating


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        memory = url in {"sqlite://", "sqlite:///:memory:"}
        connect_args = {"check_same_thread": False, "timeout": 30}
        if memory:
            kwargs.setdefault("poolclass", StaticPool)
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


# Search tables are made by migrations (FTS5 / tsvector), not by the models: autogenerate
# must not offer to drop them.
# The job engine's tables (PostgreSQL) are Procrastinate's, made by migration 0010.
_MIGRATION_ONLY = ("note_fts", "note_search", "procrastinate_")


def include_in_autogenerate(obj: object, name: str | None, type_: str, reflected: bool,
                            compare_to: object) -> bool:
    """Alembic's include_object: every table but the migration-only search tables."""
    return not (type_ == "table" and reflected and compare_to is None
                and str(name).startswith(_MIGRATION_ONLY))


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; several processes starting at once are safe.

    On SQLite, a schema that changed is analysed afterwards: its query planner has no
    statistics for a new index (PostgreSQL's autovacuum gathers them by itself), and without
    them it scans the per-account lists' composite index whole."""
    before = current_revision(engine) if engine.dialect.name == "sqlite" else None
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _UPGRADE_LOCK})
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if engine.dialect.name == "sqlite" and current_revision(engine) != before:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision this version of kambot knows (what `upgrade` brings a database to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_transient(exc: BaseException) -> bool:
    """A database error that trying the same unit of work again may cure: SQLite's write
    lock held by another connection, a PostgreSQL connection lost or refused (a restart,
    pg_terminate_backend), a serialization failure."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa.exc.OperationalError):
        message = str(exc.orig if exc.orig is not None else exc).lower()
        if "sqlite" in type(exc.orig).__module__:
            return any(m in message for m in _SQLITE_BUSY)
        return True  # psycopg: connection failures, admin shutdown, serialization
    return isinstance(exc, sa.exc.InterfaceError | sa.exc.PendingRollbackError)


def set_busy_timeout(session: Session, ms: int) -> None:
    """SQLite: how long this session's connection waits for another writer's lock.

    The interactive path waits only what is left of its answer budget; the connection
    gets the default back before it returns to the pool (see :func:`reset_busy_timeout`).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(f"PRAGMA busy_timeout={max(int(ms), 0)}")


def reset_busy_timeout(session: Session) -> None:
    try:
        set_busy_timeout(session, SQLITE_BUSY_MS)
    except sa.exc.SQLAlchemyError:  # a broken connection is discarded by the pool anyway
        pass


class SessionFactory:
    """Makes sessions on one engine; the caller owns the transaction (unit of work)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        session = self()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
