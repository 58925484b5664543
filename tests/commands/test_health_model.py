"""The health model on tables of inputs: colour, score and reasons, per tier."""

from __future__ import annotations

from datetime import date

import pytest

from commands.health import (
    DEFAULT_TIERS,
    MEASURES,
    Color,
    HealthConfig,
    HealthConfigError,
    HealthInputs,
    HealthSettings,
    SignalValueError,
    assess,
    parse_config,
    parse_metric,
)
from commands.scorecard import OverdueItem, high_is_bad, low_is_bad

TODAY = date(2026, 11, 24)


def run(tier: str = "important", **inputs: object):
    return assess(HealthInputs(**inputs), tier=tier, today=TODAY,  # type: ignore[arg-type]
                  thresholds=DEFAULT_TIERS[tier])


def codes(health) -> list[tuple[str, str]]:
    return [(r.code, r.severity.value) for r in health.reasons]


NOTE = {"days_since_note": 5}  # a recent meeting: a second measure with data

CASES = [
    # (tier, inputs, colour, score, reasons)
    # Too little on record: "not enough data" (checked below), never a red for a gap.
    ("core", {"days_since_note": 3, "days_since_exec_meeting": 10}, "green", 100, []),
    ("important", {"nps": 50, "csat": 4.6, "usage": 0.9, "response_hours": 4, "cis": 8},
     "green", 97, []),
    # One yellow measure among good ones stays green: it is shown to watch, not alerted.
    ("important", {"nps": 20, "csat": 4.8, "usage": 0.9, **NOTE}, "green", 91,
     [("nps_low", "yellow")]),
    ("important", {"csat": 3.5}, "green", 86, [("csat_low", "yellow")]),
    ("important", {"response_hours": 30}, "green", 90, [("response_slow", "yellow")]),
    ("important", {"response_hours": 24}, "green", 92, []),
    # A red measure never hides in a green account: at least yellow ...
    ("important", {"usage": 0.2, **NOTE}, "yellow", 83, [("usage_low", "red")]),
    ("important", {"cis": 3, **NOTE}, "yellow", 90, [("cis_low", "red")]),
    # ... and a hard rule (NPS, CSAT, renewal, payments) makes it red whatever the score.
    ("important", {"nps": -5, "csat": 4.8, "usage": 0.9, **NOTE}, "red", 85,
     [("nps_low", "red")]),
    # Overdue work weighs by age: one task three days late is a yellow measure only;
    # three internal tasks a week late are yellow for the account, not red.
    ("important", {"overdue_count": 1, "oldest_overdue_days": 3, "oldest_overdue_number": 4,
                   **NOTE}, "green", 82, [("overdue_tasks", "yellow")]),
    ("important", {"overdue_count": 3, "oldest_overdue_days": 7, **NOTE}, "yellow", 60,
     [("overdue_tasks", "red")]),
    # Tighter for higher tiers: 30 days without a meeting is a yellow measure for core only.
    ("core", {"days_since_note": 30}, "green", 92, [("note_stale", "yellow")]),
    ("important", {"days_since_note": 30}, "green", 97, []),
    ("core", {"days_since_note": 61}, "yellow", 80, [("note_stale", "red")]),
    ("core", {"days_since_exec_meeting": 100, **NOTE}, "green", 93, [("exec_stale", "yellow")]),
    # Potential accounts are not expected to have executive meetings.
    ("potential", {"days_since_exec_meeting": 900, **NOTE}, "green", 100, []),
    # Renewal readiness (windows 90, 60, 30): no plan inside 90 days is yellow, inside the
    # last window red by rule; a renewal task is a plan; a date long past is stale data.
    ("important", {"renewal_date": date(2027, 2, 1), **NOTE}, "green", 90,
     [("renewal_no_task", "yellow")]),
    ("important", {"renewal_date": date(2026, 12, 10), "nps": 60, **NOTE}, "red", 80,
     [("renewal_no_task", "red")]),
    ("important", {"renewal_date": date(2026, 12, 10), "has_renewal_task": True, **NOTE},
     "green", 100, []),
    ("important", {"renewal_date": date(2027, 6, 1), **NOTE}, "green", 100, []),
    ("important", {"renewal_date": date(2026, 11, 20), **NOTE}, "red", 70,
     [("renewal_passed_no_task", "red")]),
    ("important", {"renewal_date": date(2025, 1, 1), **NOTE}, "green", 100, []),
    # Payments where recorded: overdue ones are red by rule; none recorded is no data.
    ("important", {"payments_recorded": True, "overdue_payments": 2,
                   "oldest_overdue_payment_days": 45, "oldest_overdue_payment_number": 3,
                   **NOTE}, "red", 81, [("payment_overdue", "red")]),
    ("important", {"payments_recorded": True, "overdue_payments": 1,
                   "oldest_overdue_payment_days": 10, **NOTE}, "green", 91,
     [("payment_overdue", "yellow")]),
    ("important", {"payments_recorded": True, **NOTE}, "green", 100, []),
    # Several small problems add up to yellow.
    ("important", {"nps": 20, "csat": 3.5, "usage": 0.4, "response_hours": 30, "cis": 5,
                   "days_since_note": 50},
     "yellow", 73, [("nps_low", "yellow"), ("csat_low", "yellow"), ("usage_low", "yellow"),
                    ("response_slow", "yellow"), ("cis_low", "yellow"),
                    ("note_stale", "yellow")]),
]


