"""The date forms understood, each a pattern and what date it builds from ``today``."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from commands.dates.arithmetic import (
    add_months,
    in_week,
    month_end,
    nearest,
    quarter_end,
    shift,
    upcoming,
    week_friday,
)
from commands.dates.festivals import FEST_EN, FEST_ZH, before_festival
from commands.dates.words import (
    CN,
    DAY_NUMBER,
    DAY_WORDS,
    MON,
    MONTHS_EN,
    NUMBER_WORDS,
    NUMW,
    UNIT_EN,
    UNIT_ZH,
    WD,
    WD_ZH,
    WEEK_ZH,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    ZH_QUARTERS,
)
from commands.textfold import small_number

Groups = dict[str, str | None]


@dataclass(frozen=True)
class Rule:
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
        return upcoming(today, month, day)
    if len(g.get("y") or "") <= 2:  # 12/15/26; a year of four digits is taken as written
        year += 2000
    return date(year, month, day)


def _month_name(g: Groups, today: date) -> date:
    return _ymd({"y": g.get("y"), "m": str(MONTHS_EN[g["mon"] or ""]), "d": g["d"]}, today)


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


def _weekday_slashed(g: Groups, today: date) -> date:
    """``Mon 12/7``: the weekday settles month/day against day/month (month first when it
    cannot); the nearest such day, as for any day without a year."""
    first, second = int(g["a"] or "0"), int(g["b"] or "0")
    weekday = WEEKDAYS_EN[g["wd"] or ""]
    readings = [(first, second), (second, first)] if first != second else [(first, second)]
    valid = []
    for month, day in readings:
        try:
            valid.append(_ymd({"y": g.get("y"), "m": str(month), "d": str(day)}, today))
        except ValueError:
            continue
    if not valid:
        raise ValueError("no such day")
    if g.get("y"):
        return next((d for d in valid if d.weekday() == weekday), valid[0])
    near = [nearest(today, d.month, d.day) for d in valid]
    return next((d for d in near if d.weekday() == weekday), near[0])


def _day_only(g: Groups, today: date) -> date:
    day = small_number(g["d"] or "")
    if day is None:
        raise ValueError("not a number")
    for months in range(3):  # 31号 on 30 November is 31 December
        first = add_months(today.replace(day=1), months)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate >= today:
                return candidate
    raise ValueError("no such day")


def _relative(g: Groups, today: date) -> date:
    raw = g["n"] or ""
    count = NUMBER_WORDS.get(raw)
    if count is None:
        count = small_number(raw)
    if count is None:
        raise ValueError("not a number")
    return shift(today, count, g["u"] or "d")


def _day_word(g: Groups, today: date) -> date:
    word = re.sub(r"\s+", " ", g["w"] or "")
    if word not in DAY_WORDS:  # end of (the business) day, close of business
        return today
    return today + timedelta(days=DAY_WORDS[word])


def _weekday_en(g: Groups, today: date) -> date:
    mod = re.sub(r"\s+", " ", g.get("mod") or "") or None
    return in_week(today, WEEKDAYS_EN[g["wd"] or ""], mod)


def _weekday_zh(g: Groups, today: date) -> date:
    return in_week(today, WEEKDAYS_ZH[g["wd"] or ""], g["mod"])


def _next_period(g: Groups, today: date) -> date:
    what = g["what"] or ""
    if what == "week":  # a deadline "next week" is met by the end of that business week
        return week_friday(today, 1)
    if what == "month":
        return add_months(today.replace(day=1), 1)
    return date(today.year + 1, 1, 1)


def _end_of(g: Groups, today: date) -> date:
    what = re.sub(r"\s+", " ", g.get("what") or g.get("abbr") or "")
    ahead = what.startswith("next ")
    what = what.removeprefix("next ")
    if what in ("month", "m"):
        return month_end(add_months(today.replace(day=1), 1 if ahead else 0))
    if what in ("week", "w"):
        return week_friday(today, 1 if ahead else 0)
    if what in ("quarter", "q"):
        quarter = (today.month - 1) // 3 + 1 + (1 if ahead else 0)
        return quarter_end(today.year + (quarter - 1) // 4, (quarter - 1) % 4 + 1)
    return date(today.year + (1 if ahead else 0), 12, 31)


def _this_week(g: Groups, today: date) -> date:
    return week_friday(today, 0)


def _zh_week(g: Groups, today: date) -> date:
    # 下周 / 下周内 as a deadline: by the end of that business week (its Friday).
    return week_friday(today, (g["mod"] or "下").count("下"))


def _zh_month(g: Groups, today: date) -> date:
    first = add_months(today.replace(day=1), (g["mod"] or "").count("下"))
    end = g.get("end")
    if end == "中":
        return first.replace(day=15)
    return month_end(first) if end in ("底", "末", "内") else first


def _month_part(g: Groups, today: date) -> date:
    """12月底 / 12月中旬 / end of December / mid-Dec: a point in a named month, the coming one."""
    if g.get("mon"):
        month = MONTHS_EN[g["mon"] or ""]
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


def _this_quarter(g: Groups, today: date) -> date:
    return _end_of({"what": "quarter"}, today)


def _quarter(g: Groups, today: date) -> date:
    quarter = ZH_QUARTERS[g["q"] or ""]
    year = small_number(g.get("y") or "")
    if year is not None:
        return quarter_end(year, quarter)
    end = quarter_end(today.year, quarter)
    return end if end >= today else quarter_end(today.year + 1, quarter)


RULES: tuple[Rule, ...] = (
    Rule(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![0-9])", _ymd, free=True),
    Rule(rf"(?P<y>\d{{4}})\s?年\s?(?P<m>{CN})\s?月\s?(?P<d>{CN})\s?[日号]?", _ymd, chinese=True),
    Rule(rf"(?P<m>{CN})\s?月\s?(?P<d>{CN})\s?[日号]", _ymd, chinese=True, calendar=True),
    Rule(
        rf"(?P<m>{CN})\s?月\s?(?P<part>底|末|中旬|上旬|下旬|中)",
        _month_part,
        chinese=True,
        calendar=True,
    ),
    Rule(rf"(?P<m>{CN})\s?月\s?(?P<d>{CN})", _ymd, find=False, calendar=True),
    # A weekday before a numeric date settles which number is the month: "Mon 12/7".
    Rule(
        rf"(?P<wd>{WD})\.?,?\s(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:/(?P<y>\d{{4}}|\d{{2}}))?(?![0-9/])",
        _weekday_slashed,
        free=True,
        calendar=True,
    ),
    Rule(
        r"(?<![0-9/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![0-9/])",
        _slashed,
        calendar=True,
    ),
    # 12.15 (month.day, as Chinese notes write it): only after 前 / by / 截止 or as a field,
    # never glued to a letter or another number (v2.1, 1.5M, 3.5%).
    Rule(
        r"(?<![0-9.a-z])(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?![0-9.%a-z])",
        _ymd,
        calendar=True,
    ),
    Rule(
        rf"(?:the\s)?(?:end\sof|late)\s(?P<mon>{MON})\.?(?![a-z])",
        _month_part,
        free=True,
        calendar=True,
    ),
    Rule(rf"mid[-\s]?(?P<mon>{MON})\.?(?![a-z])", _mid_month, free=True, calendar=True),
    Rule(
        rf"(?:{WD}\.?,?\s)?(?P<mon>{MON})(?:\.\s?|\s?-\s?|\s)?{DAY_NUMBER}(?:\s?,?\s?(?P<y>\d{{4}}))?(?![0-9])",
        _month_name,
        free=True,
        calendar=True,
    ),
    Rule(
        rf"(?:{WD}\.?,?\s)?{DAY_NUMBER}(?:\s?-\s?|\s)?(?:of\s)?(?P<mon>{MON})(?![a-z])\.?(?:\s?,?\s?(?P<y>\d{{4}}))?",
        _month_name,
        free=True,
        calendar=True,
    ),
    Rule(
        rf"(?:in|within)\s(?P<n>{NUMW})\s?(?P<u>{UNIT_EN})(?:\s(?:from\snow|from\stoday))?",
        _relative,
        free=True,
    ),
    Rule(rf"(?P<n>{NUMW})\s?(?P<u>{UNIT_EN})\s(?:from\snow|from\stoday)", _relative, free=True),
    Rule(rf"\+\s?(?P<n>\d{{1,4}})\s?(?P<u>{UNIT_EN})", _relative),
    Rule(rf"(?P<n>\d{{1,4}})\s?(?P<u>{UNIT_EN})", _relative, find=False),
    Rule(
        rf"(?:eod|cob|end\sof\s(?:the\s)?(?:business\s)?day)\s(?:on\s)?(?:(?P<mod>this|next)\s)?(?P<wd>{WD})",
        _weekday_en,
        free=True,
    ),
    Rule(
        rf"(?:(?P<mod>this|next)\s)?(?P<wd>{WD})\s(?:eod|cob|end\sof\s(?:the\s)?day)",
        _weekday_en,
        free=True,
    ),
    Rule(
        r"(?:eod|cob|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness)\s(?:tomorrow|tmrw|tmr)"
        r"|(?:tomorrow|tmrw|tmr)\s(?:eod|cob|end\sof\s(?:the\s)?day|close\sof\sbusiness)",
        lambda g, today: today + timedelta(days=1),
        free=True,
    ),
    Rule(
        r"(?P<w>eod|cob|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness)",
        _day_word,
        free=True,
    ),
    Rule(
        r"(?P<w>(?:the\s)?day\safter\stomorrow|today|tonight|tomorrow|tmrw|tmr|eod|cob"
        r"|end\sof\s(?:the\s)?(?:business\s)?day|close\sof\sbusiness|end\sof\stoday)",
        _day_word,
    ),
    Rule(r"(?P<w>今天|今日|今晚|明天|明日|明早|明晚|大后天|后天)", _day_word, chinese=True),
    Rule(rf"(?P<mod>next)\s(?P<wd>{WD})", _weekday_en, free=True),
    Rule(rf"(?P<mod>this\scoming|coming|this)\s(?P<wd>{WD})", _weekday_en, free=True),
    Rule(
        rf"first\sthing\s(?:on\s)?(?:(?P<mod>this|next)\s)?(?P<wd>{WD})",
        _weekday_en,
        free=True,
    ),
    Rule(r"first\sthing\s(?P<w>tomorrow|tmrw|tmr)", _day_word, free=True),
    Rule(rf"(?:(?P<mod>this\scoming|coming|this)\s)?(?P<wd>{WD})", _weekday_en),
    Rule(r"next\s(?P<what>week|month|year)", _next_period),
    Rule(
        r"(?:the\s)?end\sof\s(?:the\s|this\s)?(?P<what>next\s(?:week|month|quarter|year)"
        r"|month|week|quarter|year)|eo(?P<abbr>[mwyq])",
        _end_of,
        free=True,
    ),
    Rule(r"this\sweek", _this_week),
    Rule(
        r"(?:(?:the\s)?end\sof\s(?:the\s)?)?(?:q(?P<q>[1-4])|(?P<q2>[1-4])q)"
        r"(?:\s?(?P<y>\d{4}))?(?:\s?end)?(?![a-z0-9])",
        lambda g, t: _quarter({"q": g.get("q") or g.get("q2"), "y": g.get("y")}, t),
    ),
    Rule(
        r"(?:in|during|(?:by\s)?(?:the\s)?end\sof(?:\sthe)?)\sq(?P<q>[1-4])(?![a-z0-9])",
        _quarter,
        free=True,
    ),
    Rule(r"(?:第)?(?P<q>[一二三四1-4])\s?季度(?:末|底|结束)", _quarter, chinese=True),
    Rule(r"(?:第)?(?P<q>[一二三四1-4])\s?季度", _quarter),
    Rule(r"(?:本|这个?)?\s?季度?(?:末|底)", _this_quarter, chinese=True),
    Rule(rf"(?P<fest>{FEST_EN}|{FEST_ZH})", before_festival),
    Rule(
        rf"(?P<mod>下下个?|下个?|本|这个?)?\s?{WEEK_ZH}\s?(?P<wd>{WD_ZH})",
        _weekday_zh,
        chinese=True,
    ),
    Rule(rf"(?:本|这个?)\s?{WEEK_ZH}(?:内|之内|以内)?(?!\s?{WD_ZH})", _this_week, chinese=True),
    Rule(
        rf"(?P<mod>下下个?|下个?)\s?{WEEK_ZH}(?P<within>内|之内|以内)?(?!\s?{WD_ZH})",
        _zh_week,
        chinese=True,
    ),
    Rule(r"(?P<mod>下下个?|下个?)\s?月\s?(?P<end>底|末|中)", _zh_month, chinese=True),
    # 下个月 alone reads as "during next month" in prose (准备下个月的预算): values only.
    Rule(r"(?P<mod>下下个?|下个?)\s?月\s?(?P<end>初)?", _zh_month, find=False),
    Rule(r"(?P<mod>本|这个?)?\s?月\s?(?P<end>底|末|中)", _zh_month, chinese=True),
    Rule(r"(?P<mod>本|这个?)\s?月\s?(?P<end>内)", _zh_month, chinese=True),
    Rule(r"(?:今|本)?年\s?(?:底|末|内)", _year_end, chinese=True),
    Rule(
        rf"(?P<n>{CN})\s?(?P<u>{UNIT_ZH})\s?(?:后|之后|以后|内|之内|以内)",
        _relative,
        chinese=True,
    ),
    # A bare day of the month only when it ends the text or a 前 follows (5号前).
    Rule(rf"(?P<d>{CN})\s?[日号](?=\s?(?:之前|以前|前)|$)", _day_only),
    Rule(r"(?:the\s)?(?P<d>\d{1,2})(?:st|nd|rd|th)(?![a-z0-9])", _day_only),
)

COMPILED = tuple((re.compile(rule.pattern), rule) for rule in RULES)
