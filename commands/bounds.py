"""The ranges stored values must fall in, checked on the way in and enforced on the way out.

On the way in a value outside its range is refused with a friendly error (the
``error.out_of_range.*`` messages). On the way out (health, ask, the card, reports, the
daily job) a value that got into a database before these checks, or by hand, is treated
as missing, and logged once per value, so one bad field never breaks a read.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import date

from commands.registry import CommandError

log = logging.getLogger(__name__)

# Dates the record can hold: renewals, due dates, meetings. Date arithmetic near the ends of
# Python's calendar (year 1, year 9999) overflows; nothing in key-account work is that far.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
MAX_AMOUNT = 1e15  # revenue, in any currency


def check_date(value: date, *, what: str) -> date:
    """``value``, or a refusal that says the window (``what`` names the field)."""
    if not EARLIEST <= value <= LATEST:
        raise CommandError("error.out_of_range.date", what=what, value=value.isoformat(),
                           earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())
    return value


def check_amount(value: float, *, what: str) -> float:
    if not (math.isfinite(value) and 0 <= value <= MAX_AMOUNT):
        raise CommandError("error.out_of_range.amount", what=what, max=f"{MAX_AMOUNT:,.0f}")
    return value


class _Once:
    """Remembers which bad stored values were already logged (bounded, thread-safe)."""

    def __init__(self, capacity: int = 1000) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._capacity = capacity
        self._lock = threading.Lock()

    def first(self, key: tuple[str, str]) -> bool:
        with self._lock:
            if key in self._seen:
                return False
            if len(self._seen) >= self._capacity:
                self._seen.clear()
            self._seen.add(key)
            return True


_logged = _Once()


def sane_date(value: date | None, *, where: str) -> date | None:
    """A stored date inside the window, else None (logged once): a bad date reads as none."""
    if value is None or EARLIEST <= value <= LATEST:
        return value
    if _logged.first((where, value.isoformat())):
        log.warning("ignoring a stored date out of range: %s = %s", where, value.isoformat())
    return None


def sane_number(value: float | None, *, low: float, high: float, where: str) -> float | None:
    """A stored number that is finite and inside [low, high], else None (logged once)."""
    if value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value) and low <= value <= high:
        return value
    if _logged.first((where, repr(value))):
        log.warning("ignoring a stored number out of range: %s = %r", where, value)
    return None
