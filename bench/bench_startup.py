"""Start-up: `kambot slack --http` on the 1,000-account database, the wall clock from the
process's spawn until its Slack endpoint answers an HTTP request, with the month's reports
and the day's health check still to catch up (the clock is the machine's, after the data
set's end, so the backlog is real). The process is then left serving for a while, and its
peak resident memory (VmHWM) and what it posted to the fake Slack are read.

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

from bench import common
from bench.dataset import Dataset
from tests.fakes.slack_api import FakeSlack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=1)
    except urllib.error.HTTPError:
        return True  # any HTTP status: the listener is serving (unsigned gets 401)
    except OSError:
        return False
    return True


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
                   SLACK_SIGNING_SECRET="bench-secret", SLACK_API_URL=fake.url, PORT=str(port),
                   KAMBOT_LOG_LEVEL="WARNING")
        env.pop("SLACK_APP_TOKEN", None)
        url = f"http://127.0.0.1:{port}/slack/events"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "slack", "--http"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        serving = None
        try:
            while time.perf_counter() - t0 < 120 and proc.poll() is None:
                if _answers(url):
                    serving = time.perf_counter() - t0
                    break
                time.sleep(0.02)
            time.sleep(max(0.0, stay - (time.perf_counter() - t0)))
            hwm = _hwm_mb(proc.pid)
            posted = len(fake.calls_to("chat.postMessage"))
        finally:
            proc.terminate()
            try:
                _, err = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    if serving is None:
        out(f"{label}: the endpoint never answered; stderr tail:\n```\n"
            f"{err.decode(errors='replace')[-1500:]}\n```")
        return
    out(f"{label}: `kambot slack --http` serving after {serving:.2f} s (target < 2 s); "
        f"peak resident {hwm:.0f} MB within {stay:.0f} s (target < 250 MB); "
        f"{posted} messages posted by then (catch-up)")


def main(out: common.Printer = print) -> None:
    with common.databases() as each:
        for label, data in each:
            run(label, data, out)


if __name__ == "__main__":
    main()
