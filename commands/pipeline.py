"""The commercial spine's rules: lead-to-cash stages, kinds of opportunity, probabilities,
weighted value, stalled stages, renewal windows and money in the reader's language.

Pure functions, no I/O: handlers, the account card, the jobs and the demo share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from commands.textfold import fold

# Lead to cash (LTC, 从线索到回款), in order.
STAGES = ("lead", "opportunity", "contract", "delivery", "payment")
# A contract is signed from here on: payment milestones belong to these stages.
CONTRACTED = ("contract", "delivery", "payment")
KINDS = ("new", "upsell", "cross-sell", "renewal")
OPEN, WON, LOST = "open", "won", "lost"

# Used when an opportunity has no probability of its own.
DEFAULT_PROBABILITY = {
    "lead": 0.1, "opportunity": 0.3, "contract": 0.7, "delivery": 0.9, "payment": 0.95,
}

_STAGE_WORDS = {
    "lead": "lead", "leads": "lead", "线索": "lead",
    "opportunity": "opportunity", "opp": "opportunity", "机会": "opportunity",
    "机会点": "opportunity",
    "contract": "contract", "合同": "contract",
    "delivery": "delivery", "交付": "delivery",
    "payment": "payment", "cash": "payment", "回款": "payment",
}
_KIND_WORDS = {
    "new": "new", "新签": "new", "新": "new",
    "upsell": "upsell", "up-sell": "upsell", "增购": "upsell",
    "cross-sell": "cross-sell", "crosssell": "cross-sell", "cross": "cross-sell",
    "交叉销售": "cross-sell",
    "renewal": "renewal", "renew": "renewal", "续约": "renewal",
}
_OUTCOME_WORDS = {"won": WON, "win": WON, "赢单": WON, "lost": LOST, "lose": LOST,
                  "丢单": LOST}
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*%$|^(0?\.\d+|0|1(?:\.0+)?)$")

# Chinese option keys of the commercial verbs (one form each; the English key beside it).
KEYS = {"阶段": "stage", "金额": "amount", "成交": "close", "概率": "probability",
        "类型": "kind", "到期": "due", "截止": "due", "价值": "value"}


def parse_stage(word: str) -> str | None:
    return _STAGE_WORDS.get(fold(word).strip())


def parse_kind(word: str) -> str | None:
    return _KIND_WORDS.get(fold(word).strip())


def parse_outcome(word: str) -> str | None:
    return _OUTCOME_WORDS.get(fold(word).strip())


def parse_probability(text: str) -> float | None:
    """``60%`` / ``60`` / ``0.6`` -> 0.6; None when it is not a share of 0..100%."""
    raw = text.strip().replace("％", "%")
    match = _PERCENT.match(raw)
    if match:
        value = float(match.group(1)) / 100 if match.group(1) else float(match.group(2))
    elif raw.isdigit():
        value = int(raw) / 100
    else:
        return None
    return value if 0 <= value <= 1 else None


def probability_of(stage: str, probability: float | None) -> float:
    return probability if probability is not None else DEFAULT_PROBABILITY.get(stage, 0.0)


def weighted(value: float, stage: str, probability: float | None) -> float:
    """What the opportunity is worth to the forecast: value times its probability."""
    return value * probability_of(stage, probability)


def stage_index(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else -1


def stalled_days(changed_at: datetime, now: datetime, limit: int) -> int | None:
    """Days in the stage when that is ``limit`` or more (flag it), else None."""
    days = (now - changed_at).days
    return days if days >= limit else None


def normalise_options(options: dict[str, str]) -> dict[str, str]:
    """Chinese keys of the commercial verbs to their English names."""
    return {KEYS.get(k, k): v for k, v in options.items()}


# --- money ---------------------------------------------------------------------------------

_ZH_CURRENCY = {"CNY": "元", "RMB": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元",
                "JPY": "日元", "GBP": "英镑", "SGD": "新加坡元", "TWD": "新台币"}


def fmt_money(lang: str, value: float | None, currency: str) -> str:
    """``CNY 1,200,000`` in English; ``120万元`` / ``1.5亿美元`` / ``8,000元`` in Chinese."""
    if value is None:
        return "—"
    if lang == "zh":
        unit = _ZH_CURRENCY.get(currency.upper(), f" {currency.upper()}")
        size = abs(value)
        if size >= 100_000_000:
            number = _trim(value / 100_000_000, 2) + "亿"
        elif size >= 10_000:
            number = _trim(value / 10_000, 2) + "万"
        else:
            number = f"{value:,.0f}"
        return number + unit
    return f"{currency.upper()} {value:,.0f}"


def _trim(number: float, decimals: int) -> str:
    return f"{number:.{decimals}f}".rstrip("0").rstrip(".")


# --- renewals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Renewals due in (low, high] days: "within 30 days", "31-60 days" ..."""

    low: int
    high: int


def windows_of(days: Sequence[int]) -> list[Window]:
    """(90, 60, 30) -> [0-30], (30-60], (60-90]: nearest first."""
    ordered = sorted(set(days))
    out: list[Window] = []
    low = -1
    for high in ordered:
        out.append(Window(low, high))
        low = high
    return out


def window_for(days_left: int, windows: Iterable[Window]) -> Window | None:
    for window in windows:
        if window.low < days_left <= window.high:
            return window
    return None


def renewal_due(renewal: date | None, today: date, window: int) -> bool:
    """The renewal falls inside the window (0..window days away)."""
    return renewal is not None and 0 <= (renewal - today).days <= window


def summarise(rows: Iterable[Any]) -> dict[str, float]:
    """Count, value and weighted value of opportunity rows (open ones)."""
    count, value, weight = 0, 0.0, 0.0
    for row in rows:
        count += 1
        value += row.value
        weight += weighted(row.value, row.stage, row.probability)
    return {"count": count, "value": value, "weighted": weight}


# --- settings ------------------------------------------------------------------------------
# Read from the deployment's Settings when there is one (handlers get ``ctx.settings``);
# the defaults match bot/settings.py.


def currency_of(settings: Any) -> str:
    return str(getattr(settings, "KAMBOT_CURRENCY", None) or "CNY")


def renewal_windows_of(settings: Any) -> tuple[int, ...]:
    """KAMBOT_RENEWAL_WINDOWS, largest first: (90, 60, 30)."""
    return tuple(getattr(settings, "KAMBOT_RENEWAL_WINDOWS", None) or (90, 60, 30))


def stale_days_of(settings: Any) -> int:
    return int(getattr(settings, "KAMBOT_STAGE_STALE_DAYS", None) or 30)


def playbooks_dir_of(settings: Any) -> str | None:
    return getattr(settings, "KAMBOT_PLAYBOOKS_DIR", None) or None
