"""commands.extract: action lines in meeting notes, owners, due dates, and odd input."""

from __future__ import annotations

from datetime import date

import pytest

from commands.extract import extract_actions
from commands.extraction.lines import parse_line
from commands.extraction.roster import OwnerMatcher


def brief(found):
    return [(a.title, a.owner, a.due, a.line_no, a.raw) for a in found]


def ExtractedAction(title, owner, due, line_no, raw):  # noqa: N802 - the old shape, as a tuple
    return (title, owner, due, line_no, raw)

TODAY = date(2026, 11, 24)  # a Tuesday
FRI, NEXT_FRI, MON = date(2026, 11, 27), date(2026, 12, 4), date(2026, 11, 30)
DEC5, EOM = date(2026, 12, 5), date(2026, 11, 30)


@pytest.mark.parametrize(
    ("line", "title", "owner", "due"),
    [
        ("ACTION: send the quote by Friday", "send the quote", None, FRI),
        ("action: send the quote", "send the quote", None, None),
        ("Action item: renew the contract owner=AR", "renew the contract", "AR", None),
        ("Action items: renew the contract", "renew the contract", None, None),
        ("AI: prepare demo due=+3d", "prepare demo", None, FRI),
        ("TODO call the CFO", "call the CFO", None, None),
        ("TODO: review logistics plan", "review logistics plan", None, None),
        ("- [ ] book the install team next week", "book the install team", None, MON),
        ("* [ ] draft proposal (SR)", "draft proposal", "SR", None),
        ("1. [ ] draft proposal (@bob)", "draft proposal", "@bob", None),
        ("@bob will send the quote by Friday", "send the quote", "@bob", FRI),
        ("<@U123> to call the CFO", "call the CFO", "<@U123>", None),
        (
            "<@U123ABC|bob> to follow up on Friday's notes",
            "follow up on Friday's notes",
            "<@U123ABC|bob>",
            None,
        ),
        ("SR will prepare the bid before Dec 5", "prepare the bid", "SR", DEC5),
        ("AR to check payment status", "check payment status", "AR", None),
        ("ACTION(SR): update the architecture", "update the architecture", "SR", None),
        ("ACTION (fr): fix the install", "fix the install", "FR", None),
        ("ACTION @bob: fix the bypass", "fix the bypass", "@bob", None),
        ("ACTION: owner=@carol send the deck", "send the deck", "@carol", None),
        ("TODO AR review contract", "review contract", "AR", None),
        ("**Action:** prepare the QBR by 2026-12-05", "prepare the QBR", None, DEC5),
        ("> ACTION: post it in Slack", "post it in Slack", None, None),
        ("- ACTION: in a bullet", "in a bullet", None, None),
        # Chinese
        ("待办：客户经理：下周五前确认回款计划", "确认回款计划", "AR", NEXT_FRI),
        ("待办: 发报价", "发报价", None, None),
        ("待办 发报价", "发报价", None, None),
        ("行动：安排上线", "安排上线", None, None),
        ("行动项：培训客户", "培训客户", None, None),
        ("TODO：整理需求", "整理需求", None, None),
        ("ＴＯＤＯ：整理需求", "整理需求", None, None),
        ("@张三 负责 跟进验收 12月5日前", "跟进验收", "@张三", DEC5),
        ("- [ ] 交付经理 12月5日前完成验收", "完成验收", "FR", DEC5),
        ("- [ ] 交付经理12月5日前完成验收", "完成验收", "FR", DEC5),
        ("- [ ] ＡＲ 月底前回款", "回款", "AR", EOM),
        ("交付经理负责在下周五之前完成验收", "完成验收", "FR", NEXT_FRI),
        ("待办：负责人=@李四 明天演示", "演示", "@李四", date(2026, 11, 25)),
        ("行动(解决方案经理)：准备标书", "准备标书", "SR", None),
        ("客户经理：下周五前确认回款计划", "确认回款计划", "AR", NEXT_FRI),  # owner: instruction
    ],
)
def test_single_lines(line: str, title: str, owner: str | None, due: date | None) -> None:
    assert brief(extract_actions(line, today=TODAY)) == [(title, owner, due, 1, line.strip())]


@pytest.mark.parametrize(
    "line",
    [
        "We discussed pricing",
        "The customer is happy with the delivery",
        "- [x] already done",
        "- [X] ACTION: already done",
        "* [✓] 已完成",
        "Action items were discussed at length",
        "AI is changing the market",
        "@bob thanks for the update",
        "ar will be fine",  # a lower-case code in prose is not an owner
        "ACTION:",
        "ACTION: !!!",
        "TODO",
        "- [ ]",
        "- [ ] by friday",
        "待办：",
        "行动迅速",
        "- discussed the roadmap",  # a bullet outside an action block
    ],
)
def test_not_actions(line: str) -> None:
    assert extract_actions(line, today=TODAY) == []


