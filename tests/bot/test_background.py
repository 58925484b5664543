"""After-write work off the request path (bot/background.py): coalesced per account, run
on a worker thread after the command's commit, and drained on stop."""

from __future__ import annotations

import threading

from sqlmodel import select

from bot.app import build_core
from bot.background import AccountWork
from bot.outbox import RecordingSender
from bot.posting import Poster
from storage.models import HealthSnapshot
from tests.support import Conversation


def test_a_burst_for_one_account_is_assessed_once_per_pass():
    release = threading.Event()
    started = threading.Event()
    calls: list[tuple[int, str]] = []

    def work(account_id: int) -> None:
        calls.append((account_id, threading.current_thread().name))
        started.set()
        release.wait(5)

    queue = AccountWork(work, name="test-work")
    queue.submit(1)
    assert started.wait(5)  # account 1 is being assessed
    for _ in range(5):
        queue.submit(2)      # waits once, however many writes
    queue.submit(3)
    queue.submit(1)          # a write during its own pass queues it once more
    queue.submit(1)
    assert queue.pending() == [2, 3, 1]
    release.set()
    assert queue.drain(5)
    assert [a for a, _ in calls] == [1, 2, 3, 1]
    assert {name for _, name in calls} == {"test-work"}
    assert (queue.submitted, queue.coalesced, queue.done) == (9, 5, 4)
    queue.stop()


def test_a_failure_does_not_stop_the_worker():
    seen: list[int] = []

    def work(account_id: int) -> None:
        seen.append(account_id)
        if account_id == 1:
            raise RuntimeError("broken account")

    queue = AccountWork(work)
    queue.submit(1)
    queue.submit(2)
    assert queue.drain(5)
    assert seen == [1, 2]
    queue.stop()
    assert queue.drain(0)


def test_stop_finishes_what_waits():
    seen: list[int] = []
    queue = AccountWork(seen.append)
    for account_id in range(1, 6):
        queue.submit(account_id)
    queue.stop()
    assert seen == [1, 2, 3, 4, 5]


def test_the_health_check_runs_after_the_command_on_the_worker(settings, engine, clock):
    """With background on (the long-running bots), the command answers without running
    the health check itself; the worker saves the snapshot and posts the alert after."""
    core = build_core(settings, clock=clock, engine=engine, migrate=False, background=True)
    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    core.senders.add(RecordingSender(platform="console"))
    threads: list[str] = []
    from bot import alerts

    original = alerts.check_account

    def spy(core_, account_id, **kw):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return original(core_, account_id, **kw)

    alerts.check_account = spy  # type: ignore[assignment]
    try:
        chat = Conversation(core, channel="acme-team", user="alice")
        chat.say('account new "Acme Corp"')
        chat.say("triangle AR=@alice SR=@bob FR=@carol")
        for n in range(5):
            chat.say(f'task "Quote {n}" owner=SR due=2026-11-10 confirm')
        chat.say("signal nps=-50")
        assert core.services["drain"](10)
    finally:
        alerts.check_account = original  # type: ignore[assignment]
        core.services["stop"]()
    assert threads and set(threads) == {"kambot-after-write"}
    work = core.services["after_write"]
    assert work.submitted >= 7 and work.done <= work.submitted
    with core.sessions.begin() as s:
        snapshots = s.exec(select(HealthSnapshot)).all()
    assert snapshots and snapshots[-1].color == "red"
