"""The benchmark database: 1,000 accounts (``--accounts 5000`` for more), 200 tasks and 100
notes per account on average (200,000 and 100,000 at 1,000 accounts), one account holding
2,000 tasks, 8 months of daily health snapshots, processed events and channel members.

Generated once per size by bulk inserts at the schema revision :data:`BASE_REVISION`
(only the columns a table has there), upgraded to the head of the day, its note search
index filled, and cached on disk (SQLite: ``bench/.cache/``; PostgreSQL: a template
database); every run works on a fresh copy upgraded to the current head. The index is
filled at head because a migration may rebuild it empty (0012 did on SQLite).

    .venv/bin/python -m bench.dataset [--accounts 1000] [--pg URL]    (build the caches)
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from storage.db import make_engine, upgrade
from storage.models import (
    Account,
    ChannelBinding,
    ChannelMember,
    HealthSnapshot,
    Note,
    Person,
    ProcessedEvent,
    RoleAssignment,
    Task,
)

#: The moment the data set ends at (the benchmarks' clock).
END = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
#: The schema the cache is made at; runs upgrade their copy to head.
BASE_REVISION = "0009_authz"
VERSION = 1
CACHE = Path(__file__).parent / ".cache"

TASKS_PER_ACCOUNT = 200
NOTES_PER_ACCOUNT = 100
BIG_TASKS = 2_000
SNAPSHOTS_PER_ACCOUNT = 240
EVENTS_PER_ACCOUNT = 100
MONTHS = 8
WORKSPACE = "T1"

VERBS = ("Send", "Review", "Prepare", "Confirm", "Schedule", "Escalate", "Install", "Quote")
THINGS = ("the renewal offer", "the pilot plan", "delivery acceptance", "the QBR deck",
          "the technical proposal", "payment collection", "the support ticket", "the bid",
          "续约报价", "验收报告", "回款计划")


@dataclass(frozen=True)
class Dataset:
    url: str
    accounts: int
    #: Channel of the account with 2,000 tasks, and of an ordinary one.
    big_channel: str = "C00000"
    typical_channel: str = "C00500"
    #: The AR lead of each (their Slack user id), who acts in the benchmarks.
    big_user: str = "U00000"
    typical_user: str = "U00500"


def channel_of(i: int) -> str:
    return f"C{i:05d}"


def _rows(accounts: int, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    start = END - timedelta(days=30 * MONTHS)
    span = (END - start).total_seconds()
    n_people = max(30, accounts * 3 // 5)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "person", "account", "binding", "role", "member", "task", "note", "snapshot", "event")}
    for p in range(n_people):
        rows["person"].append(dict(id=p + 1, platform="slack", user_id=f"U{p:05d}",
                                   display_name=f"Person {p}", username=f"person{p}"))
    task_id = note_id = snap_id = event_id = 0
    for i in range(accounts):
        aid = i + 1
        rows["account"].append(dict(
            id=aid, name=f"Account {i:04d}", name_key=f"account {i:04d}",
            tier=("core", "important", "potential")[i % 3], created_at=start,
            renewal_date=(END + timedelta(days=rng.randint(-30, 400))).date(),
            task_seq=0, note_seq=0))
        rows["binding"].append(dict(platform="slack", workspace=WORKSPACE, channel=channel_of(i),
                                    channel_name=f"acct-{i}", account_id=aid, created_at=start))
        # The AR of account i is person i (mod people): the benchmarks act as them.
        triangle = [i % n_people + 1] + [p + 1 for p in rng.sample(range(n_people), 2)
                                           if p != i % n_people][:2]
        while len(triangle) < 3:
            triangle.append((triangle[-1] % n_people) + 1)
        for role, pid in zip(("AR", "SR", "FR"), triangle, strict=True):
            rows["role"].append(dict(account_id=aid, role=role, person_id=pid, started_at=start))
            rows["member"].append(dict(platform="slack", workspace=WORKSPACE,
                                       channel=channel_of(i), person_id=pid, joined_at=start))
        n_tasks = BIG_TASKS if i == 0 else rng.randint(TASKS_PER_ACCOUNT // 2,
                                                        TASKS_PER_ACCOUNT * 3 // 2)
        open_share = 0.55 if i == 0 else 0.35
        for number in range(1, n_tasks + 1):
            task_id += 1
            created = start + timedelta(seconds=rng.random() * span)
            k = rng.randrange(3)
            draw = rng.random()
            status = "open" if draw < open_share else "cancelled" if draw > 0.95 else "done"
            closed = None if status == "open" else min(
                created + timedelta(days=rng.randint(1, 45)), END - timedelta(hours=1))
            rows["task"].append(dict(
                id=task_id, account_id=aid, number=number,
                title=f"{rng.choice(VERBS)} {rng.choice(THINGS)} #{number}",
                role=("AR", "SR", "FR")[k], assignee_id=triangle[k],
                due_date=(created + timedelta(days=rng.randint(3, 60))).date(),
                status=status, shared=rng.random() < 0.4, created_at=created, closed_at=closed))
        n_notes = rng.randint(NOTES_PER_ACCOUNT // 2, NOTES_PER_ACCOUNT * 3 // 2)
        for number in range(1, n_notes + 1):
            note_id += 1
            rows["note"].append(dict(
                id=note_id, account_id=aid, number=number, author_id=triangle[0],
                text=(f"Meeting {number}: we discussed {rng.choice(THINGS)} and agreed to "
                      f"{rng.choice(VERBS).lower()} {rng.choice(THINGS)} next week."),
                kind=rng.choice(("meeting", "meeting", "call")), internal=True,
                created_at=start + timedelta(seconds=rng.random() * span)))
        score = rng.randint(30, 95)
        for k in range(SNAPSHOTS_PER_ACCOUNT):
            snap_id += 1
            score = max(0, min(100, score + rng.randint(-4, 4)))
            rows["snapshot"].append(dict(
                id=snap_id, account_id=aid, score=score,
                color="green" if score >= 70 else "yellow" if score >= 45 else "red",
                reasons=[{"key": "synthetic"}],
                at=start + timedelta(seconds=span * k / SNAPSHOTS_PER_ACCOUNT)))
        for _ in range(EVENTS_PER_ACCOUNT):
            event_id += 1
            rows["event"].append(dict(platform="slack", key=f"ev-{event_id}",
                                      at=start + timedelta(seconds=rng.random() * span)))
        rows["account"][-1].update(task_seq=n_tasks, note_seq=n_notes)
    return rows


_TABLES = {"person": Person, "account": Account, "binding": ChannelBinding,
           "role": RoleAssignment, "member": ChannelMember, "task": Task, "note": Note,
           "snapshot": HealthSnapshot, "event": ProcessedEvent}


def _at_base(conn: sa.Connection, table: sa.Table) -> sa.Table:
    """``table`` with only the columns it has at BASE_REVISION (the models are at head, and a
    column added since, with its default, would be written to a table that lacks it)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    return sa.Table(table.name, sa.MetaData(),
                    *(c._copy() for c in table.columns if c.name in have))


