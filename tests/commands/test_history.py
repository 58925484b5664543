"""history: the account's changes in words, who / when (local time) / before -> after,
newest first, paged, in both languages; and every kind of change is in it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.app import build_core
from bot.clock import FixedClock
from bot.settings import Settings
from tests.support import Conversation


@pytest.fixture
def shanghai(settings: Settings, engine: Engine) -> Conversation:
    """A team working in Shanghai time: 10:00 there is 02:00 UTC."""
    clock = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    core = build_core(settings, clock=clock, engine=engine, migrate=False, health_alerts=False)
    chat = Conversation(core, channel="acme-team", user="alice")
    for who in ("bob", "carol", "dave"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    return chat


def lines(chat: Conversation, command: str = "history") -> list[str]:
    reply = chat.say(command)
    assert not reply.is_error, reply.plain_text()
    return [i.text for s in reply.sections for i in s.items]


def test_every_change_reads_as_who_when_what(shanghai: Conversation) -> None:
    chat = shanghai
    clock = chat.core.clock
    assert isinstance(clock, FixedClock)
    chat.say('task "Send the quote" owner=SR due=2026-12-04')
    clock.advance(timedelta(minutes=5))
    chat.say("task 1 edit due=2026-12-11 owner=FR", user="bob")
    chat.say("done 1", user="carol")
    chat.say("reopen 1", user="carol")
    chat.say("cancel 1 the customer dropped it")
    chat.say("note Met the CIO.\nACTION: SR to send the revised quote by 2026-12-04")
    chat.say("note delete 1")
    chat.say("handover SR @dave")
    chat.say("account set revenue=1.2M renewal=2027-03-31 tier=important")
    chat.say("account score value=4")
    chat.say("plan goals Grow wallet share")
    chat.say('stakeholder add "Li Wei" title=CIO power=5')
    chat.say('stakeholder add "Li Wei" power=3')
    chat.say('stakeholder remove "Li Wei"')
    chat.say("signal nps=45 csat=4.5")
    chat.say("reassign 2 owner=AR")
    history = lines(chat)
    expected = [
        'reassigned #2 "send the revised quote": owner SR · dave → AR · alice',
        "recorded NPS 45; CSAT 4.5",
        "removed stakeholder Li Wei",
        "updated stakeholder Li Wei: power 5 → 3",
        "added stakeholder Li Wei",
        "wrote the plan's customer goals (17 characters)",
        "scored the account: current value — → 4",
        "changed the account card: revenue — → 1,200,000; renewal — → 2027-03-31; "
        "tier core strategic partner → important strategic account",
        "SR handed over from bob to dave; 1 open task(s) followed",
        "deleted note 1 (its 1 task(s) kept; 0 decision(s) removed)",
        "added note 1 (1 task(s), 0 decision(s))",
        'cancelled #1 "Send the quote" (the customer dropped it)',
        'reopened #1 "Send the quote"',
        'closed #1 "Send the quote"',
        'edited #1 "Send the quote": owner SR · bob → FR · carol; due 2026-12-04 → 2026-12-11',
    ]
    whats = [line.split(" · ", 2)[2] for line in history]
    assert whats[:len(expected)] == expected
    assert history[1].startswith("2026-11-24 10:05 · alice · ")  # local time, not UTC 02:05
    assert " · bob · edited #1" in history[len(expected) - 1]
    assert " · carol · closed #1" in history[len(expected) - 2]
    reply = chat.say("history")
    assert reply.sections[0].text == "Times in Asia/Shanghai."


def test_history_is_paged_newest_first(shanghai: Conversation) -> None:
    for n in range(1, 20):
        shanghai.say(f'task "Task {n}" owner=SR')
    first = shanghai.say("history")
    assert "(23 change(s))" in first.title  # the account, three roles and 19 tasks and "history 2" in first.footer
    assert 'added task #19 "Task 19"' in first.sections[1].items[0].text
    older = lines(shanghai, "history 2")
    assert len(older) == 8
    assert older[-1].endswith("created the account Acme Corp (core strategic partner) and bound this channel")
    assert shanghai.say("history soon").is_error


def test_undone_changes_and_the_undo_itself_show(shanghai: Conversation) -> None:
    shanghai.say('task "Send the quote" owner=SR')
    shanghai.say("undo")
    history = lines(shanghai)
    assert history[0].endswith('· alice · undid: added task #1 "Send the quote", SR · bob')
    assert history[1].endswith('added task #1 "Send the quote", SR · bob (undone)')


def test_history_in_chinese(shanghai: Conversation) -> None:
    shanghai.say('task "发送报价" 负责人=SR 截止=2026-12-04')
    shanghai.say("任务 1 编辑 截止=2026-12-11 负责人=交付经理")
    shanghai.say("取消 1 客户不再需要")
    reply = shanghai.say("历史")
    assert reply.title.startswith("Acme Corp：变更历史")
    whats = [i.text.split(" · ", 2)[2] for s in reply.sections for i in s.items]
    assert whats[0] == "取消了 #1“发送报价”（客户不再需要）"
    assert whats[1] == "编辑了 #1“发送报价”：负责人 解决方案经理 · bob → 交付经理 · carol；截止 2026年12月4日 → 2026年12月11日"
    assert whats[2] == "新建任务 #1“发送报价”，解决方案经理 · bob，截止 2026年12月4日"


def test_history_needs_a_bound_channel(chat: Conversation) -> None:
    assert chat.say("history").is_error
