"""Reading a whole value as a date: ``parse_date`` (a day without a year is the coming
one) and ``read_date`` (a due date set on purpose: a day already past is refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.dates.arithmetic import nearest, upcoming
from commands.dates.rules import COMPILED
from commands.textfold import fold


class DateParseError(ValueError):
    """Text that is not a date we understand. ``.text`` is what was typed.

    ``.key`` names the catalog message (``dates.invalid``, field ``text``) for a
    translated reply; ``str(err)`` is a friendly English fallback.
    """

    key = "dates.invalid"

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"I can't read {text!r} as a date. For example: 2026-12-05 or next friday "
            f"(also +3d, Dec 5, 12/15, 下周五, 12月5日, 春节前)."
        )


class PastDateError(DateParseError):
    """A day without a year that has already passed this year (``Dec 1`` on 3 December).

    Raised where a due date is set on purpose (the ``task`` verb), so the person says which
    year they mean instead of the task silently landing a year out. ``.past`` is this
    year's (passed) day and ``.ahead`` next year's; both are offered as full dates.
    """

    key = "dates.past"

    def __init__(self, text: str, past: date, ahead: date) -> None:
        self.past = past
        self.ahead = ahead
        super().__init__(text)
        self.args = (
            f"{text!r} has already passed this year. Give a full date: "
            f"{ahead.isoformat()} (next year) or {past.isoformat()} (already overdue).",
        )


def clean(text: str) -> str:
    text = re.sub(r"\s+", " ", fold(text)).strip()
    return text.strip(" \"'“”‘’「」.,;!?。，；！？")


@dataclass(frozen=True)
class _Reading:
    day: date
    calendar: bool  # a month and day given without a year


# A deadline word around a whole value (`due=春节前`, `due=before CNY`, `due=by friday`):
# the date is the same without it.
_DEADLINE = re.compile(r"^(?:before|by|until|no later than) (?P<a>.+)$|^(?P<b>.+?)(?:之前|以前|前)$")


def _read(cleaned: str, today: date) -> _Reading | None:
    """The rule that reads all of ``cleaned`` (or of it without a deadline word); None
    when none does."""
    found = _read_exactly(cleaned, today)
    if found is None and (match := _DEADLINE.match(cleaned)):
        found = _read_exactly((match.group("a") or match.group("b") or "").strip(), today)
    return found


def _read_exactly(cleaned: str, today: date) -> _Reading | None:
    for regex, rule in COMPILED:
        match = regex.fullmatch(cleaned)
        if match is None:
            continue
        groups = match.groupdict()
        try:
            day = rule.build(groups, today)
        except (ValueError, OverflowError, KeyError, LookupError):
            return None
        return _Reading(day, rule.calendar and not groups.get("y"))
    return None


def parse_date(text: str, *, today: date) -> date:
    """The date ``text`` names, relative to ``today``; raises ``DateParseError``.

    See the module docstring for the accepted forms and what the relative ones mean. A
    month and day without a year is this year's, or next year's once passed (a renewal
    date, an import): use :func:`read_date` where a passed day must be confirmed.
    """
    cleaned = clean(text) if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > 64:
        raise DateParseError(text)
    reading = _read(cleaned, today)
    if reading is None:
        raise DateParseError(text)
    return reading.day


@dataclass(frozen=True)
class DateReading:
    """A date as typed: the day, and what was assumed about a year that was not given.

    ``assumed``: None (nothing assumed), ``"next_year"`` (``Jan 15`` in December) or
    ``"past"`` (``Dec 1`` on 3 December: this year's, already gone).
    """

    day: date
    assumed: str | None = None


def _assumed(day: date, today: date) -> str | None:
    if day < today:
        return "past"
    if day.year != today.year:
        return "next_year"
    return None


def reading_for(cleaned: str, today: date) -> DateReading | None:
    reading = _read(cleaned, today)
    if reading is None:
        return None
    if not reading.calendar:
        return DateReading(reading.day)
    day = nearest(today, reading.day.month, reading.day.day)
    if (reading.day.month, reading.day.day) != (day.month, day.day):
        day = reading.day  # a month's end: Feb 28/29 follows its year
    return DateReading(day, _assumed(day, today))


def read_date(text: str, *, today: date) -> DateReading:
    """A due date set on purpose (``task ... due=Dec 1``): the nearest reading of a day
    without a year, and what was assumed. Raises ``PastDateError`` for a day without a
    year already past (the person must say which year), ``DateParseError`` otherwise.
    """
    cleaned = clean(text) if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > 64:
        raise DateParseError(text)
    reading = reading_for(cleaned, today)
    if reading is None:
        raise DateParseError(text)
    if reading.assumed == "past":
        raise PastDateError(text, reading.day, upcoming(today, reading.day.month, reading.day.day))
    return reading
