"""The account health model: inputs in, a weighted scorecard, a traffic light and reasons out.

A pure function (:func:`assess`) with no I/O, so it can be tested on tables of inputs.
Each measure of the scorecard (:mod:`commands.scorecard`) scores 0-100 and has a weight per
tier; the account's score is their weighted mean over the measures that have data. The
colour comes from the score (green from 75, red under 45 by default) and from hard rules: a
measure in red always makes the account at least yellow, and a red measure named in the
tier's ``red_rules`` (a renewal inside the last window with no plan, NPS, CSAT, overdue
payments) makes it red. Reasons are catalog keys (``health.reason.<code>``) plus values, so
they render in every language; each reason comes with a fix (``health.fix.<code>``) for the
role that can act.

Missing data is neutral: an account with no NPS on record is not red for it, and an
account with too little on record is "not enough data" (``Health.enough_data``), not green.
Thresholds and weights are per tier and configurable (:mod:`commands.health_config`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from commands.health_config import (  # noqa: F401 - the public names of the health model
    DEFAULT_TIERS,
    MEASURES,
    HealthConfig,
    HealthConfigError,
    HealthSettings,
    Thresholds,
    load_config,
    parse_config,
    parse_windows,
)
from commands.scorecard import Measure, OverdueItem, OverdueTotal, score_measures, weighted_score


class Color(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def worse_than(self, other: Color | str | None) -> bool:
        return self.rank > Color(other or Color.GREEN).rank


_RANK = {Color.GREEN: 0, Color.YELLOW: 1, Color.RED: 2}

#: Metrics the ``signal`` verb records. exec_meeting is a date, the rest are numbers.
METRICS = ("nps", "csat", "usage", "response_hours", "cis", "exec_meeting")


@dataclass(frozen=True)
class HealthInputs:
    """What the model looks at. ``None`` means "not known" and never counts against an account.

    Day counts are whole days before ``today``. ``days_since_note`` (the last meeting) and
    ``days_since_exec_meeting`` count from the account's creation when nothing was recorded
    yet (``note_recorded`` / ``exec_meeting_recorded`` False): no data while the account is
    young, then a stale meeting cadence; an executive meeting never recorded is a nudge
    (yellow), never red.
    """

    nps: float | None = None  # -100..100
    csat: float | None = None  # 1..5
    usage: float | None = None  # 0..1 share of licences / expected activity
    response_hours: float | None = None  # average service-request response time
    cis: float | None = None  # customer improvement score, 0..10
    overdue_count: int = 0
    oldest_overdue_days: int | None = None
    oldest_overdue_number: int | None = None
    oldest_overdue_role: str | None = None  # who can clear it: the oldest task's role
    # Each overdue task (age, shared with the customer); empty: overdue_count alone counts.
    overdue: tuple[OverdueItem, ...] = ()
    # Or their totals, shared and internal (what storage gives: summed in SQL, not read row
    # by row); ``overdue`` wins when both are given.
    overdue_totals: tuple[OverdueTotal, ...] = ()
    # False when the account has no task at all: overdue work then has no data.
    tasks_recorded: bool = True
    days_since_note: int | None = None
    note_recorded: bool = True
    days_since_exec_meeting: int | None = None
    # False when no executive meeting was ever recorded (the days then count from creation).
    exec_meeting_recorded: bool = True
    renewal_date: date | None = None
    has_renewal_task: bool = False
    # Payment milestones (回款) not received by their due date (the commercial record);
    # ``payments_recorded`` False: the account owes nothing on record, no data.
    payments_recorded: bool = False
    overdue_payments: int = 0
    oldest_overdue_payment_days: int | None = None
    oldest_overdue_payment_number: int | None = None


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why an account is not green: ``health.reason.<code>`` filled with ``values``."""

    code: str
    severity: Color
    values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "values": self.values}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(code=data["code"], severity=Color(data["severity"]),
                   values=dict(data.get("values", {})))


