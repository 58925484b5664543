"""How questions are really typed: chat shorthand and spoken Chinese, nicknames, someone's
"list", what a customer person owes, a Latin account name beside Chinese, and the answer
in the question's own language."""

from __future__ import annotations

from datetime import date

import pytest

from commands.ask.intents import Kind, detect
from commands.ask.language import question_language
from commands.ask.resolve import named_in, resolve
from commands.ask.shorthand import expand
from commands.ask.understand import Known, read
from commands.health import Reason
from commands.health_text import reason_text
from commands.i18n import Translator
from storage.models import Account
from tests.commands.ask import questionset
from tests.commands.ask.record import build
from tests.support import Conversation

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("typed", "meant"), [
    ("anything due tmrw?", "anything due tomorrow?"),
    ("what's due 2moro", "what's due tomorrow"),
    ("Due TDY?", "Due today?"),
    ("what's due nxt wk", "what's due next week"),
    ("anything by eod", "anything by today"),
    ("tasks due eow", "tasks due end of the week"),
    ("合同啥时候到期", "合同什么时候到期"),
    ("合同多会儿到期", "合同什么时候到期"),
    ("陈总咋说的", "陈总怎么说的"),
    ("明儿要交啥", "明天要交什么"),
])
def test_shorthand_is_written_out(typed, meant):
    assert expand(typed) == meant
    assert expand(meant) == meant  # written out once and for all


def test_shorthand_leaves_words_and_names_alone():
    for text in ("Tom owns the week", "the cobalt order", "Mo and Wkly", "tmrwx", "2moro's"):
        assert expand(text) == text.replace("2moro's", "tomorrow's")


@pytest.mark.parametrize(("question", "lang"), [
    ("what's the NPS here", "en"),
    ("what is 陈总 working on?", "en"),
    ("NPS 是多少", "zh"),
    ("Northwind 的 revenue 多少", "zh"),  # the account's name is no language
    ("northwind 的 revenue 多少", "zh"),
    ("Bob 手上有什么", "zh"),
])
def test_the_answer_speaks_the_questions_language(question, lang):
    assert question_language(question, names=["Northwind Traders", "Northwind"], default="xx") == lang


def test_a_question_too_short_to_tell_keeps_the_channels_language():
    assert question_language("NPS?", default="zh") == "zh"
    assert question_language("summary", default="zh") == "zh"
    assert question_language("<@U1> AR?", default="en") == "en"


def _accounts(*names: str) -> list[Account]:
    return [Account(id=i + 1, name=n, name_key=n.casefold()) for i, n in enumerate(names)]


def test_a_latin_account_name_beside_chinese_is_found():
    accounts = _accounts("Northwind Traders", "Acme Labs", "华星零售")
    assert resolve("Northwind的续约日期", accounts).account.name == "Northwind Traders"
    assert resolve("Acme Labs的待办", accounts).account.name == "Acme Labs"
    assert resolve("问一下Nortwind的NPS", accounts).account.name == "Northwind Traders"  # and a typo
    assert [a.name for a in named_in("Acme Labs的待办有哪些", accounts)] == ["Acme Labs"]
    # Still a whole word: "acmelabsx" names no account exactly.
    assert named_in("acmelabsx的待办", accounts) == []


def _known() -> Known:
    known = Known()
    known.add_team(1, "Bob Martin", "bob")
    known.add_team(2, "Carol Diaz", "carol")
    known.add_team(3, "王强", "wangqiang")
    known.add_stakeholder(10, "Li Wei")
    known.add_stakeholder(11, "陈总")
    known.tasks = [(6, "Fix the dashboard login incident"), (8, "修复收银系统故障"), (1, "提交新门店系统方案")]
    return known


@pytest.mark.parametrize(("question", "kind", "who"), [
    ("anything on Bob Martin's list", Kind.OPEN_TASKS, 1),
    ("whats on bobs plate", Kind.OPEN_TASKS, 1),
    ("what's in carol's queue?", Kind.OPEN_TASKS, 2),
    ("what is Robert working on?", Kind.OPEN_TASKS, 1),
    ("anything on Li Wei's list?", Kind.CUSTOMER_TASKS, 10),
    ("what is li wei supposed to deliver", Kind.CUSTOMER_TASKS, 10),
    ("what is Li Wei expected to provide?", Kind.CUSTOMER_TASKS, 10),
    ("what do we need from Li Wei", Kind.CUSTOMER_TASKS, 10),
    ("陈总那边要提供什么", Kind.CUSTOMER_TASKS, 11),
    ("陈总答应给我们什么", Kind.CUSTOMER_TASKS, 11),
    ("what role does carol have", Kind.ROLE_HOLDER, 2),
    ("王强是什么角色", Kind.ROLE_HOLDER, 3),
    # What was said stays what was said.
    ("what did Li Wei say about the budget?", Kind.AGREEMENT, 10),
    ("what is Li Wei's stance?", Kind.STAKEHOLDERS, 10),
])
def test_whose_work_and_whose_role(question, kind, who):
    intent = detect(read(question, _known()), today=TODAY)
    assert intent.kind is kind and intent.who is not None and intent.who.id == who


