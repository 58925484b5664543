"""The scorecard's settings are checked when kambot starts: a bad one stops it with one
clear line (and a non-zero exit), never a traceback on every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import build_core
from bot.settings import Settings
from commands.health import load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KAMBOT_HEALTH_THRESHOLDS", '{"core": {"nps_red": 50}}',
     "KAMBOT_HEALTH_THRESHOLDS (core): nps_red (50) must be below nps_yellow (40)"),
    ("KAMBOT_HEALTH_THRESHOLDS", "{core", "KAMBOT_HEALTH_THRESHOLDS is not valid JSON"),
    ("KAMBOT_RENEWAL_WINDOWS", "90,soon",
     "KAMBOT_RENEWAL_WINDOWS must be days before a renewal, e.g. 90,60,30"),
    ("KAMBOT_COUNTRY", "Atlantis", "KAMBOT_COUNTRY: unknown country 'Atlantis'"),
])
def test_a_bad_setting_stops_the_start_with_one_line(tmp_path: Path, name: str, value: str,
                                                     message: str) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KAMBOT_", "SLACK_", "TELEGRAM_", "OPENAI_"))}
    env.update({name: value, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"})
    for argv in (["db", "upgrade"], ["alerts", "--dry-run"]):
        done = subprocess.run([sys.executable, "-m", "bot.cli", *argv], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120,
                              check=False)
        lines = done.stderr.strip().splitlines()
        assert done.returncode != 0
        assert len(lines) == 1 and lines[0].startswith(f"kambot: bad setting: {message}"), lines
        assert not (tmp_path / "k.db").exists()  # stopped before anything started


def test_good_settings_reach_every_part(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'k.db'}",  # type: ignore[call-arg]
                        KAMBOT_HEALTH_THRESHOLDS='{"core": {"weights": {"overdue": 40}}}',
                        KAMBOT_RENEWAL_WINDOWS="120, 45", KAMBOT_COUNTRY="cn")
    assert settings.KAMBOT_RENEWAL_WINDOWS == (120, 45) and settings.KAMBOT_COUNTRY == "CN"
    core = build_core(settings)
    config = load_config(core.services)
    assert config.renewal_windows == (120, 45) and config.renewal_task_days == 120
    assert config.for_tier("core").weights["overdue"] == 40
    assert config.for_tier("core").renewal_windows == (120, 45)
    with pytest.raises(ValidationError):
        Settings(_env_file=None, KAMBOT_HEALTH_THRESHOLDS='{"core": {"typo": 1}}')  # type: ignore[call-arg]
