"""Shared fixtures: a migrated database (SQLite or PostgreSQL), a fixed clock, the core,
and a conversation driver that plays a channel.

KAMBOT_TEST_DATABASE_URL picks the database: unset or ``sqlite`` for a fresh SQLite file
per test; a PostgreSQL URL for a throwaway database created for this run (so concurrent
runs never share tables) and emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import make_engine, upgrade
from tests.support import Conversation

TEST_DB = os.environ.get("KAMBOT_TEST_DATABASE_URL", "sqlite")
ON_POSTGRES = TEST_DB.startswith("postgresql")


@pytest.fixture(scope="session")
def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not ON_POSTGRES:
        template = tmp_path_factory.mktemp("db") / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        yield str(template)
        return
    admin_url = make_url(TEST_DB)
    name = f"kambot_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def database_url(_database: str, tmp_path: Path) -> str:
    if not ON_POSTGRES:
        path = tmp_path / "kambot.db"
        shutil.copy(_database, path)
        return f"sqlite:///{path}"
    return _database


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if ON_POSTGRES:
        with engine.begin() as conn:
            tables = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"
                )
            ]
            if tables:
                conn.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    # A Tuesday morning; every test's "today" is 2026-11-24.
    return FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # Tests never read the developer's .env or environment.
    for name in list(os.environ):
        if (
            name.startswith(("SLACK_", "TELEGRAM_", "OPENAI_", "KAMBOT_"))
            and name != "KAMBOT_TEST_DATABASE_URL"
        ):
            monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, DATABASE_URL=database_url)  # type: ignore[call-arg]


@pytest.fixture
def core(settings: Settings, engine: Engine, clock: FixedClock) -> Core:
    """The core without the on-write health check, so verbs are tested on their own;
    tests of alerts add `bot.alerts.health_listener(core)` themselves."""
    return build_core(settings, clock=clock, engine=engine, migrate=False, health_alerts=False)


@pytest.fixture
def chat(core: Core) -> Conversation:
    """A console channel "acme-team" where alice speaks; `chat.say(...)` returns the Reply."""
    return Conversation(core, channel="acme-team", user="alice")
