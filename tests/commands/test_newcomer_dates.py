"""The date forms a newcomer types first, as whole values, and refusals that show what works."""

from __future__ import annotations

from datetime import date

import pytest

from commands.dates import DateParseError, parse_date
from tests.support import Conversation

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(("text", "day"), [
    ("12/15", date(2026, 12, 15)),
    ("Dec 5", date(2026, 12, 5)),
    ("dec-5", date(2026, 12, 5)),
    ("next tuesday", date(2026, 12, 1)),
    ("春节前", date(2027, 2, 4)),  # the last working day before the Chinese New Year break
    ("before CNY", date(2027, 2, 4)),
    ("国庆前", date(2027, 9, 30)),
    ("下周五前", date(2026, 12, 4)),
    ("by friday", date(2026, 11, 27)),
])
def test_whole_values(text: str, day: date):
    assert parse_date(text, today=TODAY) == day


def test_a_refusal_gives_two_examples_that_work():
    with pytest.raises(DateParseError) as err:
        parse_date("blorp", today=TODAY)
    assert "For example: 2026-12-05 or next friday" in str(err.value)
    for example in ("2026-12-05", "next friday"):
        parse_date(example, today=TODAY)


def test_unquoted_and_chinese_dates_in_commands(chat: Conversation):
    chat.say('account new "Acme"')
    assert "due 2026-12-01 (Tue)" in chat.text('task "Book the QBR" due=next tuesday')
    assert "2027-02-04" in chat.text('task "Sign the contract" due=春节前')
    refused = chat.text('task "x" due=blorp')
    assert "For example: 2026-12-05 or next friday" in refused
    assert "例如：12月5日 或 下周五" in chat.text('任务 "x" 截止=随便')


def test_report_last_month(chat: Conversation):
    chat.say('account new "Acme"')
    assert "2026-10" in chat.text("report last month") or "October 2026" in chat.text(
        "report last month")
    refused = chat.text("report blah")
    assert "report 2026-10 or report last month" in refused
    assert "2026" in chat.text("报告 上月")