@pytest.mark.parametrize(("question", "kind", "aspect", "role"), [
    ("who are we up against", Kind.PLAN, "competition", None),
    ("who else is bidding?", Kind.PLAN, "competition", None),
    ("还有哪些友商", Kind.PLAN, "competition", None),
    ("我们在跟谁竞争", Kind.PLAN, "competition", None),
    ("解决方案经理在跟哪些事", Kind.OPEN_TASKS, None, "SR"),
    ("交付经理在忙啥", Kind.OPEN_TASKS, None, "FR"),
    ("what is the SR handling?", Kind.OPEN_TASKS, None, "SR"),
    ("有没有高层负责人", Kind.ROLE_HOLDER, None, "SPONSOR"),  # "负责" is part of the role's name
    ("合同啥时候到期", Kind.RENEWAL, None, None),
    ("合同几时过期", Kind.RENEWAL, None, None),  # the contract's end, not late work
    ("when does the subscription run out?", Kind.RENEWAL, None, None),
    ("what are the customer's challenges?", Kind.PLAN, "challenges", None),
])
def test_competition_a_roles_work_and_the_contracts_end(question, kind, aspect, role):
    intent = detect(read(question, _known()), today=TODAY)
    assert (intent.kind, intent.aspect, intent.role) == (kind, aspect, role)


def test_chat_shorthand_sets_the_due_window():
    intent = detect(read("anything due tmrw?", _known()), today=TODAY)
    assert intent.kind is Kind.OPEN_TASKS and intent.window.kind == "tomorrow"
    assert detect(read("whats due nxt wk", _known()), today=TODAY).window.kind == "next_week"
    assert detect(read("anything due eod?", _known()), today=TODAY).window.kind == "today"


def test_a_problem_named_by_an_action_is_that_action():
    intent = detect(read("who is on the dashboard login problem?", _known()), today=TODAY)
    assert intent.kind is Kind.ROLE_HOLDER and intent.aspect == "topic"


@pytest.fixture
def record(core):
    questionset.configure(core)
    with core.sessions.begin() as session:
        return build(session)


def test_the_topic_names_its_own_action_not_every_title_sharing_a_word(core, record):
    text = Conversation(core, channel="huaxing", user="zhangwei").say("ask 收银系统的问题谁在处理").plain_text()
    assert "#8" in text and "#1" not in text  # 提交新门店系统方案 only shares "系统"


def test_cancelled_work_is_marked_once(core, record):
    text = Conversation(core, channel="northwind", user="alice").say("ask what was cancelled?").plain_text()
    assert text.count("✖ cancelled") == 1 and "#10" in text


def test_english_in_a_chinese_channel_is_answered_and_refused_in_english(core, record):
    chat = Conversation(core, channel="huaxing", user="zhangwei")
    reply = chat.say("ask when is the renewal?")
    assert reply.title == "华星零售 renews on 2027-02-07 (in 75 days)"
    refused = chat.say("ask which accounts are red?")  # portfolio questions go elsewhere
    assert refused.is_error and not any("\u4e00" <= ch <= "\u9fff" for ch in refused.title.replace("华星零售", ""))
    assert "年" in chat.say("ask 什么时候续约").plain_text()


def test_a_customer_person_who_owes_nothing_is_told_so_with_the_customers_actions(core, record):
    text = Conversation(core, channel="northwind", user="alice").say("ask what does Tom Baker owe us?").plain_text()
    assert "Tom Baker" in text and "#11" in text and "#12" in text


def test_a_chinese_health_reason_writes_its_date_the_chinese_way():
    reason = Reason.from_json({"code": "renewal_no_task", "severity": "yellow",
                               "values": {"days": 88, "date": "2027-02-20"}})
    assert "2027年2月20日" in reason_text(Translator("zh"), reason)
    assert "2027-02-20" in reason_text(Translator("en"), reason)
