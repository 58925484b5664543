"""Due dates typed by people, in English and Chinese: a pure parser, no clock, no I/O.

The caller passes ``today`` (from the injected clock, in the account's time zone), so the
same text always gives the same date in tests. Matching is done on folded text (full-width
letters and digits folded, lower case: see ``commands.textfold``); the original text is
only ever cut, never rewritten.

Meaning of the relative forms (Monday starts the week, as on a Chinese calendar):

- ``friday`` / ``fri`` / ``周五`` / ``星期五`` / ``礼拜五`` / ``coming friday``: the next
  Friday strictly AFTER today (on a Friday it is a week later). A task "due Friday" typed
  on Friday evening would otherwise already be due.
- ``this friday`` / ``本周五`` / ``这周五``: the Friday of the current Monday-Sunday week,
  which can be today or, on a weekend, a day already past.
- ``next friday`` / ``下周五`` / ``下星期五``: the Friday of next week (never this week's).
  ``下下周五``: the week after.
- ``next week`` / ``下周``: Monday of next week. ``next month`` / ``下个月``: the 1st of
  next month. ``end of month`` / ``eom`` / ``月底``: the last day of this month;
  ``下个月底``: of next month. ``eow`` / ``end of week``: this week's Friday (next week's
  on a weekend). ``eoy`` / ``年底``: 31 December.
- ``Dec 5`` / ``5 Dec`` / ``12月5日`` without a year: this year, or next year when that day
  has already passed (today itself counts as this year). ``5号``: this month, or next month
  when passed.
- ``+3d`` / ``3d`` / ``+2w`` / ``in 3 days`` / ``3 days from now`` / ``3天后`` / ``两周后``
  / ``3个月后``: counted from today (months clamp to the month's last day).
- ``12/05`` is refused: month/day and day/month readers disagree.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from commands.textfold import fold, small_number

__all__ = ["DateParseError", "find_due", "parse_date"]


class DateParseError(ValueError):
    """Text that is not a date we understand. ``.text`` is what was typed.

    ``.key`` names the catalog message (``dates.invalid``, field ``text``) for a
    translated reply; ``str(err)`` is a friendly English fallback.
    """

    key = "dates.invalid"

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"I can't read {text!r} as a date. Try 2026-12-05, +3d, friday, next week, "
            f"Dec 5, 下周五 or 12月5日."
        )


# --- vocabulary ----------------------------------------------------------------------

_WEEKDAYS_EN = {
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
_WEEKDAYS_ZH = {
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
_MONTHS_EN = {
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
_NUMBER_WORDS = {
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


def _words(words: Iterable[str]) -> str:
    # Longest first, so "friday" wins over "fri" and "sept" over "sep".
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_WD = f"(?:{_words(_WEEKDAYS_EN)})"
_MON = f"(?:{_words(_MONTHS_EN)})"
_NUMW = rf"(?:\d{{1,4}}|{_words(_NUMBER_WORDS)})"
_CN = r"(?:\d{1,4}|[〇零一二两俩三四五六七八九十]{1,3})"
_WD_ZH = r"(?:[一二三四五六日天]|[1-7](?!\d))"
_WEEK_ZH = "(?:周|星期|礼拜)"
_UNIT_EN = r"(?:days|day|d|weeks|week|wks|wk|w|months|month|mos|mo)"
_UNIT_ZH = "(?:天|日|周|个星期|星期|个礼拜|礼拜|个月)"


# --- date arithmetic -----------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_weekday(today: date, weekday: int) -> date:
    """The first ``weekday`` strictly after today."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _upcoming(today: date, month: int, day: int) -> date:
    """Month and day without a year: this year unless already past (then the next one)."""
    for year in range(today.year, today.year + 9):  # 9 years always reach a 29 February
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError("no such day")


def _shift(today: date, count: int, unit: str) -> date:
    if unit.startswith(("m", "个月")):
        return _add_months(today, count)
    if unit[0] in "w周星礼个":
        return today + timedelta(weeks=count)
    return today + timedelta(days=count)