@pytest.mark.parametrize(("tier", "inputs", "color", "score", "reasons"), CASES)
def test_model_table(tier, inputs, color, score, reasons):
    health = run(tier, **inputs)
    assert (health.color.value, health.score, codes(health)) == (color, score, reasons)
    assert health.enough_data
    # Every reason has a fix for a role, in the same order.
    assert [f.code for f in health.fixes] == [r.code for r in health.reasons]
    assert all(f.role in {"AR", "SR", "FR", "SPONSOR"} for f in health.fixes)
    # Each measure scores 0-100 with the tier's weight.
    assert [m.code for m in health.measures] == list(MEASURES)
    assert all(m.score is None or 0 <= m.score <= 100 for m in health.measures)
    assert all(m.weight == DEFAULT_TIERS[tier].weights[m.code] for m in health.measures)


def test_a_new_account_is_not_enough_data_not_green_100():
    for inputs in ({}, {"tasks_recorded": False}, {"days_since_note": 3, "tasks_recorded": False}):
        health = run("important", **inputs)  # type: ignore[arg-type]
        assert not health.enough_data
    # A problem is never hidden behind "not enough data".
    alone = run("important", nps=-50, tasks_recorded=False)
    assert alone.enough_data and alone.color == Color.RED and alone.score == 20


def test_the_score_keeps_telling_bad_accounts_apart():
    awful = {"nps": -80, "csat": 1.5, "usage": 0.05, "response_hours": 200, "cis": 1,
             "days_since_note": 200}
    bad = {"nps": -60, "csat": 2, "usage": 0.1, "response_hours": 150, "cis": 2,
           "days_since_note": 120}
    scores = [run("important", **awful).score, run("important", **bad).score]  # type: ignore[arg-type]
    assert scores == [33, 40]
    assert run("important", **awful, overdue_count=9, oldest_overdue_days=90).score > 0  # type: ignore[arg-type]


def test_shared_overdue_work_weighs_more_than_internal():
    late = dict(overdue_count=2, oldest_overdue_days=10, **NOTE)
    internal = run("core", **late, overdue=(OverdueItem(1, 10), OverdueItem(2, 10)))  # type: ignore[arg-type]
    shared = run("core", **late, overdue=(OverdueItem(1, 10, shared=True),  # type: ignore[arg-type]
                                          OverdueItem(2, 10, shared=True)))
    assert shared.score < internal.score
    [over_internal] = [m for m in internal.measures if m.code == "overdue"]
    [over_shared] = [m for m in shared.measures if m.code == "overdue"]
    assert over_shared.score is not None and over_internal.score is not None
    assert over_shared.score < over_internal.score
    assert over_shared.values["shared"] == 2


def test_measures_agree_with_their_limits():
    # At the yellow limit a measure is still green (75); just past it, yellow; at the red
    # limit yellow (40); past it red. Day counts cross their limits when they reach them.
    assert low_is_bad(30, yellow=30, red=0, floor=-100, top=100) == 75
    assert low_is_bad(0, yellow=30, red=0, floor=-100, top=100) == 40
    assert low_is_bad(-100, yellow=30, red=0, floor=-100, top=100) == 0
    assert high_is_bad(29, yellow=30, red=60, ok=15, reached=True) > 75
    assert high_is_bad(30, yellow=30, red=60, ok=15, reached=True) < 75
    assert high_is_bad(600, yellow=30, red=60, reached=True) == pytest.approx(4, abs=0.01)


def test_reason_values_name_the_numbers():
    health = run("core", overdue_count=2, oldest_overdue_days=9, oldest_overdue_number=7,
                 usage=0.3)
    values = {r.code: r.values for r in health.reasons}
    assert values["overdue_tasks"] == {"count": 2, "days": 9, "number": 7, "shared": 0}
    assert values["usage_low"] == {"value": 30, "limit": 35}


def test_reasons_round_trip_through_json():
    health = run("core", nps=-5, days_since_note=40)
    from commands.health import Reason

    again = [Reason.from_json(d) for d in health.reasons_json()]
    assert again == health.reasons


def test_config_overrides_per_tier_and_all():
    config = parse_config('{"all": {"nps_red": -10}, "core": {"note_yellow_days": 21},'
                          ' "escalate_after_days": 4}')
    assert config.for_tier("core").note_yellow_days == 21
    assert config.for_tier("core").nps_red == -10
    assert config.for_tier("potential").nps_red == -10
    assert config.for_tier("important").note_yellow_days == 45
    assert config.escalate_after_days == 4
    assert config.for_tier("unknown-tier") == config.for_tier("important")
    assert parse_config(None) == HealthConfig()


