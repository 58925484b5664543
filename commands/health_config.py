"""The health scorecard's settings: thresholds and weights per tier, and their validation.

``KAMBOT_HEALTH_THRESHOLDS`` is a JSON object of overrides, e.g.::

    {"core": {"note_yellow_days": 21, "weights": {"overdue": 30}},
     "all": {"nps_red": -10}, "escalate_after_days": 5}

Keys under a tier name (or ``all``, applied to every tier first) are :class:`Thresholds`
fields (``weights`` merges into the tier's weights, measure by measure); top-level numbers
are :class:`HealthConfig` fields. Renewal windows are one setting of their own,
``KAMBOT_RENEWAL_WINDOWS`` (``90,60,30``), used by health, the renewal rule and playbooks.

:func:`parse_config` checks everything (unknown keys, types, a yellow limit on the wrong
side of its red one, weights) and raises :class:`HealthConfigError` with one line that says
what is wrong, so a bad setting stops the start instead of failing every command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

#: The scorecard's measures, in the order they are shown.
MEASURES = ("nps", "csat", "usage", "response_hours", "cis", "overdue", "meetings",
            "executive", "renewal", "payments")

DEFAULT_RENEWAL_WINDOWS = (90, 60, 30)


class HealthConfigError(ValueError):
    """A bad KAMBOT_HEALTH_THRESHOLDS / KAMBOT_RENEWAL_WINDOWS: one line saying what is wrong."""


def _weights(**changes: float) -> dict[str, float]:
    base: dict[str, float] = {"nps": 15, "csat": 10, "usage": 10, "response_hours": 10,
                              "cis": 5, "overdue": 20, "meetings": 10, "executive": 5,
                              "renewal": 15, "payments": 10}
    base.update(changes)
    return {k: float(v) for k, v in base.items()}


@dataclass(frozen=True)
class Thresholds:
    """One tier's scorecard: where each measure turns yellow and red, the measures' weights,
    the score bands and the hard rules. ``None`` switches a day-count check off."""

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
    # Overdue work in "task-equivalents": each overdue task counts 1, plus 1 for every
    # overdue_red_days it is late, times overdue_shared_weight when shared with the customer.
    overdue_yellow_count: float = 1
    overdue_red_count: float = 4
    overdue_red_days: int = 21
    overdue_shared_weight: float = 2
    note_yellow_days: int | None = 45
    note_red_days: int | None = 90
    exec_yellow_days: int | None = 180
    exec_red_days: int | None = 365
    # An overdue payment (回款) is yellow; one overdue this long (or more) is red.
    payment_red_days: int | None = 30
    # The account's colour from its score: green from score_yellow_below up, red under
    # score_red_below.
    score_yellow_below: float = 75
    score_red_below: float = 45
    # Hard rules: a measure in red that makes the whole account red whatever the score.
    red_rules: tuple[str, ...] = ("renewal", "nps", "csat", "payments")
    # Fewer measures with data than this (and none of them in trouble): "not enough data".
    min_measures: int = 2
    weights: dict[str, float] = field(default_factory=_weights)
    # Copied from KAMBOT_RENEWAL_WINDOWS into every tier (one setting for all of them).
    renewal_windows: tuple[int, ...] = DEFAULT_RENEWAL_WINDOWS


#: Per-tier defaults: tighter for higher tiers (a core account with no meeting for 30 days
#: has a yellow meeting cadence, and is green only from a score of 80).
DEFAULT_TIERS: dict[str, Thresholds] = {
    "core": Thresholds(
        nps_yellow=40, csat_yellow=4.2, usage_yellow=0.6, usage_red=0.35,
        response_hours_yellow=8, response_hours_red=24,
        overdue_yellow_count=1, overdue_red_count=3, overdue_red_days=14,
        note_yellow_days=30, note_red_days=60, exec_yellow_days=90, exec_red_days=180,
        payment_red_days=21, score_yellow_below=80, score_red_below=50,
        weights=_weights(executive=10),
    ),
    "important": Thresholds(),
    "potential": Thresholds(
        nps_yellow=20, nps_red=-20, csat_yellow=3.5, csat_red=2.5, usage_yellow=0.3,
        usage_red=0.1, response_hours_yellow=48, response_hours_red=120,
        overdue_yellow_count=2, overdue_red_count=6, overdue_red_days=30,
        note_yellow_days=90, note_red_days=180, exec_yellow_days=None, exec_red_days=None,
        payment_red_days=45, score_yellow_below=70, score_red_below=40,
        weights=_weights(executive=0, meetings=5, response_hours=5),
    ),
}


@dataclass(frozen=True)
class HealthConfig:
    """Thresholds per tier plus the numbers the alert rules use."""

    tiers: dict[str, Thresholds] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    # Days before a renewal, largest first: the renewal task comes with the first window,
    # a reminder at each later one, and no renewal plan inside the last one is red.
    renewal_windows: tuple[int, ...] = DEFAULT_RENEWAL_WINDOWS
    escalate_after_days: int = 5  # business days overdue per step of the escalation chain
    alert_repeat_days: int = 5  # business days between reminders of an unresolved alert
    exec_visit_every_days: int = 365  # a core account gets an executive visit task this often
    # Tiers whose red goes to management (any tier does on a drop from green to red).
    management_tiers: tuple[str, ...] = ("core", "important")

    def for_tier(self, tier: str) -> Thresholds:
        return self.tiers.get(tier) or self.tiers.get("important") or Thresholds()

    @property
    def renewal_task_days(self) -> int:
        """The renewal rule's window: the first (largest) renewal window."""
        return self.renewal_windows[0]


