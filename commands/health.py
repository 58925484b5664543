"""The account health model: inputs in, traffic light, 0-100 score and reasons out.

A pure function (:func:`assess`) with no I/O, so it can be tested on tables of inputs.
Reasons are catalog keys (``health.reason.<code>``) plus values, so they render in every
language; each reason comes with a fix (``health.fix.<code>``) for the role that can act.

Missing data is neutral: an account with no NPS on record is not red for it. Thresholds
are per tier, tighter for higher tiers, and configurable through ``KAMBOT_HEALTH_THRESHOLDS``
(a JSON object, see :class:`HealthSettings`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict


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

    Day counts are whole days before ``today``. ``days_since_note`` and
    ``days_since_exec_meeting`` count from the account's creation when nothing was
    recorded yet, so a new account is not stale on day one. An executive meeting never
    recorded is missing data: it can make an account yellow (a nudge), never red.
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
    days_since_note: int | None = None
    days_since_exec_meeting: int | None = None
    # False when no executive meeting was ever recorded (the days then count from creation).
    exec_meeting_recorded: bool = True
    renewal_date: date | None = None
    has_renewal_task: bool = False


@dataclass(frozen=True)
class Thresholds:
    """Where yellow and red start, for one tier. ``None`` switches a check off."""

    nps_yellow: float = 30
    nps_red: float = 0
    csat_yellow: float = 4.0
    csat_red: float = 3.0
    usage_yellow: float = 0.5
    usage_red: float = 0.25
    response_hours_yellow: float = 24
    response_hours_red: float = 72
    cis_yellow: float = 6
    cis_red: float = 4
    overdue_yellow_count: int = 1
    overdue_red_count: int = 4
    overdue_red_days: int = 21
    note_yellow_days: int | None = 45
    note_red_days: int | None = 90
    exec_yellow_days: int | None = 180
    exec_red_days: int | None = 365
    renewal_yellow_days: int | None = 90
    renewal_red_days: int | None = 30


#: Per-tier defaults: a core account with no meeting note for 30 days is yellow.
DEFAULT_TIERS: dict[str, Thresholds] = {
    "core": Thresholds(
        nps_yellow=40, csat_yellow=4.2, usage_yellow=0.6, usage_red=0.35,
        response_hours_yellow=8, response_hours_red=24,
        overdue_yellow_count=1, overdue_red_count=3, overdue_red_days=14,
        note_yellow_days=30, note_red_days=60, exec_yellow_days=90, exec_red_days=180,
        renewal_yellow_days=120, renewal_red_days=45,
    ),
    "important": Thresholds(),
    "potential": Thresholds(
        nps_yellow=20, nps_red=-20, csat_yellow=3.5, csat_red=2.5, usage_yellow=0.3,
        usage_red=0.1, response_hours_yellow=48, response_hours_red=120,
        overdue_yellow_count=2, overdue_red_count=6, overdue_red_days=30,
        note_yellow_days=90, note_red_days=180, exec_yellow_days=None, exec_red_days=None,
        renewal_yellow_days=60, renewal_red_days=21,
    ),
}


@dataclass(frozen=True)
class HealthConfig:
    """Thresholds per tier plus the numbers the alert rules use."""

    tiers: dict[str, Thresholds] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    renewal_task_days: int = 60  # renewal within this -> a renewal task for AR
    escalate_after_days: int = 7  # a task overdue longer -> escalated to its holder and AR
    alert_repeat_days: int = 7  # a non-green account is reminded of this often
    exec_visit_every_days: int = 365  # a core account gets an executive visit task this often

    def for_tier(self, tier: str) -> Thresholds:
        return self.tiers.get(tier) or self.tiers.get("important") or Thresholds()


class HealthSettings(BaseSettings):
    """``KAMBOT_HEALTH_THRESHOLDS``: JSON overrides, e.g.

    ``{"core": {"note_yellow_days": 21}, "all": {"nps_red": -10}, "escalate_after_days": 5}``

    Keys under a tier name (or ``all``, applied to every tier first) are
    :class:`Thresholds` fields; top-level numbers are :class:`HealthConfig` fields.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    KAMBOT_HEALTH_THRESHOLDS: str | None = None

    def config(self) -> HealthConfig:
        return parse_config(self.KAMBOT_HEALTH_THRESHOLDS)


def parse_config(raw: str | dict[str, Any] | None) -> HealthConfig:
    """A HealthConfig from JSON overrides; unknown keys fail loudly (a typo is not ignored)."""
    if not raw:
        return HealthConfig()
    data: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else dict(raw)
    if not isinstance(data, dict):
        raise ValueError("KAMBOT_HEALTH_THRESHOLDS must be a JSON object")
    threshold_names = {f.name for f in fields(Thresholds)}
    config_names = {f.name for f in fields(HealthConfig)} - {"tiers"}
    common = data.pop("all", {}) or {}
    _check(common, threshold_names, "all")
    tiers = dict(DEFAULT_TIERS)
    for tier in set(tiers) | {k for k in data if k not in config_names}:
        override = data.pop(tier, {}) or {}
        if not isinstance(override, dict):
            raise ValueError(f"KAMBOT_HEALTH_THRESHOLDS: {tier!r} must be an object")
        _check(override, threshold_names, tier)
        tiers[tier] = replace(tiers.get(tier, Thresholds()), **common, **override)
    _check(data, config_names, "top level")
    return HealthConfig(tiers=tiers, **{k: int(v) for k, v in data.items()})


