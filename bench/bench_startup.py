"""Start-up: `kambot slack --http` on the 1,000-account database, the wall clock from the
process's spawn until /healthz answers and until a signed `/kam open` is acknowledged,
with the month's reports and the day's health check still to catch up (the clock is the
machine's, after the data set's end, so the backlog is real). The process is then left
serving for a while, acked every half second (the slowest ack is printed), and its peak
resident memory (VmHWM) and what it posted to the fake Slack are read.

    .venv/bin/python -m bench startup
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench import common
from bench.dataset import WORKSPACE, Dataset
from tests.bot.adapters.slack.slack_driver import SECRET, sign
from tests.fakes.slack_api import FakeSlack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _acks(url: str, channel: str, user: str) -> bool:
    """Whether a signed `/kam open` from ``user`` in ``channel`` is acknowledged (HTTP 200)."""
    form = urlencode({"token": "x", "team_id": WORKSPACE, "team_domain": "bench",
                      "channel_id": channel, "channel_name": "bench", "user_id": user,
                      "user_name": user.lower(), "command": "/kam", "text": "open",
                      "api_app_id": "ABENCH", "response_url": "http://127.0.0.1:9/r",
                      "trigger_id": f"trig.start.{time.monotonic_ns()}"})
    request = urllib.request.Request(url, data=form.encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **sign(form)})
    return _answers_ok(request, timeout=2)


def _healthy(url: str) -> bool:
    return _answers_ok(url, timeout=1)


def _answers_ok(request: str | urllib.request.Request, *, timeout: float) -> bool:
    """Whether the server answers 200 (anything else, or no answer in time: False)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(label: str, data: Dataset, out: common.Printer) -> None:
    stay = 15.0 if common.quick() else 60.0
    port = _free_port()
    with FakeSlack() as fake:
        env = dict(os.environ, DATABASE_URL=data.url, SLACK_BOT_TOKEN="xoxb-bench",
                   SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url, PORT=str(port),
                   KAMBOT_LOG_LEVEL="WARNING")
        env.pop("SLACK_APP_TOKEN", None)
        url = f"http://127.0.0.1:{port}/slack/events"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "slack", "--http"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        serving = acked = None
        health = url.replace("/slack/events", "/healthz")
        try:
            while time.perf_counter() - t0 < 120 and proc.poll() is None:
                if serving is None and _healthy(health):
                    serving = time.perf_counter() - t0
                if serving is not None and _acks(url, data.typical_channel, data.typical_user):
                    acked = time.perf_counter() - t0
                    break
                time.sleep(0.01)
            # An ack now and then while the catch-up runs: how long the slowest took.
            slowest = 0.0
            while time.perf_counter() - t0 < stay and proc.poll() is None:
                started = time.perf_counter()
                if _acks(url, data.typical_channel, data.typical_user):
                    slowest = max(slowest, time.perf_counter() - started)
                time.sleep(0.5)
            hwm = _hwm_mb(proc.pid)
            posted = len(fake.calls_to("chat.postMessage"))
        finally:
            proc.terminate()
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    if serving is None or acked is None:
        out(f"{label}: the endpoint never answered; stderr tail:\n```\n"
            f"{err.decode(errors='replace')[-1500:]}\n```")
        return
    out(f"{label}: `kambot slack --http` with the {data.accounts}-account backlog: /healthz "
        f"after {serving:.2f} s, first `/kam open` acked after {acked:.2f} s (target < 2 s); "
        f"slowest ack during the catch-up {slowest * 1000:.0f} ms; peak resident {hwm:.0f} MB "
        f"within {stay:.0f} s (target < 250 MB); {posted} messages posted by then (catch-up); "
        f"load {common.load()}")


def main(out: common.Printer = print) -> None:
    with common.databases() as each:
        for label, data in each:
            run(label, data, out)


if __name__ == "__main__":
    main()
