"""Slack acks: kambot's HTTP endpoint against a bare slack-bolt app started beside it, on
the 1,000-account database, each server and the client in processes of their own.

    .venv/bin/python -m bench slack_ack        (KAMBOT_BENCH_QUICK=1 shorter)

kambot runs as the long-running bot does (after-write checks in the background, the
bounded work pool) without the scheduler, against the fake Slack on 127.0.0.1; the bare
app is an AsyncApp whose /kam listener only acks. The client sends signed `/kam open`
commands (the ordinary account's channel) and times each HTTP ack:

1. one at a time, kambot and the bare app in turn: p50 / p99 of both, and the ratio;
2. open loop at fixed rates, against one kambot process and then two (each `kambot slack
   --http` on a port of its own, the client sending round robin as a balancer in front of
   replicas would): the ack p50 / p99, acks over 3 s, and how each command ended: answered
   at once, acked "working on it" and answered later through its response_url, or told
   busy; what is still unanswered after the drain wait; the highest rate whose acks all
   stayed under 3 s with nobody told busy and every command answered.
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
import uuid
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


def serve_kambot(port: int, *, idle: bool = False) -> None:
    """`kambot slack --http` as bot/cli.py starts it, but without the scheduler (its
    catch-up is bench startup's business). ``idle``: commands do nothing (no answer), to
    tell the ack path's own cost from the work competing with it for the interpreter."""
    import argparse
    import logging

    from bot.adapters.slack import run_slack
    from bot.cli import _platform_core

    os.environ["PORT"] = str(port)
    logging.basicConfig(level=logging.ERROR)
    core = _platform_core(argparse.Namespace(host="127.0.0.1"))
    if idle:
        core.dispatcher.handle = lambda incoming: None  # type: ignore[method-assign]
    run_slack(core, mode="http")


def serve_bare(port: int, *, before_response: bool = False) -> None:
    """The bare app: bolt's defaults, or with ``process_before_response`` as kambot runs it
    (bolt then answers when the listener returns instead of polling for the ack every
    10 ms)."""
    from slack_bolt.async_app import AsyncApp

    app = AsyncApp(token="xoxb-bench", signing_secret=SECRET,
                   process_before_response=before_response)
    app.client.base_url = os.environ["SLACK_API_URL"]

    async def ack_only(ack: Any) -> None:
        await ack()

    app.command("/kam")(ack_only)
    app.start(port=port, path="/slack/events", host="127.0.0.1")  # type: ignore[call-arg]


# --- the client (a subprocess) ---------------------------------------------------------------


def _ack_kind(status: int, body: str) -> str:
    """What the ack told the sender: "" (nothing: answered in the ordinary way), "later"
    (working on it, answered through the response_url) or "busy"; "error" for not 200."""
    if status != 200:
        return "error"
    if "Working on it" in body:
        return "later"
    return "busy" if "busy" in body else ""


async def _client(urls: list[str], n: int, rate: float, channel: str,
                  user: str) -> dict[str, Any]:
    """Send ``n`` signed `/kam open`, one at a time (``rate`` 0) or at ``rate`` per second
    (open loop), round robin over ``urls`` (as a balancer in front of replicas would)."""
    import aiohttp

    latencies: list[float] = []
    kinds: dict[str, int] = {"": 0, "later": 0, "busy": 0, "error": 0}
    # Unique per run: kambot answers a trigger_id once (a retried request has one effect).
    run_id = uuid.uuid4().hex[:8]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(i: int) -> None:
            form = {"token": "x", "team_id": WORKSPACE, "team_domain": "bench",
                    "channel_id": channel, "channel_name": "bench", "user_id": user,
                    "user_name": user.lower(), "command": "/kam", "text": "open",
                    "api_app_id": "ABENCH", "is_enterprise_install": "false",
                    "response_url": f"{os.environ.get('BENCH_RESPONSE_URL', '')}r{i}",
                    "trigger_id": f"trig.{run_id}.{i}"}
            body = urlencode(form)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            started = time.perf_counter()
            try:
                async with session.post(urls[i % len(urls)], data=body.encode(),
                                        headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=30)) as resp:
                    kind = _ack_kind(resp.status, await resp.text())
            except Exception:
                kind = "error"
            latencies.append(time.perf_counter() - started)
            kinds[kind] += 1

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
    return {"latencies": latencies, "kinds": kinds, "elapsed": time.perf_counter() - t0}


