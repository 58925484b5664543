"""kambot's jobs on the engine: what runs when, with which locks and retries.

Periodic jobs (cron in KAMBOT_TIMEZONE, deferred once per tick by the database however
many workers run):

| job | when | what |
| --- | --- | --- |
| monthly-report | the 1st, 09:00 | the month's reports and the portfolio digest |
| monthly-report-retry | hourly | what failed or fell due while down (a no-op once done) |
| daily-health | 08:00 | one ``health-account`` job per account due today, then escalations |
| daily-reminders | hourly | each person's digest at their hour |
| daily-commercial | 08:15 | playbooks and payment alerts |
| undo-stash-purge | every 15 min | what undo may no longer bring back |
| recover-stalled | every 15 s | the jobs of a dead worker, back to the queue |

Every job that posts holds a lock naming its work: ``account:<id>`` for
``health-account`` (two jobs of one account never run at once, while different accounts
spread over the workers), ``monthly-report`` for both report schedules, ``escalations``,
``reminders``, ``commercial``. Every job has a queueing lock, so a backlog never holds the
same job twice. Jobs that fail are retried with backoff (RETRY).

Whatever a job posts is claimed in the delivery ledger under its work, ``work:<lock>``
(storage/ledger.py). While a job holds the lock no other job of that work runs, so a
claim of its own work that it finds unfinished was left by a job that died: the same job
retried, or the next tick of the work queued meanwhile, takes it over at once, asking
the platform first whether the post went out (bot/posting.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from procrastinate import App, JobContext, RetryStrategy
from procrastinate.jobs import Job

log = logging.getLogger(__name__)

QUEUE = "kambot"
RETRY = RetryStrategy(max_attempts=5, exponential_wait=5)  # 5 s, 25 s, 125 s ...


@dataclass(frozen=True)
class Work:
    """What the jobs do, handed over by the composition root (bot/app.py ``job_work``)."""

    monthly_reports: Callable[[], object]
    health_accounts: Callable[[], list[int]]  # the accounts whose business day it is
    check_account: Callable[[int], object]
    escalations: Callable[[], object]
    reminders: Callable[[], object]
    commercial: Callable[[], object]
    purge_undo: Callable[[], object]
    # ``with claiming("work:account:42"):`` deliveries made inside are claimed under it.
    claiming: Callable[[str], AbstractContextManager[None]]


def claimant(job: Job) -> str:
    """The name a job's deliveries are claimed under: its work (its lock), so whichever job
    runs that work next takes over what a dead one left; a job deferred without a lock
    (by hand) is its own work."""
    return f"work:{job.lock}" if job.lock else f"job:{job.id}"


def register(app: App, work: Work, *, stalled_after: float) -> None:
    """Define every job on ``app``; names are stable (a queued job finds its task by name)."""

    def as_job(context: JobContext, fn: Callable[[], object]) -> None:
        with work.claiming(claimant(context.job)):
            fn()

    # One task, two schedules (the typing of stacked schedules is stricter than their use).
    @app.periodic(cron="0 9 1 * *", periodic_id="monthly-report")  # type: ignore[arg-type]
    @app.periodic(cron="0 * * * *", periodic_id="monthly-report-retry")
    @app.task(name="kambot.monthly_report", queue=QUEUE, pass_context=True, retry=RETRY,
              lock="monthly-report", queueing_lock="monthly-report")
    def monthly_report(context: JobContext, timestamp: int) -> None:
        as_job(context, work.monthly_reports)

    @app.task(name="kambot.health_account", queue=QUEUE, pass_context=True, retry=RETRY)
    def health_account(context: JobContext, account_id: int) -> None:
        as_job(context, lambda: work.check_account(account_id))

    @app.task(name="kambot.escalations", queue=QUEUE, pass_context=True, retry=RETRY,
              lock="escalations", queueing_lock="escalations")
    def escalations(context: JobContext) -> None:
        as_job(context, work.escalations)

    @app.periodic(cron="0 8 * * *", periodic_id="daily-health")
    @app.task(name="kambot.daily_health", queue=QUEUE, retry=RETRY,
              queueing_lock="daily-health")
    async def daily_health(timestamp: int) -> None:
        ids = await asyncio.to_thread(work.health_accounts)
        for account_id in ids:
            await defer_once(health_account, lock=f"account:{account_id}",
                             queueing_lock=f"health:{account_id}", account_id=account_id)
        await defer_once(escalations)
        log.info("daily health: %d account job(s) deferred", len(ids))

    @app.periodic(cron="0 * * * *", periodic_id="daily-reminders")
    @app.task(name="kambot.reminders", queue=QUEUE, pass_context=True, retry=RETRY,
              lock="reminders", queueing_lock="reminders")
    def reminders(context: JobContext, timestamp: int) -> None:
        as_job(context, work.reminders)

    @app.periodic(cron="15 8 * * *", periodic_id="daily-commercial")
    @app.task(name="kambot.commercial", queue=QUEUE, pass_context=True, retry=RETRY,
              lock="commercial", queueing_lock="commercial")
    def commercial(context: JobContext, timestamp: int) -> None:
        as_job(context, work.commercial)

    @app.periodic(cron="*/15 * * * *", periodic_id="undo-stash-purge")
    @app.task(name="kambot.undo_purge", queue=QUEUE, retry=RETRY, queueing_lock="undo-purge")
    def undo_purge(timestamp: int) -> None:
        work.purge_undo()

    # Cheap (one query) and what bounds the recovery time: STALLED_AFTER + 15 s at most.
    @app.periodic(cron="* * * * * */15", periodic_id="recover-stalled")
    @app.task(name="kambot.recover_stalled", queue=QUEUE, queueing_lock="recover-stalled")
    async def recover_stalled(timestamp: int) -> None:
        await recover(app, stalled_after=stalled_after)


async def defer_once(task: Any, **options: Any) -> int | None:
    """Defer ``task`` unless one is already waiting under its queueing lock."""
    from procrastinate.exceptions import AlreadyEnqueued

    lock_options = {k: options.pop(k) for k in ("lock", "queueing_lock") if k in options}
    try:
        return int(await task.configure(**lock_options).defer_async(**options))
    except AlreadyEnqueued:
        return None


async def recover(app: App, *, stalled_after: float) -> list[int]:
    """Put back in the queue the jobs of workers silent for ``stalled_after`` seconds, and
    forget those workers. Returns the ids of the jobs put back (or ended)."""
    manager = app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    from procrastinate.exceptions import UniqueViolation
    from procrastinate.jobs import Status

    for job in stalled:
        log.warning("job %s (%s) was running on a worker that stopped answering; retrying it",
                    job.id, job.task_name)
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            # The same work is already waiting under its queueing lock (the next tick was
            # deferred meanwhile): that one runs it, and takes over this one's claims (the
            # same work's). This one ends, or its lock would hold the waiting one back.
            log.warning("job %s: the same work is already queued; ending this one", job.id)
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
    await manager.prune_stalled_workers(seconds_since_heartbeat=stalled_after)
    return [job.id for job in stalled if job.id is not None]
