"""commands.dates: every accepted form, the refusals, and due phrases inside free text."""

from __future__ import annotations

from datetime import date

import pytest

from commands.dates import DateParseError, find_due, parse_date

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/05", date(2026, 12, 5)),
        ("2026.12.5", date(2026, 12, 5)),
        ("2025-01-01", date(2025, 1, 1)),  # a past date with a year is taken as written
        ("+3d", date(2026, 11, 27)),
        ("+2w", date(2026, 12, 8)),
        ("+ 2 weeks", date(2026, 12, 8)),
        ("3d", date(2026, 11, 27)),
        ("+1mo", date(2026, 12, 24)),
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 25)),
        ("tmrw", date(2026, 11, 25)),
        ("day after tomorrow", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("Tuesday", date(2026, 12, 1)),  # strictly after today: a week later
        ("monday", date(2026, 11, 30)),
        ("coming friday", date(2026, 11, 27)),
        ("this friday", date(2026, 11, 27)),
        ("this monday", date(2026, 11, 23)),  # the Monday of this week, already past
        ("next friday", date(2026, 12, 4)),
        ("next tue", date(2026, 12, 1)),
        ("next week", date(2026, 12, 4)),  # a deadline: the end of that business week
        ("next month", date(2026, 12, 1)),
        ("end of month", date(2026, 11, 30)),
        ("end of the month", date(2026, 11, 30)),
        ("eom", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("eow", date(2026, 11, 27)),
        ("eoy", date(2026, 12, 31)),
        ("in 3 days", date(2026, 11, 27)),
        ("in two weeks", date(2026, 12, 8)),
        ("in a week", date(2026, 12, 1)),
        ("within 10 days", date(2026, 12, 4)),
        ("3 days from now", date(2026, 11, 27)),
        ("Dec 5", date(2026, 12, 5)),
        ("5 Dec", date(2026, 12, 5)),
        ("December 5", date(2026, 12, 5)),
        ("Dec. 5th", date(2026, 12, 5)),
        ("5th of December", date(2026, 12, 5)),
        ("Dec 5, 2027", date(2027, 12, 5)),
        ("Nov 24", TODAY),  # today is still this year
        ("Nov 1", date(2027, 11, 1)),  # already passed: next year
        ("sept 3", date(2027, 9, 3)),
        ("Feb 29", date(2028, 2, 29)),
        # Chinese
        ("今天", TODAY),
        ("明天", date(2026, 11, 25)),
        ("后天", date(2026, 11, 26)),
        ("大后天", date(2026, 11, 27)),
        ("周五", date(2026, 11, 27)),
        ("星期五", date(2026, 11, 27)),
        ("礼拜五", date(2026, 11, 27)),
        ("周二", date(2026, 12, 1)),
        ("星期天", date(2026, 11, 29)),
        ("周日", date(2026, 11, 29)),
        ("本周五", date(2026, 11, 27)),
        ("这周五", date(2026, 11, 27)),
        ("这个星期五", date(2026, 11, 27)),
        ("下周五", date(2026, 12, 4)),
        ("下星期五", date(2026, 12, 4)),
        ("下个礼拜一", date(2026, 11, 30)),
        ("下下周五", date(2026, 12, 11)),
        ("下周", date(2026, 12, 4)),
        ("下个星期", date(2026, 12, 4)),
        ("下周内", date(2026, 12, 4)),
        ("下下周", date(2026, 12, 11)),
        ("月底", date(2026, 11, 30)),
        ("本月底", date(2026, 11, 30)),
        ("下个月", date(2026, 12, 1)),
        ("下月", date(2026, 12, 1)),
        ("下个月底", date(2026, 12, 31)),
        ("年底", date(2026, 12, 31)),
        ("3天后", date(2026, 11, 27)),
        ("三天后", date(2026, 11, 27)),
        ("十天内", date(2026, 12, 4)),
        ("两周后", date(2026, 12, 8)),
        ("一个星期后", date(2026, 12, 1)),
        ("3个月后", date(2027, 2, 24)),
        ("12月5日", date(2026, 12, 5)),
        ("12月5号", date(2026, 12, 5)),
        ("12月5", date(2026, 12, 5)),
        ("十二月五日", date(2026, 12, 5)),
        ("3月1日", date(2027, 3, 1)),
        ("2026年12月5日", date(2026, 12, 5)),
        ("１２月５日", date(2026, 12, 5)),  # full-width digits
        ("２０２６－１２－０５", date(2026, 12, 5)),
        ("5号", date(2026, 12, 5)),
        ("30号", date(2026, 11, 30)),
        # case, width and spacing
        ("FRIDAY", date(2026, 11, 27)),
        ("ＦＲＩＤＡＹ", date(2026, 11, 27)),
        ("  Next   Friday ", date(2026, 12, 4)),
        ("\u3000下周五\u3000", date(2026, 12, 4)),
        ('"friday"', date(2026, 11, 27)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12/05",
        "05/12",
        "yesterday",
        "someday",
        "2026-02-30",
        "2026-13-01",
        "Feb 30",
        "+99999w",
        "13月1日",
        "friday friday",
        "next",
        "下",
        "周",
        "月",
        "3",
        "+3",
        "x" * 500,
        "\x00",
        "😀",
    ],
)
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)
    assert "date" in str(caught.value)
    assert caught.value.key == "dates.invalid"


