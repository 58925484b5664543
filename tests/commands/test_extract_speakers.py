"""commands.extract on transcripts (whose "I" is the speaker), lines of two actions,
unowned instructions, owners outside the team and dates that are the action's object.

The notes here are not in the labelled corpus: they are other shapes of the same kinds.
"""

from __future__ import annotations

from datetime import date

import pytest

from commands.dates import scan_due
from tests.commands.extract_score import labels, load_rosters

TODAY = date(2026, 11, 24)  # a Tuesday
ROSTERS = load_rosters()


def actions(text: str, roster: str = "acme") -> list[tuple[str, str, str]]:
    return labels(text, roster=ROSTERS[roster], today=TODAY)


def test_in_a_zoom_transcript_i_is_the_speaker_and_the_lead_in_goes() -> None:
    text = """Transcript
00:01:02 Alice Wong: Hi all.
00:01:30 Li Wei: I will share the network diagram tomorrow.
00:02:10 Robert Chen: Okay, I can prepare the sizing by Monday.
00:03:00 Priya Shah: I think the price is high.
00:03:30 Carol Diaz: welcome aboard"""
    assert actions(text) == [
        ("customer:Li Wei", "share the network diagram", "2026-11-25"),
        ("Robert Chen", "prepare the sizing", "2026-11-30"),
    ]


def test_in_a_teams_transcript_the_speaker_heads_the_lines_below() -> None:
    text = """Robert Chen  9:15 AM
Thanks. I'll draft the SOW next week.
Li Wei  9:16 AM
I am going to ask procurement for the PO.
Carol Diaz  9:17 AM
Sounds good."""
    assert actions(text) == [
        ("Robert Chen", "draft the SOW", "2026-12-04"),
        ("customer:Li Wei", "ask procurement for the PO", ""),
    ]


def test_a_chinese_speaker_line_gives_the_speaker_the_action() -> None:
    text = """[00:01:00] 张伟：好的，谢谢。
[00:01:20] 王芳：好的，我下周一前把排期发出来。
[00:01:40] 孙磊：我会在月底前发采购订单。
[00:02:00] 赵敏：我们下周确认预算。"""
    assert actions(text, "huaxing") == [
        ("王芳", "把排期发出来", "2026-11-30"),
        ("customer:孙磊", "发采购订单", "2026-11-30"),
    ]


def test_she_after_a_name_is_that_person() -> None:
    assert actions("Dana met Li Wei: she will follow up with a letter.") == [
        ("Dana Smith", "follow up with a letter", "")]


@pytest.mark.parametrize(
    ("line", "roster", "expected"),
    [
        ("Bob to send the deck; Li Wei to confirm the date by Dec 3", "acme",
         [("Robert Chen", "send the deck", ""), ("customer:Li Wei", "confirm the date", "2026-12-03")]),
        ("Bob to send the deck; and the pricing too", "acme",
         [("Robert Chen", "send the deck; and the pricing too", "")]),
        ("王芳跟物流公司确认到货时间；陈静明天整理会议纪要。", "huaxing",
         [("王芳", "跟物流公司确认到货时间", ""), ("陈静", "整理会议纪要", "2026-11-25")]),
    ],
)
def test_two_clauses_with_their_own_owners_are_two_actions(line: str, roster: str, expected: list) -> None:
    assert actions(line, roster) == expected


@pytest.mark.parametrize(
    ("line", "roster", "expected"),
    [
        ("Someone should chase the PO by Friday", "acme", [("", "chase the PO", "2026-11-27")]),
        ("Send the NDA to Priya before Dec 4", "acme", [("", "Send the NDA to Priya", "2026-12-04")]),
        ("需要有人跟进回款。", "huaxing", [("", "跟进回款", "")]),
        ("周五前更新报价单", "huaxing", [("", "更新报价单", "2026-11-27")]),
        ("Sent the NDA to Priya before Dec 4", "acme", []),
        ("Check the logs", "acme", []),
        ("Anyone available can join.", "acme", []),
    ],
)
def test_an_instruction_with_no_owner(line: str, roster: str, expected: list) -> None:
    assert actions(line, roster) == expected


