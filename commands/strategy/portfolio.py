"""The portfolio's strategy figures, pure: rows ranked by account score or gross profit,
the Pareto line (share of gross profit from the top 20% of accounts), tier counts against
the 5-25 key-account guideline, and the quarterly tier review's candidates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from commands.strategy.scoring import TIER_RANK, AccountScore

KEY_TIERS = ("core", "important")
KEY_MIN, KEY_MAX = 5, 25
TOP_SHARE = 0.2
#: How long an account must score below its tier before the review names it.
REVIEW_AFTER = timedelta(days=91)


@dataclass(frozen=True)
class Row:
    account_id: int
    name: str
    tier: str
    score: AccountScore | None
    revenue: float | None
    margin: float | None
    color: str
    ar: str
    open: int
    overdue: int
    renewal: object  # date | None

    @property
    def gross_profit(self) -> float | None:
        if self.revenue is None or self.margin is None:
            return None
        return self.revenue * self.margin


def ranked(rows: Sequence[Row], by: str) -> list[Row]:
    """Best first by ``score`` or ``profit``; rows without the figure last, by name."""
    def key(row: Row) -> tuple[int, float, str]:
        value = (row.score.exact if row.score else None) if by == "score" else row.gross_profit
        return (1, 0.0, row.name.casefold()) if value is None else \
            (0, -value, row.name.casefold())
    return sorted(rows, key=key)


@dataclass(frozen=True)
class Pareto:
    accounts: int  # accounts with a gross profit on record
    top: int  # how many make the top 20%
    share: float  # of the total gross profit, 0-1
    total: float


def pareto(rows: Sequence[Row]) -> Pareto | None:
    """The top 20% (at least one account) by gross profit, and their share of the total;
    None without a positive total to share."""
    profits = sorted((r.gross_profit for r in rows if r.gross_profit is not None), reverse=True)
    total = sum(profits)
    if not profits or total <= 0:
        return None
    top = max(1, math.ceil(len(profits) * TOP_SHARE))
    return Pareto(accounts=len(profits), top=top, share=sum(profits[:top]) / total, total=total)


def tier_counts(rows: Sequence[Row]) -> dict[str, int]:
    out = dict.fromkeys(TIER_RANK, 0)
    for row in rows:
        out[row.tier] = out.get(row.tier, 0) + 1
    return out


def key_account_warning(counts: dict[str, int]) -> str | None:
    """``few`` / ``many`` when the key accounts (core + important) leave 5-25."""
    key = sum(counts.get(t, 0) for t in KEY_TIERS)
    if key < KEY_MIN:
        return "few"
    if key > KEY_MAX:
        return "many"
    return None


@dataclass(frozen=True)
class ScorePoint:
    """One stored point of an account's score history (storage ScoreRecord)."""

    at: datetime
    suggested: str
    tier: str


def failing_since(points: Sequence[ScorePoint]) -> datetime | None:
    """Since when the account has scored below its tier without a break; None when it
    meets its tier now."""
    since: datetime | None = None
    for p in points:
        failing = TIER_RANK.get(p.suggested, 2) > TIER_RANK.get(p.tier, 2)
        if failing and since is None:
            since = p.at
        elif not failing:
            since = None
    return since


@dataclass(frozen=True)
class Review:
    down: list[tuple[Row, datetime]]  # failing their tier for a quarter, since when
    up: list[Row]  # potential accounts scoring like core ones
    counts: dict[str, int]
    warning: str | None


def tier_review(rows: Sequence[Row], history: dict[int, list[ScorePoint]],
                now: datetime) -> Review:
    down: list[tuple[Row, datetime]] = []
    up: list[Row] = []
    for row in rows:
        score = row.score
        if score is None:
            continue
        if score.suggested == "core" and row.tier == "potential":
            up.append(row)
        if TIER_RANK.get(score.suggested, 2) > TIER_RANK.get(row.tier, 2):
            points = [*history.get(row.account_id, []),
                      ScorePoint(now, score.suggested, row.tier)]
            since = failing_since(points)
            if since is not None and now - since >= REVIEW_AFTER:
                down.append((row, since))
    counts = tier_counts(rows)
    return Review(down=down, up=up, counts=counts, warning=key_account_warning(counts))
