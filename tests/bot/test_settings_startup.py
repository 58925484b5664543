"""Every bad setting is named at start-up, one line each, and the start stops there: no
traceback, no database made, and no secret's value repeated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import settings_problems
from bot.settings import Settings


def _clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KAMBOT_", "SLACK_", "TELEGRAM_", "OPENAI_", "DATABASE_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}", **settings})
    return env


def test_several_bad_settings_give_one_line_each(tmp_path: Path) -> None:
    env = _clean_env(tmp_path, KAMBOT_TIMEZONE="Mars/Olympus", PORT="eighty",
                     KAMBOT_LANGUAGE="fr", TELEGRAM_WEBHOOK_SECRET="not allowed! hunter2",
                     KAMBOT_HEALTH_THRESHOLDS='{"core": {"nps_red": 50}}')
    done = subprocess.run([sys.executable, "-m", "bot.cli", "alerts", "--dry-run"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(lines) == 5, lines
    assert all(line.startswith("kambot: bad setting: ") for line in lines)
    text = "\n".join(lines)
    for name in ("KAMBOT_TIMEZONE", "PORT", "KAMBOT_LANGUAGE", "TELEGRAM_WEBHOOK_SECRET",
                 "KAMBOT_HEALTH_THRESHOLDS"):
        assert sum(line.removeprefix("kambot: bad setting: ").startswith(name)
                   for line in lines) == 1, (name, lines)
    assert "hunter2" not in text
    assert "Asia/Shanghai" in text  # says what would work
    assert not (tmp_path / "k.db").exists()


@pytest.mark.parametrize(("name", "value", "fragment"), [
    ("DATABASE_URL", "postgres//kambot:pw@db", "is not a database URL"),
    ("KAMBOT_TIMEZONE", "Beijing", "unknown time zone 'Beijing'"),
    ("PORT", "70000", "PORT"),
    ("TELEGRAM_WEBHOOK_SECRET", "x" * 257, "1-256 characters"),
])
def test_each_check_names_its_setting(name: str, value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Settings(_env_file=None, **{name: value})  # type: ignore[arg-type]
    line = settings_problems(exc.value)
    assert line.count("\n") == 0 and line.startswith(f"kambot: bad setting: {name}")
    assert fragment in line
    assert "pw@db" not in line  # a URL's password is never echoed


def test_good_values_pass() -> None:
    settings = Settings(_env_file=None, KAMBOT_TIMEZONE=" Asia/Shanghai",  # type: ignore[call-arg]
                        TELEGRAM_WEBHOOK_SECRET="s3cret-Value_1",
                        DATABASE_URL="postgresql+psycopg://kambot@db/kambot")
    assert settings.KAMBOT_TIMEZONE == "Asia/Shanghai"
