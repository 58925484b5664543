"""Date arithmetic the rules share: weeks (Monday first), months, quarters, a day of the
year without a year."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_weekday(today: date, weekday: int) -> date:
    """The first ``weekday`` strictly after today."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def upcoming(today: date, month: int, day: int) -> date:
    """Month and day without a year: this year unless already past (then the next one)."""
    for year in range(today.year, today.year + 9):  # 9 years always reach a 29 February
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError("no such day")


def shift(today: date, count: int, unit: str) -> date:
    if unit.startswith(("m", "个月")):
        return add_months(today, count)
    if unit[0] in "w周星礼个":
        return today + timedelta(weeks=count)
    return today + timedelta(days=count)


def week_offset(modifier: str | None) -> int | None:
    """Weeks ahead for 下 / 下下 / next; None for no modifier; 0 for this / 本 / 这."""
    if not modifier:
        return None
    modifier = modifier.replace("个", "").strip()
    if modifier in ("this", "本", "这"):
        return 0
    if modifier in ("coming", "this coming"):
        return None
    return modifier.count("下") or 1  # "下", "下下", "next"


def in_week(today: date, weekday: int, modifier: str | None) -> date:
    offset = week_offset(modifier)
    if offset is None:
        return next_weekday(today, weekday)
    return monday(today) + timedelta(weeks=offset, days=weekday)


def nearest(today: date, month: int, day: int) -> date:
    """Month and day without a year: the occurrence closest to today (last, this or next
    year), a future one winning a tie. ``Dec 1`` on 3 December is two days ago, not a year
    out; ``Jan 15`` on 3 December is next January."""
    best: date | None = None
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        key = (abs((candidate - today).days), candidate < today)
        if best is None or key < (abs((best - today).days), best < today):
            best = candidate
    if best is None:  # 29 February far from a leap year: the next one
        return upcoming(today, month, day)
    return best


def quarter_end(year: int, quarter: int) -> date:
    return month_end(date(year, quarter * 3, 1))


def week_friday(today: date, weeks: int) -> date:
    friday = monday(today) + timedelta(weeks=weeks, days=4)
    return friday if friday >= today else friday + timedelta(weeks=1)
