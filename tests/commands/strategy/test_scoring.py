"""The account score: known totals, admin weights, the tier it suggests and disagreements,
on the card, in both languages."""

from __future__ import annotations

import pytest

from commands.strategy.scoring import DEFAULT_WEIGHTS, normalize_weights, score_of, tier_for
from tests.support import Conversation, flat


@pytest.fixture
def acme(chat: Conversation) -> Conversation:
    chat.say('account new "Acme Corp" tier=core')
    chat.say("triangle AR=@alice SR=@bob FR=@carol sponsor=@dana")
    return chat


def test_totals_on_known_ratings() -> None:
    ratings = {"value": 5, "potential": 5, "fit": 4, "cost": 2}
    # value 100*.35 + potential 100*.25 + fit 75*.25 + cost (inverted) 75*.15 = 90
    score = score_of(ratings, DEFAULT_WEIGHTS)
    assert score is not None and score.total == 90 and score.suggested == "core"
    even = {"value": 25, "potential": 25, "fit": 25, "cost": 25}
    middle = score_of({"value": 3, "potential": 3, "fit": 3, "cost": 3}, even)
    assert middle is not None and middle.total == 50 and middle.suggested == "important"
    # A high cost to serve counts against: the same account costing 5 instead of 1.
    cheap = score_of({"value": 4, "potential": 4, "fit": 4, "cost": 1}, even)
    dear = score_of({"value": 4, "potential": 4, "fit": 4, "cost": 5}, even)
    assert cheap is not None and dear is not None
    assert (cheap.total, dear.total) == (81, 56)
    assert score_of({"value": 4, "potential": None, "fit": 4, "cost": 1}, even) is None
    # Limits: equal weights agree with the old "16 of 20 is core, 12 is important".
    assert (tier_for(75), tier_for(74.9), tier_for(50), tier_for(49.9)) == (
        "core", "important", "important", "potential")


def test_broken_stored_weights_fall_back_to_the_defaults() -> None:
    assert normalize_weights(None) == DEFAULT_WEIGHTS
    assert normalize_weights({"value": "x", "fit": 500, "cost": 0})["cost"] == 0
    assert normalize_weights({"value": 0, "potential": 0, "fit": 0, "cost": 0}) == DEFAULT_WEIGHTS


def test_account_score_shows_the_total_and_agreement(acme: Conversation) -> None:
    text = flat(acme.text("account score value=5 potential=5 fit=4 cost=2"))
    assert "Account score: 90/100" in text
    assert "agrees with the tier (core strategic partner)" in text
    card = flat(acme.text("account"))
    assert "Account score: 90/100" in card and "agrees with the tier" in card


def test_the_bot_says_when_score_and_tier_disagree(acme: Conversation) -> None:
    text = acme.text("account score value=2 potential=2 fit=2 cost=4")
    assert "suggests potential strategic account, below its tier core strategic partner" in text
    assert "candidate to move down" in acme.text("account")
    acme.say("account set tier=potential")
    assert "agrees with the tier (potential strategic account)" in acme.text("account")
    acme.say("account score value=5 potential=5 fit=5 cost=1")
    assert "candidate to move up" in acme.text("account")


def test_only_admins_set_the_weights_and_the_totals_follow(acme: Conversation, core) -> None:  # type: ignore[no-untyped-def]
    acme.say("account score value=5 potential=1 fit=1 cost=1")
    shown = acme.text("scoring")
    assert "35 (35%)" in shown and "core strategic partner from 75" in shown
    refused = acme.say("scoring value=100", user="bob")
    assert refused.is_error
    core.settings.KAMBOT_ADMINS = ["console:root"]
    assert acme.say("scoring value=x", user="root").is_error
    assert acme.say("scoring value=101", user="root").is_error
    assert acme.say("scoring value=0 potential=0 fit=0 cost=0", user="root").is_error
    done = acme.text("scoring value=50 potential=0 fit=0 cost=50", user="root")
    assert "50 (50%)" in done
    # value 100 * .5 + cost (1 -> 100) * .5 = 100
    assert "Account score: 100/100" in flat(acme.text("account"))


def test_score_in_chinese(acme: Conversation) -> None:
    acme.say("account set lang=zh")
    text = flat(acme.text("客户 评分 价值=5 潜力=5 契合=4 成本=2"))
    assert "客户评分: 90/100" in text and "评分与层级（核心战略伙伴）一致" in text
    assert "权重" in acme.text("评分权重")


def test_the_monthly_report_shows_the_score_to_the_team_only(core, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from commands import reports
    from storage import repos
    from tests.reportdata import seed_acme

    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    seeded = seed_acme(core.sessions)
    with core.sessions.begin() as s:
        account = repos.account_by_id(s, account_id=seeded.account_id)
        assert account is not None
        account.score_value, account.score_potential = 2, 2
        account.score_fit, account.score_cost = 2, 4
        s.add(account)
    with core.sessions.begin() as s:
        account = repos.account_by_id(s, account_id=seeded.account_id)
        facts = reports.gather_month(s, account=account, month=reports.Month(2026, 11),
                                     tz=UTC, now=clock.now())
    assert (facts.account_score, facts.suggested_tier) == (25, "potential")
    team = reports.compose_report(facts, "en", chart=False).plain_text()
    assert "25/100: the score suggests potential strategic account, the tier is core" in team
    zh = reports.compose_report(facts, "zh", chart=False).plain_text()
    assert "25/100：评分建议为潜力战略客户" in zh
    shared = reports.compose_shared(facts, "en", chart=False).plain_text()
    assert "25/100" not in shared