@pytest.mark.parametrize(("raw", "message"), [
    ('{"core": {"note_days": 3}}', "(core): unknown threshold 'note_days'"),
    ('{"sometihng": 3}', "unknown key 'sometihng'"),
    ('{"cor": {"nps_red": 3}}', "unknown key 'cor'"),
    ("[1]", "must be a JSON object"),
    ("{core", "is not valid JSON"),
    ('{"core": {"nps_red": 50}}', "(core): nps_red (50) must be below nps_yellow (40)"),
    ('{"all": {"note_red_days": 10}}', "note_red_days (10) must be above note_yellow_days"),
    ('{"core": {"weights": {"nsp": 3}}}', "unknown measure 'nsp' in weights"),
    ('{"core": {"weights": {"nps": -1}}}', "the weight of nps must be a number, 0 or more"),
    ('{"potential": {"nps_yellow": "high"}}', "(potential): nps_yellow must be a number"),
    ('{"renewal_yellow_days": 90}', "renewal_yellow_days is now the setting "
                                    "KAMBOT_RENEWAL_WINDOWS"),
    ('{"escalate_after_days": 0}', "escalate_after_days must be a whole number of days, 1"),
    ('{"core": {"red_rules": ["vibes"]}}', "red_rules must be a list of measures"),
    ('{"core": {"payment_red_days": 0}}', "payment_red_days must be above 0"),
])
def test_config_refuses_mistakes_with_one_clear_line(raw, message):
    with pytest.raises(HealthConfigError) as caught:
        parse_config(raw)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert text.startswith("KAMBOT_HEALTH_THRESHOLDS")


def test_weights_and_windows_are_settings():
    config = parse_config('{"all": {"weights": {"overdue": 40}}, "core": {"weights": '
                          '{"nps": 0}}}', renewal_windows="60, 30,120")
    assert config.renewal_windows == (120, 60, 30) and config.renewal_task_days == 120
    assert config.for_tier("core").weights["overdue"] == 40
    assert config.for_tier("core").weights["nps"] == 0
    assert config.for_tier("potential").weights["overdue"] == 40
    assert config.for_tier("important").renewal_windows == (120, 60, 30)
    with pytest.raises(HealthConfigError, match="KAMBOT_RENEWAL_WINDOWS"):
        parse_config(None, renewal_windows="90,soon")


def test_config_from_environment(monkeypatch):
    monkeypatch.setenv("KAMBOT_HEALTH_THRESHOLDS", '{"core": {"note_yellow_days": 10}}')
    config = HealthSettings(_env_file=None).config()  # type: ignore[call-arg]
    assert config.for_tier("core").note_yellow_days == 10
    assert HealthConfig().for_tier("core").note_yellow_days == 30


@pytest.mark.parametrize(("metric", "raw", "value"), [
    ("nps", "-20", -20.0), ("usage", "0.65", 0.65), ("usage", "65%", 0.65),
    ("csat", "4,5", 4.5), ("response_hours", "12h", 12.0), ("cis", "7", 7.0),
])
def test_parse_metric(metric, raw, value):
    assert parse_metric(metric, raw) == pytest.approx(value)


@pytest.mark.parametrize(("metric", "raw"), [
    ("nps", "101"), ("usage", "1.5"), ("csat", "0"), ("cis", "abc"), ("response_hours", "-1"),
    ("nps", "nan"),
])
def test_parse_metric_refuses(metric, raw):
    with pytest.raises(SignalValueError):
        parse_metric(metric, raw)


def test_color_order():
    assert Color.RED.worse_than(Color.YELLOW)
    assert Color.YELLOW.worse_than(None)
    assert not Color.GREEN.worse_than(Color.GREEN)


def test_an_executive_meeting_never_recorded_is_a_nudge_not_red():
    never = run("core", days_since_exec_meeting=400, exec_meeting_recorded=False)
    assert codes(never) == [("exec_none", "yellow")]
    assert codes(run("core", days_since_exec_meeting=400)) == [("exec_stale", "red")]
    young = run("core", days_since_exec_meeting=30, exec_meeting_recorded=False)
    assert codes(young) == []
    assert [m.score for m in young.measures if m.code == "executive"] == [None]  # no data yet
    assert codes(run("potential", days_since_exec_meeting=900, exec_meeting_recorded=False)) == []


def test_a_meeting_never_recorded_is_no_data_while_the_account_is_young():
    young = run("core", days_since_note=10, note_recorded=False, tasks_recorded=False)
    assert not young.enough_data
    old = run("core", days_since_note=45, note_recorded=False, tasks_recorded=False)
    assert codes(old) == [("note_stale", "yellow")]
