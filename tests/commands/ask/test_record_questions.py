"""The parts of question answering the question set relies on, tested on their own:
windows of time, typo mending, account resolution, the other-account rule, portfolio
reads (what each place may see, a constant number of queries) and the model's context."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from commands.ask import context as ctxmod
from commands.ask.facts import gather
from commands.ask.periods import due_window, past_window
from commands.ask.portfolio import detect as detect_portfolio
from commands.ask.portfolio import rows_of
from commands.ask.resolve import resolve
from commands.ask.understand import Known, mend, read
from storage import health_repo, repos
from storage.models import Account, Decision, PlanSection
from tests.commands.ask import questionset
from tests.commands.ask.record import CANARY, build
from tests.support import Conversation

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("what's due this week", "this_week", date(2026, 11, 23), date(2026, 11, 29)),
    ("本周到期", "this_week", date(2026, 11, 23), date(2026, 11, 29)),
    ("下周要到期的有哪些", "next_week", date(2026, 11, 30), date(2026, 12, 6)),
    ("月底前要完成哪些", "end_of_month", None, date(2026, 11, 30)),
    ("by the end of the month", "end_of_month", None, date(2026, 11, 30)),
    ("today", "today", TODAY, TODAY),
    ("明天", "tomorrow", date(2026, 11, 25), date(2026, 11, 25)),
    ("next month", "next_month", date(2026, 12, 1), date(2026, 12, 31)),
    ("in the next 10 days", "next_days", TODAY, date(2026, 12, 4)),
    ("未来7天内", "next_days", TODAY, date(2026, 12, 1)),
    ("before Dec 1", "until", None, date(2026, 12, 1)),
])
def test_due_windows(text, kind, start, end):
    window = due_window(text, TODAY)
    assert (window.kind, window.start, window.end) == (kind, start, end)


def test_past_windows():
    assert past_window("last month", TODAY).start == date(2026, 10, 1)
    assert past_window("上周", TODAY).end == date(2026, 11, 22)
    assert past_window("最近", TODAY).start == date(2026, 10, 25)
    assert past_window("what's open", TODAY) is None


def test_typos_are_mended_but_words_are_not_invented():
    assert mend("whats overdeu for the renwal") == "whats overdue for the renewal"
    assert mend("stakholders and helth") == "stakeholders and health"
    assert mend("whats the nsp") == "whats the nps"
    # Common words near cue words stay as they are.
    assert mend("how close are we, please") == "how close are we, please"


def test_people_by_name_handle_nickname_and_chinese_honorific():
    known = Known()
    known.add_team(1, "Bob Martin", "bob")
    known.add_team(2, "张伟", "zhangwei")
    known.add_stakeholder(3, "陈明", "总经理")
    assert read("what is Bob working on?", known).person.id == 1
    assert read("what does bob martin have", known).person.id == 1
    assert read("张伟手上有什么", known).person.id == 2
    assert read("我们和陈总谈了什么", known).person.id == 3
    # A name is a whole word ("Bobo" is nobody); nicknames come from the roster's table.
    assert read("what does Bobo do", known).person is None
    assert read("what is Robert working on?", known).person.id == 1
    assert read("what does Bobby have", known).person.id == 1


def test_a_nickname_two_people_share_names_neither_and_own_names_come_first():
    known = Known()
    known.add_team(1, "Bob Martin", "bob")
    known.add_team(2, "Christina Lee", "tina")
    known.add_team(3, "Christopher Wu", "cwu")
    known.add_team(4, "William Turner", "wt")
    assert read("what is Chris working on?", known).person is None  # Christina's and Christopher's
    assert read("what is Robert working on?", known).person.id == 1
    assert read("what did Christopher say to Bob?", known).person.id == 3  # the longest name
    # A nickname that is also a word of questions is never taken for a person.
    assert read("when will the quote be sent?", known).person is None
    assert read("anything on Bob Martin's list?", known).person.id == 1


def _accounts(*names: str) -> list[Account]:
    return [Account(id=i + 1, name=n, name_key=n.casefold()) for i, n in enumerate(names)]


def test_accounts_resolved_by_short_and_misspelt_names():
    accounts = _accounts("Northwind Traders", "华星零售", "Acme Labs", "Acme Corp")
    assert resolve("what's open on Northwind?", accounts).account.name == "Northwind Traders"
    assert resolve("what's open on Nortwind?", accounts).account.name == "Northwind Traders"
    assert resolve("华星还有哪些未完成的事项", accounts).account.name == "华星零售"
    assert resolve("how is Acme Labs doing", accounts).account.name == "Acme Labs"
    # "acme" is Acme Corp's name without its suffix, and only Acme Labs' first word.
    assert resolve("how is acme doing", accounts).account.name == "Acme Corp"
    assert resolve("what is the weather", accounts).account is None


def test_portfolio_questions_are_told_apart():
    for text, kind in [("which accounts are red?", "health"), ("哪些客户是红灯？", "health"),
                       ("renewals in the next 90 days", "renewals"), ("90天内续约的客户", "renewals"),
                       ("accounts with no SR", "vacant"), ("没有SR的客户", "vacant"),
                       ("top 5 by gross profit", "top"), ("毛利最高的5个客户", "top"),
                       ("which accounts have overdue work?", "overdue"), ("哪些客户有逾期任务", "overdue")]:
        assert detect_portfolio(text, today=TODAY).kind == kind, text
    assert detect_portfolio("renewals in the next 60 days", today=TODAY).days == 60
    assert detect_portfolio("毛利最高的3个客户", today=TODAY).count == 3
    assert detect_portfolio("what's open?", today=TODAY) is None


@pytest.fixture
def record(core):
    questionset.configure(core)
    with core.sessions.begin() as session:
        return build(session)


def test_a_channel_never_answers_for_another_account_silently(core, record):
    chat = Conversation(core, channel="northwind", user="bob")
    refused = chat.say("ask what's open on Acme Labs?")
    assert refused.is_error and "Acme Labs" in refused.plain_text() and "#1" not in refused.plain_text()
    # alice may not read Acme Labs: it is neither named nor told apart from an unknown name.
    alice = Conversation(core, channel="northwind", user="alice")
    for name in ("Acme Labs", "Nonesuch Ltd"):
        reply = alice.say(f"ask what's open on {name}?")
        assert not reply.is_error and reply.title.startswith("Open actions on Northwind Traders")
    assert alice.say("ask which accounts are red?").is_error  # portfolio: not in an account's channel


def test_portfolio_in_a_direct_message_covers_only_what_the_person_may_read(core, record):
    chat = Conversation(core, channel="dm-bob", user="bob")
    reply = chat.say("ask which accounts are at risk?", is_direct=True)
    text = reply.plain_text()
    assert "Northwind Traders" in text and "Globex" not in text and "华星" not in text
    assert "2 account(s) you may see" in reply.footer


def _count_queries(core, fn):
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    engine = core.sessions.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    return len(seen)


def test_portfolio_reads_a_constant_number_of_queries(core, record):
    def rows(n_more: int) -> int:
        with core.sessions.begin() as s:
            for i in range(n_more):
                extra = repos.create_account(s, name=f"Extra {len(repos.all_accounts(s))} {i}",
                                             tier="important", at=datetime(2026, 1, 1, tzinfo=UTC))
                repos.add_task(s, account_id=extra.id, title="x", role="AR", assignee_id=None,
                               due_date=date(2026, 11, 1), shared=False, at=datetime(2026, 1, 1, tzinfo=UTC))
        with core.sessions.begin() as s:
            accounts = list(repos.all_accounts(s))
            return _count_queries(core, lambda: rows_of(s, accounts=accounts, today=TODAY))

    assert rows(0) == rows(20)


def test_batch_health_inputs_equal_one_account_at_a_time(core, record):
    with core.sessions.begin() as s:
        accounts = list(repos.all_accounts(s))
        many = health_repo.gather_inputs_many(s, accounts=accounts, today=TODAY)
        for account in accounts:
            assert many[account.id] == health_repo.gather_inputs(s, account=account, today=TODAY)


def test_model_context_carries_every_section_within_budget(core, record):
    with core.sessions.begin() as s:
        facts = gather(s, account_id=record.ids["northwind"], today=TODAY)
        ctx = ctxmod.build_context(s, facts=facts, question="what did we decide about the pilot?")
    data = ctx.data
    assert len(data) <= ctxmod.BUDGET_CHARS
    for part in ("PLAN GOALS: Raise line throughput", "PLAN COMPETITION: Siemens",
                 "SCORE (1-5; cost counts against): value 5, potential 4, fit 4, cost 2; suggested tier core",
                 "nps=32 (recorded 2026-11-02)", "exec_meeting=2026-09-23",
                 "DECISION: [note 4] 2026-11-19 We will send a fixed-price offer",
                 "STAKEHOLDER: Li Wei | CIO, decision maker", "TO TURN GREEN:",
                 "DONE [task 8] Deliver operator training", "CANCELLED [task 10] Translate the user manual",
                 "GROSS PROFIT: 1500000"):
        assert part in data, part
    assert {8, 10} <= ctx.tasks and 4 in ctx.notes
    assert CANARY not in data and "Globex" not in data and "华星" not in data


def test_model_context_stays_in_budget_with_a_huge_plan_and_many_decisions(core, record):
    account_id = record.ids["northwind"]
    with core.sessions.begin() as s:
        for row in s.exec(sa.select(PlanSection).where(PlanSection.account_id == account_id)).scalars():
            row.text = "long plan text " * 2000
        for i in range(300):
            s.add(Decision(account_id=account_id, text=f"decision {i} " + "x" * 500,
                           created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    with core.sessions.begin() as s:
        facts = gather(s, account_id=account_id, today=TODAY)
        for budget in (3_000, 6_000, ctxmod.BUDGET_CHARS):
            ctx = ctxmod.build_context(s, facts=facts, question="plan", budget=budget)
            assert ctx.size <= budget
            assert re.search(r"\[task \d+\]", ctx.data)  # open actions still get their room


def test_words_questions_are_made_of_name_no_account():
    from commands.ask.resolve import named_in

    accounts = _accounts("Delivery", "Healthco", "Globex Energy")
    assert named_in("who is responsible for delivery?", accounts) == []
    assert resolve("how's the health?", accounts).account is None
    assert [a.name for a in named_in("what's open on Globex Energy?", accounts)] == ["Globex Energy"]
