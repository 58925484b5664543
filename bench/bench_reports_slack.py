"""The monthly reports of every account through the real poster to a fake Slack that paces.

    .venv/bin/python -m bench reports_slack    (KAMBOT_BENCH_PG=URL adds PostgreSQL;
                                                KAMBOT_BENCH_QUICK=1: 200 accounts)

The 1,000-account database (bench/dataset.py), the real job (``run_due_reports``, as the
scheduler runs it on the 1st), the real Slack sender (slack_sdk) and the process's Poster,
against the fake Slack of the tests (tests/fakes/slack_api.py) started in a process of its
own on 127.0.0.1 with Slack's pace on: one ``chat.postMessage`` a second per channel (a
burst of 2), a 429 beyond it. A second run must post nothing.

Printed: total seconds, reports per second, where the time went (thread-seconds summed
over the threads that did it: gathering and composing text, drawing charts, posting, and
waiting for a channel's turn), messages posted, 429s, TCP connections opened, the CPU
time of kambot's process and of the fake Slack's, and peak RSS.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from bench import common

#: The clock of the run: the 1st of the month after the data set's last full month, 09:00.
NOW = datetime(2026, 11, 1, 9, 0, 30, tzinfo=UTC)
QUICK_ACCOUNTS = 200


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _serve(conn: Any, per_second: float, burst: int) -> None:
    """The fake Slack's process: serve until told to stop; answer "stats" with counts."""
    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack().start()
    fake.rate_limit(per_second, burst=burst)
    conn.send(fake.url)
    while True:
        what = conn.recv()
        with fake._cond:
            methods = Counter(c.method for c in fake.calls)
            stats = {"methods": dict(methods), "connections": fake.connections,
                     "rate_limited": sum(fake.rate_limited.values()),
                     "violations": list(fake.violations[:5]),
                     "keys": sum(1 for msgs in fake.messages.values() for m in msgs
                                 if m.get("metadata")),
                     "cpu": _cpu_seconds()}
        conn.send(stats)
        if what == "stop":
            break
    fake.stop()


@contextmanager
def fake_slack(per_second: float = 1.0, burst: int = 2) -> Iterator[tuple[str, Callable[[], dict[str, Any]]]]:
    """(url, stats) of a fake Slack served by a child process."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, per_second, burst), daemon=True)
    proc.start()
    url = parent.recv()

    def stats() -> dict[str, Any]:
        parent.send("stats")
        result: dict[str, Any] = parent.recv()
        return result

    try:
        yield url, stats
    finally:
        parent.send("stop")
        parent.recv()
        proc.join(10)


class Timers:
    """Thread-seconds spent in a few functions, wrapped for the run and put back after."""

    def __init__(self) -> None:
        self.spent: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with self._lock:
                    self.spent[label] += time.perf_counter() - t0

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def add(self, label: str, seconds: float) -> None:
        with self._lock:
            self.spent[label] += seconds

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()


def main(out: common.Printer = print) -> None:
    n = QUICK_ACCOUNTS if common.quick() else common.accounts()
    with common.databases(n if common.quick() else None) as dbs:
        for name, data in dbs:
            out(f"\n### {name}, {n} accounts\n")
            run(data.url, out=out)


def run(url: str, *, out: common.Printer = print) -> None:
    from pydantic import SecretStr

    from bot import charts, jobs
    from bot.adapters import slack_post
    from bot.app import build_core
    from bot.clock import FixedClock
    from bot.posting import Poster
    from bot.settings import Settings
    from commands import reports

    with fake_slack() as (api_url, stats):
        settings = Settings(_env_file=None, DATABASE_URL=url,  # type: ignore[call-arg]
                            KAMBOT_MANAGEMENT_CHANNEL="slack:CMGMT", KAMBOT_TIMEZONE="UTC",
                            SLACK_BOT_TOKEN=SecretStr("xoxb-bench"), SLACK_API_URL=api_url)
        core = build_core(settings, clock=FixedClock(NOW))
        from bot.adapters.slack import slack_sender

        core.senders.add(slack_sender(core))
        timers = Timers()

        def sleep(seconds: float) -> None:
            timers.add("wait", seconds)
            time.sleep(seconds)

        poster = Poster(sleep=sleep)
        core.services["poster"] = poster
        charts.cjk_font()  # the font is registered once per process, not per run
        timers.wrap(charts, "account_chart", "chart")
        timers.wrap(charts, "portfolio_chart", "chart")
        timers.wrap(reports, "gather_month", "gather")
        for fn in ("compose_parent", "compose_report", "compose_shared", "compose_digest"):
            timers.wrap(reports, fn, "compose")
        timers.wrap(slack_post.SlackPoster, "send", "post")
        before = stats()
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        try:
            summary = jobs.run_due_reports(core)
        finally:
            total = time.perf_counter() - t0
            cpu = _cpu_seconds() - cpu0
            timers.restore()
        after = stats()
        t1 = time.perf_counter()
        again = jobs.run_due_reports(core)
        second = time.perf_counter() - t1
        last = stats()
        core.engine.dispose()
    methods = Counter(after["methods"]) - Counter(before["methods"])
    reports_done = summary.accounts
    chart = timers.spent["chart"]
    compose = timers.spent["compose"] - chart  # composing draws the charts
    out(f"run           {total:7.1f} s  ({reports_done / total:.1f} reports/s; "
        f"{summary.posted} deliveries posted, {summary.failed} failed)")
    out(f"time split    gather {timers.spent['gather']:.1f} s, compose text {compose:.1f} s, "
        f"charts {chart:.1f} s, post {timers.spent['post']:.1f} s, "
        f"pacing wait {timers.spent['wait']:.1f} s  (thread-seconds)")
    out(f"messages      {methods['chat.postMessage']} chat.postMessage, "
        f"{methods['files.completeUploadExternal']} file posts, {after['rate_limited']} "
        f"answered 429, {sum(methods.values())} API calls")
    out(f"connections   {after['connections'] - before['connections']} TCP connections opened")
    out(f"CPU           {cpu:.1f} s in kambot's process, {after['cpu'] - before['cpu']:.1f} s "
        "in the fake Slack's")
    out(f"second run    {second:7.1f} s  ({again.posted} posted, "
        f"{sum((Counter(last['methods']) - Counter(after['methods'])).values())} API calls)")
    out(f"peak RSS      {common.peak_rss_mb():7.1f} MB")
    if after["violations"]:
        out(f"VIOLATIONS    {after['violations']}")


if __name__ == "__main__":
    main()
