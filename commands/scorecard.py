"""The health scorecard's measures: each one turns a kind of input into a score of 0-100.

Pure functions, one per measure, each ``(inputs, thresholds) -> Measure``; a measure with
no data scores None and is left out of the account's weighted score (missing data is
neutral). Every measure reads its thresholds the same way: the yellow limit scores
:data:`GREEN_FROM` (75) and the red limit :data:`YELLOW_FROM` (40), linearly in between, so
a measure's band agrees with the old traffic-light rules while its score keeps telling two
accounts apart. Past the red limit a bounded input (NPS -100) falls to 0 at its floor; an
unbounded one (days, hours, overdue load) falls as ``40 * red / value`` and never reaches 0.

A new kind of input is one more function here and one more name in
``commands.health_config.MEASURES`` (with a default weight): ``payments`` is the example,
scored from the overdue payments the commercial record gives ``HealthInputs`` (where the
account has payments on record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from commands.health_config import Thresholds

if TYPE_CHECKING:
    from commands.health import HealthInputs

GREEN_FROM = 75.0
YELLOW_FROM = 40.0


class Band:
    """A measure's own colour (the values of commands.health.Color)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def band_of(score: float) -> str:
    if score >= GREEN_FROM:
        return Band.GREEN
    if score >= YELLOW_FROM:
        return Band.YELLOW
    return Band.RED


@dataclass(frozen=True)
class Measure:
    """One line of the scorecard. ``score`` None: no data (not counted). ``reason`` is the
    catalog code (``health.reason.<code>``) and its values, set when the band is not green."""

    code: str
    score: float | None
    weight: float = 0.0
    reason: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # A yellow that must never turn red (an executive meeting never recorded is a nudge).
    capped: bool = False

    @property
    def band(self) -> str | None:
        return None if self.score is None else band_of(self.score)

    @property
    def counted(self) -> bool:
        return self.score is not None and self.weight > 0

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "score": None if self.score is None else round(self.score, 1),
                "weight": self.weight}


@dataclass(frozen=True)
class OverdueItem:
    """One overdue task as the overdue measure weighs it."""

    number: int
    days: int  # days late
    shared: bool = False
    role: str = ""


@dataclass(frozen=True)
class OverdueTotal:
    """Overdue tasks summed (by storage, with SQL aggregates): how many, and their days
    late added up, of the shared or the internal ones."""

    shared: bool
    count: int
    days: int


# --- shapes ---------------------------------------------------------------------------------


def _lerp(x: float, x0: float, x1: float, y0: float, y1: float) -> float:
    if x1 == x0:
        return y1
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def low_is_bad(value: float, *, yellow: float, red: float, floor: float,
               top: float) -> float:
    """NPS, CSAT, usage, CIS: 100 well above yellow, 75 at yellow, 40 at red, 0 at floor."""
    good = min(top, yellow + (yellow - red))
    if value >= good:
        return 100.0
    if value >= yellow:
        return _lerp(value, yellow, good, GREEN_FROM, 100.0)
    if value >= red:
        return _lerp(value, red, yellow, YELLOW_FROM, GREEN_FROM)
    return max(0.0, _lerp(value, floor, red, 0.0, YELLOW_FROM))


def high_is_bad(value: float, *, yellow: float, red: float, ok: float = 0.0,
                reached: bool = False) -> float:
    """Days, hours, overdue load: 100 up to ``ok``, 75 at yellow, 40 at red, then
    ``40 * red / value``. ``reached``: the limits count as crossed when reached (30 days
    without a meeting is yellow at a limit of 30), else only when passed (24 h is fine)."""
    if value <= ok:
        return 100.0
    if reached:
        # Shift the scale by a hair so that the limit itself lands in the worse band.
        value = value + 1e-6
    if value <= yellow:
        return _lerp(value, ok, yellow, 100.0, GREEN_FROM)
    if value <= red:
        return _lerp(value, yellow, red, GREEN_FROM, YELLOW_FROM)
    return YELLOW_FROM * red / value


def _num(value: float | int) -> float | int:
    """Whole numbers print without ".0"."""
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _limit(score: float, yellow: float, red: float) -> float:
    """The limit a reason names: the red one when the measure is red, else the yellow one."""
    return red if band_of(score) == Band.RED else yellow


# --- the measures ---------------------------------------------------------------------------


