"""The job scheduler inside `kambot slack`, `kambot telegram` and `kambot run`.

APScheduler 3 (BackgroundScheduler, jobs in threads) with fixed job ids, coalescing, one
instance per job and a misfire grace of hours, in KAMBOT_TIMEZONE. Jobs are listed as
:class:`JobSpec`; a feature adds its jobs by adding a function to :data:`JOB_SOURCES`
(``(core, poster) -> list[JobSpec]``), nothing else.

Every replica runs a scheduler, but only the leader runs jobs. On PostgreSQL the leader is
the replica holding a session advisory lock on a dedicated connection; when it dies, its
connection closes, the lock is freed and another replica takes it at its next
leadership check (every LEADERSHIP_CHECK seconds) and runs the catch-up at once. On
SQLite there is one process and it always leads. Leadership is an optimisation: what
makes a post happen once is the delivery ledger (storage/ledger.py).

Job logic takes "now" from ``core.clock``; only the triggers use the real clock, so tests
call the job functions and :func:`catch_up` directly with a FixedClock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from bot import jobs
from bot.posting import Poster

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.app import Core

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(hours=6)
LEADERSHIP_CHECK = 30  # seconds
# Seconds between taking the lead and the catch-up jobs: serving starts first.
CATCH_UP_DELAY = 3.0
# pg_try_advisory_lock key of the scheduler leader ("kams"); storage/db.py uses "kamb".
LEADER_LOCK = 0x6B616D73


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job. ``catch_up`` jobs also run once whenever this replica becomes the
    leader (at start, or on taking over), for what fell due while nobody led."""

    id: str
    trigger: Any  # an APScheduler trigger
    func: Callable[[], object]
    catch_up: bool = False


def report_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    tz = core.settings.KAMBOT_TIMEZONE

    def monthly() -> object:
        return jobs.run_due_reports(core, poster=poster)

    return [
        # The 1st at 09:00: the month just ended, in every bound channel, and the digest.
        JobSpec("monthly-report", CronTrigger(day=1, hour=9, minute=0, timezone=tz), monthly,
                catch_up=True),
        # Deliveries that failed (a 429 storm, a platform outage) are taken again; a no-op
        # costs one ledger query once the month's reports are all out.
        JobSpec("monthly-report-retry", IntervalTrigger(hours=1, timezone=tz), monthly),
    ]


def _health_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from bot.alerts import health_jobs  # "daily-health" (08:00), "daily-reminders" (hourly)

    return health_jobs(core, poster)


def _commercial_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from bot.commercial import commercial_jobs  # "daily-commercial" (08:15)

    return commercial_jobs(core, poster)


def purge_undo_stash(core: Core) -> int:
    """Forget what undo kept of deleted things once it can no longer be asked for (a
    deleted note's text): every quarter of an hour, so nothing outlives its window by more."""
    from storage.audit_repo import purge_stash

    with core.sessions.begin() as session:
        return purge_stash(session, now=core.clock.now())


def _undo_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from apscheduler.triggers.interval import IntervalTrigger

    return [JobSpec("undo-stash-purge",
                    IntervalTrigger(minutes=15, timezone=core.settings.KAMBOT_TIMEZONE),
                    lambda: purge_undo_stash(core), catch_up=True)]


def _strategy_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from bot.tier_review import tier_review_jobs  # "quarterly-tier-review" (1st, 09:30)

    return tier_review_jobs(core, poster)


# Each feature's jobs: a function (core, poster) -> list[JobSpec]. A new feature adds its
# function here and nothing else.
def _retention_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from bot.retention import retention_jobs

    return retention_jobs(core, poster)


JOB_SOURCES: list[Callable[[Core, Poster], list[JobSpec]]] = [report_jobs, _health_jobs,
                                                              _commercial_jobs, _undo_jobs,
                                                              _retention_jobs, _strategy_jobs]


def catch_up(core: Core, *, poster: Poster | None = None) -> jobs.RunSummary:
    """Post the report that fell due while the bot was down (nothing when it is out)."""
    return jobs.run_due_reports(core, poster=poster)