@dataclass(frozen=True)
class Fix:
    """What would clear a reason (``health.fix.<code>``), and which role can do it."""

    code: str
    role: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    """An assessment. ``enough_data`` False: too little on record to give a colour (it is
    then not saved, and nobody is alerted); ``rule`` names the measure whose hard rule made
    the account red, when one did."""

    color: Color
    score: int
    reasons: list[Reason] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    enough_data: bool = True
    rule: str | None = None

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.reasons]

    def measures_json(self) -> list[dict[str, Any]]:
        return [m.to_json() for m in self.measures]


# Which role acts on each finding (DOMAIN.md: relationship/renewal -> AR, adoption and
# improvement -> SR, service and delivery -> FR, executive access -> the sponsor).
FIX_ROLE = {
    "nps_low": "AR",
    "csat_low": "FR",
    "usage_low": "SR",
    "response_slow": "FR",
    "cis_low": "SR",
    "overdue_tasks": "AR",
    "note_stale": "AR",
    "exec_stale": "SPONSOR",
    "exec_none": "SPONSOR",
    "renewal_no_task": "AR",
    "renewal_passed_no_task": "AR",
    "payment_overdue": "AR",
}


def assess(inputs: HealthInputs, *, tier: str, today: date, thresholds: Thresholds) -> Health:
    """Green / yellow / red, a 0-100 score, the scorecard, the reasons and what would turn
    it green."""
    th = thresholds
    measures = score_measures(inputs, th, today)
    counted = [m for m in measures if m.counted]
    mean = weighted_score(measures)
    score = round(mean) if mean is not None else 100
    color = Color.GREEN
    if score < th.score_red_below:
        color = Color.RED
    elif score < th.score_yellow_below:
        color = Color.YELLOW
    rule: str | None = None
    for m in counted:
        if m.band == Color.RED.value:
            # A red measure never hides in a green account; a hard rule makes it red.
            if m.code in th.red_rules and color != Color.RED:
                color, rule = Color.RED, m.code
            elif color == Color.GREEN:
                color = Color.YELLOW
    found = [Reason(m.reason, Color(m.band or "green"), dict(m.values))
             for m in counted if m.reason and m.band != Color.GREEN.value]
    # Red findings first, then yellow; within a severity, the scorecard's order.
    found.sort(key=lambda r: -r.severity.rank)
    fixes = [Fix(r.code, _fix_role(r.code, inputs), dict(r.values)) for r in found]
    troubled = any(m.band != Color.GREEN.value for m in counted)
    enough = len(counted) >= th.min_measures or troubled
    return Health(color=color if enough else Color.GREEN, score=score, reasons=found,
                  fixes=fixes, measures=measures, enough_data=enough, rule=rule)


def _fix_role(code: str, inputs: HealthInputs) -> str:
    if code == "overdue_tasks" and inputs.oldest_overdue_role:
        return inputs.oldest_overdue_role
    return FIX_ROLE.get(code, "AR")


# --- parsing signal values ----------------------------------------------------------------


class SignalValueError(ValueError):
    def __init__(self, metric: str, raw: str) -> None:
        super().__init__(f"{metric}={raw}")
        self.metric = metric
        self.raw = raw


_RANGES: dict[str, tuple[float, float]] = {
    "nps": (-100, 100),
    "csat": (1, 5),
    "usage": (0, 1),
    "response_hours": (0, 24 * 365),
    "cis": (0, 10),
}


METRIC_RANGES = _RANGES  # also what a stored value must be to count (storage.health_repo)


def parse_metric(metric: str, raw: str) -> float:
    """A signal's number, checked against its range; ``usage`` also takes ``65%``."""
    text = raw.strip().replace(",", ".")
    try:
        if metric == "usage" and text.endswith("%"):
            value = float(text[:-1]) / 100
        else:
            value = float(text.rstrip("h"))
    except ValueError:
        raise SignalValueError(metric, raw) from None
    low_, high_ = _RANGES[metric]
    if not low_ <= value <= high_ or value != value:
        raise SignalValueError(metric, raw)
    return value
