"""Faults: a write-locked SQLite, a PostgreSQL connection killed mid-command, a failure after
the commit, input past the size limit. Retried inside the answer budget, then a truthful
notice; nothing half-written; "nothing was saved" only when nothing was."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, select

from bot.messages import MAX_INPUT_CHARS
from storage.models import ProcessedEvent, Task
from tests.conftest import ON_POSTGRES


def tasks(core) -> list[str]:
    with core.sessions() as session:
        return [t.title for t in session.exec(select(Task)).all()]


@pytest.fixture
def acme(chat):
    chat.say('account new "Acme"')
    return chat


def _sqlite_path(core) -> str:
    return str(core.engine.url.database)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock")
def test_a_write_lock_held_too_long_says_busy_and_saves_nothing(acme, core):
    core.dispatcher.busy_budget = 0.6
    locker = sqlite3.connect(_sqlite_path(core), timeout=0)
    locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        reply = acme.say('task "Send the quote"')
        waited = time.monotonic() - started
    finally:
        locker.rollback()
        locker.close()
    assert reply.is_error and "busy" in reply.title and "nothing was saved" in reply.title
    assert waited < 10  # bounded by the budget, not by SQLite's 30 s default
    assert tasks(core) == []
    # Told to try again, the person does; it lands once.
    assert not acme.say('task "Send the quote"').is_error
    assert tasks(core) == ["Send the quote"]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock")
def test_a_brief_write_lock_is_waited_out_within_the_budget(acme, core):
    core.dispatcher.busy_budget = 2.5
    locker = sqlite3.connect(_sqlite_path(core), timeout=0, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, locker.rollback).start()
    try:
        reply = acme.say('task "Book the crew"')
    finally:
        time.sleep(0.5)
        locker.close()
    assert not reply.is_error, reply.plain_text()
    assert tasks(core) == ["Book the crew"]


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL backends")
def test_a_postgres_connection_killed_mid_command_is_retried_once(acme, core):
    """pg_terminate_backend on the command's own connection, in the middle of its writes."""
    admin = sa.create_engine(core.engine.url, poolclass=sa.pool.NullPool)
    killed: list[int] = []

    def kill_once(conn, cursor, statement, parameters, context, executemany):
        if not killed and statement.lstrip().upper().startswith("INSERT INTO TASK"):
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            killed.append(pid)
            with admin.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    event.listen(core.engine, "before_cursor_execute", kill_once)
    try:
        reply = acme.say('task "Send the quote"')
    finally:
        event.remove(core.engine, "before_cursor_execute", kill_once)
        admin.dispose()
    assert killed, "the command's connection was not killed"
    assert not reply.is_error, reply.plain_text()
    assert tasks(core) == ["Send the quote"]  # one task, nothing half-written


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL backends")
def test_every_pooled_postgres_connection_terminated_between_commands(acme, core):
    admin = sa.create_engine(core.engine.url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert not acme.say('task "After the restart"').is_error
    assert tasks(core) == ["After the restart"]


def test_a_failure_after_the_commit_does_not_say_nothing_was_saved(acme, core):
    """The commit landed, then something failed: the notice must not invite a duplicate."""
    fired: list[bool] = []

    def fail_after_commit(session):
        if session.in_nested_transaction():
            return  # a savepoint released, not the unit of work committed
        if not fired:
            fired.append(True)
            raise RuntimeError("after commit")

    event.listen(Session, "after_commit", fail_after_commit)
    try:
        reply = acme.say('task "Send the quote"')
    finally:
        event.remove(Session, "after_commit", fail_after_commit)
    assert fired
    assert reply.is_error
    assert "nothing was saved" not in reply.plain_text()
    assert "saved" in reply.title and "Do not send it again" in reply.plain_text()
    assert tasks(core) == ["Send the quote"]


def test_a_failure_before_the_commit_says_nothing_was_saved(acme, core):
    def boom(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO TASK"):
            raise RuntimeError("disk on fire")

    event.listen(core.engine, "before_cursor_execute", boom)
    try:
        reply = acme.say('task "Send the quote"')
    finally:
        event.remove(core.engine, "before_cursor_execute", boom)
    assert reply.is_error and "nothing was saved" in reply.title
    assert tasks(core) == []
    with core.sessions() as session:  # the event is not claimed: trying again works
        assert not [e for e in session.exec(select(ProcessedEvent)).all()
                    if e.key.startswith("test-") and e.key == acme.history[-1][0]]
    assert not acme.say('task "Send the quote"').is_error
    assert tasks(core) == ["Send the quote"]


def test_input_over_the_limit_is_refused_before_any_parsing(acme, core):
    huge = "note " + "a" * (MAX_INPUT_CHARS + 10)
    started = time.monotonic()
    reply = acme.say(huge)
    assert time.monotonic() - started < 10  # generous: quadratic work would take minutes
    assert reply.is_error and f"{MAX_INPUT_CHARS:,}" in reply.title
    assert ".txt" in reply.plain_text()
    reply = acme.say("笔记 " + "好" * (MAX_INPUT_CHARS + 10))
    assert reply.is_error and "太长" in reply.title
    # A note just under the limit is kept.
    assert not acme.say("note " + "b " * 40_000).is_error
