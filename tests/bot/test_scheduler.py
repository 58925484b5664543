"""The scheduler: its jobs and settings, leadership on PostgreSQL, catch-up on taking over.

No test waits for a real clock: the APScheduler is started paused (to read its jobs) or
not at all, and job functions run directly under a FixedClock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Core, build_core
from bot.outbox import RecordingSender
from bot.posting import Poster
from bot.scheduler import (
    AdvisoryLockLeadership,
    JobSpec,
    SoleLeader,
    build_scheduler,
)
from storage.db import make_engine
from tests.conftest import ON_POSTGRES
from tests.reportdata import seed_acme

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def poster() -> Poster:
    return Poster(sleep=lambda _s: None, min_interval=0.0)


def reports_of(sender: RecordingSender, month: str = "November 2026") -> list:
    """The monthly report posts (the catch-up also runs the daily health check)."""
    return [out for out in sender.sent if month in out.reply.title]


class NeverLeader:
    is_leader = False

    def acquire(self) -> bool:
        return False

    def release(self) -> None:
        pass


def test_jobs_have_fixed_ids_hours_of_grace_coalescing_and_the_timezone(core: Core):
    core.settings.KAMBOT_TIMEZONE = "Asia/Shanghai"
    extra = JobSpec("health-check", "interval", lambda: None)
    sched = build_scheduler(core, poster=poster(), extra_jobs=[extra], leadership=SoleLeader())
    sched.scheduler.start(paused=True)
    try:
        assert sched.job_ids() == ["daily-commercial", "daily-health", "daily-reminders",
                                   "daily-retention", "health-check", "leadership",
                                   "monthly-report", "monthly-report-retry",
                                   "quarterly-tier-review", "undo-stash-purge"]
        job = sched.scheduler.get_job("monthly-report")
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 3600
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        assert job.next_run_time.day == 1 and job.next_run_time.hour == 9
        assert str(job.next_run_time.tzinfo) == "Asia/Shanghai"
    finally:
        sched.scheduler.shutdown(wait=False)


def test_duplicate_job_ids_are_refused(core: Core):
    spec = JobSpec("monthly-report", "interval", lambda: None)
    with pytest.raises(ValueError, match="duplicate"):
        build_scheduler(core, extra_jobs=[spec], leadership=SoleLeader())


def test_jobs_run_only_on_the_leader(core: Core, clock):
    clock.set(DEC_1)
    seed_acme(core.sessions)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    follower = build_scheduler(core, poster=poster(), leadership=NeverLeader())
    assert follower.check_leadership(now=True) is False
    follower._guarded(follower.specs[0])()
    assert sender.sent == []

    leader = build_scheduler(core, poster=poster(), leadership=SoleLeader())
    assert leader.check_leadership(now=True) is True  # becoming leader runs the catch-up
    assert len(reports_of(sender)) == 3
    posted = len(sender.sent)
    leader.check_leadership(now=True)  # still leading: no second catch-up
    leader._guarded(leader.specs[0])()  # the 1st's job after the catch-up: nothing new
    assert len(sender.sent) == posted


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks need PostgreSQL")
def test_two_schedulers_on_one_postgresql_post_once_and_the_second_takes_over(
    core: Core, settings, clock, database_url
):
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))  # before the 1st: October is out
    seed_acme(core.sessions)
    replica = build_core(settings, clock=clock, engine=make_engine(database_url), migrate=False)
    sender = RecordingSender(platform="console")
    for c in (core, replica):
        c.senders.add(sender)
    a = build_scheduler(core, poster=poster(), leadership=AdvisoryLockLeadership(core.engine))
    b = build_scheduler(replica, poster=poster(),
                        leadership=AdvisoryLockLeadership(replica.engine))
    try:
        assert a.check_leadership(now=True) is True
        assert b.check_leadership(now=True) is False
        assert len(reports_of(sender, "October 2026")) == 3  # the month before, once
        october = len(sender.sent)

        clock.set(DEC_1)
        for sched in (a, b):  # the 1st, 09:00: both replicas' triggers fire
            sched._guarded(sched.specs[0])()
        assert len(sender.sent) == october + 3

        a.leadership.release()  # the leader dies: its connection and lock go
        clock.advance(timedelta(minutes=1))
        assert b.check_leadership(now=True) is True  # takes over, runs the catch-up
        assert a.check_leadership(now=True) is False  # the old one cannot lead again
        assert len(sender.sent) == october + 3  # ...which finds nothing left to post
        assert [out.channel for out in sender.sent[october:]] == ["acme-team"] * 3
    finally:
        a.leadership.release()
        b.leadership.release()
        replica.engine.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks need PostgreSQL")
def test_leadership_survives_checks_and_is_lost_with_its_connection(core: Core):
    one, two = AdvisoryLockLeadership(core.engine), AdvisoryLockLeadership(core.engine)
    try:
        assert one.acquire() and one.acquire()
        assert not two.acquire()
        one._conn.invalidate()  # the connection breaks under the leader
        assert two.acquire()
        assert not one.acquire() and not one.is_leader
    finally:
        one.release()
        two.release()


def test_sqlite_always_leads(core: Core):
    if ON_POSTGRES:
        pytest.skip("SQLite only")
    sched = build_scheduler(core, leadership=None)
    assert isinstance(sched.leadership, SoleLeader)


def test_start_runs_the_catch_up_in_the_scheduler_and_shutdown_stops_it(core: Core):
    import threading

    from apscheduler.triggers.date import DateTrigger

    ran = threading.Event()
    # Its own trigger is decades away: only the start-up catch-up can run it now.
    spec = JobSpec("probe", DateTrigger(datetime(2099, 1, 1, tzinfo=UTC)), ran.set,
                   catch_up=True)
    sched = build_scheduler(core, poster=poster(), extra_jobs=[spec], leadership=SoleLeader())
    # Leave the real monthly job out: this test is about the start-up path only.
    sched.specs = [spec]
    sched.start()
    try:
        assert ran.wait(timeout=10)  # the catch-up ran once, right after start
        for _ in range(200):  # let the scheduler retire the one-off job before shutdown
            if sched.scheduler.get_job("probe:catch-up") is None:
                break
            ran.wait(0.01)
        assert sched.scheduler.get_job("probe:catch-up") is None
    finally:
        sched.shutdown()
    assert not sched.scheduler.running


def test_scheduling_runs_the_scheduler_for_the_life_of_the_block(core: Core, monkeypatch):
    from bot import scheduler as module

    monkeypatch.setattr(module, "JOB_SOURCES", [])  # no catch-up work: only the wiring
    with module.scheduling(core, leadership=SoleLeader()) as sched:
        assert sched.scheduler.running
        assert sched.job_ids() == ["leadership"]
    assert not sched.scheduler.running
