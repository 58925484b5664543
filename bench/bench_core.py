"""Core dispatch on the 1,000-account database (bench/dataset.py): every per-account
command through the dispatcher, on the account with 2,000 tasks and on an ordinary one.

    .venv/bin/python -m bench core        (KAMBOT_BENCH_PG=URL adds PostgreSQL;
                                           KAMBOT_BENCH_QUICK=1 fewer runs;
                                           KAMBOT_BENCH_ACCOUNTS=5000 the larger set)

Per command: min / median / p99 latency of ``Dispatcher.handle`` and the SQL statements it
sends (counted with SQLAlchemy's before_cursor_execute, including any after-commit work
run on the request thread). Writes act on distinct rows (``done`` closes a different open
task each time). Work kambot moves off the request path (the health re-assessment) is
timed too, as "background", and the queue is drained before the next command's samples,
so it is never hidden in another command's figures nor left out. Then ``accounts`` (the
portfolio, from the management channel), ingest (notes per second through the
dispatcher, and with the background re-assessment finished too), and the process's peak
resident memory.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import text as sql

from bench import common
from bench.dataset import END, WORKSPACE, Dataset, channel_of
from bot.app import Core, build_core
from bot.clock import FixedClock
from bot.messages import Incoming, User
from bot.outbox import RecordingSender
from bot.render.plain import render_plain
from bot.settings import Settings

MANAGEMENT = "CMGMT"


def _incoming(channel: str, user: str, text: str) -> Incoming:
    return Incoming(platform="slack", workspace=WORKSPACE, channel=channel,
                    user=User(id=user, name=f"Person {user}", username=None),
                    text=text, key=uuid.uuid4().hex)


def _drain(core: Core) -> float:
    """Wait for background work of the core (if it has any); seconds waited."""
    drain = core.services.get("drain")
    if drain is None:
        return 0.0
    t0 = time.perf_counter()
    drain()
    return time.perf_counter() - t0


def _open_numbers(core: Core, channel: str) -> list[int]:
    with core.engine.connect() as conn:
        return [r[0] for r in conn.execute(sql(
            "SELECT t.number FROM task t JOIN channelbinding b ON b.account_id = t.account_id "
            "WHERE b.channel = :c AND t.status = 'open' ORDER BY t.number"), {"c": channel})]


def _lazy_open_numbers(core: Core, channel: str) -> Iterator[int]:
    yield from _open_numbers(core, channel)


def run(label: str, data: Dataset, out: common.Printer) -> None:
    runs = 30 if common.quick() else 120
    settings = Settings(_env_file=None, DATABASE_URL=data.url,  # type: ignore[call-arg]
                        KAMBOT_MANAGEMENT_CHANNEL=MANAGEMENT)
    started = time.perf_counter()
    # As the long-running bots build it (bot/cli.py): after-write checks in the background.
    core = build_core(settings, clock=FixedClock(END), auto_playbooks=True, background=True)
    out(f"\n### {label}: dispatcher, {data.accounts:,} accounts "
        f"(core built in {time.perf_counter() - started:.2f} s)\n")
    # Alerts and notices go to recording senders, as they would to Slack.
    for name in ("slack", "console"):
        core.senders.add(RecordingSender(platform=name))
    counter = common.StatementCounter(core.engine)
    handle = core.dispatcher.handle
    out("| account | command | n | min ms | median ms | p99 ms | SQL/cmd | background ms/cmd |")
    out("|---|---|---|---|---|---|---|---|")
    worst: tuple[float, str] = (0.0, "")
    for which, channel, user in (("2,000 tasks", data.big_channel, data.big_user),
                                 ("ordinary", data.typical_channel, data.typical_user)):
        # Read when `done` first runs, after the lines above added tasks (an ordinary account
        # has fewer open tasks of its own than a full run closes).
        numbers = _lazy_open_numbers(core, channel)
        lines: list[tuple[str, Callable[[int], str], int]] = [
            ("open", lambda i: "open", runs),
            ("tasks overdue", lambda i: "tasks overdue", runs),
            ("tasks mine", lambda i: "tasks mine", runs),
            ("notes", lambda i: "notes", runs),
            ("account", lambda i: "account", runs),
            ("health", lambda i: "health", runs),
            ("history", lambda i: "history", runs),
            ("ask (context, no model)",
             lambda i: "ask what did we agree about the renewal offer?", runs),
            ("ask zh (context, no model)", lambda i: "ask 回款计划谈得怎么样了？", runs),
            ("task (new)", lambda i: f'task "Bench follow-up {i}" due=friday', runs),
            ("note + action", lambda i: f"note Met the CIO {i}\nTODO send the deck", runs),
            ("done (distinct open task)", lambda i, numbers=numbers: f"done {next(numbers)}", runs),
        ]
        for name, make, n in lines:
            for i in range(3):  # warm
                handle(_incoming(channel, user, make(10_000 + i)))
            _drain(core)
            samples: list[float] = []
            statements: list[int] = []
            background = 0.0
            for i in range(n):
                before = counter.count
                t0 = time.perf_counter()
                handle(_incoming(channel, user, make(i)))
                samples.append((time.perf_counter() - t0) * 1000)
                statements.append(counter.count - before)
                background += _drain(core)
            p99 = common.pct(samples, 99)
            worst = max(worst, (p99, f"{name} ({which})"))
            out(f"| {which} | {name} | {n} | {min(samples):.2f} | "
                f"{statistics.median(samples):.2f} | {p99:.2f} | "
                f"{statistics.median(statements):.0f} | {background * 1000 / n:.2f} |")
    out(f"\nWorst per-account p99: {worst[0]:.1f} ms ({worst[1]}); target < 20 ms.\n")

    # The portfolio.
    samples = []
    statements = []
    size = 0
    for _ in range(3 if common.quick() else 7):
        before = counter.count
        t0 = time.perf_counter()
        reply = handle(_incoming(MANAGEMENT, "U99999", "accounts"))
        samples.append((time.perf_counter() - t0) * 1000)
        statements.append(counter.count - before)
        assert reply is not None
        size = len(render_plain(reply).encode()) + sum(len(a.content) for a in reply.attachments)
    out(f"`accounts` at {data.accounts:,} accounts: {common.stats_ms(samples)}; "
        f"{statistics.median(statements):.0f} SQL statements; reply {size / 1024:.0f} KB "
        f"(target < 100 ms)\n")

    # Ingest: notes with an action each, into an ordinary account and into the big one.
    # Timed twice: the dispatcher's own time (the sum of its calls, while the background
    # re-assessment runs beside it and competes for the interpreter), and the wall time
    # until that background work is done too; with how many re-assessments ran (coalesced).
    n_notes = 60 if common.quick() else 300
    work = core.services.get("after_write")
    for which, channel, user in (("ordinary", channel_of(data.accounts - 1),
                                  f"U{(data.accounts - 1) % max(30, data.accounts * 3 // 5):05d}"),
                                 ("2,000 tasks", data.big_channel, data.big_user)):
        passes = work.done if work is not None else 0
        handling = 0.0
        t0 = time.perf_counter()
        for i in range(n_notes):
            t1 = time.perf_counter()
            handle(_incoming(channel, user,
                             f"note Call {i} with procurement about the pilot plan\n"
                             f"ACTION: FR to install unit {i} by friday"))
            handling += time.perf_counter() - t1
        waited = _drain(core)
        elapsed = time.perf_counter() - t0
        passes = (work.done if work is not None else 0) - passes
        out(f"Ingest ({which} account): {n_notes} notes; dispatcher {handling:.2f} s = "
            f"{n_notes / handling:.0f} notes/s (target >= 500); with the background "
            f"re-assessment done ({passes} passes, {waited:.2f} s waited after the last note) "
            f"{elapsed:.2f} s = {n_notes / elapsed:.0f} notes/s")
    counter.close()
    stop = core.services.get("stop")
    if stop is not None:
        stop()
    core.engine.dispose()
    out(f"\nPeak resident memory of this process so far: {common.peak_rss_mb():.0f} MB\n")


def main(out: common.Printer = print) -> None:
    logging.disable(logging.WARNING)
    with common.databases() as each:
        for label, data in each:
            run(label, data, out)


if __name__ == "__main__":
    main()
