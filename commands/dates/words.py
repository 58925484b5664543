"""The words dates are written with: weekdays, months, number words, day words, and the
regular-expression pieces the rules are built from (all matched on folded text)."""

from __future__ import annotations

import re
from collections.abc import Iterable

WEEKDAYS_EN = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
WEEKDAYS_ZH = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
MONTHS_EN = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def alternation(words: Iterable[str]) -> str:
    # Longest first, so "friday" wins over "fri" and "sept" over "sep".
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


WD = f"(?:{alternation(WEEKDAYS_EN)})"
MON = f"(?:{alternation(MONTHS_EN)})"
NUMW = rf"(?:\d{{1,4}}|{alternation(NUMBER_WORDS)})"
CN = r"(?:\d{1,4}|[〇零一二两俩三四五六七八九十]{1,3})"
WD_ZH = r"(?:[一二三四五六日天]|[1-7](?!\d))"
WEEK_ZH = "(?:周|星期|礼拜)"
UNIT_EN = r"(?:days|day|d|weeks|week|wks|wk|w|months|month|mos|mo)"
UNIT_ZH = "(?:天|日|周|个星期|星期|个礼拜|礼拜|个月)"


DAY_WORDS = {
    "today": 0,
    "tonight": 0,
    "eod": 0,
    "cob": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "今天": 0,
    "今日": 0,
    "今晚": 0,
    "明天": 1,
    "明日": 1,
    "明早": 1,
    "明晚": 1,
    "后天": 2,
    "大后天": 3,
}


ZH_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
DAY_NUMBER = r"(?P<d>\d{1,2})(?![0-9])(?:st|nd|rd|th)?"