# --- parsing and validation -----------------------------------------------------------------

_LOW_IS_BAD = ("nps", "csat", "usage", "cis")
_HIGH_IS_BAD = (("response_hours_yellow", "response_hours_red"),
                ("overdue_yellow_count", "overdue_red_count"),
                ("note_yellow_days", "note_red_days"), ("exec_yellow_days", "exec_red_days"))
# Renewal windows used to be per-tier thresholds; they are one setting now.
_MOVED = {"renewal_windows": "KAMBOT_RENEWAL_WINDOWS",
          "renewal_yellow_days": "KAMBOT_RENEWAL_WINDOWS",
          "renewal_red_days": "KAMBOT_RENEWAL_WINDOWS",
          "renewal_task_days": "KAMBOT_RENEWAL_WINDOWS"}
_NAME = "KAMBOT_HEALTH_THRESHOLDS"


def parse_windows(raw: str | tuple[int, ...] | list[int] | None) -> tuple[int, ...]:
    """``"90,60,30"`` -> (90, 60, 30): days before a renewal, largest first."""
    if raw is None or raw == "":
        return DEFAULT_RENEWAL_WINDOWS
    parts: list[Any] = ([p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
                        if isinstance(raw, str) else list(raw))
    try:
        days = [int(p) for p in parts]
    except (TypeError, ValueError):
        days = []
    if not days or any(d <= 0 or d > 3650 for d in days):
        raise HealthConfigError(
            "KAMBOT_RENEWAL_WINDOWS must be days before a renewal, e.g. 90,60,30")
    return tuple(sorted(set(days), reverse=True))


def parse_config(raw: str | dict[str, Any] | None,
                 renewal_windows: str | tuple[int, ...] | list[int] | None = None) -> HealthConfig:
    """A HealthConfig from JSON overrides; anything wrong raises HealthConfigError."""
    windows = parse_windows(renewal_windows)
    if not raw:
        return HealthConfig(tiers={name: replace(th, renewal_windows=windows)
                                   for name, th in DEFAULT_TIERS.items()},
                            renewal_windows=windows)
    if isinstance(raw, str):
        try:
            data: Any = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise HealthConfigError(f"{_NAME} is not valid JSON ({exc.msg} at "
                                    f"character {exc.pos})") from None
    else:
        data = raw
    if not isinstance(data, dict):
        raise HealthConfigError(f"{_NAME} must be a JSON object, e.g. "
                                '{"core": {"note_yellow_days": 21}}')
    data = dict(data)
    config_names = {f.name for f in fields(HealthConfig)} - {"tiers", "renewal_windows"}
    common = _tier_overrides(data.pop("all", {}), "all")
    common_weights = common.pop("weights", {})
    tiers = dict(DEFAULT_TIERS)
    for tier in sorted(tiers):
        override = _tier_overrides(data.pop(tier, {}), tier)
        base = tiers.get(tier, DEFAULT_TIERS["important"])
        weights = {**base.weights, **common_weights, **override.pop("weights", {})}
        merged = {**common, **override}
        try:
            tiers[tier] = replace(base, **merged, weights=weights, renewal_windows=windows)
        except TypeError as exc:  # pragma: no cover - names were checked above
            raise HealthConfigError(f"{_NAME} ({tier}): {exc}") from None
        _validate_tier(tier, tiers[tier])
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _MOVED:
            raise HealthConfigError(f"{_NAME}: {key} is now the setting {_MOVED[key]} "
                                    "(e.g. 90,60,30)")
        if key not in config_names:
            raise HealthConfigError(f"{_NAME}: unknown key {key!r}; tiers are core, "
                                    f"important, potential, all; settings are "
                                    f"{', '.join(sorted(config_names))}")
        if key == "management_tiers":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise HealthConfigError(f"{_NAME}: management_tiers must be a list of tiers")
            values[key] = tuple(value)
            continue
        least = 0 if key == "alert_repeat_days" else 1  # 0: an alert is never repeated
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise HealthConfigError(f"{_NAME}: {key} must be a whole number of days, "
                                    f"{least} or more")
        values[key] = value
    return HealthConfig(tiers=tiers, renewal_windows=windows, **values)


_THRESHOLD_NAMES = {f.name for f in fields(Thresholds)}


def _tier_overrides(value: Any, where: str) -> dict[str, Any]:
    """One tier's overrides, checked for names and types (copied: callers pop from it)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HealthConfigError(f"{_NAME}: {where!r} must be an object of thresholds")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in _MOVED:
            raise HealthConfigError(f"{_NAME} ({where}): {key} is now the setting "
                                    f"{_MOVED[key]} (e.g. 90,60,30)")
        if key not in _THRESHOLD_NAMES:
            raise HealthConfigError(f"{_NAME} ({where}): unknown threshold {key!r}")
        if key == "weights":
            out[key] = _weights_override(item, where)
        elif key == "red_rules":
            if not isinstance(item, list) or any(m not in MEASURES for m in item):
                raise HealthConfigError(f"{_NAME} ({where}): red_rules must be a list of "
                                        f"measures ({', '.join(MEASURES)})")
            out[key] = tuple(item)
        elif item is None and key.endswith("_days") and key.startswith(("note", "exec",
                                                                        "payment")):
            out[key] = None
        elif isinstance(item, bool) or not isinstance(item, int | float):
            raise HealthConfigError(f"{_NAME} ({where}): {key} must be a number")
        else:
            out[key] = item
    return out


def _weights_override(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise HealthConfigError(f"{_NAME} ({where}): weights must be an object, e.g. "
                                '{"overdue": 30}')
    out: dict[str, float] = {}
    for measure, weight in value.items():
        if measure not in MEASURES:
            raise HealthConfigError(f"{_NAME} ({where}): unknown measure {measure!r} in "
                                    f"weights; measures are {', '.join(MEASURES)}")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise HealthConfigError(f"{_NAME} ({where}): the weight of {measure} must be a "
                                    "number, 0 or more")
        out[measure] = float(weight)
    return out


def _validate_tier(tier: str, th: Thresholds) -> None:
    where = f"{_NAME} ({tier})"
    for name in _LOW_IS_BAD:
        yellow, red = getattr(th, f"{name}_yellow"), getattr(th, f"{name}_red")
        if red >= yellow:
            raise HealthConfigError(f"{where}: {name}_red ({red:g}) must be below "
                                    f"{name}_yellow ({yellow:g})")
    for yellow_name, red_name in _HIGH_IS_BAD:
        yellow, red = getattr(th, yellow_name), getattr(th, red_name)
        if yellow is None and red is None:
            continue
        if yellow is None or red is None:
            raise HealthConfigError(f"{where}: {yellow_name} and {red_name} are switched "
                                    "off together (both null)")
        if yellow <= 0 or red <= yellow:
            raise HealthConfigError(f"{where}: {red_name} ({red:g}) must be above "
                                    f"{yellow_name} ({yellow:g}), both above 0")
    if th.payment_red_days is not None and th.payment_red_days <= 0:
        raise HealthConfigError(f"{where}: payment_red_days must be above 0 (or null)")
    if th.overdue_red_days <= 0 or th.overdue_shared_weight < 1:
        raise HealthConfigError(f"{where}: overdue_red_days must be above 0 and "
                                "overdue_shared_weight 1 or more")
    if not 0 < th.score_red_below < th.score_yellow_below <= 100:
        raise HealthConfigError(f"{where}: need 0 < score_red_below < score_yellow_below "
                                "<= 100")
    if th.min_measures < 1:
        raise HealthConfigError(f"{where}: min_measures must be 1 or more")
    if not any(th.weights.get(m, 0) > 0 for m in MEASURES):
        raise HealthConfigError(f"{where}: at least one measure needs a weight above 0")


class HealthSettings(BaseSettings):
    """The two settings, read from the environment when no composition root supplies a
    HealthConfig (a script, the ask helper's tests)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    KAMBOT_HEALTH_THRESHOLDS: str | None = None
    KAMBOT_RENEWAL_WINDOWS: str | None = None

    def config(self) -> HealthConfig:
        return parse_config(self.KAMBOT_HEALTH_THRESHOLDS, self.KAMBOT_RENEWAL_WINDOWS)


def load_config(services: dict[str, Any] | None = None) -> HealthConfig:
    """The config a composition root put in ``services["health_config"]``, else the env's."""
    if services and isinstance(services.get("health_config"), HealthConfig):
        return services["health_config"]  # type: ignore[no-any-return]
    return HealthSettings().config()