def _signal(code: str, reason: str, *, floor: float, top: float, percent: bool = False
            ) -> Callable[[HealthInputs, Thresholds], Measure]:
    def measure(inputs: HealthInputs, th: Thresholds) -> Measure:
        value = getattr(inputs, code)
        if value is None:
            return Measure(code, None)
        yellow, red = getattr(th, f"{code}_yellow"), getattr(th, f"{code}_red")
        score = low_is_bad(value, yellow=yellow, red=red, floor=floor, top=top)
        scale = 100 if percent else 1
        return Measure(code, score, reason=reason, values={
            "value": _num(round(value * scale, 2)),
            "limit": _num(round(_limit(score, yellow, red) * scale, 2))})

    return measure


def response_measure(inputs: HealthInputs, th: Thresholds) -> Measure:
    hours = inputs.response_hours
    if hours is None:
        return Measure("response_hours", None)
    score = high_is_bad(hours, yellow=th.response_hours_yellow, red=th.response_hours_red,
                        ok=th.response_hours_yellow / 2)
    return Measure("response_hours", score, reason="response_slow", values={
        "value": _num(hours),
        "limit": _num(_limit(score, th.response_hours_yellow, th.response_hours_red))})


def overdue_load(inputs: HealthInputs, th: Thresholds) -> float:
    """Overdue work in task-equivalents: older and customer-shared work weighs more (each
    task ``1 + days / overdue_red_days``; from the items, or from their totals)."""
    items = inputs.overdue
    if not items and inputs.overdue_totals:
        return sum((total.count + total.days / th.overdue_red_days)
                   * (th.overdue_shared_weight if total.shared else 1)
                   for total in inputs.overdue_totals)
    if not items and inputs.overdue_count:
        days = inputs.oldest_overdue_days or 1
        items = tuple(OverdueItem(0, days) for _ in range(inputs.overdue_count))
    return sum((1 + item.days / th.overdue_red_days)
               * (th.overdue_shared_weight if item.shared else 1) for item in items)


def overdue_measure(inputs: HealthInputs, th: Thresholds) -> Measure:
    if not inputs.tasks_recorded and not inputs.overdue_count:
        return Measure("overdue", None)
    load = overdue_load(inputs, th)
    score = high_is_bad(load, yellow=th.overdue_yellow_count, red=th.overdue_red_count,
                        reached=True)
    shared = sum(1 for item in inputs.overdue if item.shared) if inputs.overdue else sum(
        total.count for total in inputs.overdue_totals if total.shared)
    return Measure("overdue", score, reason="overdue_tasks", values={
        "count": inputs.overdue_count, "days": inputs.oldest_overdue_days or 0,
        "number": inputs.oldest_overdue_number or 0, "shared": shared})


def _days(code: str, reason: str, none_reason: str | None, days: int | None, recorded: bool,
          yellow: int | None, red: int | None) -> Measure:
    if days is None or yellow is None or red is None:
        return Measure(code, None)
    if not recorded:
        # Never on record (days count from the account's creation): no data while the
        # account is young; then an executive meeting is a nudge, never red.
        if days < yellow:
            return Measure(code, None)
        if none_reason is not None:
            return Measure(code, 60.0, reason=none_reason,
                           values={"value": days, "limit": yellow}, capped=True)
    score = high_is_bad(days, yellow=yellow, red=red, ok=yellow / 2, reached=True)
    return Measure(code, score, reason=reason, values={
        "value": days, "limit": _limit(score, yellow, red)})


def meetings_measure(inputs: HealthInputs, th: Thresholds) -> Measure:
    return _days("meetings", "note_stale", None, inputs.days_since_note, inputs.note_recorded,
                 th.note_yellow_days, th.note_red_days)


def executive_measure(inputs: HealthInputs, th: Thresholds) -> Measure:
    return _days("executive", "exec_stale", "exec_none", inputs.days_since_exec_meeting,
                 inputs.exec_meeting_recorded, th.exec_yellow_days, th.exec_red_days)


