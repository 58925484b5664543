"""A due date in the past is asked about before it is stored.

``due=2025-01-01`` is usually a typo, and stored it would make the task overdue (and the
account's health worse) at once. The ``task`` verb asks instead: nothing is saved, and a
Confirm button runs the same command again with ``confirm`` at its end, which stores it.
"""

from __future__ import annotations

from datetime import date

from bot.messages import Button, Reply, Section, Style, Tone
from commands.format import fmt_date
from commands.registry import Context

CONFIRM_WORDS = ("confirm", "confirmed", "确认")


def check_past_due(ctx: Context, title: str, due: date | None) -> tuple[str, Reply | None]:
    """(the title without a trailing ``confirm``, a question to ask instead of storing)."""
    today = ctx.clock.today()
    if due is None or due >= today:
        return title, None
    head, _, last = title.rpartition(" ")
    if last.lower() in CONFIRM_WORDS and head.strip():
        return head.strip(), None
    t = ctx.t
    shown = fmt_date(t.lang, due)
    command = ctx.incoming.text.strip()
    return title, Reply(
        title=t("pastdue.title", date=shown, days=(today - due).days),
        sections=[Section(text=t("pastdue.text"))],
        buttons=[Button(t("pastdue.button", date=shown), f"{command} confirm", Style.PRIMARY)],
        tone=Tone.WARNING,
    )