def _run_client(urls: list[str], n: int, rate: float, channel: str, user: str,
                response_url: str) -> dict[str, Any]:
    env = dict(os.environ, BENCH_RESPONSE_URL=response_url)
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_slack_ack", "--client", ",".join(urls), "--n",
         str(n), "--rate", str(rate), "--channel", channel, "--user", user],
        env=env, capture_output=True, text=True, check=True, timeout=900)
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


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _settle(fake: FakeSlack, quiet: float = 2.0) -> None:
    """Wait until the fake Slack has had no call for ``quiet`` seconds (at most 60 s), so
    one run's late answers are not counted in the next."""
    deadline = time.monotonic() + 60
    seen, since = len(fake.calls), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.2)
        if len(fake.calls) != seen:
            seen, since = len(fake.calls), time.monotonic()


def _ms(values: list[float], p: float) -> float:
    return common.pct([v * 1000 for v in values], p)


def _one_at_a_time(label: str, data: Dataset, fake: FakeSlack, env: dict[str, str],
                   out: common.Printer) -> None:
    n_seq = 150 if common.quick() else 300
    servers = {"kambot": "kambot", "bare slack-bolt (defaults)": "bare",
               "bare slack-bolt, process_before_response": "bare-before",
               "kambot, commands doing nothing": "kambot-idle"}
    ports = {name: _free_port() for name in servers}
    procs = [_start(kind, ports[name], env) for name, kind in servers.items()]
    lat: dict[str, list[float]] = {name: [] for name in servers}
    try:
        urls = {name: [f"http://127.0.0.1:{ports[name]}/slack/events"] for name in servers}
        channel, user = data.typical_channel, data.typical_user
        for name in servers:
            _run_client(urls[name], 10, 0, channel, user, fake.response_url("warm"))
        time.sleep(1)
        # In turns, so each sees the same moments of a noisy machine.
        for _ in range(3):
            for name in servers:
                lat[name] += _run_client(urls[name], n_seq // 3, 0, channel, user,
                                         fake.response_url("seq"))["latencies"]
        time.sleep(2)  # the replies of the one-at-a-time run are posted
    finally:
        _stop(procs)
    out(f"\n### {label}: Slack HTTP ack, `/kam open`, one at a time (n={n_seq // 3 * 3} "
        f"each, load {common.load()})\n")
    out("| server | p50 ms | p99 ms | max ms |\n|---|---|---|---|")
    for name, values in lat.items():
        out(f"| {name} | {statistics.median(values) * 1000:.1f} | {_ms(values, 99):.1f} | "
            f"{max(values) * 1000:.1f} |")
    k = lat["kambot"]
    for name in list(servers)[1:3]:
        b = lat[name]
        out(f"\nRatio kambot / {name}: p50 {statistics.median(k) / statistics.median(b):.2f}x, "
            f"p99 {_ms(k, 99) / _ms(b, 99):.2f}x")
    out("\n(targets: p99 < 50 ms and <= 2x the bare app; the row of kambot with commands "
        "doing nothing shows what the ack path costs by itself, without the previous "
        "command's work competing for the interpreter)\n")


