"""Core dispatch: how long one command takes end to end (parse, unit of work, reply).

Prints median and p95 per command on an account with a large record, on SQLite (and on
PostgreSQL when KAMBOT_BENCH_PG is set to a URL).
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

from bot.app import build_core
from bot.clock import FixedClock
from bot.messages import Incoming, User
from bot.settings import Settings

TASKS = 2_000
NOTES = 500
RUNS = 200


def _incoming(text: str) -> Incoming:
    return Incoming(platform="console", workspace="bench", channel="acme",
                    user=User(id="alice", name="Alice", username="alice"),
                    text=text, key=uuid.uuid4().hex)


def run(url: str) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
    core = build_core(settings, clock=FixedClock(datetime(2026, 11, 24, 10, tzinfo=UTC)))
    handle = core.dispatcher.handle
    handle(_incoming(f'account new "Bench {uuid.uuid4().hex[:6]}" tier=core'))
    handle(_incoming("triangle AR=@alice SR=@bob FR=@carol"))
    started = time.perf_counter()
    for i in range(TASKS):
        handle(_incoming(f'task "Send quote {i}" due=+{i % 30 - 10}d'))
    for i in range(NOTES):
        handle(_incoming(f"note Meeting {i}\nACTION: FR to install unit {i} by friday"))
    print(f"  seeded {TASKS} tasks + {NOTES} notes (each with an action) in "
          f"{time.perf_counter() - started:.1f}s")
    for line in ('task "Renew the contract" due=friday', "note Met the CIO\nTODO send the deck",
                 "done 5", "open", "tasks overdue", "account"):
        samples = []
        for _ in range(RUNS if line.split()[0] not in ("open", "tasks") else RUNS // 10):
            t0 = time.perf_counter()
            handle(_incoming(line))
            samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"  {line.split()[0]:<6} {line[:34]!r:<38} median {statistics.median(samples):7.2f} ms"
              f"   p95 {p95:7.2f} ms   (n={len(samples)})")
    core.engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite (WAL, file):")
        run(f"sqlite:///{tmp}/bench.db")
    pg = os.environ.get("KAMBOT_BENCH_PG")
    if pg:
        print("PostgreSQL:")
        run(pg)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  peak RSS {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
