"""`kambot slack` as a real process: HTTP and Socket Mode, graceful stop, no secret in logs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bot.adapters.slack.slack_driver import SECRET, sign
from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[4]
BOT_TOKEN = "xoxb-secret-bot-token-123"
APP_TOKEN = "xapp-secret-app-token-456"

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the process uses its own SQLite file")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path: Path, fake, mode: str, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "TELEGRAM_", "OPENAI_", "KAMBOT_"))}
    clean.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'kambot.db'}",
                  "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake.url,
                  "PYTHONPATH": str(ROOT), **env})
    code = f"import sys; from bot.cli import main; sys.exit(main(['-v', 'slack', '--{mode}']))"
    return subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=clean,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    return out


def wait_http(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[0]
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("kambot slack --http never answered /healthz")


def test_http_mode_process(tmp_path, fake_slack):
    port = free_port()
    proc = start(tmp_path, fake_slack, "http", SLACK_SIGNING_SECRET=SECRET, PORT=str(port))
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        body = ("team_id=T0FAKE&channel_id=C0ACME&channel_name=acme&user_id=U0ANN&user_name=ann"
                "&command=%2Fkam&text=help&trigger_id=t.1&response_url=" + fake_slack.response_url())
        req = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              **sign(body)})
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.status == 200
        fake_slack.wait_for("chat.postMessage", timeout=20)
    finally:
        out = stop(proc)
    for secret in (BOT_TOKEN, SECRET):
        assert secret not in out


def test_socket_mode_process(tmp_path, fake_slack, fake_socket):
    proc = start(tmp_path, fake_slack, "socket", SLACK_APP_TOKEN=APP_TOKEN)
    try:
        fake_socket.wait_connected(timeout=30)
        envelope = fake_socket.send("slash_commands", {
            "team_id": "T0FAKE", "channel_id": "C0ACME", "channel_name": "acme", "user_id": "U0ANN",
            "user_name": "ann", "command": "/kam", "text": "help", "trigger_id": "t.2",
            "response_url": fake_slack.response_url()})
        assert fake_socket.ack(envelope, timeout=10)["envelope_id"] == envelope
        fake_slack.wait_for("chat.postMessage", timeout=20)
    finally:
        out = stop(proc)
    for secret in (BOT_TOKEN, APP_TOKEN):
        assert secret not in out