def _fill(engine: Engine, accounts: int) -> None:
    upgrade(engine, BASE_REVISION)
    rows = _rows(accounts)
    with engine.begin() as conn:
        for key, model in _TABLES.items():
            table = _at_base(conn, model.__table__)  # type: ignore[attr-defined]
            batch = rows[key]
            for i in range(0, len(batch), 20_000):
                conn.execute(sa.insert(table), batch[i:i + 20_000])
        if engine.dialect.name == "postgresql":
            for name in ("person", "account", "task", "note", "healthsnapshot",
                         "processedevent", "channelbinding", "roleassignment", "channelmember"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))")
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def _index_notes(engine: Engine, accounts: int) -> None:
    """The note search index as kambot keeps it (storage.search), filled up front, at head:
    a migration may rebuild the index empty (0012 did on SQLite)."""
    from sqlmodel import Session

    from storage.search import catch_up

    with Session(engine) as session:
        for aid in range(1, accounts + 1):
            catch_up(session, account_id=aid)
        session.commit()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def sqlite_copy(accounts: int, workdir: Path, *, log: Any = print) -> Dataset:
    """A fresh copy of the cached SQLite database (made first if missing), at head."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"kambot-{accounts}-v{VERSION}.db"
    if not cached.exists():
        started = time.perf_counter()
        tmp = cached.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{tmp}")
        _fill(engine, accounts)
        upgrade(engine)
        _index_notes(engine, accounts)
        engine.dispose()
        tmp.rename(cached)
        log(f"  (generated {cached.name} in {time.perf_counter() - started:.0f} s; cached)")
    path = workdir / "bench.db"
    shutil.copy(cached, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Dataset(url=url, accounts=accounts)


def pg_copy(admin_url: str, accounts: int, *, log: Any = print) -> tuple[Dataset, Any]:
    """A fresh database copied from the cached template (made first if missing), at head;
    and a function that drops the copy."""
    admin = sa.create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    template = f"kambot_bench_{accounts}_v{VERSION}"
    with admin.connect() as conn:
        have = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (template,)).first()
    if have is None:
        started = time.perf_counter()
        building = f"{template}_building_{uuid.uuid4().hex[:6]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{building}"')
        url = make_url(admin_url).set(database=building).render_as_string(hide_password=False)
        engine = make_engine(url)
        _fill(engine, accounts)
        upgrade(engine)
        _index_notes(engine, accounts)
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        log(f"  (generated PostgreSQL template {template} in "
            f"{time.perf_counter() - started:.0f} s; cached)")
    name = f"kambot_bench_run_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return Dataset(url=url, accounts=accounts), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--pg", help="a PostgreSQL URL to build the template with")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(sqlite_copy(args.accounts, Path(tmp)))
    if args.pg:
        data, drop = pg_copy(args.pg, args.accounts)
        print(data)
        drop()


if __name__ == "__main__":
    main()
