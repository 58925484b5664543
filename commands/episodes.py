"""An account's colour history read as episodes: the current run of one colour, since
when, and what came before. Alerts are about episodes (their ledger key is the episode's
``<colour>:<start>``), and so are acknowledgements and snoozes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from commands.health import Color, Health


@dataclass(frozen=True)
class Episode:
    """The current run of one colour: since when, what came before, was it red before."""

    color: Color
    since: date
    before: Color | None
    red_before: bool  # the non-green run just before this one had a red day

    @property
    def key(self) -> str:
        return f"{self.color.value}:{self.since.isoformat()}"


def episode(history: Sequence[tuple[str, datetime]], tz: tzinfo | None = None) -> Episode:
    """From (colour, at) newest first, the current colour's run (a pure function)."""
    current = Color(history[0][0])
    i = 0
    while i + 1 < len(history) and Color(history[i + 1][0]) == current:
        i += 1
    since = history[i][1]
    before = Color(history[i + 1][0]) if i + 1 < len(history) else None
    red_before = False
    j = i + 1
    while j < len(history) and Color(history[j][0]) != Color.GREEN:
        red_before = red_before or Color(history[j][0]) == Color.RED
        j += 1
    return Episode(current, since.astimezone(tz).date() if tz else since.date(),
                   before, red_before)


def state_of(health: Health) -> str:
    """What an acknowledgement is of: the reasons the account is not green, by code."""
    return ",".join(sorted({r.code for r in health.reasons}))
