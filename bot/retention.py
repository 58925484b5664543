"""The daily retention job: forget processed event keys and old health snapshots past the
settings KAMBOT_EVENT_RETENTION_DAYS and KAMBOT_SNAPSHOT_RETENTION_DAYS (0: keep)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from storage import retention_repo

if TYPE_CHECKING:
    from bot.app import Core
    from bot.posting import Poster

log = logging.getLogger(__name__)

#: When the job runs each day, in KAMBOT_TIMEZONE (a quiet hour).
RETENTION_AT = (3, 30)


def purge_retained(core: Core) -> tuple[int, int]:
    """(event keys deleted, snapshots deleted), each in its own short transaction."""
    now = core.clock.now()
    events = snapshots = 0
    days = core.settings.KAMBOT_EVENT_RETENTION_DAYS
    if days:
        with core.sessions.begin() as session:
            events = retention_repo.purge_events(session, before=now - timedelta(days=days))
    days = core.settings.KAMBOT_SNAPSHOT_RETENTION_DAYS
    if days:
        with core.sessions.begin() as session:
            snapshots = retention_repo.purge_snapshots(session,
                                                       before=now - timedelta(days=days))
    log.info("retention: %d event key(s), %d health snapshot(s) deleted", events, snapshots)
    return events, snapshots


def retention_jobs(core: Core, poster: Poster) -> list[Any]:
    """For ``bot.scheduler.JOB_SOURCES``: "daily-retention"."""
    from apscheduler.triggers.cron import CronTrigger

    from bot.scheduler import JobSpec

    return [JobSpec("daily-retention",
                    CronTrigger(hour=RETENTION_AT[0], minute=RETENTION_AT[1],
                                timezone=core.settings.KAMBOT_TIMEZONE),
                    lambda: purge_retained(core))]
