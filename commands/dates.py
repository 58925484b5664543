"""Due dates typed by people, in English and Chinese: a pure parser, no clock, no I/O.

The caller passes ``today`` (from the injected clock, in the account's time zone), so the
same text always gives the same date in tests. Matching is done on folded text (full-width
letters and digits folded, lower case: see ``commands.textfold``) with every run of white
space squeezed to one space, so no pattern can loop over a long run of spaces; the
original text is only ever cut, never rewritten. Every pattern has bounded repetition:
finding a date is linear in the length of the text.

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
  ``下个月底``: of next month. ``eow`` / ``end of week`` / ``this week`` / ``本周内``:
  this week's Friday (next week's on a weekend); ``end of next week`` / ``下周内``: next
  week's Friday. ``eoy`` / ``年底``: 31 December. ``eod`` / ``cob`` / ``end of day`` /
  ``今天下班前``: today; ``eod friday``: that Friday.
- ``Q1`` / ``end of Q1`` / ``一季度末`` / ``第一季度``: the last day of that quarter, the
  coming one; ``eoq`` / ``end of the quarter`` / ``本季度末``: of this quarter.
- ``春节前`` / ``before Chinese New Year`` / ``国庆前`` / ``中秋前`` / ``元旦前`` …: the
  last day before that holiday's break starts (from the ``holidays`` package's calendar of
  China; 春节's break starts on New Year's Eve).
- ``Dec 5`` / ``5 Dec`` / ``dec-5`` / ``12月5日`` / ``12/15`` / ``15/12`` without a year:
  :func:`parse_date` takes this year's, or next year's when that day has passed. Inside a
  note or a task title (:func:`scan_due`) the NEAREST such day is taken, and the result
  says when it is already past or falls in another year, so the caller can say so or ask:
  a date is never silently moved a year.
- ``12/05`` (both numbers 12 or less) is refused: month/day and day/month readers
  disagree. ``12/15`` and ``15/12`` can only be 15 December.
- ``5号``: this month, or next month when passed. ``the 15th``: the same in English.
- ``+3d`` / ``3d`` / ``+2w`` / ``in 3 days`` / ``3 days from now`` / ``3天后`` / ``两周后``
  / ``3个月后``: counted from today (months clamp to the month's last day).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from commands.textfold import fold, small_number

__all__ = [
    "DateParseError",
    "DueScan",
    "PastDateError",
    "find_due",
    "parse_date",
    "read_date",
    "scan_due",
]


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


def _nearest(today: date, month: int, day: int) -> date:
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
        return _upcoming(today, month, day)
    return best


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(date(year, quarter * 3, 1))


# --- rules ---------------------------------------------------------------------------

Groups = dict[str, str | None]


@dataclass(frozen=True)
class _Rule:
    pattern: str
    build: Callable[[Groups, date], date]
    chinese: bool = False  # safe to find inside Chinese prose without a 前 / by
    free: bool = False  # safe to find inside English prose without a by / due
    find: bool = True  # False: only a whole value (due=3d), too loose inside prose
    calendar: bool = False  # a month and day that may come without a year


def _ymd(g: Groups, today: date) -> date:
    year = small_number(g.get("y") or "")
    month, day = small_number(g["m"] or ""), small_number(g["d"] or "")
    if month is None or day is None:
        raise ValueError("not a number")
    if year is None:
        return _upcoming(today, month, day)
    if year < 100:  # 12/15/26
        year += 2000
    return date(year, month, day)


def _month_name(g: Groups, today: date) -> date:
    return _ymd({"y": g.get("y"), "m": str(_MONTHS_EN[g["mon"] or ""]), "d": g["d"]}, today)


def _slashed(g: Groups, today: date) -> date:
    """``12/15`` or ``15/12``: read only when one number cannot be a month."""
    first, second = int(g["a"] or "0"), int(g["b"] or "0")
    if first > 12 >= second:
        month, day = second, first
    elif second > 12 >= first or first == second:
        month, day = first, second
    else:
        raise ValueError("month/day or day/month?")
    return _ymd({"y": g.get("y"), "m": str(month), "d": str(day)}, today)


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


def _day_word(g: Groups, today: date) -> date:
    word = re.sub(r"\s+", " ", g["w"] or "")
    if word not in _DAY_WORDS:  # end of (the business) day, close of business
        return today
    return today + timedelta(days=_DAY_WORDS[word])


def _weekday_en(g: Groups, today: date) -> date:
    mod = re.sub(r"\s+", " ", g.get("mod") or "") or None
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


def _week_friday(today: date, weeks: int) -> date:
    friday = _monday(today) + timedelta(weeks=weeks, days=4)
    return friday if friday >= today else friday + timedelta(weeks=1)


def _end_of(g: Groups, today: date) -> date:
    what = re.sub(r"\s+", " ", g.get("what") or g.get("abbr") or "")
    ahead = what.startswith("next ")
    what = what.removeprefix("next ")
    if what in ("month", "m"):
        return _month_end(_add_months(today.replace(day=1), 1 if ahead else 0))
    if what in ("week", "w"):
        return _week_friday(today, 1 if ahead else 0)
    if what in ("quarter", "q"):
        quarter = (today.month - 1) // 3 + 1 + (1 if ahead else 0)
        return _quarter_end(today.year + (quarter - 1) // 4, (quarter - 1) % 4 + 1)
    return date(today.year + (1 if ahead else 0), 12, 31)


def _this_week(g: Groups, today: date) -> date:
    return _week_friday(today, 0)


def _zh_week(g: Groups, today: date) -> date:
    weeks = (g["mod"] or "下").count("下")
    if g.get("within"):  # 下周内: by the end of next week
        return _week_friday(today, weeks)
    return _monday(today) + timedelta(weeks=weeks)


def _zh_month(g: Groups, today: date) -> date:
    first = _add_months(today.replace(day=1), (g["mod"] or "").count("下"))
    end = g.get("end")
    if end == "中":
        return first.replace(day=15)
    return _month_end(first) if end in ("底", "末", "内") else first


def _month_part(g: Groups, today: date) -> date:
    """12月底 / 12月中旬 / end of December / mid-Dec: a point in a named month, the coming one."""
    if g.get("mon"):
        month = _MONTHS_EN[g["mon"] or ""]
    else:
        number = small_number(g["m"] or "")
        if number is None or not 1 <= number <= 12:
            raise ValueError("no such month")
        month = number
    part = g.get("part") or "end"
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, month)[1]
        candidate = date(year, month, {"上旬": 10, "中旬": 20, "中": 15, "mid": 15}.get(part, last))
        if candidate >= today:
            return candidate
    raise ValueError("no such day")


def _mid_month(g: Groups, today: date) -> date:
    return _month_part({"mon": g["mon"], "part": "mid"}, today)


def _year_end(g: Groups, today: date) -> date:
    return date(today.year, 12, 31)


_ZH_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _this_quarter(g: Groups, today: date) -> date:
    return _end_of({"what": "quarter"}, today)


def _quarter(g: Groups, today: date) -> date:
    quarter = _ZH_QUARTERS[g["q"] or ""]
    year = small_number(g.get("y") or "")
    if year is not None:
        return _quarter_end(year, quarter)
    end = _quarter_end(today.year, quarter)
    return end if end >= today else _quarter_end(today.year + 1, quarter)


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


def _festival(g: Groups, today: date) -> date:
    """Before a holiday: the last day before its break starts."""
    festival = _FESTIVAL_WORDS[re.sub(r"\s+", " ", g["fest"] or "")]
    for year in (today.year, today.year + 1):
        start = _break_start(year, festival)
        if start is not None and start - timedelta(days=1) >= today:
            return start - timedelta(days=1)
    raise ValueError("no such holiday ahead")


_FEST_EN = r"(?:chinese\s+new\s+year|lunar\s+new\s+year|spring\s+festival|cny|national\s+day|golden\s+week|mid[-\s]autumn\s+festival|dragon\s+boat\s+festival)"
_FEST_ZH = r"(?:农历新年|春节|过年|国庆节?|中秋节?|端午节?|五一|劳动节|清明节?|元旦)"
_D = r"(?P<d>\d{1,2})(?![0-9])(?:st|nd|rd|th)?"

_RULES: tuple[_Rule, ...] = (
    _Rule(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![0-9])", _ymd, free=True),
    _Rule(rf"(?P<y>\d{{4}})\s?年\s?(?P<m>{_CN})\s?月\s?(?P<d>{_CN})\s?[日号]?", _ymd, chinese=True),
    _Rule(rf"(?P<m>{_CN})\s?月\s?(?P<d>{_CN})\s?[日号]", _ymd, chinese=True, calendar=True),
    _Rule(rf"(?P<m>{_CN})\s?月\s?(?P<part>底|末|中旬|上旬|下旬|中)", _month_part, chinese=True,
          calendar=True),
    _Rule(rf"(?P<m>{_CN})\s?月\s?(?P<d>{_CN})", _ymd, find=False, calendar=True),
    _Rule(
        r"(?<![0-9/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![0-9/])",
        _slashed,
        calendar=True,
    ),
    _Rule(
        rf"(?:the\s)?(?:end\sof|late)\s(?P<mon>{_MON})\.?(?![a-z])",
        _month_part,
        free=True,
        calendar=True,
    ),
    _Rule(rf"mid[-\s]?(?P<mon>{_MON})\.?(?![a-z])", _mid_month, free=True, calendar=True),
    _Rule(
        rf"(?P<mon>{_MON})(?:\.\s?|\s?-\s?|\s)?{_D}(?:\s?,?\s?(?P<y>\d{{4}}))?(?![0-9])",
        _month_name,
        free=True,
        calendar=True,
    ),
    _Rule(
        rf"{_D}(?:\s?-\s?|\s)?(?:of\s)?(?P<mon>{_MON})(?![a-z])\.?(?:\s?,?\s?(?P<y>\d{{4}}))?",
        _month_name,
        free=True,
        calendar=True,
    ),
    _Rule(
        rf"(?:in|within)\s(?P<n>{_NUMW})\s?(?P<u>{_UNIT_EN})(?:\s(?:from\snow|from\stoday))?",
        _relative,
        free=True,
    ),
    _Rule(rf"(?P<n>{_NUMW})\s?(?P<u>{_UNIT_EN})\s(?:from\snow|from\stoday)", _relative, free=True),
    _Rule(rf"\+\s?(?P<n>\d{{1,4}})\s?(?P<u>{_UNIT_EN})", _relative),
    _Rule(rf"(?P<n>\d{{1,4}})\s?(?P<u>{_UNIT_EN})", _relative, find=False),
    _Rule(
        rf"(?:eod|cob|end\sof\s(?:the\s)?(?:business\s)?day)\s(?:on\s)?(?:(?P<mod>this|next)\s)?(?P<wd>{_WD})",
        _weekday_en,
    ),
    _Rule(rf"(?:(?P<mod>this|next)\s)?(?P<wd>{_WD})\s(?:eod|cob|end\sof\s(?:the\s)?day)",
          _weekday_en, free=True),
    _Rule(
        r"(?:eod|cob|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness)\s(?:tomorrow|tmrw|tmr)"
        r"|(?:tomorrow|tmrw|tmr)\s(?:eod|cob|end\sof\s(?:the\s)?day|close\sof\sbusiness)",
        lambda g, today: today + timedelta(days=1),
        free=True,
    ),
    _Rule(r"(?P<w>eod|cob|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness)", _day_word,
          free=True),
    _Rule(
        r"(?P<w>(?:the\s)?day\safter\stomorrow|today|tonight|tomorrow|tmrw|tmr|eod|cob"
        r"|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness|end\sof\stoday)",
        _day_word,
    ),
    _Rule(r"(?P<w>今天|今日|今晚|明天|明日|明早|明晚|大后天|后天)", _day_word, chinese=True),
    _Rule(rf"(?P<mod>next)\s(?P<wd>{_WD})", _weekday_en, free=True),
    _Rule(rf"(?:(?P<mod>this\scoming|coming|this)\s)?(?P<wd>{_WD})", _weekday_en),
    _Rule(r"next\s(?P<what>week|month|year)", _next_period),
    _Rule(
        r"(?:the\s)?end\sof\s(?:the\s|this\s)?(?P<what>next\s(?:week|month|quarter|year)"
        r"|month|week|quarter|year)|eo(?P<abbr>[mwyq])",
        _end_of,
        free=True,
    ),
    _Rule(r"this\sweek", _this_week),
    _Rule(
        r"(?:(?:the\s)?end\sof\s(?:the\s)?)?(?:q(?P<q>[1-4])|(?P<q2>[1-4])q)"
        r"(?:\s?(?P<y>\d{4}))?(?:\s?end)?(?![a-z0-9])",
        lambda g, t: _quarter({"q": g.get("q") or g.get("q2"), "y": g.get("y")}, t),
    ),
    _Rule(r"(?:in|during|(?:by\s)?(?:the\s)?end\sof(?:\sthe)?)\sq(?P<q>[1-4])(?![a-z0-9])",
          _quarter, free=True),
    _Rule(r"(?:第)?(?P<q>[一二三四1-4])\s?季度(?:末|底|结束)", _quarter, chinese=True),
    _Rule(r"(?:第)?(?P<q>[一二三四1-4])\s?季度", _quarter),
    _Rule(r"(?:本|这个?)?\s?季度?(?:末|底)", _this_quarter, chinese=True),
    _Rule(rf"(?P<fest>{_FEST_EN}|{_FEST_ZH})", _festival),
    _Rule(
        rf"(?P<mod>下下个?|下个?|本|这个?)?\s?{_WEEK_ZH}\s?(?P<wd>{_WD_ZH})",
        _weekday_zh,
        chinese=True,
    ),
    _Rule(rf"(?:本|这个?)\s?{_WEEK_ZH}(?:内|之内|以内)?(?!\s?{_WD_ZH})", _this_week, chinese=True),
    _Rule(
        rf"(?P<mod>下下个?|下个?)\s?{_WEEK_ZH}(?P<within>内|之内|以内)?(?!\s?{_WD_ZH})",
        _zh_week,
        chinese=True,
    ),
    _Rule(r"(?P<mod>下下个?|下个?)\s?月\s?(?P<end>底|末|中)", _zh_month, chinese=True),
    # 下个月 alone reads as "during next month" in prose (准备下个月的预算): values only.
    _Rule(r"(?P<mod>下下个?|下个?)\s?月\s?(?P<end>初)?", _zh_month, find=False),
    _Rule(r"(?P<mod>本|这个?)?\s?月\s?(?P<end>底|末|中)", _zh_month, chinese=True),
    _Rule(r"(?P<mod>本|这个?)\s?月\s?(?P<end>内)", _zh_month, chinese=True),
    _Rule(r"(?:今|本)?年\s?(?:底|末|内)", _year_end, chinese=True),
    _Rule(
        rf"(?P<n>{_CN})\s?(?P<u>{_UNIT_ZH})\s?(?:后|之后|以后|内|之内|以内)",
        _relative,
        chinese=True,
    ),
    # A bare day of the month only when it ends the text or a 前 follows (5号前).
    _Rule(rf"(?P<d>{_CN})\s?[日号](?=\s?(?:之前|以前|前)|$)", _day_only),
    _Rule(r"(?:the\s)?(?P<d>\d{1,2})(?:st|nd|rd|th)(?![a-z0-9])", _day_only),
)

_COMPILED = tuple((re.compile(rule.pattern), rule) for rule in _RULES)


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", fold(text)).strip()
    return text.strip(" \"'“”‘’「」.,;!?。，；！？")


@dataclass(frozen=True)
class _Reading:
    day: date
    calendar: bool  # a month and day given without a year


def _read(cleaned: str, today: date) -> _Reading | None:
    """The rule that reads all of ``cleaned``; None when none does."""
    for regex, rule in _COMPILED:
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
    cleaned = _clean(text) if isinstance(text, str) else ""
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


def _reading_for(cleaned: str, today: date) -> DateReading | None:
    reading = _read(cleaned, today)
    if reading is None:
        return None
    if not reading.calendar:
        return DateReading(reading.day)
    day = _nearest(today, reading.day.month, reading.day.day)
    if (reading.day.month, reading.day.day) != (day.month, day.day):
        day = reading.day  # a month's end: Feb 28/29 follows its year
    return DateReading(day, _assumed(day, today))


def read_date(text: str, *, today: date) -> DateReading:
    """A due date set on purpose (``task ... due=Dec 1``): the nearest reading of a day
    without a year, and what was assumed. Raises ``PastDateError`` for a day without a
    year already past (the person must say which year), ``DateParseError`` otherwise.
    """
    cleaned = _clean(text) if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > 64:
        raise DateParseError(text)
    reading = _reading_for(cleaned, today)
    if reading is None:
        raise DateParseError(text)
    if reading.assumed == "past":
        raise PastDateError(text, reading.day, _upcoming(today, reading.day.month, reading.day.day))
    return reading


# --- finding a due phrase inside an action line --------------------------------------


def _ungroup(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _any(rules: Iterable[_Rule]) -> str:
    return "(?:" + "|".join(_ungroup(rule.pattern) for rule in rules if rule.find) + ")"


_EDGE = r"a-z0-9_'’"
# Not glued to a preceding English word, unless the phrase itself starts with CJK.
_START = rf"(?:(?<![{_EDGE}])|(?=[^{_EDGE}]))"
_ALL = _any(_RULES)
_SEP = r"(?:\s?[:=]\s?|\s)"
_TIME_EN = r"(?:\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|noon|midday)"
_TIME_ZH = r"(?:上午|下午|中午|晚上|早上|傍晚|下班|午饭|\d{1,2}\s?[点:时](?:\s?\d{1,2}\s?分?|半)?)"
_EN_KEYWORDS = (
    r"(?:due\s(?:by|on|date)|due|by|before|on|until|till|deadline|no\slater\sthan"
    r"|not\slater\sthan|nlt|latest\sby|by\slatest|target(?:\sdate)?|eta|ahead\sof|prior\sto)"
)
_DUE_VALUE = re.compile(
    rf"(?<![{_EDGE}])due\s?[:=]\s?(?:\"(?P<a>[^\"]{{0,64}})\"|'(?P<b>[^']{{0,64}})'"
    rf"|(?P<c>[^\s,;，；]{{1,64}}))"
)
_EN_KEYWORD = re.compile(
    rf"(?<![{_EDGE}]){_EN_KEYWORDS}{_SEP}(?:(?:{_TIME_EN}|eod|cob)\s(?:on\s)?)?(?:the\s)?"
    rf"(?P<date>{_ALL})(?:\s?,?\s?(?:at\s)?{_TIME_EN})?(?![{_EDGE}])"
)
_ZH_BOUNDED = re.compile(
    rf"{_START}(?:在|于|截止到|截止|截至|最晚|最迟)?\s?(?P<date>{_ALL})"
    rf"(?:\s?{_TIME_ZH}){{0,2}}\s?(?:之前|以前|前|截止|为止)"
)
_ZH_DEADLINE = re.compile(
    rf"(?:截止到|截止日期|截止时间|截止|截至|最晚|最迟|完成时间|完成日期|时间节点|期限|交付时间|时间(?=\s?:))"
    rf"\s?[:=]?\s?(?P<date>{_ALL})(?:\s?{_TIME_ZH}){{0,2}}(?:\s?(?:之前|以前|前))?"
)
_ZH_FREE = re.compile(
    rf"{_START}(?<![每上个])(?:在|于)?\s?(?P<date>{_any(r for r in _RULES if r.chinese)})"
    rf"(?:\s?{_TIME_ZH}){{0,2}}"
)
_EN_FREE = re.compile(
    rf"(?<![{_EDGE}])(?:(?:for|during|at|on|by)\s)?"
    rf"(?P<date>{_any(r for r in _RULES if r.free)}|tomorrow|tonight|today|next\sweek)"
    rf"(?:\s?,?\s?(?:at\s)?{_TIME_EN})?(?![{_EDGE}])"
)
# A date standing as a field of its own: "(Fri)", "— Dec 5", "| 12/15 |", "- friday -".
_FIELD = re.compile(
    rf"(?:^|[-–—|,;(\[（【])\s?(?P<date>{_ALL})\s?(?:[)\]）】]|(?=$|[-–—|,;]))"
)
_SEARCHES = (_DUE_VALUE, _EN_KEYWORD, _ZH_BOUNDED, _ZH_DEADLINE, _ZH_FREE, _EN_FREE, _FIELD)
_AMBIGUOUS = re.compile(
    rf"(?<![{_EDGE}]){_EN_KEYWORDS}\s?[:=]?\s?(?P<date>\d{{1,2}}/\d{{1,2}})(?![0-9/])"
    rf"|(?<![0-9/])(?P<zh>\d{{1,2}}/\d{{1,2}})\s?(?:之前|以前|前)"
    rf"|(?:^|[-–—|,;(\[（【])\s?(?P<field>\d{{1,2}}/\d{{1,2}})\s?(?:[)\]）】]|(?=$|[-–—|,;]))"
)


def _squeeze(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` folded, each run of white space one space; and where each character of the
    result starts and ends in ``text`` (so a span found can cut the original)."""
    folded = fold(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(folded):
        if ch.isspace():
            if out and out[-1] == " ":
                ends[-1] = index + 1
                continue
            ch = " "
        out.append(ch)
        starts.append(index)
        ends.append(index + 1)
    return "".join(out), starts, ends


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"[(（【\[]\s?[)）】\]]", "", text)
    text = re.sub(r" ([,.;:!?，。；：！？、)）])", r"\1", text)
    text = re.sub(r"[,;:，；：、]+(?=[.!?。！？]|$)", "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" ,;:-–—|，；：、")


@dataclass(frozen=True)
class DueScan:
    """What :func:`scan_due` found in a line.

    ``day``: the due date or None; ``rest``: the text without the phrase, tidied (the
    text unchanged when nothing was found); ``phrase``: the date as typed; ``assumed``:
    None, ``"past"`` (a day without a year, this year's, already gone: kept, say so),
    ``"next_year"`` (read as next year's: say so) or ``"ambiguous"`` (``12/05``: not
    read, ``day`` is None; say how to write it).
    """

    day: date | None
    rest: str
    phrase: str = ""
    assumed: str | None = None


def scan_due(text: str, *, today: date) -> DueScan:
    """The first due phrase in ``text``, the text without it, and what was assumed.

    Looked for, in this order: ``due=+3d`` / ``due="next friday"``; an English keyword
    (``by``, ``due``, ``due by``, ``before``, ``on``, ``until``, ``deadline``, ``no later
    than``, ``ETA`` …) with any date form (``by friday``, ``by EOD``, ``before Dec 5``,
    ``by 5pm Friday``); a Chinese date with 前 / 之前 / 以前 (``下周五前``,
    ``在下周五之前``, ``12月5日前``, ``月底前``, ``周五下班前``, ``春节前``) or after
    截止 / 最晚 / 完成时间; a Chinese date on its own (``明天``, ``下周五``, ``本周内``, not
    ``每周五`` / ``上周五``); in English prose ``tomorrow``, ``today``, ``next week``,
    ``next friday``, ``in 3 days``, ``Dec 5``, ``EOD`` and ISO dates; and a date standing as
    a field of its own (``(Fri)``, ``— Dec 5``). "Before X" means due on X. English words
    must stand alone: ``bypass`` and ``Friday's`` are left alone. Never raises; linear in
    the length of ``text``.
    """
    if not isinstance(text, str) or not text or not isinstance(today, date):
        return DueScan(None, text if isinstance(text, str) else "")
    squeezed, starts, ends = _squeeze(text)
    for regex in _SEARCHES:
        for match in regex.finditer(squeezed):
            groups = match.groupdict()
            phrase = next((groups[k] for k in ("date", "a", "b", "c") if groups.get(k)), None)
            if phrase is None:
                continue
            cleaned = _clean(phrase)
            if not cleaned or len(cleaned) > 64:
                continue
            reading = _reading_for(cleaned, today)
            if reading is None:
                continue
            start, end = match.span()
            while end > start and squeezed[end - 1] == " ":
                end -= 1
            if end <= start:
                continue
            lo, hi = starts[start], ends[end - 1]
            typed_lo = starts[match.start("date")] if groups.get("date") else lo
            typed_hi = ends[match.end("date") - 1] if groups.get("date") else hi
            return DueScan(
                reading.day,
                _tidy(text[:lo] + " " + text[hi:]),
                text[typed_lo:typed_hi].strip(),
                reading.assumed,
            )
    ambiguous = _AMBIGUOUS.search(squeezed)
    if ambiguous is not None:
        # 12/4 in a note: read month first (as US and Chinese writers mean it) and say so.
        name = next(k for k in ("date", "zh", "field") if ambiguous.group(k))
        month, _, day_text = ambiguous.group(name).partition("/")
        try:
            day = _nearest(today, int(month), int(day_text))
        except ValueError:
            return DueScan(None, text)
        start, end = ambiguous.span()
        while end > start and squeezed[end - 1] == " ":
            end -= 1
        phrase = text[starts[ambiguous.start(name)] : ends[ambiguous.end(name) - 1]]
        rest = _tidy(text[: starts[start]] + " " + text[ends[end - 1] :])
        return DueScan(day, rest, phrase, "month_day")
    return DueScan(None, text)


def find_due(text: str, *, today: date) -> tuple[date | None, str]:
    """The first due phrase in ``text`` and the text without it, tidied; ``(None, text)``
    when nothing is found or the date is impossible. See :func:`scan_due`."""
    found = scan_due(text, today=today)
    return found.day, found.rest
