"""Health in words: colours, reasons and fixes rendered through the catalogs.

Shared by the ``health`` verb and the alert job, so a reason reads the same everywhere.
Mentions of a person are passed in already formatted (that is platform business).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.messages import person_mention
from commands.format import fmt_date, role_name
from commands.health import Color, Fix, Health, Reason
from commands.i18n import Translator
from storage.models import Person

ICON = {Color.GREEN: "🟢", Color.YELLOW: "🟡", Color.RED: "🔴"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def color_name(t: Translator, color: Color | str) -> str:
    """``🟢 green`` / ``🟢 绿灯`` (the core catalog's colour names)."""
    return t(f"color.{Color(color).value}")


def color_values(t: Translator, color: Color | str) -> dict[str, str]:
    """``color`` for templates."""
    return {"color": color_name(t, color)}


def reason_text(t: Translator, reason: Reason | Mapping[str, Any]) -> str:
    if not isinstance(reason, Reason):
        reason = Reason.from_json(dict(reason))
    values = {k: _day(t, v) for k, v in reason.values.items()}
    return f"{ICON[reason.severity]} " + t(f"health.reason.{reason.code}", **values)


def _day(t: Translator, value: object) -> object:
    """A date kept in a reason as ISO text, written as the language writes dates
    (2027年2月20日 in Chinese)."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return fmt_date(t.lang, date.fromisoformat(value), weekday=False)
        except ValueError:
            return value
    return value


def fix_text(t: Translator, fix: Fix, who: str | None) -> str:
    """``AR (@bob): meet the customer ...``; a vacant role says how to fill it."""
    if who is None:
        holder = t("health.nobody", role_key=fix.role.lower())
    else:
        holder = t("health.holder", who=who) if who else ""
    return t("health.fix_line", role=role_name(t, fix.role), who=holder,
             text=t(f"health.fix.{fix.code}", **fix.values))


def fix_lines(t: Translator, health: Health, who_by_role: Mapping[str, str]) -> list[str]:
    """One line per fix; ``who_by_role`` maps a role to its holder's mention."""
    return [fix_text(t, fix, who_by_role.get(fix.role)) for fix in health.fixes]


def mention(person: Person | None, platform: str) -> str:
    """How to name a person in a post on ``platform`` so they are notified where possible.

    Slack: ``<@U123>``; Telegram and the console: ``@username``, else the display name.
    Someone from another platform is named, not mentioned. The mention is kambot's own
    (sealed, see :func:`bot.messages.person_mention`): renderers let only such mentions
    notify anyone.
    """
    if person is None:
        return ""
    if person.platform != platform:
        return person.display_name or person.username or person.user_id
    if platform != "slack" and not person.username:
        return person.display_name or person.user_id
    return person_mention(platform, person.user_id, username=person.username or "",
                          name=person.display_name or "")


# --- the scorecard in words -------------------------------------------------------------------


def measure_name(t: Translator, code: str) -> str:
    return t(f"scorecard.measure.{code}")


def _points(score: float | None) -> str:
    """A measure's score as shown: whole points, rounded down so that 74.9 (yellow) never
    reads as 75 (green)."""
    return "—" if score is None else str(int(score))


def scorecard_items(t: Translator, health: Health) -> list[str]:
    """One line per measure with data and weight, worst first; then the ones without data."""
    counted = sorted((m for m in health.measures if m.counted), key=lambda m: m.score or 0.0)
    lines = [t("scorecard.line", icon=ICON[Color(m.band or "green")],
               name=measure_name(t, m.code), score=_points(m.score), weight=_num(m.weight))
             for m in counted]
    sep = t("scorecard.sep")
    missing = [measure_name(t, m.code) for m in health.measures
               if m.score is None and m.weight > 0]
    if missing:
        lines.append(t("scorecard.no_data", names=sep.join(missing)))
    unweighed = [measure_name(t, m.code) for m in health.measures if m.weight <= 0]
    if unweighed:
        lines.append(t("scorecard.not_weighed", names=sep.join(unweighed)))
    return lines


def colour_text(t: Translator, health: Health, *, green_from: float, red_below: float) -> str:
    """Why this colour: the score's band, and the hard rule that overrode it (a line each)."""
    text = t("scorecard.colour_score", score=health.score, green=_num(green_from),
             red=_num(red_below))
    if health.rule:
        return text + "\n" + t("scorecard.colour_rule", name=measure_name(t, health.rule))
    reds = [m for m in health.measures if m.counted and m.band == Color.RED.value]
    if reds and health.color == Color.YELLOW and health.score >= green_from:
        return text + "\n" + t("scorecard.colour_floor", name=measure_name(t, reds[0].code))
    return text


def drag_text(t: Translator, health: Health, limit: int = 3) -> str:
    """``Pulling the score down: Overdue work −18, NPS −7`` ("" when nothing does)."""
    from commands.scorecard import drags

    items = [t("scorecard.drag_item", name=measure_name(t, m.code), points=round(points))
             for m, points in drags(health.measures)[:limit] if round(points) >= 1]
    return t("scorecard.drags", items=t("scorecard.sep").join(items)) if items else ""


def moved_items(t: Translator, before: list[dict[str, Any]] | None, health: Health,
                limit: int = 3) -> list[str]:
    """``Overdue work 75 → 27``: the measures that moved since a stored scorecard."""
    from commands.scorecard import moved

    return [t("scorecard.moved_item", name=measure_name(t, code), before=_points(then),
              after=_points(now))
            for code, then, now in moved(before, health.measures)[:limit]]


def _num(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 1)
