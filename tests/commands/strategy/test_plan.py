"""The living plan: every version kept, plan history, the previous version, plan reviewed,
SWOT / whitespace, undo, and the quarterly review flag on a core account's card."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import Conversation


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def test_history_who_what_when_and_the_previous_version(acme: Conversation, clock) -> None:  # type: ignore[no-untyped-def]
    acme.say("plan goals Grow wallet share in APAC")
    clock.advance(timedelta(days=3))
    acme.say("plan goals Grow wallet share in APAC and Japan", user="bob")
    acme.say("plan competition Globex is cheaper", user="carol")
    assert "already says exactly that" in acme.text("plan competition Globex is cheaper")
    history = acme.text("plan history")
    lines = [line for line in history.splitlines() if "·" in line]
    assert lines[0].strip().startswith("• 2026-11-27 · carol · Competitive landscape")
    assert "2026-11-27 · bob · Customer goals (35 characters): Grow wallet share in APAC and Japan" in history
    assert "2026-11-24 · alice · Customer goals (25 characters): Grow wallet share in APAC" in history
    goals_only = acme.text("plan history goals")
    assert "Globex" not in goals_only and goals_only.count("Customer goals (") == 2
    previous = acme.text("plan goals previous")
    assert "As written on 2026-11-24 by alice:" in previous
    assert "Grow wallet share in APAC\n" in previous + "\n" and "Japan" not in previous
    assert "no earlier version" in acme.text("plan competition previous")
    assert acme.say("plan history nonsense").is_error


def test_swot_and_whitespace_show_once_written(acme: Conversation) -> None:
    assert "Strengths (SWOT)" not in acme.text("plan")
    acme.say("plan strengths Installed base in 3 plants")
    acme.say("plan 空白点 Service contracts")
    text = acme.text("plan")
    assert "Strengths (SWOT)" in text and "Installed base" in text
    assert "Whitespace" in text and "Service contracts" in text
    assert "Threats (SWOT)" not in text


def test_undo_takes_the_version_out_of_history(acme: Conversation) -> None:
    acme.say("plan goals First")
    acme.say("plan goals Second")
    acme.say("undo")
    assert "First" in acme.text("plan goals")
    history = acme.text("plan history goals")
    assert "Second" not in history and "First" in history


def test_a_core_plan_not_reviewed_for_a_quarter_is_flagged(acme: Conversation, clock) -> None:  # type: ignore[no-untyped-def]
    assert "has not been reviewed for a quarter" in acme.text("account")  # never
    acme.say("plan goals Grow")
    assert "has not been reviewed for a quarter" not in acme.text("account")
    clock.advance(timedelta(days=91))
    assert "has not been reviewed for a quarter" in acme.text("account")
    assert "Plan reviewed on 2027-02-23" in acme.text("plan reviewed")
    assert "has not been reviewed for a quarter" not in acme.text("account")
    assert "reviewed the plan as it stands" in acme.text("plan history")
    # Not flagged for an important account.
    acme.say("account set tier=important")
    clock.advance(timedelta(days=200))
    assert "has not been reviewed for a quarter" not in acme.text("account")


def test_reading_history_is_open_to_readers_writing_needs_work(acme: Conversation) -> None:
    acme.say("plan goals Grow")
    # Readers of the channel read the history; the SR (team) may also confirm the plan.
    from commands.authz import Need, rule_for
    from commands.parsing import parse_command

    for line, need in (("plan history goals", Need.READ), ("plan goals previous", Need.READ),
                       ("plan goals", Need.READ), ("plan reviewed", Need.WORK),
                       ("plan goals Grow more", Need.WORK)):
        args = parse_command(line, free_text=True)
        assert rule_for("plan", args, readonly=False).need is need, line
    assert not acme.say("plan history goals", user="bob").is_error
    assert not acme.say("plan reviewed", user="bob").is_error


def test_plan_history_in_chinese(acme: Conversation) -> None:
    acme.say("account set lang=zh")
    acme.say("计划 目标 扩大在华东的份额")
    acme.say("计划 目标 扩大在华东和华南的份额")
    assert "计划历史：全部章节" in acme.text("计划 历史")
    assert "由 alice 写的版本" in acme.text("计划 目标 上一版")