def _check(values: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"KAMBOT_HEALTH_THRESHOLDS ({where}): unknown {sorted(unknown)}")


def load_config(services: dict[str, Any] | None = None) -> HealthConfig:
    """The config a composition root put in ``services["health_config"]``, else the env's."""
    if services and isinstance(services.get("health_config"), HealthConfig):
        return services["health_config"]  # type: ignore[no-any-return]
    return HealthSettings().config()


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
    color: Color
    score: int
    reasons: list[Reason] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.reasons]


# Score penalties: a yellow finding costs 12 points, a red one 35; several small problems
# add up, so the score can turn an account yellow or red on its own (below 75 / 40).
PENALTY = {Color.YELLOW: 12, Color.RED: 35}
SCORE_YELLOW_BELOW = 75
SCORE_RED_BELOW = 40

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
}


def assess(inputs: HealthInputs, *, tier: str, today: date, thresholds: Thresholds) -> Health:
    """Green / yellow / red, a 0-100 score, the reasons and what would turn it green."""
    th = thresholds
    found: list[Reason] = []

    def low(code: str, value: float | None, yellow: float, red: float, **extra: Any) -> None:
        if value is None:
            return
        if value < red:
            found.append(Reason(code, Color.RED, {"value": _num(value), "limit": _num(red), **extra}))
        elif value < yellow:
            found.append(Reason(code, Color.YELLOW, {"value": _num(value), "limit": _num(yellow), **extra}))

    def high(code: str, value: float | int | None, yellow: float | None, red: float | None) -> None:
        if value is None or yellow is None:
            return
        if red is not None and value >= red:
            found.append(Reason(code, Color.RED, {"value": _num(value), "limit": _num(red)}))
        elif value >= yellow:
            found.append(Reason(code, Color.YELLOW, {"value": _num(value), "limit": _num(yellow)}))

    low("nps_low", inputs.nps, th.nps_yellow, th.nps_red)
    low("csat_low", inputs.csat, th.csat_yellow, th.csat_red)
    if inputs.usage is not None:
        low("usage_low", round(inputs.usage * 100), th.usage_yellow * 100, th.usage_red * 100)
    if inputs.response_hours is not None:
        # Response time is bad when high, so compare with a strict "more than".
        if inputs.response_hours > th.response_hours_red:
            found.append(Reason("response_slow", Color.RED,
                                {"value": _num(inputs.response_hours), "limit": _num(th.response_hours_red)}))
        elif inputs.response_hours > th.response_hours_yellow:
            found.append(Reason("response_slow", Color.YELLOW,
                                {"value": _num(inputs.response_hours), "limit": _num(th.response_hours_yellow)}))
    low("cis_low", inputs.cis, th.cis_yellow, th.cis_red)

    if inputs.overdue_count >= th.overdue_yellow_count and inputs.overdue_count > 0:
        oldest = inputs.oldest_overdue_days or 0
        red = inputs.overdue_count >= th.overdue_red_count or oldest > th.overdue_red_days
        found.append(Reason("overdue_tasks", Color.RED if red else Color.YELLOW, {
            "count": inputs.overdue_count, "days": oldest,
            "number": inputs.oldest_overdue_number or 0,
        }))

    high("note_stale", inputs.days_since_note, th.note_yellow_days, th.note_red_days)
    if inputs.exec_meeting_recorded:
        high("exec_stale", inputs.days_since_exec_meeting, th.exec_yellow_days, th.exec_red_days)
    elif th.exec_yellow_days is not None and inputs.days_since_exec_meeting is not None \
            and inputs.days_since_exec_meeting >= th.exec_yellow_days:
        found.append(Reason("exec_none", Color.YELLOW, {
            "value": inputs.days_since_exec_meeting, "limit": th.exec_yellow_days}))

    if inputs.renewal_date is not None and not inputs.has_renewal_task \
            and th.renewal_yellow_days is not None:
        days = (inputs.renewal_date - today).days
        # A renewal date long past is stale data (renewed, or lost), not a renewal at risk.
        if -30 <= days <= th.renewal_yellow_days:
            red = th.renewal_red_days is not None and days <= th.renewal_red_days
            code = "renewal_no_task" if days >= 0 else "renewal_passed_no_task"
            found.append(Reason(code, Color.RED if red else Color.YELLOW,
                                {"days": abs(days), "date": inputs.renewal_date.isoformat()}))

    score = max(0, min(100, 100 - sum(PENALTY[r.severity] for r in found)))
    color = Color.GREEN
    for r in found:
        if r.severity.worse_than(color):
            color = r.severity
    by_score = Color.RED if score < SCORE_RED_BELOW else (
        Color.YELLOW if score < SCORE_YELLOW_BELOW else Color.GREEN)
    if by_score.worse_than(color):
        color = by_score
    # Red findings first, then yellow; within a severity, the catalogue order above.
    found.sort(key=lambda r: -r.severity.rank)
    fixes = [Fix(r.code, _fix_role(r.code, inputs), dict(r.values)) for r in found]
    return Health(color=color, score=score, reasons=found, fixes=fixes)


def _fix_role(code: str, inputs: HealthInputs) -> str:
    if code == "overdue_tasks" and inputs.oldest_overdue_role:
        return inputs.oldest_overdue_role
    return FIX_ROLE.get(code, "AR")


def _num(value: float | int) -> float | int:
    """Whole numbers print without ".0"."""
    return int(value) if float(value).is_integer() else round(float(value), 2)


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
