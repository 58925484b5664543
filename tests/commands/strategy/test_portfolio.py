"""The portfolio: ranked by score or gross profit, the Pareto line and chart, tier counts
against the 5-25 guideline, the quarterly tier review posted once to management, and the
number of queries `accounts` makes not growing with the accounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bot.outbox import RecordingSender
from bot.posting import Poster
from commands.strategy import portfolio as pf
from tests.support import Conversation

ADMIN = "root"


def make(chat: Conversation, name: str, tier: str, revenue: str, margin: str,
         scores: str | None = None) -> None:
    channel = re.sub(r"\W", "", name.lower())
    chat.say(f'account new "{name}" tier={tier}', channel=channel)
    chat.say(f"account set revenue={revenue} margin={margin}", channel=channel)
    if scores:
        chat.say(f"account score {scores}", channel=channel)


@pytest.fixture
def book(chat: Conversation, core) -> Conversation:  # type: ignore[no-untyped-def]
    core.settings.KAMBOT_ADMINS = [f"console:{ADMIN}"]
    # Gross profit 400, 100, 60, 20, 10, 10 (thousands): the top 20% (2 of 6) bring 500/600.
    make(chat, "Alpha", "core", "1M", "40%", "value=5 potential=5 fit=4 cost=2")
    make(chat, "Beta", "core", "500k", "20%", "value=2 potential=2 fit=2 cost=4")
    make(chat, "Gamma", "important", "300k", "20%", "value=3 potential=3 fit=3 cost=3")
    make(chat, "Delta", "potential", "200k", "10%", "value=5 potential=5 fit=5 cost=1")
    make(chat, "Epsilon", "potential", "100k", "10%")
    make(chat, "Zeta", "potential", "50k", "20%")
    return chat


def test_pareto_on_known_data() -> None:
    def row(name: str, gp: float | None) -> pf.Row:
        return pf.Row(account_id=0, name=name, tier="core", score=None,
                      revenue=None if gp is None else gp, margin=None if gp is None else 1.0,
                      color="", ar="", open=0, overdue=0, renewal=None)
    line = pf.pareto([row("a", 400), row("b", 100), row("c", 60), row("d", 20), row("e", 10),
                      row("f", 10), row("g", None)])
    assert line is not None and (line.accounts, line.top) == (6, 2)
    assert round(line.share, 4) == round(500 / 600, 4)
    assert pf.pareto([row("a", None)]) is None
    assert pf.key_account_warning({"core": 2, "important": 2}) == "few"
    assert pf.key_account_warning({"core": 10, "important": 16}) == "many"
    assert pf.key_account_warning({"core": 5, "important": 20, "potential": 100}) is None


def test_ranked_by_profit_and_by_score_with_pareto_and_tiers(book: Conversation) -> None:
    reply = book.say("accounts profit", user=ADMIN)
    text = reply.plain_text()
    order = re.findall(r"\d+\. (\w+) ·", text)
    assert order == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
    assert "The top 2 of 6 account(s) (20%) bring 83% of the gross profit (600,000)" in text
    assert "⚠ Only 3 key account(s) (core + important): the guideline is 5-25" in text
    assert "1. Alpha · core strategic partner · score 90 · GP 400,000" in text
    [chart] = reply.attachments
    assert chart.mime == "image/png" and chart.content[:4] == b"\x89PNG"
    by_score = book.text("accounts score", user=ADMIN)
    order = re.findall(r"\d+\. (\w+) ·", by_score)
    assert order[:4] == ["Delta", "Alpha", "Gamma", "Beta"] and set(order[4:]) == {"Epsilon", "Zeta"}
    # Beta (core) scores like a potential account, Delta (potential) like a core one.
    assert "Beta · core strategic partner · score 25 ⚠" in by_score
    assert "Delta · potential strategic account · score 100 ⚠" in by_score
    plain = book.text("accounts", user=ADMIN)
    assert "bring 83% of the gross profit" in plain and "Tiers" in plain
    assert book.say("accounts sideways", user=ADMIN).is_error
    assert book.say("accounts profit", user="alice").is_error  # not an admin
    zh = book.text("客户列表 毛利", user=ADMIN)
    assert "前 2 个（20%）贡献了 83% 的毛利" in zh or "83%" in zh


def test_accounts_makes_the_same_number_of_queries_for_more_accounts(book: Conversation, core) -> None:  # type: ignore[no-untyped-def]
    def count(line: str) -> int:
        seen: list[str] = []

        def before(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            seen.append(statement)
        sa.event.listen(core.engine, "before_cursor_execute", before)
        try:
            book.say(line, user=ADMIN)
        finally:
            sa.event.remove(core.engine, "before_cursor_execute", before)
        return len(seen)

    count("accounts profit")  # the admin's first words make their person record
    few = count("accounts profit")
    for i in range(6):
        make(book, f"More{i}", "potential", "10k", "10%", "value=3 potential=3 fit=3 cost=3")
    assert count("accounts profit") == few


def test_the_quarterly_review_is_posted_once_to_management(book: Conversation, core, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.tier_review import run_tier_review

    core.services["poster"] = Poster(min_interval=0, sleep=lambda s: None)
    sender = RecordingSender(platform="console")
    core.senders.add(sender)
    core.settings.KAMBOT_MANAGEMENT_CHANNEL = "console:mgmt"
    # Now: Beta has scored below core for no time at all; Delta scores like core.
    run_tier_review(core)
    [first] = [o.reply.plain_text() for o in sender.sent if o.channel == "mgmt"]
    assert "Quarterly tier review 2026-Q4" in first
    assert "Candidates to move down (0)" in first
    assert "Candidates to move up (1)" in first and "Delta: scores 100/100" in first
    run_tier_review(core)  # the same quarter: nothing more
    assert len([o for o in sender.sent if o.channel == "mgmt"]) == 1
    # Next quarter's review: Beta has scored below its tier for 38 days, not yet a quarter.
    clock.set(datetime(2027, 1, 1, 9, 30, tzinfo=UTC))
    run_tier_review(core)
    second = [o.reply.plain_text() for o in sender.sent if o.channel == "mgmt"][-1]
    assert "Quarterly tier review 2027-Q1" in second and "Beta:" not in second
    # The one after: below its tier all along since 2026-11-24, a candidate to move down.
    clock.set(datetime(2027, 4, 1, 9, 30, tzinfo=UTC))
    run_tier_review(core)
    third = [o.reply.plain_text() for o in sender.sent if o.channel == "mgmt"][-1]
    assert "Beta: core strategic partner, scores 25/100 (potential strategic account) " \
        "since 2026-11-24" in third
    # Raising its score ends the failing run: the next quarter does not name it.
    book.say("account score value=5 potential=5 fit=5 cost=1", channel="beta")
    clock.set(datetime(2027, 7, 1, 9, 30, tzinfo=UTC))
    run_tier_review(core)
    fourth = [o.reply.plain_text() for o in sender.sent if o.channel == "mgmt"][-1]
    assert "2027-Q3" in fourth and "Beta:" not in fourth


def test_the_scheduler_has_the_quarterly_job(core) -> None:  # type: ignore[no-untyped-def]
    from bot.tier_review import tier_review_jobs

    [spec] = tier_review_jobs(core, Poster(min_interval=0, sleep=lambda s: None))
    assert spec.id == "quarterly-tier-review" and spec.catch_up
    assert "month='1,4,7,10'" in str(spec.trigger)