# --- leadership ---------------------------------------------------------------------------


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try to lead (or confirm that we still do); True while this replica leads."""
        ...

    @property
    def is_leader(self) -> bool: ...

    def release(self) -> None: ...


class SoleLeader:
    """SQLite: one process, always the leader."""

    is_leader = True

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


class AdvisoryLockLeadership:
    """PostgreSQL: lead while holding ``pg_try_advisory_lock`` on a connection of our own.

    The connection comes from a NullPool engine, so closing it really ends the database
    session (and frees the lock) instead of parking the lock in a pool.
    """

    def __init__(self, engine: Engine, *, key: int = LEADER_LOCK) -> None:
        self._engine = sa.create_engine(engine.url, poolclass=NullPool)
        self._key = key
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        return self._conn is not None

    def acquire(self) -> bool:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(sa.text("SELECT 1"))
                    return True
                except sa.exc.SQLAlchemyError:
                    log.warning("scheduler leadership lost: its connection failed")
                    self._close()
            try:
                conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            except sa.exc.SQLAlchemyError:
                log.warning("scheduler leadership: database unreachable")
                return False
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                               {"k": self._key}).scalar()
            if got:
                self._conn = conn
                log.info("this replica now leads the scheduler")
                return True
            conn.close()
            return False

    def release(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                except sa.exc.SQLAlchemyError:
                    pass
                self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sa.exc.SQLAlchemyError:
                pass


def leadership_for(engine: Engine) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLeadership(engine)
    return SoleLeader()


# --- the scheduler ------------------------------------------------------------------------


class Scheduler:
    """An APScheduler whose jobs run only on the leading replica."""

    def __init__(self, scheduler: BackgroundScheduler, specs: list[JobSpec],
                 leadership: Leadership) -> None:
        self.scheduler = scheduler
        self.specs = specs
        self.leadership = leadership
        self._led = False
        for spec in specs:
            scheduler.add_job(self._guarded(spec), trigger=spec.trigger, id=spec.id,
                              name=spec.id, replace_existing=True)
        scheduler.add_job(self.check_leadership, "interval", seconds=LEADERSHIP_CHECK,
                          id="leadership", name="leadership", replace_existing=True)

    def _guarded(self, spec: JobSpec) -> Callable[[], None]:
        def run() -> None:
            if not self.leadership.is_leader:
                log.debug("job %s: not the leader, skipped", spec.id)
                return
            try:
                spec.func()
            except Exception:
                log.exception("job %s failed", spec.id)

        return run

    def check_leadership(self, *, now: bool = False) -> bool:
        """Take or confirm leadership; on becoming leader, run the catch-up jobs (in the
        scheduler's threads, or here when ``now``)."""
        leads = self.leadership.acquire()
        if leads and not self._led:
            for spec in self.specs:
                if spec.catch_up:
                    if now:
                        self._guarded(spec)()
                    else:
                        # A moment after taking over, so a starting bot serves first
                        # (the catch-up's work would otherwise slow its start-up).
                        self.scheduler.add_job(self._guarded(spec), id=f"{spec.id}:catch-up",
                                               name=f"{spec.id}:catch-up",
                                               replace_existing=True,
                                               next_run_time=datetime.now(UTC) + timedelta(
                                                   seconds=CATCH_UP_DELAY))
        self._led = leads
        return leads

    def start(self) -> None:
        self.scheduler.start()
        self.check_leadership()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.leadership.release()

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())


def build_scheduler(
    core: Core,
    *,
    poster: Poster | None = None,
    extra_jobs: list[JobSpec] | None = None,
    leadership: Leadership | None = None,
) -> Scheduler:
    """The scheduler with every feature's jobs; call ``.start()`` to run it."""
    try:
        from apscheduler.schedulers.background import BackgroundScheduler
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RuntimeError("the scheduler needs APScheduler 3: pip install 'apscheduler<4'") \
            from exc
    poster = poster or jobs.shared_poster(core)
    specs = [spec for source in JOB_SOURCES for spec in source(core, poster)]
    specs += extra_jobs or []
    ids = [spec.id for spec in specs]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate job ids: {ids}")
    scheduler = BackgroundScheduler(
        timezone=core.settings.KAMBOT_TIMEZONE,
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())},
    )
    return Scheduler(scheduler, specs, leadership or leadership_for(core.engine))


@contextmanager
def scheduling(core: Core, **kwargs: Any) -> Iterator[Scheduler | None]:
    """``with scheduling(core): serve()``: the scheduler runs (and leads, or waits to) for as
    long as the platform does, in `kambot slack`, `kambot telegram` and `kambot run`.

    With KAMBOT_JOB_ENGINE=procrastinate nothing is scheduled here (None is yielded): the
    `kambot worker` processes run every job (bot/tasks/)."""
    from bot.tasks.choice import PROCRASTINATE, engine_of

    if engine_of(core.settings) == PROCRASTINATE:
        log.info("scheduled jobs run in `kambot worker` (KAMBOT_JOB_ENGINE=procrastinate)")
        yield None
        return
    sched = build_scheduler(core, **kwargs)
    sched.start()
    try:
        yield sched
    finally:
        sched.shutdown()
