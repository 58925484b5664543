"""Hostile input: finding dates and actions stays linear and never raises.

The old find_due was cubic on runs of spaces (2,400 spaces in a task title held other
commands for 33 s). The bound below is generous on purpose (a shared machine): the old
code took minutes on these inputs, the new one well under a second.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.dates import find_due, scan_due
from commands.extract import extract_actions, extract_note
from commands.extraction.lines import parse_line
from commands.extraction.roster import OwnerMatcher
from tests.commands.extract_score import load_rosters

TODAY = date(2026, 11, 24)
PIECES = [
    " ", "\u2003", "\u3000", "\t", "by ", "due=", '"', "next ", "friday", "Dec ", "5", "12/",
    "下周五", "前", "月底", "ACTION:", "待办：", "@bob", "<@U1|", ">", "[", "]", "- [ ] ",
    "Bob to ", "张伟", "负责", "(", ")", "（", "）", "**", "~~", ":", "：", "Q1", "春节",
    "\n", "x", "😀", "\x00",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.dates())
def test_any_mix_never_raises(pieces: list[str], today: date) -> None:
    text = "".join(pieces)
    due, rest = find_due(text, today=today)
    assert due is None or isinstance(due, date)
    assert isinstance(rest, str)
    roster = load_rosters()["acme"]
    for action in extract_note(text, today=today, roster=roster).actions:
        assert action.title.strip()
        assert "\x00" not in action.title


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_raises(text: str) -> None:
    scan_due(text, today=TODAY)
    matcher = OwnerMatcher(load_rosters()["huaxing"])
    for line in text.splitlines() or [text]:
        parse_line(line, today=TODAY, matcher=matcher, in_block=True)
        parse_line(line, today=TODAY, matcher=matcher)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([" ", "\u2003", "a", "by ", "1/", "下周五前 ", "Bob to ", "@", "[ ] "]),
       st.integers(min_value=1_000, max_value=20_000))
def test_time_grows_with_length_not_faster(unit: str, count: int) -> None:
    # Twice the text may take at most a few times as long (plus slack for a busy machine):
    # a quadratic parser would take four times, a cubic one eight.
    small = unit * count + "x"
    large = unit * (count * 4) + "x"
    started = time.perf_counter()
    find_due(small, today=TODAY)
    extract_actions(small, today=TODAY)
    first = time.perf_counter() - started
    started = time.perf_counter()
    find_due(large, today=TODAY)
    extract_actions(large, today=TODAY)
    second = time.perf_counter() - started
    assert second <= first * 12 + 0.5


@pytest.mark.parametrize("unit", [" ", "\u2003", "a", "by ", "下周五前 ", "12/", "Dec "])
def test_a_hundred_thousand_characters_in_seconds(unit: str) -> None:
    text = unit * (100_000 // len(unit)) + " send the quote by friday"
    started = time.perf_counter()
    find_due(text, today=TODAY)
    extract_actions(text, today=TODAY)
    extract_actions("ACTION: " + text, today=TODAY)
    assert time.perf_counter() - started < 10  # the old parser took minutes