def _week_offset(modifier: str | None) -> int | None:
    """Weeks ahead for 下 / 下下 / next; None for no modifier; 0 for this / 本 / 这."""
    if not modifier:
        return None
    modifier = modifier.replace("个", "").strip()
    if modifier in ("this", "本", "这"):
        return 0
    if modifier in ("coming", "this coming"):
        return None
    return modifier.count("下") or 1  # "下", "下下", "next"


def _in_week(today: date, weekday: int, modifier: str | None) -> date:
    offset = _week_offset(modifier)
    if offset is None:
        return _next_weekday(today, weekday)
    return _monday(today) + timedelta(weeks=offset, days=weekday)


# --- rules ---------------------------------------------------------------------------

Groups = dict[str, str | None]


@dataclass(frozen=True)
class _Rule:
    pattern: str
    build: Callable[[Groups, date], date]
    chinese: bool = False  # safe to find inside Chinese prose without a 前 / by
    free: bool = False  # safe to find inside English prose without a by / due
    find: bool = True  # False: only a whole value (due=3d), too loose inside prose


def _ymd(g: Groups, today: date) -> date:
    year = small_number(g.get("y") or "")
    month, day = small_number(g["m"] or ""), small_number(g["d"] or "")
    if month is None or day is None:
        raise ValueError("not a number")
    if year is None:
        return _upcoming(today, month, day)
    return date(year, month, day)


def _month_name(g: Groups, today: date) -> date:
    return _ymd({"y": g["y"], "m": str(_MONTHS_EN[g["mon"] or ""]), "d": g["d"]}, today)


def _day_only(g: Groups, today: date) -> date:
    day = small_number(g["d"] or "")
    if day is None:
        raise ValueError("not a number")
    for months in range(3):  # 31号 on 30 November is 31 December
        first = _add_months(today.replace(day=1), months)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate >= today:
                return candidate
    raise ValueError("no such day")


def _relative(g: Groups, today: date) -> date:
    raw = g["n"] or ""
    count = _NUMBER_WORDS.get(raw)
    if count is None:
        count = small_number(raw)
    if count is None:
        raise ValueError("not a number")
    return _shift(today, count, g["u"] or "d")


_DAY_WORDS = {
    "today": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
}


def _day_word(g: Groups, today: date) -> date:
    return today + timedelta(days=_DAY_WORDS[re.sub(r"\s+", " ", g["w"] or "")])


def _weekday_en(g: Groups, today: date) -> date:
    mod = re.sub(r"\s+", " ", g["mod"]) if g["mod"] else None
    return _in_week(today, _WEEKDAYS_EN[g["wd"] or ""], mod)


def _weekday_zh(g: Groups, today: date) -> date:
    return _in_week(today, _WEEKDAYS_ZH[g["wd"] or ""], g["mod"])


def _next_period(g: Groups, today: date) -> date:
    what = g["what"] or ""
    if what == "week":
        return _monday(today) + timedelta(weeks=1)
    if what == "month":
        return _add_months(today.replace(day=1), 1)
    return date(today.year + 1, 1, 1)


def _end_of(g: Groups, today: date) -> date:
    what = re.sub(r"\s+", " ", g["what"] or g["abbr"] or "")
    if what in ("month", "m"):
        return _month_end(today)
    if what == "next month":
        return _month_end(_add_months(today.replace(day=1), 1))
    if what in ("week", "w"):
        friday = _monday(today) + timedelta(days=4)
        return friday if friday >= today else friday + timedelta(weeks=1)
    return date(today.year, 12, 31)


def _zh_week(g: Groups, today: date) -> date:
    return _monday(today) + timedelta(weeks=(g["mod"] or "下").count("下"))


def _zh_month(g: Groups, today: date) -> date:
    first = _add_months(today.replace(day=1), (g["mod"] or "").count("下"))
    return _month_end(first) if g["end"] in ("底", "末") else first