def _open_loop(label: str, data: Dataset, fake: FakeSlack, env: dict[str, str],
               processes: int, out: common.Printer) -> None:
    quick = common.quick()
    seconds = 3 if quick else 6
    rates = (40, 150, 300) if quick else (20, 40, 80, 150, 250, 400)
    drain = 120.0 if quick else 300.0
    ports = [_free_port() for _ in range(processes)]
    procs = [_start("kambot", port, env) for port in ports]
    urls = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    channel, user = data.typical_channel, data.typical_user
    out(f"### {label}: open loop at fixed rates ({seconds} s each), {processes} kambot "
        f"process{'es' if processes > 1 else ''} ({'round robin' if processes > 1 else 'one'}"
        f", {env.get('KAMBOT_WORKERS', '2')} work threads each)\n")
    out("| rate /s | sent | ack p50 ms | ack p99 ms | acks > 3 s or failed | answered at once "
        "| acked 'working on it', answered later | told busy | unanswered | all answered "
        "after s | load |")
    out("|---|---|---|---|---|---|---|---|---|---|---|")
    sustained = acked = 0
    throughput = 0.0
    try:
        # One answer may be several messages (a long list): count them for one command.
        earlier = {id(c) for c in fake.calls}
        _run_client(urls[:1], 1, 0, channel, user, fake.response_url("warm"))
        fake.wait_for("chat.postMessage", 1, timeout=60, where=lambda c: id(c) not in earlier)
        _settle(fake)
        per_answer = max(1, sum(1 for c in fake.calls if id(c) not in earlier
                                and c.method == "chat.postMessage"))
        _run_client(urls, 10 * processes, 0, channel, user, fake.response_url("warm"))
        _settle(fake)
        for rate in rates:
            n = rate * seconds
            tag = f"p{processes}rate{rate}-"
            before = len(fake.calls)
            res = _run_client(urls, n, rate, channel, user, fake.response_url(tag))
            sent_at = time.monotonic()
            kinds = res["kinds"]
            progress, seen = time.monotonic(), -1
            while True:
                calls = fake.calls[before:]
                at_once = sum(1 for c in calls if c.method == "chat.postMessage"
                              and c.params.get("channel") == channel) // per_answer
                answered = {str(c.params.get("_response_url")): "busy" in json.dumps(c.params)
                            for c in calls if c.method == "response_url"
                            and str(c.params.get("_response_url", "")).startswith(tag)}
                later = sum(1 for busy in answered.values() if not busy)
                # A busy notice through the response_url (rather than in the ack)
                busy_after = sum(1 for busy in answered.values() if busy)
                missing = (max(0, kinds[""] - at_once - busy_after)
                           + max(0, kinds["later"] - later))
                if at_once + later != seen:
                    progress, seen = time.monotonic(), at_once + later
                if missing == 0 or time.monotonic() - progress > 15 \
                        or time.monotonic() - sent_at > drain:
                    break
                time.sleep(0.2)
            took = res["elapsed"] + time.monotonic() - sent_at
            lat = res["latencies"]
            over = sum(1 for v in lat if v > 3.0) + kinds["error"]
            after = f"{took:.1f}" if missing == 0 else f"> {took:.0f}"
            out(f"| {rate} | {n} | {statistics.median(lat) * 1000:.1f} | "
                f"{_ms(lat, 99):.1f} | {over} | {at_once} | {kinds['later']} ({later}) | "
                f"{kinds['busy'] + busy_after} | {missing} | {after} | {common.load()} |")
            if over == 0 and missing == 0:
                acked = rate
                if kinds["busy"] + busy_after == 0:
                    sustained = rate
            throughput = max(throughput, (at_once + later) / took)
            _settle(fake)
    finally:
        _stop(procs)
    plural = "es" if processes > 1 else ""
    out(f"\n{label}, {processes} process{plural}: every ack under 3 s and every command "
        f"answered or told busy up to {acked}/s; with nobody told busy, {sustained}/s; "
        f"answers at most {throughput:.0f}/s (target >= 150 `/kam open` per s with two "
        f"workers).\n")


def run(label: str, data: Dataset, out: common.Printer) -> None:
    with FakeSlack() as fake:
        env = dict(os.environ, DATABASE_URL=data.url, SLACK_BOT_TOKEN="xoxb-bench",
                   SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url)
        env.pop("SLACK_APP_TOKEN", None)
        _one_at_a_time(label, data, fake, env, out)
        _open_loop(label, data, fake, env, 1, out)
        if label == "SQLite":
            # Every command claims its key with a write, and two processes on one SQLite
            # file queue on its write lock (README: PostgreSQL for several replicas).
            out(f"{label}, 2 processes: not measured (one process on SQLite).\n")
        else:
            _open_loop(label, data, fake, env, 2, out)


def main(out: common.Printer = print) -> None:
    with common.databases() as each:
        for label, data in each:
            run(label, data, out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=("kambot", "kambot-idle", "bare", "bare-before"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--channel", default="C00500")
    parser.add_argument("--user", default="U00500")
    args = parser.parse_args()
    if args.serve in ("kambot", "kambot-idle"):
        serve_kambot(args.port, idle=args.serve == "kambot-idle")
    elif args.serve in ("bare", "bare-before"):
        serve_bare(args.port, before_response=args.serve == "bare-before")
    elif args.client:
        print(json.dumps(asyncio.run(_client(args.client.split(","), args.n, args.rate,
                                             args.channel, args.user))))
    else:
        main()
