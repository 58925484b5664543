"""Storage: migrations on both databases, SQLite settings, numbering, ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import ledger, repos
from storage.db import SessionFactory, current_revision, make_engine, upgrade
from tests.conftest import ON_POSTGRES

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


def test_schema_is_at_head(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite file settings")
def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)


def test_datetimes_come_back_aware(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="Acme", tier="core", at=NOW)
        acct_id = acct.id
    with sessions.begin() as s:
        acct = repos.account_by_id(s, account_id=acct_id)  # type: ignore[arg-type]
        assert acct is not None and acct.created_at == NOW and acct.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    with pytest.raises(sa.exc.StatementError), sessions.begin() as s:
        repos.create_account(s, name="Acme", tier="core", at=datetime(2026, 1, 1))  # noqa: DTZ001


def test_account_names_are_unique_ignoring_case_and_width(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    with sessions.begin() as s:
        repos.create_account(s, name="Acme Corp", tier="core", at=NOW)
    with pytest.raises(sa.exc.IntegrityError), sessions.begin() as s:
        repos.create_account(s, name="ＡＣＭＥ  corp", tier="core", at=NOW)


def test_task_numbers_are_per_account_and_gapless(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    with sessions.begin() as s:
        a = repos.create_account(s, name="A", tier="core", at=NOW)
        b = repos.create_account(s, name="B", tier="core", at=NOW)
        numbers = [
            repos.add_task(s, account_id=acct.id, title="t", role="AR", assignee_id=None,  # type: ignore[arg-type]
                           due_date=None, shared=False, at=NOW).number
            for acct in (a, a, b, a)
        ]
    assert numbers == [1, 2, 1, 3]


def test_one_current_holder_per_role_is_enforced(engine: Engine) -> None:
    from storage.models import RoleAssignment

    sessions = SessionFactory(engine)
    with sessions.begin() as s:
        acct = repos.create_account(s, name="A", tier="core", at=NOW)
        p1 = repos.upsert_person(s, platform="console", user_id="p1")
        p2 = repos.upsert_person(s, platform="console", user_id="p2")
        repos.assign_role(s, account_id=acct.id, role="AR", person_id=p1.id, at=NOW)  # type: ignore[arg-type]
        ids = (acct.id, p2.id)
    with pytest.raises(sa.exc.IntegrityError), sessions.begin() as s:
        s.add(RoleAssignment(account_id=ids[0], role="AR", person_id=ids[1], started_at=NOW))
        s.flush()


def test_ledger_claims_once_and_retakes_failures(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    kw = dict(kind="report", account_id=1, key="2026-11", platform="slack", channel="C1")
    with sessions.begin() as s:
        first = ledger.claim(s, at=NOW, **kw)  # type: ignore[arg-type]
        assert first is not None
        first_id = first.id
    with sessions.begin() as s:
        assert ledger.claim(s, at=NOW + timedelta(minutes=1), **kw) is None  # type: ignore[arg-type]
        ledger.mark_failed(s, delivery_id=first_id, error="boom")  # type: ignore[arg-type]
    with sessions.begin() as s:
        again = ledger.claim(s, at=NOW + timedelta(minutes=2), **kw)  # type: ignore[arg-type]
        assert again is not None and again.id == first_id and again.attempts == 2
        ledger.mark_posted(s, delivery_id=first_id, ref="123.45", at=NOW)  # type: ignore[arg-type]
    with sessions.begin() as s:
        assert ledger.claim(s, at=NOW + timedelta(days=1), **kw) is None  # type: ignore[arg-type]


def test_stale_claims_are_taken_over(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    kw = dict(kind="alert", account_id=1, key="red", platform="slack", channel="C1")
    with sessions.begin() as s:
        assert ledger.claim(s, at=NOW, **kw) is not None  # type: ignore[arg-type]
    with sessions.begin() as s:
        assert ledger.claim(s, at=NOW + timedelta(minutes=5), **kw) is None  # type: ignore[arg-type]
        assert ledger.claim(s, at=NOW + timedelta(hours=1), **kw) is not None  # type: ignore[arg-type]


def test_a_rule_task_exists_once_per_account(engine: Engine) -> None:
    sessions = SessionFactory(engine)
    kw = dict(title="Renew", role="AR", assignee_id=None, due_date=None, shared=False, at=NOW)
    with sessions.begin() as s:
        a = repos.create_account(s, name="A", tier="core", at=NOW)
        b = repos.create_account(s, name="B", tier="core", at=NOW)
        ids = (a.id, b.id)
        repos.add_task(s, account_id=a.id, rule_key="renewal:2027-01-31", **kw)  # type: ignore[arg-type]
        repos.add_task(s, account_id=b.id, rule_key="renewal:2027-01-31", **kw)  # type: ignore[arg-type]
        repos.add_task(s, account_id=a.id, **kw)  # type: ignore[arg-type]
        repos.add_task(s, account_id=a.id, **kw)  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError), sessions.begin() as s:
        repos.add_task(s, account_id=ids[0], rule_key="renewal:2027-01-31", **kw)  # type: ignore[arg-type]