_RULES: tuple[_Rule, ...] = (
    _Rule(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})", _ymd, free=True),
    _Rule(rf"(?P<y>\d{{4}})\s*年\s*(?P<m>{_CN})\s*月\s*(?P<d>{_CN})\s*[日号]?", _ymd, chinese=True),
    _Rule(rf"(?P<m>{_CN})\s*月\s*(?P<d>{_CN})\s*[日号]", _ymd, chinese=True),
    _Rule(rf"(?P<m>{_CN})\s*月\s*(?P<d>{_CN})", _ymd, find=False),
    _Rule(
        rf"(?P<mon>{_MON})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,?\s*(?P<y>\d{{4}}))?",
        _month_name,
    ),
    _Rule(
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>{_MON})\.?"
        rf"(?:\s*,?\s*(?P<y>\d{{4}}))?",
        _month_name,
    ),
    _Rule(
        rf"(?:in|within)\s+(?P<n>{_NUMW})\s*(?P<u>{_UNIT_EN})(?:\s+from\s+now)?",
        _relative,
        free=True,
    ),
    _Rule(rf"(?P<n>{_NUMW})\s*(?P<u>{_UNIT_EN})\s+from\s+now", _relative, free=True),
    _Rule(rf"\+\s*(?P<n>\d{{1,4}})\s*(?P<u>{_UNIT_EN})", _relative),
    _Rule(rf"(?P<n>\d{{1,4}})\s*(?P<u>{_UNIT_EN})", _relative, find=False),
    _Rule(r"(?P<w>(?:the\s+)?day\s+after\s+tomorrow|today|tomorrow|tmrw|tmr)", _day_word),
    _Rule(r"(?P<w>今天|今日|明天|明日|大后天|后天)", _day_word, chinese=True),
    _Rule(rf"(?P<mod>next)\s+(?P<wd>{_WD})", _weekday_en, free=True),
    _Rule(rf"(?:(?P<mod>this\s+coming|coming|this)\s+)?(?P<wd>{_WD})", _weekday_en),
    _Rule(r"next\s+(?P<what>week|month|year)", _next_period),
    _Rule(
        r"(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<what>next\s+month|month|week|year)"
        r"|eo(?P<abbr>[mwy])",
        _end_of,
    ),
    _Rule(
        rf"(?P<mod>下下个?|下个?|本|这个?)?\s*{_WEEK_ZH}\s*(?P<wd>{_WD_ZH})",
        _weekday_zh,
        chinese=True,
    ),
    _Rule(rf"(?P<mod>下下个?|下个?)\s*{_WEEK_ZH}(?!\s*{_WD_ZH})", _zh_week, chinese=True),
    _Rule(r"(?P<mod>下下个?|下个?)\s*月\s*(?P<end>底|末)", _zh_month, chinese=True),
    # 下个月 alone reads as "during next month" in prose (准备下个月的预算): values only.
    _Rule(r"(?P<mod>下下个?|下个?)\s*月\s*(?P<end>初)?", _zh_month),
    _Rule(r"(?P<mod>本|这个?)?\s*月\s*(?P<end>底|末)", _zh_month, chinese=True),
    _Rule(r"(?:今|本)?年\s*(?:底|末)", lambda g, today: date(today.year, 12, 31), chinese=True),
    _Rule(
        rf"(?P<n>{_CN})\s*(?P<u>{_UNIT_ZH})\s*(?:后|之后|以后|内|之内|以内)",
        _relative,
        chinese=True,
    ),
    # A bare day of the month only when it ends the text or a 前 follows (5号前).
    _Rule(rf"(?P<d>{_CN})\s*[日号](?=\s*(?:之前|以前|前)|$)", _day_only),
)

_COMPILED = tuple((re.compile(rule.pattern), rule) for rule in _RULES)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", fold(text)).strip()
    return text.strip(" \"'“”‘’「」.,;!?。，；！？")


def _value(match: re.Match[str], rule: _Rule, today: date) -> date:
    return rule.build(match.groupdict(), today)


def parse_date(text: str, *, today: date) -> date:
    """The date ``text`` names, relative to ``today``; raises ``DateParseError``.

    See the module docstring for the accepted forms and what the relative ones mean.
    """
    cleaned = _clean(text) if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > 64:
        raise DateParseError(text)
    for regex, rule in _COMPILED:
        match = regex.fullmatch(cleaned)
        if match is None:
            continue
        try:
            return _value(match, rule, today)
        except (ValueError, OverflowError, KeyError):
            raise DateParseError(text) from None
    raise DateParseError(text)


