"""`python -m bench [--accounts N] [--results FILE] [name ...]`: run every bench/bench_*.py (or the ones
named) in turn; with --results, what they print is also written to FILE under a header
with the date, machine and commit (`make bench` writes bench/RESULTS.md).

Environment: KAMBOT_BENCH_PG=URL adds PostgreSQL (a database is copied per run from a
cached template); KAMBOT_BENCH_QUICK=1 makes fewer runs; ``--accounts 5000`` (or
KAMBOT_BENCH_ACCOUNTS=5000) the larger data set (bench/dataset.py).
"""

from __future__ import annotations

import argparse
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

from bench import common

#: Run by default (`make bench`); the others on demand by name.
# bench_reports (the old in-memory report timing, no pacing) runs on demand by name;
# bench_reports_slack is the monthly run through the real poster to a pacing fake Slack.
DEFAULT = ("bench_core", "bench_startup", "bench_slack_ack", "bench_reports_slack")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of accounts (say 1000 or 5000)")
    return int(text)


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run the benchmarks and print their figures.")
    parser.add_argument("--accounts", type=_positive, metavar="N",
                        help="accounts in the data set (default 1000; 5000 the larger one)")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="also write what the benchmarks print to FILE")
    parser.add_argument("names", nargs="*", metavar="name",
                        help="benchmarks to run (core, startup, ...); default: "
                             + ", ".join(n.removeprefix("bench_") for n in DEFAULT))
    args = parser.parse_args(argv)
    if args.accounts is not None:
        os.environ["KAMBOT_BENCH_ACCOUNTS"] = str(args.accounts)
    results: Path | None = args.results
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in args.names] or [
        n for n in DEFAULT if n in names]
    lines: list[str] = [common.header()]

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    unknown = [name for name in wanted if name not in names]
    if unknown:
        print(f"no benchmark {', '.join(unknown)}; have: {', '.join(names)}", file=sys.stderr)
        return 2
    # The data set is made (or found cached) first, in a process of its own, so that no
    # benchmark's time or peak memory includes generating it.
    prepare = [sys.executable, "-m", "bench.dataset", "--accounts", str(common.accounts())]
    if os.environ.get("KAMBOT_BENCH_PG"):
        prepare += ["--pg", os.environ["KAMBOT_BENCH_PG"]]
    if subprocess.run(prepare, stdout=subprocess.DEVNULL, check=False).returncode:
        print("the benchmark data set could not be made", file=sys.stderr)
        return 1
    failed = 0
    for name in wanted:
        out(f"\n## {name}\n")
        # Each benchmark in a process of its own: its peak memory is its own.
        proc = subprocess.Popen([sys.executable, "-c", f"from bench.{name} import main; main()"],
                                stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert proc.stdout is not None
        for line in proc.stdout:
            out(line.rstrip("\n"))
        if proc.wait():
            failed += 1
            out(f"\n({name} failed, exit code {proc.returncode})")
        out(f"\n(load average after {name}: {common.load()})")
        if results is not None:
            results.write_text("\n".join(lines) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
