"""Opportunities through the LTC stages, their history, payments (回款), and money in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from commands.pipeline import fmt_money, parse_probability, weighted, windows_of
from storage import opportunity_repo, repos
from storage.models import Opportunity, StageChange


@pytest.fixture
def acme(core, chat) -> int:
    for who in ("bob", "carol"):
        chat.say("help", user=who)
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol")
    with core.sessions.begin() as s:
        account = repos.account_by_name(s, name="Acme Corp")
        assert account is not None and account.id is not None
        return account.id


def history(core, account_id: int, number: int) -> list[tuple[str | None, str]]:
    with core.sessions.begin() as s:
        opp = opportunity_repo.opportunity_by_number(s, account_id=account_id, number=number)
        assert opp is not None and opp.id is not None
        return [(h.from_stage, h.to_stage)
                for h in opportunity_repo.stage_history(s, opportunity_id=opp.id)]


def test_stage_moves_keep_their_history(core, chat, clock, acme):
    reply = chat.say('opportunity add "Line 3 upgrade" value=1.8M stage=lead close=2027-03-31')
    assert reply.title == "Opportunity #1 added to Acme Corp."
    assert "#1 Line 3 upgrade · lead · CNY 1,800,000 (10%) · close 2027-03-31" in reply.plain_text()
    clock.advance(timedelta(days=3))
    assert "Stage: lead → opportunity." in chat.text("opportunity 1 stage=opportunity probability=40%")
    clock.advance(timedelta(days=5))
    chat.say("opportunity 1 stage=contract")
    chat.say("opportunity 1 stage=opportunity")  # back: a move like any other, and kept
    assert "It is already at opportunity." in chat.text("opportunity 1 stage=opportunity")
    chat.say("opportunity 1 stage=contract")
    reply = chat.say("opportunity 1 won signed at last")
    assert reply.title == "Opportunity #1 Line 3 upgrade: won."
    assert "Reason: signed at last" in reply.plain_text()
    assert history(core, acme, 1) == [
        (None, "lead"), ("lead", "opportunity"), ("opportunity", "contract"),
        ("contract", "opportunity"), ("opportunity", "contract"), ("contract", "won")]
    shown = chat.text("opportunity 1")
    assert "Stage history" in shown and "2026-11-27 opportunity alice" in shown
    assert "✔ won (at contract)" in shown
    # A closed opportunity does not move again; the refusal says why and what to do.
    refused = chat.say("opportunity 1 stage=delivery")
    assert refused.is_error and "is closed: ✔ won (at contract)" in refused.title
    with core.sessions.begin() as s:
        opp = s.exec(select(Opportunity)).one()
        assert opp.status == "won" and opp.stage == "contract" and opp.probability == 0.4
        assert opp.close_reason == "signed at last"


def test_chinese_grammar_and_amounts(core, chat, acme):
    reply = chat.say("机会 新建 “三号线升级” 金额=120万 阶段=合同 成交=2027-03-31 类型=增购 概率=60%")
    text = reply.plain_text()
    assert reply.title == "已为Acme Corp新建机会 #1。"
    assert "#1 三号线升级 · 合同 · 120万元（60%） · 预计成交 2027年3月31日 · 增购" in text
    assert "交付验收与回款" in text  # the contract stage starts the delivery playbook
    chat.say("机会 1 阶段=交付")
    assert history(core, acme, 1) == [(None, "contract"), ("contract", "delivery")]
    assert chat.say("机会 新建 “门店” 金额=1.5亿").title == "已为Acme Corp新建机会 #2。"
    lost = chat.say("机会 2 丢单 预算取消")
    assert lost.title == "机会 #2 门店：丢单。"
    listing = chat.text("机会列表 全部")
    assert "1.5亿元" in listing and "✘ 丢单（线索阶段）" in listing


def test_bad_input_gets_a_way_to_do_it_right(chat, acme):
    no_value = chat.say('opportunity add "X"')
    assert no_value.is_error and "needs a value" in no_value.title
    assert "value=1.8M" in no_value.plain_text()
    bad_stage = chat.say('opportunity add "X" value=1M stage=signed')
    assert bad_stage.is_error and '"signed" is not a stage' in bad_stage.title
    assert "lead, opportunity, contract, delivery, payment" in bad_stage.plain_text()
    assert chat.say('opportunity add "X" value=1M probability=150%').is_error
    assert chat.say('opportunity add "X" value=lots').is_error
    unknown = chat.say("opportunity 9 stage=lead")
    assert unknown.is_error and "no open opportunity 9" in unknown.title
    assert chat.say("opportunity 1 maybe").is_error  # not won/lost: the usage


def test_pipeline_weights_and_flags_a_stalled_stage(core, chat, clock, acme):
    chat.say('opportunity add "A" value=1M stage=lead')
    chat.say('opportunity add "B" value=2M stage=opportunity probability=50%')
    text = chat.text("opportunities")
    assert "2 open, worth CNY 3,000,000; weighted CNY 1,100,000." in text
    assert "⚠" not in text.split("Weighted =")[0]
    clock.advance(timedelta(days=30))
    chat.say("opportunity 2 stage=contract")
    text = chat.text("opportunities")
    assert "#1 A · lead · CNY 1,000,000 (10%) · ⚠ 30 days in this stage" in text
    assert "#2 B · contract" in text and "#2 B · contract · CNY 2,000,000 (50%) ·" not in text


def test_payments_outstanding_overdue_and_received(core, chat, clock, acme):
    chat.say('opportunity add "Sensors" value=2.4M stage=lead')
    early = chat.say("payment add 1 amount=500k due=2026-12-31")
    assert early.is_error and "is at lead" in early.title
    assert "opportunity 1 stage=contract" in early.plain_text()
    chat.say("opportunity 1 stage=delivery")
    assert "Payment #1 added" in chat.say("payment add 1 amount=1.2M due=2026-11-14").title
    chat.say("回款 新建 1 金额=120万 到期=2027-01-31")
    over = chat.say("payment add 1 amount=1M due=2027-03-01")
    assert "more than the opportunity's value" in over.plain_text()
    listing = chat.text("payment")
    assert "Outstanding CNY 3,400,000; overdue CNY 1,200,000 (1 payment(s))." in listing
    assert "#1 CNY 1,200,000 · #1 Sensors · due 2026-11-14 · ⚠ overdue 10 day(s)" in listing
    card = chat.text("account")
    assert "Outstanding payments : CNY 3,400,000" in card
    assert "Overdue payments     : CNY 1,200,000 (1)" in card
    health = chat.text("health")
    assert "1 payment(s) overdue; the oldest, #1, is 10 day(s) late" in health
    assert "chase payment #1 with the customer's finance team" in health
    bad = chat.say("payment 1 received 2027-01-01")
    assert bad.is_error and "received" in bad.title
    assert "Payment #1 of CNY 1,200,000 received." == chat.say("payment 1 received yesterday").title
    assert "already received on 2026-11-23" in chat.say("payment 1 received").title
    assert "payment(s) overdue" not in chat.text("health")
    chat.say("payment 2 received")
    done = chat.text("payment 3 received")
    assert "close it with opportunity 1 won" in done
    zh = chat.text("回款 全部", language="zh")
    assert "✔ 2026年11月23日 已到账" in zh


def test_money_in_each_language():
    assert fmt_money("en", 1_200_000, "CNY") == "CNY 1,200,000"
    assert fmt_money("zh", 1_200_000, "CNY") == "120万元"
    assert fmt_money("zh", 150_000_000, "CNY") == "1.5亿元"
    assert fmt_money("zh", 123_456_789, "USD") == "1.23亿美元"
    assert fmt_money("zh", 8_000, "EUR") == "8,000欧元"
    assert fmt_money("zh", 35_000, "CHF") == "3.5万 CHF"
    assert fmt_money("en", None, "CNY") == "—"


def test_probabilities_and_windows():
    assert parse_probability("60%") == 0.6
    assert parse_probability("60") == 0.6
    assert parse_probability("0.25") == 0.25
    assert parse_probability("150%") is None and parse_probability("high") is None
    assert weighted(1000, "contract", None) == 700
    assert weighted(1000, "lead", 0.5) == 500
    assert [(w.low, w.high) for w in windows_of((90, 60, 30))] == [(-1, 30), (30, 60), (60, 90)]


def test_stage_changes_are_rows(core, chat, acme):
    chat.say('opportunity add "A" value=1M')
    chat.say("opportunity 1 stage=contract")
    with core.sessions.begin() as s:
        rows = s.exec(select(StageChange)).all()
        assert [(r.from_stage, r.to_stage) for r in rows] == [(None, "lead"), ("lead", "contract")]
        alice = repos.person_by_username(s, platform="console", username="alice")
        assert alice is not None and all(r.person_id == alice.id for r in rows)