# --- finding a due phrase inside an action line --------------------------------------


def _ungroup(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _any(rules: Iterable[_Rule]) -> str:
    return "(?:" + "|".join(_ungroup(rule.pattern) for rule in rules if rule.find) + ")"


_EDGE = r"a-z0-9_'’"
# Not glued to a preceding English word, unless the phrase itself starts with CJK.
_START = rf"(?:(?<![{_EDGE}])|(?=[^{_EDGE}]))"
_ALL = _any(_RULES)
_SEP = r"(?:\s*[:=]\s*|\s+)"
_DUE_VALUE = re.compile(
    rf"(?<![{_EDGE}])due\s*[:=]\s*(?:\"(?P<a>[^\"]*)\"|'(?P<b>[^']*)'|(?P<c>[^\s,;，；]+))"
)
_EN_KEYWORD = re.compile(
    rf"(?<![{_EDGE}])(?:due\s+(?:by|on|date)|due|by|before|on|deadline|no\s+later\s+than)"
    rf"{_SEP}(?P<date>{_ALL})(?![{_EDGE}])"
)
_ZH_BOUNDED = re.compile(
    rf"{_START}(?:在|于|截止到|截止|截至|最晚|最迟)?\s*(?P<date>{_ALL})\s*(?:之前|以前|前)"
)
_ZH_DEADLINE = re.compile(
    rf"(?:截止到|截止日期|截止|截至|最晚|最迟)\s*[:=]?\s*(?P<date>{_ALL})(?:\s*(?:之前|以前|前))?"
)
_ZH_FREE = re.compile(
    rf"{_START}(?<![每上个])(?:在|于)?\s*(?P<date>{_any(r for r in _RULES if r.chinese)})"
)
_EN_FREE = re.compile(
    rf"(?<![{_EDGE}])(?:(?:for|during|at)\s+)?"
    rf"(?P<date>{_any(r for r in _RULES if r.free)}|tomorrow|next\s+week)(?![{_EDGE}])"
)
_SEARCHES = (_DUE_VALUE, _EN_KEYWORD, _ZH_BOUNDED, _ZH_DEADLINE, _ZH_FREE, _EN_FREE)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"[(（]\s*[)）]", "", text)
    text = re.sub(r"\s+([,.;:!?，。；：！？、)）])", r"\1", text)
    text = re.sub(r"[,;:，；：、]+(?=[.!?。！？]|$)", "", text)
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip(" ,;:-–—，；：、")


def find_due(text: str, *, today: date) -> tuple[date | None, str]:
    """The first due phrase in ``text`` and the text without it, tidied.

    Looked for, in this order: ``due=+3d`` / ``due="next friday"``; an English keyword (``by``, ``due``,
    ``due by``, ``before``, ``on``, ``deadline``, ``no later than``) with any date form
    (``by friday``, ``due=+3d``, ``before Dec 5``); a Chinese date with 前 / 之前 / 以前
    (``下周五前``, ``在下周五之前``, ``12月5日前``, ``月底前``) or after 截止 / 最晚;
    a Chinese date on its own
    (``明天``, ``下周五``, not ``每周五`` / ``上周五``); and in English prose only
    ``tomorrow``, ``next week``, ``next friday``, ``in 3 days`` and ISO dates. "Before X"
    means due on X. English words must stand alone: ``bypass`` and ``Friday's`` are left
    alone. Returns ``(None, text)`` when nothing is found or the date is impossible.
    """
    if not isinstance(text, str) or not text:
        return None, text if isinstance(text, str) else ""
    folded = fold(text)
    for regex in _SEARCHES:
        for match in regex.finditer(folded):
            groups = match.groupdict()
            phrase = next((groups[k] for k in ("date", "a", "b", "c") if groups.get(k)), None)
            if phrase is None:
                continue
            try:
                due = parse_date(phrase, today=today)
            except DateParseError:
                continue
            start, end = match.span()
            return due, _tidy(text[:start] + " " + text[end:])
    return None, text