def test_a_whole_note_with_blocks() -> None:
    note = "\n".join(
        [
            "Meeting with Acme, 24 Nov",  # 1
            "We discussed pricing.",  # 2
            "Action items:",  # 3
            "- send the deck to @carol",  # 4
            "- FR: ship the servers tomorrow",  # 5
            "1. SR: solution design by eom",  # 6
            "",  # 7
            "- still in the list after a blank line",  # 8
            "待办：",  # 9
            "客户经理：在下周五之前拜访CIO",  # 10
            "解决方案经理：明天演示",  # 11
            "会议结束",  # 12
            "- [x] done already",  # 13
            "@bob will chase payment by Dec 5",  # 14
        ]
    )
    assert brief(extract_actions(note, today=TODAY)) == [
        ExtractedAction("send the deck to @carol", None, None, 4, "- send the deck to @carol"),
        ExtractedAction(
            "ship the servers", "FR", date(2026, 11, 25), 5, "- FR: ship the servers tomorrow"
        ),
        ExtractedAction("solution design", "SR", EOM, 6, "1. SR: solution design by eom"),
        ExtractedAction(
            "still in the list after a blank line", None, None, 8,
            "- still in the list after a blank line",
        ),
        ExtractedAction("拜访CIO", "AR", NEXT_FRI, 10, "客户经理：在下周五之前拜访CIO"),
        ExtractedAction("演示", "SR", date(2026, 11, 25), 11, "解决方案经理：明天演示"),
        ExtractedAction("chase payment", "@bob", DEC5, 14, "@bob will chase payment by Dec 5"),
    ]


def test_crlf_and_line_numbers() -> None:
    note = "hello\r\nACTION: one\r\n\r\nTODO two\r\n"
    found = extract_actions(note, today=TODAY)
    assert [(a.line_no, a.title) for a in found] == [(2, "one"), (4, "two")]
    assert found[0].raw == "ACTION: one"


def test_mention_inside_the_line_is_not_the_owner() -> None:
    [action] = extract_actions("ACTION: send the contract to @bob", today=TODAY)
    assert action.owner is None
    assert action.title == "send the contract to @bob"


def test_explicit_owner_key_wins_over_a_leading_owner() -> None:
    [action] = extract_actions("TODO @bob: send the quote owner=SR", today=TODAY)
    assert action.owner == "SR"
    assert action.title == "send the quote"


def test_nul_and_control_characters_are_dropped_from_titles() -> None:
    [action] = extract_actions("ACTION: send\x00 the\x1b quote", today=TODAY)
    assert action.title == "send the quote"


ODD_INPUTS = [
    "",
    "\n\n\n",
    "\x00",
    "ACTION:\x00",
    "😀" * 50,
    "ACTION: 😀",
    "ACTION: " + "x" * 10_000,
    "x" * 10_000,
    "@" * 10_000,
    "<@" * 5_000,
    "- [ ] " * 2_000,
    "ACTION: by " * 2_000,
    "待办：" * 3_000,
    "下周五前" * 3_000,
    "ACTION(" * 1_000,
    "ACTION(SR",
    "owner=" * 1_000,
    'due="' * 1_000,
    "TODO\u2028ACTION: x\u2029",
    "\ud800",  # a lone surrogate
    "ACTION: \u200b\u200b",
    "ＡＣＴＩＯＮ：\u3000",
    "- [ ] (SR)",
    "ACTION: owner=SR",
    "[ ]" * 3_000,
    "\t\t- [ ]\t\t",
    "::::::::",
    "行动：。。。",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises(text: str) -> None:
    found = extract_actions(text, today=TODAY)
    assert isinstance(found, list)
    for action in found:
        assert action.title.strip()
        assert "\x00" not in action.title


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_unguarded_parts(text: str) -> None:
    # The same strings through the part extract_actions guards, so a bug is not hidden.
    matcher = OwnerMatcher(None)
    for line in text.splitlines() or [text]:
        parse_line(line, today=TODAY, matcher=matcher, in_block=True)
        parse_line(line, today=TODAY, matcher=matcher)


@pytest.mark.parametrize(
    "text",
    ["", "ACTION:", "ACTION: !!!", "- [ ]", "TODO", "😀", "\x00", "待办：", "::"],
)
def test_garbage_gives_nothing(text: str) -> None:
    assert extract_actions(text, today=TODAY) == []


def test_wrong_types_give_nothing() -> None:
    assert extract_actions(None, today=TODAY) == []  # type: ignore[arg-type]
    assert extract_actions("ACTION: x", today=None) == []  # type: ignore[arg-type]


def test_a_generated_mix_of_odd_lines_never_raises() -> None:
    pieces = [
        "ACTION",
        ":",
        "：",
        "@",
        "<@U1|",
        ">",
        "[",
        "]",
        " ",
        "x",
        "by",
        "friday",
        "下周五",
        "前",
        "\x00",
        "😀",
        "(",
        ")",
        "owner=",
        "due=",
        "-",
        "TODO",
        "待办",
        "\n",
        "SR",
        "ＡＲ",
        "客户经理",
        "'",
        '"',
        "\u3000",
    ]
    for seed in range(3000):
        line = "".join(pieces[(seed * 7919 + i * 104729) % len(pieces)] for i in range(seed % 23))
        for action in extract_actions(line, today=TODAY):
            assert action.title.strip()
