"""Business days: which days reminders and escalations may speak on, and how they count.

A :class:`BusinessCalendar` is a country's working week and public holidays, from the
``holidays`` package (its China calendar includes the weekend days that are worked to make
up for a long holiday, 调休, so Saturday 2026-10-10 is a working day there). With no
country, only the weekend is off. The country is the account's (``account set
country=CN``), else KAMBOT_COUNTRY's.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

# Bounded walks: no calendar has a month of consecutive days off.
_MAX_GAP = 40


def supported_countries() -> set[str]:
    import holidays

    return set(holidays.list_supported_countries())


def normalize_country(value: str | None) -> str | None:
    """An ISO country code the holidays package knows (``cn`` -> ``CN``); None for blank.
    Raises ValueError for one it does not know."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    aliases = {"UK": "GB", "中国": "CN", "CHINA": "CN", "USA": "US"}
    code = aliases.get(code, code)
    if code not in supported_countries():
        raise ValueError(f"unknown country {value!r}: use a two-letter ISO code such as "
                         "CN, US, DE or GB")
    return code


class BusinessCalendar:
    """Working days of one country (or plain Monday-Friday when ``country`` is None)."""

    def __init__(self, country: str | None = None) -> None:
        self.country = country
        self._table: Any = None
        if country:
            import holidays

            self._table = holidays.country_holidays(country)

    def is_business_day(self, day: date) -> bool:
        if self._table is not None:
            return bool(self._table.is_working_day(day))
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        if self._table is None:
            return None
        name = self._table.get(day)
        return str(name) if name else None

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        for step in range(1, _MAX_GAP):
            candidate = day + timedelta(days=step)
            if self.is_business_day(candidate):
                return candidate
        return day + timedelta(days=1)

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before ``day``."""
        for step in range(1, _MAX_GAP):
            candidate = day - timedelta(days=step)
            if self.is_business_day(candidate):
                return candidate
        return day - timedelta(days=1)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 when end <= start):
        a task due on Friday is 1 business day late on Monday."""
        if end <= start:
            return 0
        return sum(1 for i in range(1, (end - start).days + 1)
                   if self.is_business_day(start + timedelta(days=i)))

    def add_business_days(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self.next_business_day(day)
        return day

    def first_business_day_of_week(self, day: date) -> date | None:
        """The week's (Monday-Sunday) first business day, None when it has none."""
        monday = day - timedelta(days=day.weekday())
        for i in range(7):
            if self.is_business_day(monday + timedelta(days=i)):
                return monday + timedelta(days=i)
        return None


@cache
def calendar_for(country: str | None) -> BusinessCalendar:
    """One calendar per country for the process (the holidays tables are built lazily)."""
    return BusinessCalendar(country)
