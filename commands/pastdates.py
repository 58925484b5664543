"""Days people mean when they speak of the past: when a meeting was held, a signal taken.

:func:`commands.dates.parse_date` reads due dates, which lie ahead: ``friday`` is the
coming Friday and ``Nov 20`` next year's once passed. A meeting date lies behind, so here
``friday`` / ``周五`` is the last Friday (today when today is one), ``last friday`` the one
before today, ``上周五`` the Friday of last week, ``yesterday`` / ``昨天`` / ``前天`` /
``3 days ago`` / ``3天前`` count back, and a day without a year that would fall ahead is
this year's that passed. Everything else is read by ``parse_date`` and must not lie ahead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from commands.dates import DateParseError, parse_date
from commands.textfold import fold, small_number

_BACK = {"today": 0, "今天": 0, "今日": 0, "yesterday": 1, "昨天": 1, "昨日": 1, "前天": 2,
         "大前天": 3, "the day before yesterday": 2, "day before yesterday": 2}
_WEEKDAYS_EN = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2,
                "wed": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4,
                "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_EN_WEEKDAY = re.compile(r"^(?:(last|this|past)\s+)?([a-z]+)$")
_ZH_WEEKDAY = re.compile(r"^(上上|上|本|这)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])$")
_AGO = re.compile(r"^-\s*(\d{1,4})\s*d$|^(\S{1,4})\s*(day|days|week|weeks)\s+ago$"
                  r"|^(\S{1,3})\s*(天|日|周|个星期|星期|个礼拜|礼拜)\s*前$")
_LAST_PERIOD = {"last week": 7, "上周": 7, "上星期": 7, "上个星期": 7}
_YEAR = re.compile(r"\d{4}")
# A month and a day (11月20日, Nov 20, 20 Nov, 11/20): the forms parse_date moves a year ahead.
_MONTH_DAY = re.compile(r"月|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
                        r"|\d{1,2}\s*[/.-]\s*\d{1,2}")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "ten": 10}


def _last_weekday(today: date, weekday: int, *, strictly_before: bool) -> date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def _count(raw: str) -> int | None:
    return _WORD_NUMBERS.get(raw) if raw in _WORD_NUMBERS else small_number(raw)


def parse_past_day(raw: str, today: date) -> date | None:
    """The past (or present) day ``raw`` names, or None when it names none or a future one."""
    text = re.sub(r"\s+", " ", fold(raw)).strip().lower()
    if not text or len(text) > 40:
        return None
    if text in _BACK:
        return today - timedelta(days=_BACK[text])
    if text in _LAST_PERIOD:
        return today - timedelta(days=_LAST_PERIOD[text])
    match = _EN_WEEKDAY.match(text)
    if match and match.group(2) in _WEEKDAYS_EN:
        modifier, weekday = match.group(1), _WEEKDAYS_EN[match.group(2)]
        if modifier == "this":
            day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
            return day if day <= today else None
        return _last_weekday(today, weekday, strictly_before=modifier in ("last", "past"))
    match = _ZH_WEEKDAY.match(text.replace(" ", ""))
    if match:
        modifier, weekday = match.group(1), _WEEKDAYS_ZH[match.group(2)]
        monday = today - timedelta(days=today.weekday())
        if modifier in ("上", "上上"):
            return monday - timedelta(weeks=len(modifier)) + timedelta(days=weekday)
        if modifier in ("本", "这"):
            day = monday + timedelta(days=weekday)
            return day if day <= today else None
        return _last_weekday(today, weekday, strictly_before=False)
    match = _AGO.match(text)
    if match:
        if match.group(1):
            return today - timedelta(days=int(match.group(1)))
        count = _count(match.group(2) or match.group(4) or "")
        unit = match.group(3) or match.group(5) or ""
        if count is None or count > 3650:
            return None
        weeks = unit.startswith("week") or unit in ("周", "个星期", "星期", "个礼拜", "礼拜")
        return today - timedelta(days=count * (7 if weeks else 1))
    try:
        day = parse_date(raw, today=today)
    except DateParseError:
        return None
    if day > today and not _YEAR.search(text) and _MONTH_DAY.search(text):
        # A day without a year read as the coming one (11月20日 in December): this year's.
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return None
    return day if day <= today else None
