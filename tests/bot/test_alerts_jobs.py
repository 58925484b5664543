"""The health jobs in the scheduler (bot/scheduler.py JOB_SOURCES)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.alerts import health_jobs
from bot.outbox import RecordingSender
from bot.posting import Poster

scheduler = pytest.importorskip("bot.scheduler")


def test_health_jobs_fixed_ids_times_and_catch_up(core):
    core.settings.KAMBOT_TIMEZONE = "Asia/Shanghai"
    poster = Poster(min_interval=0, sleep=lambda s: None)
    # bot.scheduler.JOB_SOURCES includes health_jobs: no extra_jobs needed.
    sched = scheduler.build_scheduler(core, poster=poster, leadership=scheduler.SoleLeader())
    sched.scheduler.start(paused=True)
    try:
        assert {"daily-health", "daily-reminders"} <= set(sched.job_ids())
        job = sched.scheduler.get_job("daily-health")
        assert (job.next_run_time.hour, job.next_run_time.minute) == (8, 0)
        assert str(job.next_run_time.tzinfo) == "Asia/Shanghai"
        # The digest job runs every hour on the hour; each person's digest waits for theirs.
        digest = sched.scheduler.get_job("daily-reminders")
        first = digest.next_run_time
        second = digest.trigger.get_next_fire_time(first, first + timedelta(minutes=1))
        assert first.minute == 0 and second - first == timedelta(hours=1)
    finally:
        sched.scheduler.shutdown(wait=False)
    specs = {spec.id: spec for spec in health_jobs(core, poster)}
    assert specs["daily-health"].catch_up and not specs["daily-reminders"].catch_up


def test_health_job_functions_run(core, chat):
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    chat.say('account new "Acme Corp"')
    chat.say("signal nps=-50")  # no listener here: the job finds it
    poster = Poster(min_interval=0, sleep=lambda s: None)
    specs = {spec.id: spec for spec in health_jobs(core, poster)}
    summary = specs["daily-health"].func()
    assert summary.alerts == 1
    assert specs["daily-reminders"].func().reminders == 0
