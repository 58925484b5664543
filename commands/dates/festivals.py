"""Holidays people plan around (春节前, before CNY, 国庆前): when each break starts, from
the ``holidays`` package's calendar of China."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

import holidays  # China's public holidays, lunar ones computed, with make-up working days

# Holidays whose break people plan around: key -> the holidays package's English name.
_FESTIVALS = {
    "spring": "Chinese New Year",
    "national": "National Day",
    "midautumn": "Mid-Autumn Festival",
    "dragon": "Dragon Boat Festival",
    "labor": "Labor Day",
    "tomb": "Tomb-Sweeping Day",
    "newyear": "New Year's Day",
}
_FESTIVAL_WORDS = {
    "春节": "spring",
    "过年": "spring",
    "农历新年": "spring",
    "chinese new year": "spring",
    "lunar new year": "spring",
    "cny": "spring",
    "spring festival": "spring",
    "国庆": "national",
    "国庆节": "national",
    "national day": "national",
    "golden week": "national",
    "中秋": "midautumn",
    "中秋节": "midautumn",
    "mid-autumn festival": "midautumn",
    "mid autumn festival": "midautumn",
    "端午": "dragon",
    "端午节": "dragon",
    "dragon boat festival": "dragon",
    "五一": "labor",
    "劳动节": "labor",
    "清明": "tomb",
    "清明节": "tomb",
    "元旦": "newyear",
}


@functools.lru_cache(maxsize=16)
def _china_calendar(year: int) -> holidays.HolidayBase:
    # The year before too: a break can reach back over a weekend into it.
    return holidays.country_holidays("CN", years=[year - 1, year], language="en_US")


def _last_working_day_before(year: int, festival: str) -> date | None:
    """The last working day before the break around ``festival`` in ``year`` starts: the
    break is the holiday's first day off (eve included) and the days off right before it
    (a weekend, unless the calendar makes it a working day)."""
    table = _china_calendar(year)
    name = _FESTIVALS[festival]
    hits = sorted(day for day, label in table.items() if day.year == year and label.startswith(name))
    if not hits:
        return None
    day = hits[0] - timedelta(days=1)
    for _ in range(31):  # no break in China's calendar is a month long
        if table.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return None


def before_festival(g: dict[str, str | None], today: date) -> date:
    """Before a holiday: the last working day before its break starts; before New Year's
    Day (元旦前): 31 December, a year-end deadline whatever day of the week it falls on."""
    festival = _FESTIVAL_WORDS[re.sub(r"\s+", " ", g["fest"] or "")]
    if festival == "newyear":
        return date(today.year, 12, 31)
    for year in (today.year, today.year + 1):
        day = _last_working_day_before(year, festival)
        if day is not None and day >= today:
            return day
    raise ValueError("no such holiday ahead")


FEST_EN = r"(?:chinese\s+new\s+year|lunar\s+new\s+year|spring\s+festival|cny|national\s+day|golden\s+week|mid[-\s]autumn\s+festival|dragon\s+boat\s+festival)"
FEST_ZH = r"(?:农历新年|春节|过年|国庆节?|中秋节?|端午节?|五一|劳动节|清明节?|元旦)"
