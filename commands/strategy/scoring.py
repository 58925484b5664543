"""The account score: four dimensions rated 1-5, weighed by weights an admin sets, as a
total out of 100, and the tier that total suggests.

Each rating becomes 0-100 (1 -> 0, 5 -> 100); cost to serve counts against, so a cost of 1
is 100 and a cost of 5 is 0. The total is the weighted mean. With equal weights the tier
limits (core from 75, important from 50) agree with the old rule "sum of the four, cost
inverted, 16 of 20 is core, 12 is important".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DIMENSIONS = ("value", "potential", "fit", "cost")
#: Dimensions where a high rating lowers the score.
AGAINST = frozenset({"cost"})
DEFAULT_WEIGHTS: dict[str, int] = {"value": 35, "potential": 25, "fit": 25, "cost": 15}
#: The lowest total of each tier, best tier first.
TIER_FLOORS: tuple[tuple[str, float], ...] = (("core", 75.0), ("important", 50.0),
                                              ("potential", 0.0))
TIER_RANK = {"core": 0, "important": 1, "potential": 2}
MAX_WEIGHT = 100


@dataclass(frozen=True)
class AccountScore:
    total: int  # 0-100, rounded
    exact: float
    parts: dict[str, float]  # each dimension's 0-100
    suggested: str  # the tier the total suggests

    def disagrees(self, tier: str) -> bool:
        return tier in TIER_RANK and tier != self.suggested

    def direction(self, tier: str) -> str:
        """``up`` when the score suggests a better tier than ``tier``, ``down`` when worse."""
        return "up" if TIER_RANK[self.suggested] < TIER_RANK.get(tier, 2) else "down"


def normalize_weights(raw: Mapping[str, object] | None) -> dict[str, int]:
    """Stored weights with anything missing or broken replaced by the default."""
    out = dict(DEFAULT_WEIGHTS)
    if not raw:
        return out
    for key in DIMENSIONS:
        value = raw.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and 0 <= value <= MAX_WEIGHT:
            out[key] = int(value)
    if not sum(out.values()):
        return dict(DEFAULT_WEIGHTS)
    return out


def rating_points(key: str, rating: int) -> float:
    points = (rating - 1) / 4 * 100
    return 100.0 - points if key in AGAINST else points


def tier_for(total: float) -> str:
    for tier, floor in TIER_FLOORS:
        if total >= floor:
            return tier
    return TIER_FLOORS[-1][0]


def score_of(ratings: Mapping[str, int | None], weights: Mapping[str, int]) -> AccountScore | None:
    """The total of four ratings (1-5); None until all four are given."""
    if any(ratings.get(k) is None for k in DIMENSIONS):
        return None
    parts = {k: rating_points(k, int(ratings[k])) for k in DIMENSIONS}  # type: ignore[arg-type]
    weight_sum = sum(weights[k] for k in DIMENSIONS)
    exact = sum(parts[k] * weights[k] for k in DIMENSIONS) / weight_sum
    return AccountScore(total=int(round(exact)), exact=exact, parts=parts,
                        suggested=tier_for(exact))


def ratings_of(account: object) -> dict[str, int | None]:
    """The four ratings stored on an Account row (``score_value`` ...)."""
    return {k: getattr(account, f"score_{k}", None) for k in DIMENSIONS}


def suggested_tier(account: object, weights: Mapping[str, int] | None = None) -> str | None:
    """The tier an Account row's ratings suggest (the default weights unless given)."""
    score = score_of(ratings_of(account), weights or DEFAULT_WEIGHTS)
    return score.suggested if score else None
