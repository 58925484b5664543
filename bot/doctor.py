"""``kambot doctor``: is this deployment set up right, and if not, what to fix.

It reads the settings, reaches the database and asks each configured platform whether it
takes kambot's credentials (Slack ``auth.test`` and the scopes it grants, Telegram
``getMe``, the LLM server's model list). It changes nothing, creates no database and
never prints a secret: a token or key is only ever sent to its own service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.settings import Settings
from commands.i18n import Translator, normalize_language

OK, WARN, PROBLEM, SKIP = "ok", "warn", "problem", "skip"
_MARK = {OK: "✔", WARN: "!", PROBLEM: "✘", SKIP: "–"}


@dataclass
class Finding:
    """One line of the report: what was checked, how it went, and what to do about it."""

    status: str
    key: str  # doctor.<key> in the catalog; doctor.<key>_fix, when there is one
    values: dict[str, object] = field(default_factory=dict)
    text: str | None = None  # already in words (a settings problem), instead of key


Check = Callable[[Settings], Iterator[Finding]]


def run_doctor(*, out: TextIO, lang: str | None = None,
               settings_factory: Callable[[], Settings] = Settings) -> int:
    """Print every finding; 0 when nothing needs fixing, 1 otherwise."""
    from bot.doctor_checks import CHECKS

    findings: list[Finding] = []
    settings: Settings | None = None
    try:
        settings = settings_factory()
    except ValidationError as exc:
        from bot.cli import settings_problems

        for line in settings_problems(exc).splitlines():
            findings.append(Finding(PROBLEM, "settings_bad",
                                    text=line.removeprefix("kambot: bad setting: ")))
    lang = normalize_language(lang or (settings.KAMBOT_LANGUAGE if settings else None))
    tr = Translator(lang)
    out.write(tr("doctor.title") + "\n")
    if settings is None:
        _write(out, tr, findings)
        out.write(tr("doctor.settings_stop") + "\n")
        return 1
    env_file = settings.model_config.get("env_file")
    has_env_file = bool(env_file) and Path(str(env_file)).is_file()
    findings.append(Finding(OK, "settings_ok_env" if has_env_file else "settings_ok"))
    # The SDK logs a failed request at ERROR level; the finding says it in words.
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    for check in CHECKS:
        findings.extend(check(settings))
    _write(out, tr, findings)
    problems = sum(f.status == PROBLEM for f in findings)
    warnings = sum(f.status == WARN for f in findings)
    if problems:
        out.write(tr("doctor.summary_problems", problems=problems, warnings=warnings) + "\n")
        return 1
    out.write(tr("doctor.summary_ok", warnings=warnings) + "\n")
    return 0


def _write(out: TextIO, tr: Translator, findings: list[Finding]) -> None:
    for f in findings:
        if f.text is not None:
            line = tr("doctor.settings_bad", problem=f.text)
        else:
            line = tr(f"doctor.{f.key}", **f.values)
        out.write(f"{_MARK[f.status]} {line}\n")
        if f.status in (PROBLEM, WARN) and f.text is None:
            fix = _fix(tr, f)
            if fix:
                out.write(f"    → {fix}\n")


def _fix(tr: Translator, f: Finding) -> str | None:
    from commands.i18n import catalog

    key = f"doctor.{f.key}_fix"
    return tr(key, **f.values) if key in catalog(tr.lang) else None
