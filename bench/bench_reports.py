"""Time to compose (and post, to a recording sender) the monthly reports of N accounts.

    .venv/bin/python -m bench reports         (1,000 accounts on SQLite; KAMBOT_BENCH_PG=URL
                                               for PostgreSQL too)
    .venv/bin/python -m bench.bench_reports [--accounts N] [--database-url URL]
                                            [--snapshots-per-month 30]

Phases are timed separately: reading the record (gather), composing the text, drawing the
charts, and the whole job (`run_monthly_reports`) posting to an in-memory sender with
no pacing, then its second run, which must post nothing. Memory: the process's maximum
resident set size after each phase (tracemalloc is not used: it slows the code it
measures several times over).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.synth import generate
from bot.app import build_core
from bot.clock import FixedClock
from bot.jobs import run_monthly_reports
from bot.outbox import RecordingSender
from bot.posting import Poster
from bot.settings import Settings
from commands import reports
from commands.reports import Month
from storage import repos


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Run from `python -m bench` with no arguments: SQLite, and PostgreSQL when
    KAMBOT_BENCH_PG names a (throwaway) database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--snapshots-per-month", type=int, default=30)
    args = parser.parse_args(argv or [])
    urls = [args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"]
    if argv is None and os.environ.get("KAMBOT_BENCH_PG"):
        urls.append(os.environ["KAMBOT_BENCH_PG"])
    for url in urls:
        run(url, accounts=args.accounts, snapshots_per_month=args.snapshots_per_month)


def run(url: str, *, accounts: int, snapshots_per_month: int) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    settings = Settings(_env_file=None, DATABASE_URL=url,  # type: ignore[call-arg]
                        KAMBOT_MANAGEMENT_CHANNEL="slack:CMGMT")
    core = build_core(settings, clock=clock)
    month = Month(2026, 11)

    t0 = time.perf_counter()
    with core.sessions.begin() as s:
        stats = generate(s, accounts=accounts, end=clock.now(),
                         snapshots_per_month=snapshots_per_month)
    print(f"database      {core.engine.dialect.name}")
    print(f"generated     {stats.accounts} accounts, {stats.tasks} tasks, {stats.notes} notes, "
          f"{stats.snapshots} health snapshots in {time.perf_counter() - t0:.1f} s")

    with core.sessions.begin() as s:
        rows = list(repos.all_accounts(s))
    t0 = time.perf_counter()
    facts = []
    for account in rows:
        with core.sessions.begin() as s:
            facts.append(reports.gather_month(s, account=account, month=month, tz=clock.tz,
                                              now=clock.now()))
    gather = time.perf_counter() - t0
    t0 = time.perf_counter()
    for f in facts:
        reports.compose_parent(f, "en")
        reports.compose_report(f, "en", chart=False)
        reports.compose_shared(f, "en", chart=False)
    compose = time.perf_counter() - t0
    rss_text = _max_rss_mb()
    t0 = time.perf_counter()
    for f in facts[:50]:
        reports.chart_attachment(f, "en", shared=False)
        reports.chart_attachment(f, "en", shared=True)
    chart_each = (time.perf_counter() - t0) / (2 * min(50, len(facts)))
    t0 = time.perf_counter()
    reports.compose_digest(facts, month, "en")
    digest = time.perf_counter() - t0
    n = len(facts)
    print(f"gather        {gather:7.2f} s  ({gather / n * 1000:.1f} ms/account)")
    print(f"compose text  {compose:7.2f} s  ({compose / n * 1000:.2f} ms/account: parent, "
          "report, shared + Markdown)")
    print(f"one chart     {chart_each * 1000:7.1f} ms (PNG; 2 per account)")
    print(f"digest        {digest:7.2f} s  (table of {n} + portfolio chart)")
    print(f"max RSS       {rss_text:7.1f} MB after gathering and composing all {n} (text)")
    del facts
    gc.collect()

    sender = RecordingSender(platform="slack")
    core.senders.add(sender)
    poster = Poster(min_interval=0.0, sleep=lambda _s: None)
    t0 = time.perf_counter()
    summary = run_monthly_reports(core, month=month, poster=poster)
    full = time.perf_counter() - t0
    sent_bytes = sum(len(a.content) for o in sender.sent for a in o.reply.attachments)
    print(f"full run      {full:7.2f} s  ({summary.posted} posts, {summary.failed} failed, "
          f"{sent_bytes / 1e6:.1f} MB of attachments; posting to memory, no pacing)")
    sender.sent.clear()
    t0 = time.perf_counter()
    again = run_monthly_reports(core, month=month, poster=poster)
    print(f"second run    {time.perf_counter() - t0:7.2f} s  ({again.posted} posts)")
    print(f"max RSS       {_max_rss_mb():7.1f} MB "
          "(the recording sender keeps every post and its PNGs in memory)")


if __name__ == "__main__":
    main(sys.argv[1:])
