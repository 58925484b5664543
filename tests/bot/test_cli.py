"""The `kambot` command line and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.settings import Settings
from storage.db import current_revision, make_engine


def test_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    assert "database at revision" in capsys.readouterr().out
    assert current_revision(make_engine(url)) is not None


def test_every_design_subcommand_exists() -> None:
    parser = build_parser()
    for argv in (["demo"], ["console", "--channel", "c", "--user", "u"], ["slack", "--http"],
                 ["slack", "--socket"], ["telegram", "--webhook"], ["run"], ["db", "upgrade"],
                 ["digest", "--month", "2026-11", "--dry-run"], ["alerts", "--dry-run"],
                 ["import", "accounts", "x.csv"], ["export", "accounts"], ["doctor"],
                 ["doctor", "--lang", "zh"]):
        assert parser.parse_args(argv).func is not None


def test_secrets_never_print() -> None:
    settings = Settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-very-secret",  # type: ignore[call-arg]
                        TELEGRAM_BOT_TOKEN="123:ABC-secret", OPENAI_API_KEY="sk-secret")
    text = repr(settings) + str(settings) + str(settings.model_dump())
    assert "very-secret" not in text and "ABC-secret" not in text and "sk-secret" not in text


def test_a_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMBOT_LANGUAGE", "klingon")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["db", "upgrade"])
    assert "KAMBOT_LANGUAGE" in str(exc.value)


def test_admins_and_llm_switch() -> None:
    settings = Settings(_env_file=None, KAMBOT_ADMINS="U1, slack:U2;console:alice")  # type: ignore[call-arg]
    assert settings.is_admin("slack", "U1") and settings.is_admin("slack", "U2")
    assert settings.is_admin("console", "alice") and not settings.is_admin("telegram", "U2")
    assert not settings.llm_enabled
    assert Settings(_env_file=None, OPENAI_BASE_URL="http://127.0.0.1:1/v1").llm_enabled  # type: ignore[call-arg]
