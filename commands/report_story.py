"""The month's story of an account's health: every colour it had during the month and why
it changed, for the monthly report.

:func:`colour_steps` reads the month's snapshots (and the one before the month, the colour
it began in) into one step per colour change; :func:`story_lines` says each in words: the
reasons that appeared when it got worse, the ones resolved when it got better, else the
measures that moved. Pure functions: the report composes them, the team's report only
(health is internal: the customer version never shows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from commands.health import Reason
from commands.health_text import measure_name, reason_text
from commands.i18n import Translator

COLOR_ORDER = {"green": 0, "yellow": 1, "red": 2}


class _Snapshot(Protocol):
    at: datetime
    color: str
    score: int
    reasons: list[dict[str, Any]]
    measures: list[dict[str, Any]] | None


@dataclass(frozen=True)
class ColourStep:
    """A colour the account took on ``day`` (or had when the month began: ``carried``)."""

    day: date
    color: str
    score: int
    carried: bool = False
    appeared: list[dict[str, Any]] = field(default_factory=list)  # reasons new at this step
    resolved: list[dict[str, Any]] = field(default_factory=list)  # reasons gone at this step
    moved: list[tuple[str, float | None, float | None]] = field(default_factory=list)


def _codes(reasons: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in reasons if isinstance(r, dict) and "code" in r}


def colour_steps(rows: Sequence[_Snapshot], *, start: datetime, tz: tzinfo) -> list[ColourStep]:
    """From snapshots oldest first (the last one before ``start`` first, if any): the
    colour at the month's start and each change of colour after it."""
    from commands.scorecard import Measure, moved

    previous = next((r for r in reversed(rows) if r.at < start), None)
    steps: list[ColourStep] = []
    if previous is not None:
        steps.append(ColourStep(start.astimezone(tz).date(), previous.color, previous.score,
                                carried=True))
    for row in (r for r in rows if r.at >= start):
        if previous is not None and row.color == previous.color:
            previous = row  # a new score in the same colour is not a step of the story
            continue
        before = _codes(previous.reasons if previous is not None else [])
        now = _codes(row.reasons or [])
        changes: list[tuple[str, float | None, float | None]] = []
        if previous is not None and previous.measures and row.measures:
            current = [Measure(m["code"], m.get("score"), m.get("weight", 0.0))
                       for m in row.measures if isinstance(m, dict) and "code" in m]
            changes = moved(previous.measures, current)
        steps.append(ColourStep(
            row.at.astimezone(tz).date(), row.color, row.score,
            appeared=[r for code, r in now.items()
                      if code not in before or before[code].get("severity") != r.get("severity")],
            resolved=[r for code, r in before.items() if code not in now],
            moved=changes))
        previous = row
    return steps


def _reasons(t: Translator, reasons: list[dict[str, Any]]) -> str:
    texts: list[str] = []
    for raw in reasons:
        try:
            texts.append(reason_text(t, Reason.from_json(raw)))
        except (KeyError, ValueError, TypeError):
            continue  # a reason stored in an older shape: said by the colour alone
    return t("scorecard.sep").join(texts)


def story_lines(steps: Sequence[ColourStep], lang: str) -> list[str]:
    """One line per step: ``11-03 🔴 red (78): CSAT is 2.8 of 5 (below 3)``."""
    t = Translator(lang)
    lines: list[str] = []
    previous: str | None = None
    for step in steps:
        color = t(f"color.{step.color}") if step.color in COLOR_ORDER else step.color
        head = t("report.story.step", date=step.day.isoformat()[5:], color=color,
                 score=step.score)
        why = ""
        if step.carried:
            why = t("report.story.carried")
        elif previous is None:
            why = t("report.story.first")
        else:
            worse = COLOR_ORDER.get(step.color, 0) > COLOR_ORDER.get(previous, 0)
            if worse and step.appeared:
                why = _reasons(t, step.appeared)
            elif not worse and step.resolved:
                why = t("report.story.resolved", reasons=_reasons(t, step.resolved))
            if not why and step.moved:
                why = t("scorecard.sep").join(
                    t("scorecard.moved_item", name=measure_name(t, code),
                      before="—" if then is None else int(then),
                      after="—" if now is None else int(now)) for code, then, now in step.moved)
        lines.append(head + (t("report.story.why", why=why) if why else ""))
        previous = step.color
    return lines