@pytest.mark.parametrize(
    ("line", "roster", "expected"),
    [
        ("Kevin (Globex): send the floor plans", "acme", [("text:Kevin", "send the floor plans", "")]),
        ("Lucy 明天提交测试报告", "huaxing", [("text:Lucy", "提交测试报告", "2026-11-25")]),
        ("孙磊的同事会发来报价单", "huaxing", [("customer:孙磊", "发来报价单", "")]),
        ("*Erik* will update the CRM", "acme", [("Erik Larsen", "update the CRM", "")]),
        ("Revenue will grow next year.", "acme", []),
        ("Budget review - Tom Baker / Dana\nTom Baker asked for a plan.\nDana to send the plan", "acme",
         [("Dana Smith", "send the plan", "")]),
    ],
)
def test_owners_as_written_and_no_owner_in_a_noun(line: str, roster: str, expected: list) -> None:
    assert actions(line, roster) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("刘洋在招标前给周建国打电话", [("刘洋", "在招标前给周建国打电话", "")]),
        ("王芳跟物流公司一起核对到货清单", [("王芳", "跟物流公司一起核对到货清单", "")]),
        ("王芳在北京支持项目", []),
        ("李娜和赵敏讨论了方案", []),
        ("赵敏表示下个月会启动二期", []),
        ("赵敏确认下个月要增加三家门店", []),
    ],
)
def test_a_name_then_the_circumstance_then_the_verb(line: str, expected: list) -> None:
    assert actions(line, "huaxing") == expected


@pytest.mark.parametrize(
    ("text", "due", "rest"),
    [
        ("close the open tickets this week", date(2026, 11, 27), "close the open tickets"),
        ("send the draft to Priya 12/2", date(2026, 12, 2), "send the draft to Priya"),
        ("move the go-live to Dec 10", None, "move the go-live to Dec 10"),
        ("book the room for the week of Dec 14", None, "book the room for the week of Dec 14"),
        ("run the pilot from 12/1", None, "run the pilot from 12/1"),
    ],
)
def test_a_date_that_is_the_object_is_no_deadline(text: str, due: date | None, rest: str) -> None:
    found = scan_due(text, today=TODAY)
    assert (found.day, found.rest) == (due, rest)


def test_a_speaker_off_the_roster_is_kept_as_written() -> None:
    text = """Intro call
[00:01] Mike: I'll send the floor plans by Friday.
[00:02] Alice Wong: Thanks.
[00:04] Sarah Jones: I'm going to review the NDA."""
    assert actions(text) == [
        ("text:Mike", "send the floor plans", "2026-11-27"),
        ("text:Sarah Jones", "review the NDA", ""),
    ]
    zh = "[00:01] 马强：我下周一前把图纸发过来。\n[00:02] 张伟：好的。\n[00:03] 李娜：我来准备方案。"
    assert actions(zh, "huaxing") == [("text:马强", "把图纸发过来", "2026-11-30"), ("李娜", "准备方案", "")]


@pytest.mark.parametrize(
    ("line", "roster", "expected"),
    [
        ("Alice to postpone the workshop until Jan 5", "acme",
         [("Alice Wong", "postpone the workshop until Jan 5", "")]),
        ("Carol to push the go-live to Dec 10", "acme", [("Carol Diaz", "push the go-live to Dec 10", "")]),
        ("王芳负责把上线推迟到12月10日", "huaxing", [("王芳", "把上线推迟到12月10日", "")]),
        ("Bob to send the deck to Priya by Dec 3", "acme", [("Robert Chen", "send the deck to Priya", "2026-12-03")]),
    ],
)
def test_the_date_something_is_moved_to_is_no_deadline(line: str, roster: str, expected: list) -> None:
    assert actions(line, roster) == expected
