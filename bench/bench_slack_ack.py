"""Ack latency of the Slack app through its HTTP endpoint, against the fake Slack.

    python -m bench slack_ack                  (both scenarios below)
    python -m bench.bench_slack_ack [--n 200] [--slow 0.0] [--concurrency 1]

Starts the fake Slack on 127.0.0.1, a core on a throwaway SQLite database and the real
bolt app behind aiohttp, then sends signed slash commands and events and reports how long
the HTTP ack took (Slack's limit is 3 s) and how long until the reply was posted.
``--slow`` adds seconds to every dispatch, to show the ack does not wait for the work.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr

from bot.adapters.slack import build_app, http_app
from bot.app import build_core
from bot.settings import Settings
from tests.bot.adapters.slack.slack_driver import SECRET, SlackDriver
from tests.fakes.slack_api import FakeSlack


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name:<28} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  "
            f"p95={pct(ms, 95):7.1f} ms  max={max(ms):7.1f} ms")


async def measure(n: int, slow: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}",  # type: ignore[call-arg]
                            SLACK_BOT_TOKEN=SecretStr("xoxb-bench"),
                            SLACK_SIGNING_SECRET=SecretStr(SECRET), SLACK_API_URL=fake.url)
        core = build_core(settings)
        if slow:
            handle = core.dispatcher.handle

            def slow_handle(incoming):  # type: ignore[no-untyped-def]
                time.sleep(slow)
                return handle(incoming)

            core.dispatcher.handle = slow_handle  # type: ignore[method-assign]
        runner = web.AppRunner(http_app(build_app(core)))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", fake)
        await driver.command('account new "Bench Corp" tier=core')
        await fake.await_for("chat.postMessage", timeout=30)
        driver.latencies.clear()

        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with sem:
                await driver.command(f'task "Bench task {i}" owner=SR due=+{i % 30 + 1}d')

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        acked = list(driver.latencies)
        await fake.await_for("chat.postMessage", n + 1, timeout=60 + n * (slow + 0.5))
        total = time.perf_counter() - started
        driver.latencies.clear()
        for i in range(n):
            await driver.event(driver.message_event(f"<@UBOT> what is open {i}?"))
        events = list(driver.latencies)
        await fake.await_for("chat.postMessage", 2 * n + 1, timeout=60 + n * (slow + 0.5))
        await runner.cleanup()
        print(f"kambot Slack HTTP endpoint, {n} slash commands (task), concurrency {concurrency}, "
              f"extra work per dispatch {slow:.2f} s")
        print(summary("slash command ack", acked))
        print(summary("app_mention event ack", events))
        print(f"{'all replies posted after':<28} {total:.2f} s ({n / total:.1f} commands/s)")
        fake.check()


def main() -> None:
    """The bench harness entry: plain load, then slow work with commands in parallel."""
    asyncio.run(measure(200, 0.0, 1))
    asyncio.run(measure(40, 2.0, 10))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(measure(args.n, args.slow, args.concurrency))
