"""Stretches of time a question names: when work is due ("next week", "月底前") and when
something happened ("last month", "最近"). Pure functions of the text and ``today``.

Weeks run Monday to Sunday, as on a Chinese calendar and in :mod:`commands.dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from commands.ask.lexicon import cue
from commands.dates import find_due
from commands.textfold import small_number

RECENT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Window:
    """Days from ``start`` to ``end``, both included; ``None`` leaves a side open.

    ``kind`` names it for people (``ask.window.<kind>``); ``days`` fills "next {days} days".
    """

    kind: str
    start: date | None
    end: date | None
    days: int = 0

    def holds(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end + 1 day) as UTC datetimes (open sides become far dates)."""
        start = self.start or date(1970, 1, 1)
        end = (self.end or date(9999, 12, 30)) + timedelta(days=1)
        return (datetime.combine(start, datetime.min.time(), UTC),
                datetime.combine(end, datetime.min.time(), UTC))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


_NUM = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
# English counts in words ("the last two weeks", "the next couple of days").
_EN_NUM = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of)"
_TODAY = cue(r"today", r"tonight", r"this evening", "今天", "今日", "今晚")
_TOMORROW = cue(r"tomorrow", "明天", "明日")
_THIS_WEEK = cue(r"this week", r"this wk", r"current week", r"end of (?:the )?week", r"eow",
                 "本周", "这周", "这个星期", "本星期", "这星期", "周末前", "本礼拜", "这礼拜")
_NEXT_WEEK = cue(r"next week", r"coming week", r"following week", "下周", "下个星期", "下星期", "下礼拜")
_THIS_MONTH = cue(r"this month", r"current month", "本月", "这个月", "当月")
_END_OF_MONTH = cue(r"end of (?:the |this )?month", r"month[- ]end", r"eom", r"before the month ends",
                    r"by the end of the month", "月底", "月末", "本月底", "这个月底", "月底前")
_NEXT_MONTH = cue(r"next month", r"coming month", "下个月", "下月")
_NEXT_DAYS = re.compile(
    rf"(?:next|coming|within|in the next|over the next)\s+(?:a\s+)?{_EN_NUM}\s+(day|week|month)s?"
    rf"|(?:未来|接下来|今后|最近)?\s*{_NUM}\s*(天|日|周|个星期|星期|个月|月)(?:内|之内|以内)"
    rf"|(?:未来|接下来|今后)\s*{_NUM}\s*(天|日|周|个星期|星期|个月|月)"
)
_NUM_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2}
_QUARTER = cue(r"this quarter", r"next quarter", r"next three months", r"coming quarter", "本季度", "这个季度",
               "下季度", "下个季度", "三个月内", "一个季度", "季度内")
_HALF_YEAR = cue(r"next six months", r"next half(?:-| )?year", r"half a year", "半年")

_LAST_WEEK = cue(r"last week", r"past week", r"previous week", "上周", "上个星期", "上星期", "上礼拜")
_LAST_MONTH = cue(r"last month", r"previous month", r"past month", "上个月", "上月")
_YESTERDAY = cue(r"yesterday", "昨天", "昨日")
_RECENT = cue(r"recent(?:ly)?", r"lately", r"of late", r"last few (?:days|weeks)", r"past few (?:days|weeks)",
              r"latest", r"just", "最近", "近期", "近来", "刚刚", "这几天", "这段时间")
_PAST_DAYS = re.compile(
    rf"(?:last|past|previous)\s+(?:a\s+)?{_EN_NUM}\s+(day|week|month)s?"
    rf"|(?:过去|最近|前)\s*{_NUM}\s*(天|日|周|个星期|星期|个月|月)"
)
_SOON = cue(r"soon", r"coming up", r"upcoming", r"imminent", r"approaching", "快到期", "即将到期", "马上到期",
            "快要到期", "近期到期", "快到了")
SOON_DAYS = 7


def soon_days(today: date) -> int:
    """"Soon" (快到期): up to the end of next week, so the whole next working week is in
    it whatever today's weekday (7 to 13 days), and never less than SOON_DAYS."""
    return max(SOON_DAYS, (6 - today.weekday()) + 7)
_DATE_HINT = re.compile(r"\d|before|by|until|till|前|之前|以前|截止|monday|tuesday|wednesday|thursday|friday"
                        r"|saturday|sunday|周[一二三四五六日天]|星期[一二三四五六日天]|号")
# Spans named as a whole ("next week", "下周") rather than a day in them ("下周五").
_NAMED_SPANS = re.compile(r"(?:next|this) (?:week|month)(?! ?(?:mon|tue|wed|thu|fri|sat|sun))"
                          r"|(?:下|本|这)(?:周|个?星期)(?![一二三四五六日天])|(?:下|本|这)个?月(?!底|末|\d)")
_UNTIL = re.compile(r"before|by|until|till|no later|前|之前|以前|截止")


def _count(raw: str) -> int:
    return _NUM_WORDS.get(raw) or small_number(raw) or 0


def _unit_days(unit: str) -> int:
    return {"day": 1, "天": 1, "日": 1, "week": 7, "周": 7, "个星期": 7, "星期": 7}.get(unit, 30)


