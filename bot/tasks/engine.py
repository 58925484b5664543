"""The Procrastinate app on kambot's database, and `kambot worker`.

Procrastinate keeps its queue in the same PostgreSQL database as the record (its schema
comes with migration 0010). Every worker runs the periodic deferrer; the database defers
a periodic job once per tick however many workers there are. Workers send a heartbeat
every HEARTBEAT seconds; the ``recover-stalled`` job (every 15 s) hands the jobs of a
worker silent for STALLED_AFTER seconds (killed, its machine gone) back to the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import croniter
from procrastinate import App, PsycopgConnector
from procrastinate.periodic import PeriodicTask
from sqlalchemy.engine import make_url

from bot.tasks.choice import PROCRASTINATE, JobEngineError, engine_of, is_postgres
from bot.tasks.definitions import QUEUE, Work, register

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

HEARTBEAT = 10.0  # seconds between a worker's heartbeats
STALLED_AFTER = 30.0  # seconds without a heartbeat before a worker counts as dead
# A periodic job whose moment passed while no worker ran is still deferred when a worker
# starts within this long (the embedded scheduler's misfire grace is the same).
CATCH_UP = dt.timedelta(hours=6)


def conninfo(database_url: str) -> str:
    """The libpq URL of a SQLAlchemy one (``postgresql+psycopg://`` -> ``postgresql://``)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_app(database_url: str, *, work: Work, timezone: str = "UTC",
             pool_size: int = 4) -> App:
    """The app with every kambot job, doing ``work``."""
    connector = PsycopgConnector(conninfo=conninfo(database_url), min_size=1,
                                 max_size=pool_size)
    app = App(connector=connector,
              periodic_defaults={"max_delay": CATCH_UP.total_seconds()})
    register(app, work, stalled_after=STALLED_AFTER)
    zone_periodic_tasks(app, timezone)
    return app


def zone_periodic_tasks(app: App, timezone: str) -> None:
    """Read every periodic job's cron in ``timezone`` (KAMBOT_TIMEZONE), daylight saving
    included: Procrastinate reads them in UTC."""
    tz = ZoneInfo(timezone)
    registry = app.periodic_registry.periodic_tasks
    for key, task in list(registry.items()):
        registry[key] = ZonedPeriodicTask(task=task.task, cron=task.cron,
                                          periodic_id=task.periodic_id,
                                          configure_kwargs=task.configure_kwargs, tz=tz)


class ZonedPeriodicTask(PeriodicTask):  # type: ignore[type-arg]
    """A periodic task whose cron fires at wall-clock times of ``tz``."""

    def __init__(self, *, tz: dt.tzinfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        object.__setattr__(self, "_tz", tz)

    @property
    def croniter(self) -> croniter.croniter:
        cached = self.__dict__.get("_zoned")
        if cached is None:
            # A zone-aware start makes croniter read every later timestamp in that zone.
            cached = croniter.croniter(self.cron, dt.datetime.now(self.__dict__["_tz"]))
            object.__setattr__(self, "_zoned", cached)
        return cached


def run_worker(settings: Settings, work: Work, *, concurrency: int = 2,
               name: str | None = None) -> int:
    """`kambot worker`: run jobs until SIGINT / SIGTERM (a job in hand is finished first)."""
    if not is_postgres(settings.DATABASE_URL):
        raise JobEngineError("kambot worker: the job engine needs PostgreSQL (DATABASE_URL="
                             "postgresql+psycopg://...); on SQLite `kambot run` schedules "
                             "everything itself")
    if engine_of(settings) != PROCRASTINATE:
        raise JobEngineError("kambot worker: set KAMBOT_JOB_ENGINE=procrastinate for the "
                             "workers and every replica, so the replicas leave the "
                             "scheduled jobs to the workers")
    app = make_app(settings.DATABASE_URL, work=work, timezone=settings.KAMBOT_TIMEZONE,
                   pool_size=concurrency + 3)
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    log.info("kambot worker %s: %d job(s) at a time", name, concurrency)
    app.run_worker(queues=[QUEUE], concurrency=concurrency, name=name,
                   update_heartbeat_interval=HEARTBEAT, stalled_worker_timeout=STALLED_AFTER,
                   delete_jobs="successful")
    return 0