def renewal_measure(inputs: HealthInputs, th: Thresholds, today: date) -> Measure:
    """Renewal readiness. Inside the first renewal window a renewal needs a plan (a renewal
    task); without one it is yellow, lower at each later window, and red inside the last
    one. Long past (30 days) is stale data, not a renewal at risk."""
    renewal = inputs.renewal_date
    windows = th.renewal_windows
    if renewal is None or not windows:
        return Measure("renewal", None)
    days = (renewal - today).days
    if days > windows[0] or days < -30:
        return Measure("renewal", None)
    values = {"days": abs(days), "date": renewal.isoformat()}
    if inputs.has_renewal_task:
        return Measure("renewal", 100.0)
    if days < 0:
        return Measure("renewal", 10.0, reason="renewal_passed_no_task", values=values)
    if days <= windows[-1]:
        return Measure("renewal", 30.0 * days / max(windows[-1], 1) + 5.0,
                       reason="renewal_no_task", values=values)
    inside = sum(1 for w in windows if days <= w)  # 1 in the first window, 2 in the second...
    return Measure("renewal", max(45.0, 70.0 - 15.0 * (inside - 1)),
                   reason="renewal_no_task", values=values)


def payments_measure(inputs: HealthInputs, th: Thresholds) -> Measure:
    """Overdue payments where the account has payments on record (the commercial record
    fills ``inputs``): one overdue is yellow at once, red once the oldest is
    ``payment_red_days`` late, lower with each further overdue payment. Nothing on record
    is no data."""
    if not inputs.payments_recorded:
        return Measure("payments", None)
    count = inputs.overdue_payments
    if count <= 0:
        return Measure("payments", 100.0)
    days = inputs.oldest_overdue_payment_days or 0
    red = th.payment_red_days
    if red is None:  # never red: a late payment stays a yellow
        score = 60.0
    elif days < red:
        score = _lerp(days, 0, red, GREEN_FROM - 1, YELLOW_FROM)
    else:
        score = YELLOW_FROM * red / (days + 1)
    score = max(1.0, score - 3.0 * (count - 1))
    return Measure("payments", score, reason="payment_overdue", values={
        "count": count, "days": days, "number": inputs.oldest_overdue_payment_number or 0})


_SIGNALS: dict[str, Callable[[HealthInputs, Thresholds], Measure]] = {
    "nps": _signal("nps", "nps_low", floor=-100, top=100),
    "csat": _signal("csat", "csat_low", floor=1, top=5),
    "usage": _signal("usage", "usage_low", floor=0, top=1, percent=True),
    "response_hours": response_measure,
    "cis": _signal("cis", "cis_low", floor=0, top=10),
    "overdue": overdue_measure,
    "meetings": meetings_measure,
    "executive": executive_measure,
    "payments": payments_measure,
}


def score_measures(inputs: HealthInputs, th: Thresholds, today: date) -> list[Measure]:
    """Every measure of the scorecard, in display order, with the tier's weights."""
    from commands.health_config import MEASURES

    out: list[Measure] = []
    for code in MEASURES:
        measure = renewal_measure(inputs, th, today) if code == "renewal" \
            else _SIGNALS[code](inputs, th)
        weight = float(th.weights.get(code, 0.0))
        out.append(Measure(measure.code, measure.score, weight, measure.reason,
                           measure.values, measure.capped))
    return out


def weighted_score(measures: list[Measure]) -> float | None:
    """The weighted mean of the measures with data; None when none has."""
    counted = [m for m in measures if m.counted]
    total = sum(m.weight for m in counted)
    if not total:
        return None
    return sum(m.weight * (m.score or 0.0) for m in counted) / total


def drags(measures: list[Measure]) -> list[tuple[Measure, float]]:
    """What pulls the score down, most first: each measure's points below 100 in the mean."""
    counted = [m for m in measures if m.counted]
    total = sum(m.weight for m in counted)
    if not total:
        return []
    out = [(m, m.weight * (100.0 - (m.score or 0.0)) / total) for m in counted]
    return sorted([x for x in out if x[1] >= 0.5], key=lambda x: -x[1])


def moved(before: list[dict[str, Any]] | None, measures: list[Measure],
          min_points: float = 5.0) -> list[tuple[str, float | None, float | None]]:
    """Measures whose score changed by ``min_points`` or more since a stored scorecard
    (``Measure.to_json`` rows): (code, before, now), biggest change first."""
    if not before:
        return []
    old = {row.get("code"): row.get("score") for row in before if isinstance(row, dict)}
    out: list[tuple[str, float | None, float | None]] = []
    for m in measures:
        if m.code not in old:
            continue
        then, now = old[m.code], m.score
        if then is None and now is None:
            continue
        if then is None or now is None or abs(now - then) >= min_points:
            out.append((m.code, then, now))

    def size(row: tuple[str, float | None, float | None]) -> float:
        return abs((row[2] if row[2] is not None else 100.0)
                   - (row[1] if row[1] is not None else 100.0))

    return sorted(out, key=lambda r: -size(r))