def test_weekday_on_that_weekday_is_next_week() -> None:
    friday = date(2026, 11, 27)
    assert parse_date("friday", today=friday) == date(2026, 12, 4)
    assert parse_date("周五", today=friday) == date(2026, 12, 4)
    assert parse_date("this friday", today=friday) == friday


def test_next_week_on_a_sunday_is_the_coming_week() -> None:
    sunday = date(2026, 11, 29)
    assert parse_date("next week", today=sunday) == date(2026, 12, 4)
    assert parse_date("下周", today=sunday) == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # 2027: the holidays package makes New Year's Eve (Fri 5 Feb) the first day off.
        ("春节前完成签约", date(2026, 12, 3), date(2027, 2, 4)),
        ("before CNY", date(2026, 12, 3), date(2027, 2, 4)),
        # 2026: the break starts on Sunday 15 Feb; Saturday 14 Feb is a make-up working day.
        ("春节前完成签约", date(2026, 1, 5), date(2026, 2, 14)),
        # 2026: Tomb-Sweeping Day is a Sunday; the break takes the weekend before it.
        ("清明前提交", date(2026, 1, 5), date(2026, 4, 3)),
        ("国庆前上线", date(2026, 3, 1), date(2026, 9, 30)),
        # 元旦前: the year's last day, a year-end deadline.
        ("元旦前完成年度报告", date(2026, 12, 3), date(2026, 12, 31)),
        ("元旦前完成年度报告", date(2027, 1, 5), date(2027, 12, 31)),
    ],
)
def test_before_a_holiday_is_the_last_working_day_before_its_break(text: str, today: date, expected: date) -> None:
    assert find_due(text, today=today)[0] == expected


