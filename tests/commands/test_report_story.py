"""The month's story of an account's health (commands.report_story), on plain snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from commands.report_story import colour_steps, story_lines

START = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class Snap:
    at: datetime
    color: str
    score: int
    reasons: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] | None = None


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 8, tzinfo=UTC)


CSAT = {"code": "csat_low", "severity": "red", "values": {"value": 2.8, "limit": 3}}


def test_every_colour_of_the_month_and_why():
    rows = [
        Snap(at(28, 10), "green", 90),
        Snap(at(2), "green", 88),  # a new score, the same colour: not a step
        Snap(at(3), "red", 70, [CSAT]),
        Snap(at(10), "yellow", 76, [], [{"code": "csat", "score": 60.0, "weight": 10}]),
        Snap(at(20), "green", 91, [], [{"code": "csat", "score": 95.0, "weight": 10}]),
    ]
    steps = colour_steps(rows, start=START, tz=UTC)
    assert [(s.day, s.color, s.carried) for s in steps] == [
        (date(2026, 11, 1), "green", True), (date(2026, 11, 3), "red", False),
        (date(2026, 11, 10), "yellow", False), (date(2026, 11, 20), "green", False)]
    assert story_lines(steps, "en") == [
        "11-01 🟢 green (90): at the start of the month",
        "11-03 🔴 red (70): 🔴 CSAT is 2.8 of 5 (below 3)",
        "11-10 🟡 yellow (76): resolved: 🔴 CSAT is 2.8 of 5 (below 3)",
        "11-20 🟢 green (91): CSAT 60 → 95",
    ]
    assert story_lines(steps, "zh")[1] == "11-03 🔴 红灯（70）：🔴 CSAT 为 2.8/5（低于 3）"


def test_a_first_assessment_and_reasons_of_an_older_shape():
    rows = [Snap(at(5), "yellow", 61, [{"text": "2 actions overdue"}]),
            Snap(at(9), "red", 40, [{"text": "renewal soon"}])]
    steps = colour_steps(rows, start=START, tz=UTC)
    assert story_lines(steps, "en") == ["11-05 🟡 yellow (61): first assessment",
                                        "11-09 🔴 red (40)"]
    assert colour_steps([], start=START, tz=UTC) == []
