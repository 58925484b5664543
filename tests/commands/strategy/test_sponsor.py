"""The executive sponsor as a full role: owns tasks by role or by name, the yearly visit,
finishing an executive meeting task records the meeting, the card counts the days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storage.models import Signal, Task
from tests.support import Conversation, flat


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=important')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def roles(chat: Conversation) -> dict[int, str]:
    with chat.core.sessions.begin() as s:
        return {t.number: t.role for t in s.exec(select(Task)).all()}


def exec_meetings(chat: Conversation) -> list[str]:
    with chat.core.sessions.begin() as s:
        return [str(x.value_date) for x in s.exec(
            select(Signal).where(Signal.metric == "exec_meeting")).all()]


def test_the_sponsor_owns_tasks_by_role_and_by_name(acme: Conversation) -> None:
    assert "sponsor · dana" in acme.text('task "Visit the CEO" owner=sponsor')
    named = acme.text('task "Lunch with the CFO" owner=@dana')
    assert "sponsor · dana" in named and "filed under AR" not in named
    assert "sponsor · dana" in acme.text('task "Dinner with the board" @dana')
    assert "高层负责人 · dana" in acme.text('任务 "拜访董事长" 负责人=高层负责人')
    # Someone holding AR and sponsor owns as AR.
    acme.say("triangle sponsor=@alice")
    assert "AR · alice" in acme.text('task "Send the contract" owner=@alice')
    assert roles(acme) == {1: "SPONSOR", 2: "SPONSOR", 3: "SPONSOR", 4: "SPONSOR", 5: "AR"}
    # A note's action for the sponsor goes to the sponsor.
    acme.say("triangle sponsor=@dana")
    assert "sponsor · dana" in acme.text("note Met.\nACTION: sponsor to call the CIO")


def test_finishing_an_executive_meeting_task_records_the_meeting(acme: Conversation, clock) -> None:  # type: ignore[no-untyped-def]
    acme.say('task "Visit the CEO" owner=sponsor')
    acme.say('task "Prepare board slides" owner=sponsor')
    acme.say('task "Meet the CIO" owner=AR')
    card = flat(acme.text("account"))
    assert "Sponsor last met the customer: never on record" in card
    done = acme.text("done 1")
    assert "Executive meeting recorded for 2026-11-24 (task #1)" in done
    assert exec_meetings(acme) == ["2026-11-24"]
    acme.say("done 2")  # the sponsor's, but no meeting
    acme.say("done 3")  # a meeting, but not the sponsor's
    assert exec_meetings(acme) == ["2026-11-24"]
    clock.advance(timedelta(days=12))
    assert "Sponsor last met the customer: 12 days ago (2026-11-24)" in flat(acme.text("account"))
    # Undo takes back the task's done and the meeting it recorded.
    acme.say('task "Dinner with the CFO" owner=@dana')
    acme.say("done 4")
    assert len(exec_meetings(acme)) == 2
    acme.say("undo")
    assert len(exec_meetings(acme)) == 1


def test_the_yearly_visit_task_counts_as_an_executive_meeting(acme: Conversation) -> None:
    from bot.alerts import run_health_check

    acme.say("account set tier=core")
    run_health_check(acme.core)
    with acme.core.sessions.begin() as s:
        visit = s.exec(select(Task).where(Task.rule_key.startswith("exec-visit:"))).one()  # type: ignore[union-attr]
        assert visit.role == "SPONSOR"
        number = visit.number
    assert "Executive meeting recorded" in acme.text(f"done {number}")


def test_sponsor_on_the_card_in_chinese(acme: Conversation) -> None:
    acme.say("account set lang=zh")
    acme.say('task "拜访客户总裁" owner=sponsor')
    assert "已记录 2026-11-24 的高层会面" in acme.text("完成 1")
    assert "高层负责人上次拜访客户: 0 天前" in flat(acme.text("客户"))
