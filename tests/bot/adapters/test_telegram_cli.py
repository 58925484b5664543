"""`kambot telegram` as a process: starts, answers in a group, stops on SIGTERM, and keeps
the bot token out of everything it prints, even with -v."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.adapters.conftest import ALICE, GROUP
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def wait_for(check: object, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_kambot_telegram_runs_and_stops(fake: FakeTelegram, tmp_path: Path) -> None:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "SLACK_", "OPENAI_", "KAMBOT_"))
        },  # fmt: skip
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kambot.db'}",
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.api_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))",
         "-v", "telegram"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        fake.message(GROUP, ALICE, '/account new "Acme"')
        wait_for(lambda: fake.sent_messages(GROUP["id"]) or process.poll() is not None)
        assert "Acme" in fake.sent_texts(GROUP["id"])[0]
        wait_for(lambda: not fake.pending_update_ids)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    secret = fake.token.partition(":")[2]
    assert secret not in out and secret not in err
    assert "running (polling)" in err
    assert not fake.errors


def test_kambot_telegram_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kambot.db'}"
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))",
         "telegram"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "BotFather" in result.stderr