def test_relative_months_clamp_to_month_end() -> None:
    assert parse_date("+1mo", today=date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_date("下个月底", today=date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_date("next month", today=date(2026, 12, 15)) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("text", "due", "rest"),
    [
        ("send the quote by Friday", date(2026, 11, 27), "send the quote"),
        ("by 2026-12-05 send the deck", date(2026, 12, 5), "send the deck"),
        ("renew contract due friday", date(2026, 11, 27), "renew contract"),
        ("renew contract due by friday", date(2026, 11, 27), "renew contract"),
        ("call the CFO due=+3d please", date(2026, 11, 27), "call the CFO please"),
        ('call the CFO due="next friday"', date(2026, 12, 4), "call the CFO"),
        ("call the CFO due=next friday", date(2026, 12, 4), "call the CFO"),
        ("call the CFO due: 2026-12-05", date(2026, 12, 5), "call the CFO"),
        ("update the plan before Dec 5.", date(2026, 12, 5), "update the plan."),
        ("meet the CIO on friday", date(2026, 11, 27), "meet the CIO"),
        ("book the flights next week", date(2026, 12, 4), "book the flights"),
        ("ship it tomorrow", date(2026, 11, 25), "ship it"),
        ("ship it in 3 days", date(2026, 11, 27), "ship it"),
        ("sign by end of month", date(2026, 11, 30), "sign"),
        ("sign by EOM", date(2026, 11, 30), "sign"),
        ("send quote, by friday.", date(2026, 11, 27), "send quote."),
        ("call them (by friday)", date(2026, 11, 27), "call them"),
        ("Send quote BY FRIDAY", date(2026, 11, 27), "Send quote"),
        ("send quote ｂｙ ｆｒｉｄａｙ", date(2026, 11, 27), "send quote"),
        # Chinese
        ("下周五前确认回款计划", date(2026, 12, 4), "确认回款计划"),
        ("12月5日前完成验收", date(2026, 12, 5), "完成验收"),
        ("１２月５日前完成验收", date(2026, 12, 5), "完成验收"),
        ("在下周五之前完成方案", date(2026, 12, 4), "完成方案"),
        ("明天发报价", date(2026, 11, 25), "发报价"),
        ("月底前回款", date(2026, 11, 30), "回款"),
        ("完成验收，截止2026-12-05", date(2026, 12, 5), "完成验收"),
        ("三天后回访客户", date(2026, 11, 27), "回访客户"),
        ("5号前提交标书", date(2026, 12, 5), "提交标书"),
        ("ship 12月5日前", date(2026, 12, 5), "ship"),
        # a weekday settles which number is the month; prose forms without "by"
        ("sign off the plan by Mon 11/30", date(2026, 11, 30), "sign off the plan"),
        ("sign off the plan by Tue, Dec 1", date(2026, 12, 1), "sign off the plan"),
        ("call Tom about the budget this Friday", date(2026, 11, 27), "call Tom about the budget"),
        ("update the board first thing Monday", date(2026, 11, 30), "update the board"),
        ("send it end of day Friday", date(2026, 11, 27), "send it"),
        ("POC 方案 review，DDL 12/10", date(2026, 12, 10), "POC 方案 review"),
        ("跟进二期合同 12.15前", date(2026, 12, 15), "跟进二期合同"),
        ("完成验收，截止12.5", date(2026, 12, 5), "完成验收"),
    ],
)
def test_find_due(text: str, due: date, rest: str) -> None:
    assert find_due(text, today=TODAY) == (due, rest)


@pytest.mark.parametrize(
    "text",
    [
        "bypass the firewall",
        "review Friday's notes",
        "by Friday's meeting, read the brief",
        "review friday’s notes",
        "standby monday",
        "depends on 3d printing",
        "we spent 3 days on it",
        "send the quote friday",  # a bare weekday needs by / due / on
        "每周五例会",
        "上周五的问题",
        "准备下个月的预算",
        "门店APP v2.1 已发布",
        "release 1.5 is out",
        "usage up 3.5% this month",
        "deadline 2026-02-30",
        "",
        "nothing here",
    ],
)
def test_find_due_leaves_text_alone(text: str) -> None:
    assert find_due(text, today=TODAY) == (None, text)


def test_find_due_takes_the_first_phrase_only() -> None:
    due, rest = find_due("send by friday and call by monday", today=TODAY)
    assert due == date(2026, 11, 27)
    assert rest == "send and call by monday"


@pytest.mark.parametrize(
    "text",
    [
        "😀" * 100,
        "by " * 3000,
        "下周五前" * 2000,
        "\x00by friday\x00",
        "due=",
        'due="',
        "x" * 10_000,
        "by 9999-12-31",
        "in 9999 months",
        "by +9999w",
    ],
)
def test_find_due_never_raises_on_odd_input(text: str) -> None:
    due, rest = find_due(text, today=TODAY)
    assert due is None or isinstance(due, date)
    assert isinstance(rest, str)