_MONTHS = {name: i for i, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
     "august aug", "september sept sep", "october oct", "november nov", "december dec"), start=1)
    for name in names.split()}
_EN_MONTH = re.compile(r"(?<![a-z])(in|during|before|by|until|for)\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                       + r")(?![a-z])")
_ZH_MONTH = re.compile(r"(?<![\d年])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?(?![\d一二三四五六七八九十]|日|号|底|末|初)(之?前|以前)?")


def _month_window(text: str, today: date) -> Window | None:
    """"in December" / "12月份": that month (this year, or next when it has passed);
    "before March" / "3月前": everything due before it begins."""
    month, before = 0, False
    match = _EN_MONTH.search(text)
    if match:
        month, before = _MONTHS[match.group(2)], match.group(1) in ("before", "until")
    else:
        zh = _ZH_MONTH.search(text)
        if zh and (number := small_number(zh.group(1))) and 1 <= number <= 12:
            month, before = number, bool(zh.group(2))
    if not month:
        return None
    year = today.year if month >= today.month else today.year + 1
    start = date(year, month, 1)
    if before:
        return Window("until", None, start - timedelta(days=1))
    return Window("month", start, _month_end(start))


def due_window(text: str, today: date) -> Window | None:
    """When the work asked about is due: this week, 下周, 月底前, next 10 days, by Dec 5."""
    match = _NEXT_DAYS.search(text)
    if match:
        groups = [g for g in match.groups() if g]
        days = _count(groups[0]) * _unit_days(groups[1])
        if days:
            return Window("next_days", today, today + timedelta(days=days), days=days)
    if _END_OF_MONTH.search(text):
        return Window("end_of_month", None, _month_end(today))
    month = _month_window(text, today)
    if month is not None:
        return month
    if _DATE_HINT.search(text) and not _NAMED_SPANS.search(text):
        day, _ = find_due(text, today=today)
        if day is not None:
            # "by Friday" / "周五前": everything due until then; "on Friday" / "周五": that day.
            return Window("until", None, day) if _UNTIL.search(text) else Window("on", day, day)
    if _TODAY.search(text):
        return Window("today", today, today)
    if _TOMORROW.search(text):
        return Window("tomorrow", today + timedelta(days=1), today + timedelta(days=1))
    if _NEXT_WEEK.search(text):
        start = _monday(today) + timedelta(days=7)
        return Window("next_week", start, start + timedelta(days=6))
    if _THIS_WEEK.search(text):
        return Window("this_week", _monday(today), _monday(today) + timedelta(days=6))
    if _NEXT_MONTH.search(text):
        start = _month_end(today) + timedelta(days=1)
        return Window("next_month", start, _month_end(start))
    if _THIS_MONTH.search(text):
        return Window("this_month", today.replace(day=1), _month_end(today))
    if _QUARTER.search(text):
        return Window("next_days", today, today + timedelta(days=90), days=90)
    if _SOON.search(text):
        days = soon_days(today)
        return Window("next_days", None, today + timedelta(days=days), days=days)
    return None


def past_window(text: str, today: date) -> Window | None:
    """When the thing asked about happened: yesterday, last week, 上个月, recently."""
    match = _PAST_DAYS.search(text)
    if match:
        groups = [g for g in match.groups() if g]
        days = _count(groups[0]) * _unit_days(groups[1])
        if days:
            return Window("past_days", today - timedelta(days=days), today, days=days)
    if _YESTERDAY.search(text):
        return Window("yesterday", today - timedelta(days=1), today - timedelta(days=1))
    if _LAST_WEEK.search(text):
        start = _monday(today) - timedelta(days=7)
        return Window("last_week", start, start + timedelta(days=6))
    if _LAST_MONTH.search(text):
        end = today.replace(day=1) - timedelta(days=1)
        return Window("last_month", end.replace(day=1), end)
    if _THIS_WEEK.search(text):
        return Window("this_week", _monday(today), today)
    if _THIS_MONTH.search(text):
        return Window("this_month", today.replace(day=1), today)
    if _TODAY.search(text):
        return Window("today", today, today)
    if _RECENT.search(text):
        return Window("recent", today - timedelta(days=RECENT_DAYS), today, days=RECENT_DAYS)
    return None


def names_span_ahead(text: str) -> bool:
    """The (folded) text names a span from today on: "the next 3 months", 接下来三个月, 一个季度, 半年."""
    return any(rx.search(text) for rx in (_NEXT_DAYS, _QUARTER, _HALF_YEAR))


def ahead_days(text: str, default: int, today: date) -> int:
    """"renewals in the next 60 days" / "90天内续约" -> the number of days (else ``default``)."""
    match = _NEXT_DAYS.search(text) or re.search(rf"{_NUM}\s*(day|days|天|日)", text)
    if match:
        groups = [g for g in match.groups() if g]
        days = _count(groups[0]) * _unit_days(groups[1].rstrip("s"))
        if days:
            return days
    if _QUARTER.search(text):
        return 90
    if _HALF_YEAR.search(text):
        return 182
    month = _month_window(text, today)
    if month is not None and month.end is not None:
        return max(0, (month.end - today).days)
    if _NEXT_MONTH.search(text) or _THIS_MONTH.search(text):
        return 31
    return default
