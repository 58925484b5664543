"""Holidays people plan around (春节前, before CNY, 国庆前): when each break starts, from
the ``holidays`` package's calendar of China."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

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
def _china_holidays(year: int) -> tuple[tuple[date, str], ...]:
    import holidays  # a calendar of China's public holidays, lunar ones computed

    table = holidays.country_holidays("CN", years=[year], language="en_US")
    return tuple(sorted(table.items()))


def _break_start(year: int, festival: str) -> date | None:
    """The first day off of the break around ``festival`` in ``year`` (eve included)."""
    days = _china_holidays(year)
    name = _FESTIVALS[festival]
    hits = [day for day, label in days if label.startswith(name)]
    if not hits:
        return None
    start = hits[0]
    off = {day for day, _ in days}
    while start - timedelta(days=1) in off:
        start -= timedelta(days=1)
    return start


def before_festival(g: dict[str, str | None], today: date) -> date:
    """Before a holiday: the last day before its break starts."""
    festival = _FESTIVAL_WORDS[re.sub(r"\s+", " ", g["fest"] or "")]
    for year in (today.year, today.year + 1):
        start = _break_start(year, festival)
        if start is not None and start - timedelta(days=1) >= today:
            return start - timedelta(days=1)
    raise ValueError("no such holiday ahead")


FEST_EN = r"(?:chinese\s+new\s+year|lunar\s+new\s+year|spring\s+festival|cny|national\s+day|golden\s+week|mid[-\s]autumn\s+festival|dragon\s+boat\s+festival)"
FEST_ZH = r"(?:农历新年|春节|过年|国庆节?|中秋节?|端午节?|五一|劳动节|清明节?|元旦)"
