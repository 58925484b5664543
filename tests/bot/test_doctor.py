"""`kambot doctor` against the fake Slack, Telegram and OpenAI servers: what works is
named, what does not is named with the fix, in English and Chinese, and no secret is ever
printed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.doctor import run_doctor
from bot.doctor_checks import SLACK_BOT_SCOPES
from bot.settings import Settings
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.slack_api import FakeSlack, FakeSocketMode
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("xoxb-doctor-secret-1", "xapp-doctor-secret-2", "signing-secret-3",
           "sk-doctor-secret-4", "hook-secret-5", "AAFakeTokenForTestsOnly")


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.close()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A started FakeSlack; the test fails if the doctor broke the API contract."""
    with FakeSlack() as fake:
        yield fake
        fake.check()


@pytest.fixture
def fake_socket(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    socket = FakeSocketMode().start()
    fake_slack.socket_url = socket.url
    yield socket
    socket.stop()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def _doctor(lang: str | None = None, **values: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = run_doctor(out=out, lang=lang,
                      settings_factory=lambda: Settings(_env_file=None, **values))  # type: ignore[call-arg]
    text = out.getvalue()
    for secret in SECRETS:
        assert secret not in text
    return code, text


def _line(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(start)]
    assert found, f"no line starting {start!r} in:\n{text}"
    return "\n".join(found)


def test_everything_configured_and_working(database_url: str, fake_slack: FakeSlack,
                                           fake_telegram: FakeTelegram,
                                           fake_openai: FakeOpenAI) -> None:
    code, text = _doctor(
        DATABASE_URL=database_url, SLACK_API_URL=fake_slack.url,
        SLACK_BOT_TOKEN="xoxb-doctor-secret-1", SLACK_SIGNING_SECRET="signing-secret-3",
        TELEGRAM_API_URL=fake_telegram.api_url, TELEGRAM_BOT_TOKEN=fake_telegram.token,
        OPENAI_BASE_URL=fake_openai.url, OPENAI_API_KEY="sk-doctor-secret-4",
        KAMBOT_ADMINS="console:alice", KAMBOT_MANAGEMENT_CHANNEL="slack:C0MGMT")
    assert code == 0, text
    assert not [line for line in text.splitlines() if line.startswith(("✘", "! "))], text
    assert "schema at the newest revision" in _line(text, "✔ database:")
    assert "bot @kambot in workspace Fake" in _line(text, "✔ Slack: the token works")
    assert "all 9 scopes" in _line(text, "✔ Slack: all")
    assert "HTTP mode, signing secret set" in text
    assert "@kambot_test_bot" in _line(text, "✔ Telegram: the token works")
    assert "long polling" in text
    assert "has model gpt-4o-mini" in _line(text, "✔ LLM:")
    assert "✔ management channel: slack:C0MGMT" in text
    assert "All set" in text.splitlines()[-1]
    assert [c.method for c in fake_slack.calls] == ["auth.test"]
    assert [c.method for c in fake_telegram.calls] == ["getMe"]
    assert fake_openai.model_lists == 1 and not fake_openai.requests  # no paid completion


def test_refused_credentials_say_what_to_fix(database_url: str, fake_slack: FakeSlack,
                                             fake_telegram: FakeTelegram,
                                             fake_openai: FakeOpenAI) -> None:
    fake_slack.queue_error("auth.test", "invalid_auth")
    fake_openai.refused_keys.add("sk-doctor-secret-4")
    code, text = _doctor(
        DATABASE_URL=database_url, SLACK_API_URL=fake_slack.url,
        SLACK_BOT_TOKEN="xoxb-doctor-secret-1", SLACK_APP_TOKEN="xapp-doctor-secret-2",
        TELEGRAM_API_URL=fake_telegram.api_url, TELEGRAM_BOT_TOKEN="999:WrongToken",
        OPENAI_BASE_URL=fake_openai.url, OPENAI_API_KEY="sk-doctor-secret-4")
    assert code == 1
    slack = _line(text, "✘ Slack: the bot token was refused (invalid_auth)")
    assert slack
    assert "Install App" in text.split(slack, 1)[1].splitlines()[1]  # the fix, right below
    assert "HTTP 401" in _line(text, "✘ Telegram: the bot token was refused")
    assert "@BotFather" in text
    assert _line(text, "✘ LLM:") and "refused the key (HTTP 401)" in text
    assert "OPENAI_API_KEY" in text
    assert "! admins: KAMBOT_ADMINS is empty" in text
    assert "3 problem(s) to fix" in text.splitlines()[-1]
    assert "999:WrongToken" not in text


def test_missing_scopes_and_unset_secrets(database_url: str, fake_slack: FakeSlack,
                                          fake_telegram: FakeTelegram) -> None:
    fake_slack.scopes = [s for s in fake_slack.scopes if s not in {"files:read", "users:read"}]
    code, text = _doctor(
        DATABASE_URL=database_url, SLACK_API_URL=fake_slack.url,
        SLACK_BOT_TOKEN="xoxb-doctor-secret-1",
        TELEGRAM_API_URL=fake_telegram.api_url, TELEGRAM_BOT_TOKEN=fake_telegram.token,
        TELEGRAM_WEBHOOK_URL="https://kambot.example.com/telegram")
    assert code == 1
    assert "files:read, users:read" in _line(text, "✘ Slack: the app lacks scopes")
    assert "reinstall" in text
    assert _line(text, "✘ Slack: HTTP mode (SLACK_APP_TOKEN unset) but SLACK_SIGNING_SECRET")
    assert "Signing Secret" in text
    assert _line(text, "✘ Telegram: webhook mode (TELEGRAM_WEBHOOK_URL) without "
                       "TELEGRAM_WEBHOOK_SECRET")
    assert "– LLM: off" in text
    assert "! management channel: KAMBOT_MANAGEMENT_CHANNEL is not set" in text


def test_management_channel_on_a_platform_not_configured(database_url: str) -> None:
    code, text = _doctor(DATABASE_URL=database_url, KAMBOT_ADMINS="U1",
                         KAMBOT_MANAGEMENT_CHANNEL="telegram:-100123")
    assert code == 1
    assert "✘ management channel: KAMBOT_MANAGEMENT_CHANNEL is on telegram (-100123)" in text


def test_socket_mode_token_checked(database_url: str, fake_slack: FakeSlack,
                                   fake_socket: FakeSocketMode) -> None:
    code, text = _doctor(DATABASE_URL=database_url, SLACK_API_URL=fake_slack.url,
                         SLACK_BOT_TOKEN="xoxb-doctor-secret-1",
                         SLACK_APP_TOKEN="xapp-doctor-secret-2", KAMBOT_ADMINS="U1")
    assert code == 0, text
    assert "✔ Slack: Socket Mode, the app-level token works" in text
    assert "– Telegram: not configured" in text


def test_in_chinese(database_url: str, fake_slack: FakeSlack) -> None:
    fake_slack.queue_error("auth.test", "token_revoked")
    code, text = _doctor(lang="zh", DATABASE_URL=database_url, SLACK_API_URL=fake_slack.url,
                         SLACK_BOT_TOKEN="xoxb-doctor-secret-1")
    assert code == 1
    assert "✘ Slack：机器人令牌被拒绝（token_revoked）" in text
    assert "→ 从应用的 Install App 页面重新复制" in text
    assert "数据库" in text and "Telegram：未配置" in text
    # KAMBOT_LANGUAGE picks the language when --lang is not given
    _, text = _doctor(DATABASE_URL=database_url, KAMBOT_LANGUAGE="zh")
    assert text.startswith("kambot doctor：检查设置")


def test_database_missing_or_behind(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    code, text = _doctor(DATABASE_URL=f"sqlite:///{missing}")
    assert code == 1 and "does not exist yet" in text and "kambot db upgrade" in text
    assert not missing.exists()  # the doctor creates nothing
    empty = tmp_path / "empty.db"
    empty.touch()
    code, text = _doctor(DATABASE_URL=f"sqlite:///{empty}")
    assert code == 1
    assert "is at revision -, this kambot needs" in _line(text, "✘ database:")


def test_database_unreachable_hides_the_password() -> None:
    code, text = _doctor(DATABASE_URL="postgresql+psycopg://kambot:hunter2@127.0.0.1:1/kambot")
    assert code == 1
    line = _line(text, "✘ database: cannot reach")
    assert "hunter2" not in text and "***" in line
    assert "DATABASE_URL" in text


def test_bad_settings_are_listed_and_the_check_stops() -> None:
    code, text = _doctor(KAMBOT_TIMEZONE="Mars/Base", PORT="0")
    assert code == 1
    lines = text.splitlines()
    assert sum(line.startswith("✘ setting: ") for line in lines) == 2
    assert "KAMBOT_TIMEZONE" in text and "PORT" in text
    assert "run kambot doctor again" in lines[-1]
    assert "database:" not in text


def test_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(SLACK_BOT_SCOPES)


def test_kambot_doctor_from_the_command_line(tmp_path: Path, database_url: str,
                                             fake_telegram: FakeTelegram) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KAMBOT_", "SLACK_", "TELEGRAM_", "OPENAI_", "DATABASE_"))}
    env.update(DATABASE_URL=database_url, TELEGRAM_API_URL=fake_telegram.api_url,
               TELEGRAM_BOT_TOKEN=fake_telegram.token, KAMBOT_ADMINS="telegram:1")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "doctor"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✔ Telegram: the token works, bot @kambot_test_bot" in done.stdout
    assert fake_telegram.token not in done.stdout + done.stderr
