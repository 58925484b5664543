"""The health model on tables of inputs: colour, score and reasons, per tier."""

from __future__ import annotations

from datetime import date

import pytest

from commands.health import (
    DEFAULT_TIERS,
    Color,
    HealthConfig,
    HealthInputs,
    HealthSettings,
    SignalValueError,
    assess,
    parse_config,
    parse_metric,
)

TODAY = date(2026, 11, 24)


def run(tier: str = "important", **inputs: object):
    return assess(HealthInputs(**inputs), tier=tier, today=TODAY,  # type: ignore[arg-type]
                  thresholds=DEFAULT_TIERS[tier])


def codes(health) -> list[tuple[str, str]]:
    return [(r.code, r.severity.value) for r in health.reasons]


CASES = [
    # (tier, inputs, colour, score, reasons)
    ("important", {}, "green", 100, []),
    # Missing data is neutral: nothing recorded at all is green, not red.
    ("core", {"days_since_note": 3, "days_since_exec_meeting": 10}, "green", 100, []),
    ("important", {"nps": 50, "csat": 4.6, "usage": 0.9, "response_hours": 4, "cis": 8},
     "green", 100, []),
    ("important", {"nps": 20}, "yellow", 88, [("nps_low", "yellow")]),
    ("important", {"nps": -5}, "red", 65, [("nps_low", "red")]),
    ("important", {"csat": 3.5}, "yellow", 88, [("csat_low", "yellow")]),
    ("important", {"usage": 0.2}, "red", 65, [("usage_low", "red")]),
    ("important", {"response_hours": 30}, "yellow", 88, [("response_slow", "yellow")]),
    ("important", {"response_hours": 24}, "green", 100, []),
    ("important", {"cis": 3}, "red", 65, [("cis_low", "red")]),
    ("important", {"overdue_count": 1, "oldest_overdue_days": 3, "oldest_overdue_number": 4},
     "yellow", 88, [("overdue_tasks", "yellow")]),
    ("important", {"overdue_count": 1, "oldest_overdue_days": 30, "oldest_overdue_number": 4},
     "red", 65, [("overdue_tasks", "red")]),
    ("important", {"overdue_count": 4, "oldest_overdue_days": 2}, "red", 65,
     [("overdue_tasks", "red")]),
    # Tighter for higher tiers: 30 days without a meeting note is yellow for core only.
    ("core", {"days_since_note": 30}, "yellow", 88, [("note_stale", "yellow")]),
    ("important", {"days_since_note": 30}, "green", 100, []),
    ("potential", {"days_since_note": 60}, "green", 100, []),
    ("core", {"days_since_note": 61}, "red", 65, [("note_stale", "red")]),
    ("core", {"days_since_exec_meeting": 100}, "yellow", 88, [("exec_stale", "yellow")]),
    # Potential accounts are not expected to have executive meetings.
    ("potential", {"days_since_exec_meeting": 900}, "green", 100, []),
    ("important", {"overdue_count": 2, "oldest_overdue_days": 1}, "yellow", 88,
     [("overdue_tasks", "yellow")]),
    ("potential", {"overdue_count": 1, "oldest_overdue_days": 1}, "green", 100, []),
    # Renewal with no renewal task: yellow inside the window, red close to the date.
    ("important", {"renewal_date": date(2027, 2, 1)}, "yellow", 88,
     [("renewal_no_task", "yellow")]),
    ("important", {"renewal_date": date(2026, 12, 10)}, "red", 65,
     [("renewal_no_task", "red")]),
    ("important", {"renewal_date": date(2026, 12, 10), "has_renewal_task": True},
     "green", 100, []),
    ("important", {"renewal_date": date(2027, 6, 1)}, "green", 100, []),
    ("important", {"renewal_date": date(2026, 11, 20)}, "red", 65,
     [("renewal_passed_no_task", "red")]),
    ("important", {"renewal_date": date(2025, 1, 1)}, "green", 100, []),
    # Several small problems add up: five yellow findings make the score red.
    ("important", {"nps": 20, "csat": 3.5, "usage": 0.4, "response_hours": 30, "cis": 5},
     "yellow", 40, [("nps_low", "yellow"), ("csat_low", "yellow"), ("usage_low", "yellow"),
                    ("response_slow", "yellow"), ("cis_low", "yellow")]),
    ("important", {"nps": 20, "csat": 3.5, "usage": 0.4, "response_hours": 30, "cis": 5,
                   "days_since_note": 50},
     "red", 28, [("nps_low", "yellow"), ("csat_low", "yellow"), ("usage_low", "yellow"),
                 ("response_slow", "yellow"), ("cis_low", "yellow"), ("note_stale", "yellow")]),
    # Red findings are listed first.
    ("core", {"nps": 30, "overdue_count": 3, "oldest_overdue_days": 20},
     "red", 53, [("overdue_tasks", "red"), ("nps_low", "yellow")]),
    ("core", {"nps": -20, "overdue_count": 3, "oldest_overdue_days": 20}, "red", 30,
     [("nps_low", "red"), ("overdue_tasks", "red")]),
]


@pytest.mark.parametrize(("tier", "inputs", "color", "score", "reasons"), CASES)
def test_model_table(tier, inputs, color, score, reasons):
    health = run(tier, **inputs)
    assert (health.color.value, health.score, codes(health)) == (color, score, reasons)
    # Every reason has a fix for a role, in the same order.
    assert [f.code for f in health.fixes] == [r.code for r in health.reasons]
    assert all(f.role in {"AR", "SR", "FR", "SPONSOR"} for f in health.fixes)


def test_reason_values_name_the_numbers():
    health = run("core", overdue_count=2, oldest_overdue_days=9, oldest_overdue_number=7,
                 usage=0.3)
    values = {r.code: r.values for r in health.reasons}
    assert values["overdue_tasks"] == {"count": 2, "days": 9, "number": 7}
    assert values["usage_low"] == {"value": 30, "limit": 35}


def test_reasons_round_trip_through_json():
    health = run("core", nps=-5, days_since_note=40)
    from commands.health import Reason

    again = [Reason.from_json(d) for d in health.reasons_json()]
    assert again == health.reasons


def test_config_overrides_per_tier_and_all():
    config = parse_config('{"all": {"nps_red": -10}, "core": {"note_yellow_days": 21},'
                          ' "escalate_after_days": 5}')
    assert config.for_tier("core").note_yellow_days == 21
    assert config.for_tier("core").nps_red == -10
    assert config.for_tier("potential").nps_red == -10
    assert config.for_tier("important").note_yellow_days == 45
    assert config.escalate_after_days == 5
    assert config.for_tier("unknown-tier") == config.for_tier("important")


@pytest.mark.parametrize("raw", ['{"core": {"note_days": 3}}', '{"sometihng": 3}', "[1]"])
def test_config_refuses_typos(raw):
    with pytest.raises((ValueError, TypeError)):
        parse_config(raw)


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
    assert codes(run("core", days_since_exec_meeting=30, exec_meeting_recorded=False)) == []
    assert codes(run("potential", days_since_exec_meeting=900, exec_meeting_recorded=False)) == []
