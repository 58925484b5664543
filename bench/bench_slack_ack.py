"""Slack acks: kambot's HTTP endpoint against a bare slack-bolt app started beside it, on
the 1,000-account database, each server and the client in processes of their own.

    .venv/bin/python -m bench slack_ack        (KAMBOT_BENCH_QUICK=1 shorter)

kambot runs as the long-running bot does (after-write checks in the background, the
bounded work pool) without the scheduler, against the fake Slack on 127.0.0.1; the bare
app is an AsyncApp whose /kam listener only acks. The client sends signed `/kam open`
commands (the ordinary account's channel) and times each HTTP ack:

1. one at a time: p50 / p99 of both, and the ratio;
2. open loop at fixed rates: the ack p99 and how many acks took over 3 s, and how many
   commands were answered (the reply posted) or told "busy" by the end; the highest rate
   whose acks all stayed under 3 s with every command answered or told busy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from bench import common
from bench.dataset import WORKSPACE, Dataset
from tests.bot.adapters.slack.slack_driver import SECRET, sign
from tests.fakes.slack_api import FakeSlack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the servers (subprocesses) -------------------------------------------------------------


def serve_kambot(port: int) -> None:
    """`kambot slack --http` as bot/cli.py starts it, but without the scheduler (its
    catch-up is bench startup's business)."""
    import argparse
    import logging

    from bot.adapters.slack import run_slack
    from bot.cli import _platform_core

    os.environ["PORT"] = str(port)
    logging.basicConfig(level=logging.ERROR)
    run_slack(_platform_core(argparse.Namespace(host="127.0.0.1")), mode="http")


def serve_bare(port: int) -> None:
    from slack_bolt.async_app import AsyncApp

    app = AsyncApp(token="xoxb-bench", signing_secret=SECRET)
    app.client.base_url = os.environ["SLACK_API_URL"]

    async def ack_only(ack: Any) -> None:
        await ack()

    app.command("/kam")(ack_only)
    app.start(port=port, path="/slack/events", host="127.0.0.1")  # type: ignore[call-arg]


# --- the client (a subprocess) ---------------------------------------------------------------


async def _client(url: str, n: int, rate: float, channel: str, user: str) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    async with aiohttp.ClientSession() as session:

        async def one(i: int) -> None:
            nonlocal errors
            form = {"token": "x", "team_id": WORKSPACE, "team_domain": "bench",
                    "channel_id": channel, "channel_name": "bench", "user_id": user,
                    "user_name": user.lower(), "command": "/kam", "text": "open",
                    "api_app_id": "ABENCH", "is_enterprise_install": "false",
                    "response_url": f"{os.environ.get('BENCH_RESPONSE_URL', '')}r{i}",
                    "trigger_id": f"trig.{i}"}
            body = urlencode(form)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            started = time.perf_counter()
            try:
                async with session.post(url, data=body.encode(), headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=30)) as resp:
                    await resp.read()
                    if resp.status != 200:
                        errors += 1
            except Exception:
                errors += 1
            latencies.append(time.perf_counter() - started)

        t0 = time.perf_counter()
        if rate <= 0:  # one at a time
            for i in range(n):
                await one(i)
        else:
            tasks = []
            for i in range(n):
                delay = t0 + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - t0}


def _run_client(url: str, n: int, rate: float, channel: str, user: str,
                response_url: str) -> dict[str, Any]:
    env = dict(os.environ, BENCH_RESPONSE_URL=response_url)
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_slack_ack", "--client", url, "--n", str(n),
         "--rate", str(rate), "--channel", channel, "--user", user],
        env=env, capture_output=True, text=True, check=True, timeout=600)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- the bench --------------------------------------------------------------------------------


def _start(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_slack_ack", "--serve", kind,
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/slack/events"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"),
                                   timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.05)
    return proc


def _ms(values: list[float], p: float) -> float:
    return common.pct([v * 1000 for v in values], p)


