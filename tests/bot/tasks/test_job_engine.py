"""The job engine (Procrastinate on PostgreSQL): which jobs exist and when they fire, a
periodic job deferred once however many workers defer it, per-account jobs under their
lock, a dead worker's job put back in the queue, and the refusals on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from procrastinate import App
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy.engine import Engine

from bot.app import Core
from bot.settings import Settings
from bot.tasks.choice import JobEngineError, engine_of
from bot.tasks.definitions import QUEUE, Work, recover
from bot.tasks.engine import make_app, run_worker
from tests.conftest import ON_POSTGRES

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="the job engine runs on PostgreSQL")

PERIODIC = {"monthly-report": "0 9 1 * *", "monthly-report-retry": "0 * * * *",
            "daily-health": "0 8 * * *", "daily-reminders": "0 * * * *",
            "daily-commercial": "15 8 * * *", "undo-stash-purge": "*/15 * * * *",
            "recover-stalled": "* * * * * */15"}


class Recorded:
    """A Work whose every piece says what it was asked to do."""

    def __init__(self, accounts: list[int] | None = None) -> None:
        self.done: list[tuple[str, Any]] = []
        self.claimants: list[str] = []
        self.accounts = accounts or []

    def work(self) -> Work:
        def note(name: str) -> Callable[..., object]:
            return lambda *args: self.done.append((name, args))

        @contextmanager
        def claiming(name: str) -> Any:
            self.claimants.append(name)
            yield

        return Work(monthly_reports=note("monthly"), health_accounts=lambda: self.accounts,
                    check_account=note("check"), escalations=note("escalations"),
                    reminders=note("reminders"), commercial=note("commercial"),
                    purge_undo=note("purge"), claiming=claiming)


def test_every_scheduled_job_is_a_periodic_job() -> None:
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", work=Recorded().work())
    found = {p.periodic_id: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert found == PERIODIC
    assert all(t.queue == QUEUE for name, t in app.tasks.items() if name.startswith("kambot."))


def test_periodic_jobs_fire_at_wall_clock_time_of_the_timezone() -> None:
    """08:00 in Berlin is 07:00 UTC in winter and 06:00 UTC once summer time begins."""
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", work=Recorded().work(),
                   timezone="Europe/Berlin")
    health = next(p for p in app.periodic_registry.periodic_tasks.values()
                  if p.periodic_id == "daily-health")
    deferrer = PeriodicDeferrer(registry=app.periodic_registry)
    since = dt.datetime(2026, 3, 27, 12, tzinfo=dt.UTC).timestamp()
    until = dt.datetime(2026, 3, 30, 12, tzinfo=dt.UTC).timestamp()
    ticks = [dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%m-%d %H:%M")
             for ts in deferrer.get_timestamps(health, since=int(since), until=until)]
    assert ticks == ["03-28 07:00", "03-29 06:00", "03-30 06:00"]
    berlin = [dt.datetime.strptime(f"2026-{t}", "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
              .astimezone(ZoneInfo("Europe/Berlin")).hour for t in ticks]
    assert berlin == [8, 8, 8]


def test_the_engine_needs_postgres(settings: Settings) -> None:
    sqlite = settings.model_copy(update={"DATABASE_URL": "sqlite:///kambot.db",
                                         "KAMBOT_JOB_ENGINE": "procrastinate"})
    with pytest.raises(JobEngineError) as exc:
        engine_of(sqlite)
    assert "PostgreSQL" in str(exc.value)
    with pytest.raises(JobEngineError) as exc:
        run_worker(sqlite, Recorded().work())
    assert "PostgreSQL" in str(exc.value)
    assert engine_of(settings.model_copy(update={"KAMBOT_JOB_ENGINE": "embedded"})) == "embedded"


def test_a_worker_without_the_setting_is_refused(settings: Settings) -> None:
    pg = settings.model_copy(update={"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/db"})
    with pytest.raises(JobEngineError) as exc:
        run_worker(pg, Recorded().work())
    assert "KAMBOT_JOB_ENGINE=procrastinate" in str(exc.value)


@postgres_only
def test_serving_processes_schedule_nothing_with_the_engine_on(core: Core) -> None:
    from bot.scheduler import scheduling

    core.settings = core.settings.model_copy(update={"KAMBOT_JOB_ENGINE": "procrastinate"})
    with scheduling(core) as sched:
        assert sched is None


# --- on PostgreSQL -------------------------------------------------------------------------


@pytest.fixture
async def apps(database_url: str, engine: Engine) -> AsyncIterator[Callable[..., App]]:
    opened: list[App] = []

    async def make(recorded: Recorded, *, periodic: bool = True) -> App:
        app = make_app(database_url, work=recorded.work())
        if not periodic:  # a worker that runs only what the test defers
            app.periodic_registry.periodic_tasks.clear()
        await app.open_async()
        opened.append(app)
        return app

    yield make  # type: ignore[misc]
    for app in opened:
        await app.close_async()


def _jobs(engine: Engine) -> list[tuple[str, str, str | None, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(  # type: ignore[misc]
            "SELECT task_name, status::text, lock, queueing_lock FROM procrastinate_jobs "
            "ORDER BY id"))]


@postgres_only
async def test_a_periodic_job_is_deferred_once_by_many_workers(apps: Any, engine: Engine) -> None:
    tick = int(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC).timestamp())
    for _ in range(3):  # three workers' deferrers see the same tick
        app = await apps(Recorded())
        health = next(p for p in app.periodic_registry.periodic_tasks.values()
                      if p.periodic_id == "daily-health")
        await PeriodicDeferrer(registry=app.periodic_registry).defer_jobs([(health, tick)])
    assert _jobs(engine) == [("kambot.daily_health", "todo", None, "daily-health")]


@postgres_only
async def test_daily_health_fans_out_one_locked_job_per_account(apps: Any, engine: Engine) -> None:
    recorded = Recorded(accounts=[1, 2, 3])
    app = await apps(recorded, periodic=False)
    await app.tasks["kambot.daily_health"].defer_async(timestamp=0)
    await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False)
    assert sorted(recorded.done) == [("check", (1,)), ("check", (2,)), ("check", (3,)),
                                     ("escalations", ())]
    jobs = _jobs(engine)
    assert all(status == "succeeded" for _, status, _, _ in jobs)
    assert sorted(lock for name, _, lock, _ in jobs if name == "kambot.health_account") == \
        ["account:1", "account:2", "account:3"]
    # each job's posts are claimed under its work: its lock
    assert sorted(recorded.claimants) == ["work:account:1", "work:account:2",
                                          "work:account:3", "work:escalations"]


def test_every_job_that_posts_holds_the_lock_of_its_work() -> None:
    """A claim is taken over at once by the next job of its work (storage/ledger.py); that
    is safe only while two jobs of one work never run at once: the lock."""
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", work=Recorded().work())
    posting = {"kambot.monthly_report": "monthly-report", "kambot.escalations": "escalations",
               "kambot.reminders": "reminders", "kambot.commercial": "commercial"}
    assert {name: app.tasks[name].lock for name in posting} == posting
    # health_account gets ``account:<id>`` when daily_health defers it (next test)


@postgres_only
async def test_the_job_of_a_dead_worker_goes_back_to_the_queue(apps: Any, engine: Engine) -> None:
    recorded = Recorded()
    app = await apps(recorded, periodic=False)
    job_id = await app.tasks["kambot.reminders"].defer_async(timestamp=0)
    manager = app.job_manager
    dead = await manager.register_worker()
    fetched = await manager.fetch_job(queues=[QUEUE], worker_id=dead)
    assert fetched is not None and fetched.id == job_id
    with engine.begin() as conn:  # its heartbeat stopped a minute ago (SIGKILL)
        conn.execute(sa.text("UPDATE procrastinate_workers SET last_heartbeat = "
                             "now() - interval '60 seconds' WHERE id = :w"), {"w": dead})
    assert await recover(app, stalled_after=30) == [job_id]
    await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False)
    assert recorded.done == [("reminders", ())]
    assert _jobs(engine) == [("kambot.reminders", "succeeded", "reminders", "reminders")]
    assert recorded.claimants == ["work:reminders"]  # its claims are its work's


@postgres_only
async def test_a_dead_workers_job_whose_work_is_queued_again_hands_it_over(
        apps: Any, engine: Engine) -> None:
    """The next tick of the same work was queued while the dead worker held the job: the
    dead one ends (put back, it would break the queueing lock), the queued one runs under
    the same work name, so it takes over the dead one's claims at once."""
    recorded = Recorded()
    app = await apps(recorded, periodic=False)
    health = app.tasks["kambot.health_account"]
    locks = {"lock": "account:7", "queueing_lock": "health:7"}
    first = await health.configure(**locks).defer_async(account_id=7)
    manager = app.job_manager
    dead = await manager.register_worker()
    fetched = await manager.fetch_job(queues=[QUEUE], worker_id=dead)
    assert fetched is not None and fetched.id == first
    second = await health.configure(**locks).defer_async(account_id=7)  # the next tick
    # the lock holds the queued one back while the dead worker's job is "doing"
    assert await manager.fetch_job(queues=[QUEUE], worker_id=dead) is None
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE procrastinate_workers SET last_heartbeat = "
                             "now() - interval '60 seconds' WHERE id = :w"), {"w": dead})
    assert await recover(app, stalled_after=30) == [first]
    await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False)
    assert recorded.done == [("check", (7,))]
    with engine.connect() as conn:
        status = dict(conn.execute(sa.text("SELECT id, status::text FROM procrastinate_jobs")).all())
    assert status == {first: "failed", second: "succeeded"}
    assert recorded.claimants == ["work:account:7"]
