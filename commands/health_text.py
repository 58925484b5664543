"""Health in words: colours, reasons and fixes rendered through the catalogs.

Shared by the ``health`` verb and the alert job, so a reason reads the same everywhere.
Mentions of a person are passed in already formatted (that is platform business).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.messages import person_mention
from commands.format import role_name
from commands.health import Color, Fix, Health, Reason
from commands.i18n import Translator
from storage.models import Person

ICON = {Color.GREEN: "🟢", Color.YELLOW: "🟡", Color.RED: "🔴"}


def color_name(t: Translator, color: Color | str) -> str:
    """``🟢 green`` / ``🟢 绿灯`` (the core catalog's colour names)."""
    return t(f"color.{Color(color).value}")


def color_values(t: Translator, color: Color | str) -> dict[str, str]:
    """``color`` for templates."""
    return {"color": color_name(t, color)}


def reason_text(t: Translator, reason: Reason | Mapping[str, Any]) -> str:
    if not isinstance(reason, Reason):
        reason = Reason.from_json(dict(reason))
    return f"{ICON[reason.severity]} " + t(f"health.reason.{reason.code}", **reason.values)


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
