"""The relationship map: the customer's decision chain as a reports-to tree, and its gaps.

Pure functions over Stakeholder rows. Gaps (codes of ``strategy.gap.<code>``):
``no_decision_maker`` (people on record, none of them the decision-maker),
``dm_unowned`` (nobody of ours holds the relationship with a decision-maker),
``blocker_unowned`` (a blocker nobody owns), ``champion_cold`` (a champion not contacted for
:data:`CHAMPION_DAYS` days), ``level_unowned`` (a level of the chain where we own nobody).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storage.models import Stakeholder

DECISION_ROLES = ("decision_maker", "influencer", "evaluator", "user", "gatekeeper")
DECISION_WORDS: dict[str, str] = {
    "decision_maker": "decision_maker", "decision-maker": "decision_maker",
    "decisionmaker": "decision_maker", "dm": "decision_maker", "决策者": "decision_maker",
    "influencer": "influencer", "影响者": "influencer",
    "evaluator": "evaluator", "评估者": "evaluator",
    "user": "user", "使用者": "user", "用户": "user",
    "gatekeeper": "gatekeeper", "把关者": "gatekeeper", "守门人": "gatekeeper",
}
CHAMPION_DAYS = 60


@dataclass(frozen=True)
class Gap:
    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Node:
    stakeholder: Stakeholder
    depth: int


def chain(rows: Sequence[Stakeholder]) -> list[Node]:
    """The reports-to tree, depth first: roots (nobody above them on record) by name, each
    followed by the people reporting to them. A loop (A reports to B reports to A) is cut
    where it closes, so everyone is listed once."""
    by_id = {r.id: r for r in rows}
    children: dict[int | None, list[Stakeholder]] = {}
    for r in rows:
        parent = r.reports_to_id if r.reports_to_id in by_id and r.reports_to_id != r.id \
            else None
        children.setdefault(parent, []).append(r)
    for kids in children.values():
        kids.sort(key=lambda r: (-(r.power or 0), r.name_key))
    out: list[Node] = []
    seen: set[int | None] = set()

    def walk(row: Stakeholder, depth: int) -> None:
        if row.id in seen:
            return
        seen.add(row.id)
        out.append(Node(row, depth))
        for kid in children.get(row.id, []):
            walk(kid, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    # People only inside a loop have no root: list them at the top level.
    for r in sorted(rows, key=lambda r: r.name_key):
        if r.id not in seen:
            walk(r, 0)
    return out


def gaps(rows: Sequence[Stakeholder], *, today: date) -> list[Gap]:
    out: list[Gap] = []
    if not rows:
        return out
    makers = [r for r in rows if r.decision_role == "decision_maker"]
    if not makers:
        out.append(Gap("no_decision_maker"))
    out += [Gap("dm_unowned", {"name": r.name}) for r in makers if r.owner_id is None]
    out += [Gap("blocker_unowned", {"name": r.name}) for r in rows
            if r.stance == "blocker" and r.owner_id is None]
    for r in rows:
        if r.stance != "champion":
            continue
        if r.last_contact_on is None:
            out.append(Gap("champion_never", {"name": r.name}))
        elif (today - r.last_contact_on).days >= CHAMPION_DAYS:
            out.append(Gap("champion_cold", {"name": r.name,
                                             "days": (today - r.last_contact_on).days}))
    levels: dict[int, list[Stakeholder]] = {}
    for node in chain(rows):
        levels.setdefault(node.depth, []).append(node.stakeholder)
    if len(levels) > 1:
        for depth in sorted(levels):
            if all(r.owner_id is None for r in levels[depth]):
                out.append(Gap("level_unowned", {"level": depth + 1,
                                                 "names": ", ".join(r.name for r in levels[depth][:3])}))
    return out
