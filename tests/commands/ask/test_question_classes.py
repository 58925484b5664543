"""Classes of questions answered from the record (issue 14, the second unseen set's
failures made general): a role's work, a customer person's actions beside their card,
decisions by topic and lately, every signal and plan section by its synonyms, the note
about a topic, the asker's own work across their accounts in a direct message, stances,
and Chinese homophone typos. On the question record (tests/commands/ask/record.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from commands.ask.intents import Kind, detect
from commands.ask.zh_mend import mend_chinese
from storage import opportunity_repo
from tests.commands.ask import questionset
from tests.commands.ask.record import CANARY, build
from tests.support import Conversation


@pytest.fixture
def record(core):
    questionset.configure(core)
    with core.sessions.begin() as session:
        return build(session)


def ask(core, question: str, *, where: str = "northwind", user: str = "alice") -> str:
    chat = Conversation(core, channel=where if where != "dm" else f"dm-{user}", user=user)
    reply = chat.say(f"ask {question}", is_direct=where == "dm")
    assert not reply.is_error, reply.plain_text()
    return reply.plain_text()


def test_a_role_holders_work_is_listed(core, record):
    for question in ("what has the sponsor got", "what does the FR have", "what's the SR got"):
        text = ask(core, question)
        assert "Open actions on Northwind Traders for" in text, question
    assert "#7 Book the executive visit" in ask(core, "what has the sponsor got")
    fr = ask(core, "what does the FR have")
    assert "#3 " in fr and "#6 " in fr and "#1 " not in fr


def test_a_customer_person_comes_with_their_actions(core, record):
    li = ask(core, "is Li Wei doing anything for us")
    assert "Li Wei — CIO" in li and "#11 Provide the site access badges" in li and "#12" not in li
    # Maria's action names her only in its owner text (no stakeholder link).
    maria = ask(core, "when is maria signing the PO")
    assert "Maria Lopez — Head of Procurement" in maria and "#12 Sign the pilot purchase order" in maria
    chen = ask(core, "陈总", where="huaxing", user="zhangwei")
    assert "#7 提供门店网络拓扑" in chen
    # Someone with no customer action: their card alone.
    assert "#" not in ask(core, "who is Tom Baker").split("Sources")[0]


def test_decisions_by_topic_and_lately(core, record):
    pricing = ask(core, "what did we decide on pricing")
    assert "fixed-price offer" in pricing  # "pricing" finds "fixed-price"
    lately = ask(core, "any decisions lately")
    assert "fixed-price offer" in lately and "Shenzhen plant first" in lately
    assert "Sensors arrived" not in lately  # decisions, not every line of the recent notes
    assert lately.index("fixed-price") < lately.index("Shenzhen plant first")  # newest first
    assert "一期验收以十家门店为准" in ask(core, "最近有什么决定", where="huaxing", user="zhangwei")


@pytest.mark.parametrize(("question", "fact"), [
    ("how much are they using the product", "72%"),
    ("are they actually using it", "72%"),
    ("how many promoters do we have", "32"),
    ("how happy are they with us", "4.1"),
    ("what's our turnaround on tickets", "6"),
    ("客户用得怎么样", "80%"),
])
def test_signals_by_synonym(core, record, question, fact):
    where, user = ("huaxing", "zhangwei") if "客户" in question else ("northwind", "alice")
    assert fact in ask(core, question, where=where, user=user)


@pytest.mark.parametrize(("question", "fact"), [
    ("where's the upside with northwind", "Predictive maintenance"),
    ("any whitespace there", "Predictive maintenance"),
    ("what are their objectives", "Raise line throughput"),
    ("what headaches do they have", "Ageing equipment"),
    ("who are we up against", "Siemens"),
])
def test_plan_sections_by_synonym(core, record, question, fact):
    assert fact in ask(core, question)


def test_upside_lists_the_open_opportunities_too(core, record):
    with core.sessions.begin() as session:
        opportunity_repo.add_opportunity(session, account_id=record.ids["northwind"], name="Line 4 analytics",
                                         value=500_000, stage="opportunity", kind="upsell", probability=None, close_date=None,
                                         at=datetime(2026, 11, 1, tzinfo=UTC))
    text = ask(core, "where's the upside")
    assert "Predictive maintenance" in text and "Line 4 analytics · upsell · opportunity" in text


def test_the_note_about_a_topic_not_the_latest(core, record):
    visit = ask(core, "what happened at the site visit")
    assert "Sensors arrived" in visit and "note 3" in visit
    assert "note 4" in ask(core, "what happened at the last meeting")
    assert "note 4" in ask(core, "what's new")
    # Li Wei is in notes 1, 2 and 4; the call with him is note 4 (newest of the best).
    assert "What note 4" in ask(core, "what happened on the call with Li Wei")
    assert "Sensors arrived" in ask(core, "what was the outcome of the site visit")


def test_my_work_across_my_accounts_in_a_direct_message(core, record):
    text = ask(core, "what's on my list", where="dm", user="bob")
    assert "Acme Labs" in text and "Northwind Traders" in text
    assert "security questionnaire" in text and "revised quote" in text
    assert CANARY not in text and "Initech" not in text and "#7" not in text
    overdue = ask(core, "my overdue tasks", where="dm", user="bob")
    assert "revised quote" in overdue and "security questionnaire" not in overdue
    acme = ask(core, "anything for acme labs?", where="dm", user="bob")
    assert "security questionnaire" in acme and "revised quote" not in acme
    zh = ask(core, "我有哪些逾期的", where="dm", user="bob")
    assert "Northwind Traders" in zh and "revised quote" in zh and "security questionnaire" not in zh
    # Not about their own work: still asked which account.
    chat = Conversation(core, channel="dm-bob", user="bob")
    assert chat.say("ask what's the NPS", is_direct=True).is_error


@pytest.mark.parametrize(("question", "who", "not_who"), [
    ("谁对我们持怀疑态度", "刘经理", "陈总"),
    ("谁支持我们", "陈总", "刘经理"),
    ("谁在质疑我们", "刘经理", "陈总"),
])
def test_stakeholders_by_stance(core, record, question, who, not_who):
    text = ask(core, question, where="huaxing", user="zhangwei")
    assert who in text and not_who not in text
    assert "Maria Lopez" in ask(core, "who doubts us")


@pytest.mark.parametrize(("typed", "meant"), [
    ("有啥逾其的", "有啥逾期的"), ("续越日期是哪天", "续约日期是哪天"), ("毛利律多少", "毛利率多少"),
    ("机汇有哪些", "机会有哪些"),
    # Right words stay as they are; only key terms are mended, not names or other words.
    ("未完成的有哪些", "未完成的有哪些"), ("合同满一年了", "合同满一年了"), ("张伟手上有什么", "张伟手上有什么"),
])
def test_chinese_homophone_typos(typed, meant):
    assert mend_chinese(typed) == meant


def test_a_chinese_typo_is_answered(core, record):
    assert "跟进下月回款计划" in ask(core, "有啥逾其的", where="huaxing", user="zhangwei")
    assert detect("逾其的任务", today=date(2026, 11, 24)).overdue


def test_days_left_to_the_renewal_is_no_open_work(core, record):
    text = ask(core, "续约日期是哪天，还剩多少天", where="huaxing", user="zhangwei")
    assert "2027年2月7日" in text and "75" in text
    assert detect("还剩哪些任务", today=date(2026, 11, 24)).kind is Kind.OPEN_TASKS