def run(label: str, data: Dataset, out: common.Printer) -> None:
    quick = common.quick()
    n_seq = 60 if quick else 200
    seconds = 3 if quick else 6
    rates = (40, 150) if quick else (20, 40, 80, 150, 250)
    with FakeSlack() as fake:
        env = dict(os.environ, DATABASE_URL=data.url, SLACK_BOT_TOKEN="xoxb-bench",
                   SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
        env.pop("SLACK_APP_TOKEN", None)
        kport, bport = _free_port(), _free_port()
        kambot = _start("kambot", kport, env)
        bare = _start("bare", bport, env)
        try:
            kurl = f"http://127.0.0.1:{kport}/slack/events"
            burl = f"http://127.0.0.1:{bport}/slack/events"
            channel, user = data.typical_channel, data.typical_user
            _run_client(kurl, 5, 0, channel, user, fake.response_url("warm"))
            _run_client(burl, 5, 0, channel, user, fake.response_url("warm"))
            time.sleep(1)
            k = _run_client(kurl, n_seq, 0, channel, user, fake.response_url("seq"))
            time.sleep(1)
            b = _run_client(burl, n_seq, 0, channel, user, fake.response_url("seq"))
            kp50, kp99 = statistics.median(k["latencies"]) * 1000, _ms(k["latencies"], 99)
            bp50, bp99 = statistics.median(b["latencies"]) * 1000, _ms(b["latencies"], 99)
            out(f"\n### {label}: Slack HTTP ack, `/kam open`, one at a time (n={n_seq})\n")
            out("| server | p50 ms | p99 ms | max ms |\n|---|---|---|---|")
            out(f"| kambot | {kp50:.1f} | {kp99:.1f} | {max(k['latencies']) * 1000:.1f} |")
            out(f"| bare slack-bolt | {bp50:.1f} | {bp99:.1f} | "
                f"{max(b['latencies']) * 1000:.1f} |")
            out(f"\nRatio kambot / bare: p50 {kp50 / bp50:.2f}x, p99 {kp99 / bp99:.2f}x "
                f"(targets: p99 < 50 ms and <= 2x)\n")
            time.sleep(3)  # the replies of the one-at-a-time run are posted
            out(f"### {label}: open loop at fixed rates ({seconds} s each), kambot\n")
            out("| rate /s | sent | ack p50 ms | ack p99 ms | acks > 3 s | answered | "
                "told busy | unanswered after 10 s |")
            out("|---|---|---|---|---|---|---|---|")
            sustained = 0
            for rate in rates:
                n = rate * seconds
                tag = f"rate{rate}-"
                before = len(fake.calls)
                res = _run_client(kurl, n, rate, channel, user, fake.response_url(tag))
                deadline = time.monotonic() + 10
                answered = busy = 0
                while True:
                    calls = fake.calls[before:]
                    answered = sum(1 for c in calls if c.method == "chat.postMessage"
                                   and c.params.get("channel") == channel)
                    busy = sum(1 for c in calls if c.method == "response_url"
                               and str(c.params.get("_response_url", "")).startswith(tag)
                               and "busy" in json.dumps(c.params))
                    if answered + busy >= n or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)
                lat = res["latencies"]
                over = sum(1 for v in lat if v > 3.0) + res["errors"]
                out(f"| {rate} | {n} | {statistics.median(lat) * 1000:.1f} | "
                    f"{_ms(lat, 99):.1f} | {over} | {answered} | {busy} | "
                    f"{max(0, n - answered - busy)} |")
                if over == 0 and answered + busy >= n:
                    sustained = rate
                # Let the queue empty before the next rate.
                time.sleep(3)
            out(f"\nHighest rate with every ack under 3 s and every command answered or told "
                f"busy: {sustained}/s; answered (not busy) shows the throughput "
                f"(target >= 150 /kam open per s).\n")
        finally:
            for proc in (kambot, bare):
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def main(out: common.Printer = print) -> None:
    with common.databases() as each:
        for label, data in each:
            run(label, data, out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=("kambot", "bare"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--channel", default="C00500")
    parser.add_argument("--user", default="U00500")
    args = parser.parse_args()
    if args.serve == "kambot":
        serve_kambot(args.port)
    elif args.serve == "bare":
        serve_bare(args.port)
    elif args.client:
        print(json.dumps(asyncio.run(_client(args.client, args.n, args.rate, args.channel,
                                             args.user))))
    else:
        main()
