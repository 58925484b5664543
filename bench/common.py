"""What the benchmarks share: the databases to run on, percentiles, SQL statement counting,
resident memory, and the results file."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench import dataset

#: PostgreSQL server to copy the benchmark database into (a database is created per run).
PG_ENV = "KAMBOT_BENCH_PG"


def quick() -> bool:
    return os.environ.get("KAMBOT_BENCH_QUICK", "") not in ("", "0")


def accounts() -> int:
    return int(os.environ.get("KAMBOT_BENCH_ACCOUNTS", "1000"))


@contextmanager
def databases(n_accounts: int | None = None) -> Iterator[Iterator[tuple[str, dataset.Dataset]]]:
    """("SQLite", data), then ("PostgreSQL", data) when KAMBOT_BENCH_PG is set; each a fresh
    copy of the cached benchmark database, thrown away after."""
    n = n_accounts or accounts()

    only = os.environ.get("KAMBOT_BENCH_ONLY", "")  # "sqlite" or "postgresql"

    def each() -> Iterator[tuple[str, dataset.Dataset]]:
        if only in ("", "sqlite"):
            with tempfile.TemporaryDirectory() as tmp:
                yield "SQLite", dataset.sqlite_copy(n, Path(tmp))
        pg = os.environ.get(PG_ENV)
        if pg and only in ("", "postgresql"):
            data, drop = dataset.pg_copy(pg, n)
            try:
                yield "PostgreSQL", data
            finally:
                drop()

    yield each()


def pct(values: list[float], p: float) -> float:
    """The p-th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def stats_ms(values: list[float]) -> str:
    return (f"min {min(values):7.2f}  median {statistics.median(values):7.2f}  "
            f"p99 {pct(values, 99):7.2f} ms")


class StatementCounter:
    """Counts the SQL statements an engine sends (SQLAlchemy's before_cursor_execute)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._engine = engine
        sa.event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *_args: Any, **_kw: Any) -> None:
        self.count += 1

    def close(self) -> None:
        sa.event.remove(self._engine, "before_cursor_execute", self._on)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    return (f"{platform.node()} · {platform.system()} {platform.release()} · {cpu} · "
            f"{os.cpu_count()} cores · {mem} MB · Python {platform.python_version()}")


def git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def load() -> str:
    """The machine's load average (1, 5, 15 min): figures from a busy machine are not the
    code's alone."""
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "?"


def header() -> str:
    return (f"# kambot benchmark results\n\nDate: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  \n"
            f"Machine: {machine()}  \nCommit: {git_head()}  \n"
            f"Load average at start (1/5/15 min): {load()}  \n"
            f"Accounts: {accounts()}{' (quick run)' if quick() else ''}\n")


Printer = Callable[[str], None]
