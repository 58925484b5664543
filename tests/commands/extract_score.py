"""Scores the rule-based extractor on the labelled corpus in extract_corpus/.

``python -m tests.commands.extract_score`` prints recall and precision per language, for
the tuned part and the held-out part (``heldout_*.toml``) apart; add ``--files`` for the
figures of each file, ``-v`` to see every miss and every extra. See extract_corpus/README.md for the format and what a hit is.
"""

from __future__ import annotations

import difflib
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from commands.extract import ExtractedAction, Roster, RosterPerson, RosterStakeholder, extract_note

CORPUS = Path(__file__).parent / "extract_corpus"
TITLE_RATIO = 0.9


def load_rosters() -> dict[str, Roster]:
    data = tomllib.loads((CORPUS / "rosters.toml").read_text(encoding="utf-8"))
    rosters = {}
    for name, team in data.items():
        people = tuple(
            RosterPerson(key=p["name"], name=p["name"], username=p.get("username"),
                         roles=tuple(p.get("roles", ())), aliases=tuple(p.get("aliases", ())))
            for p in team.get("person", [])
        )
        stakeholders = tuple(
            RosterStakeholder(key=s["name"], name=s["name"], title=s.get("title"))
            for s in team.get("stakeholder", [])
        )
        rosters[name] = Roster(people=people, stakeholders=stakeholders,
                               account=team.get("account", ""), author=team.get("author"))
    return rosters


def norm_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    return "".join(ch for ch in text if ch.isalnum())


def titles_match(got: str, want: str) -> bool:
    a, b = norm_title(got), norm_title(want)
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= TITLE_RATIO


def owner_label(action: ExtractedAction) -> str:
    who = action.who
    if who is None or who.kind == "team":
        return ""
    if who.kind == "person":
        return str(who.person)
    if who.kind == "role":
        return who.role or ""
    if who.kind == "customer":
        return f"customer:{who.stakeholder}" if who.stakeholder is not None else "customer"
    return f"text:{who.text}"


def action_label(action: ExtractedAction) -> tuple[str, str, str]:
    """An extracted action as the corpus labels one: (owner, title, due ISO date or "")."""
    return owner_label(action), action.title, action.due.isoformat() if action.due else ""


def labels(text: str, *, roster: Roster, today: date) -> list[tuple[str, str, str]]:
    """The labels of every action the extractor finds in ``text``."""
    return [action_label(a) for a in extract_note(text, today=today, roster=roster).actions]


def owners_match(got: str, want: str) -> bool:
    if got.startswith("text:") and want.startswith("text:"):
        return norm_title(got[5:]) == norm_title(want[5:])
    return got == want


@dataclass
class Score:
    expected: int = 0
    extracted: int = 0
    hits: int = 0
    lines: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.hits / self.extracted if self.extracted else 1.0


def score_file(path: Path, rosters: dict[str, Roster], score: Score) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    today = date.fromisoformat(data.get("today", "2026-11-24"))
    roster = rosters[data["roster"]]
    for case in data["case"]:
        text = case["text"]
        expected = [tuple(e) for e in case["expect"]]
        got = extract_note(text, today=today, roster=roster).actions
        score.expected += len(expected)
        score.extracted += len(got)
        score.lines += sum(1 for line in text.splitlines() if line.strip())
        left = list(expected)
        for action in got:
            label = action_label(action)
            hit = next((e for e in left if owners_match(label[0], e[0]) and titles_match(label[1], e[1])
                        and label[2] == e[2]), None)
            if hit is not None:
                left.remove(hit)
                score.hits += 1
            else:
                score.misses.append(f"EXTRA {path.name}: {label!r}  <- {action.raw!r}")
        for e in left:
            score.misses.append(f"MISS  {path.name}: {e!r}  in {text.strip()[:80]!r}")


def scores(*, by_file: bool = False) -> dict[tuple[str, str], Score]:
    """Scores per (language, part), or per (language, file name) with ``by_file``."""
    rosters = load_rosters()
    result: dict[tuple[str, str], Score] = {}
    for path in sorted(CORPUS.glob("*.toml")):
        if path.name == "rosters.toml":
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        part = "held-out" if path.name.startswith("heldout") else "tuned"
        score_file(path, rosters, result.setdefault((data["lang"], path.name if by_file else part), Score()))
    return result


def main(argv: list[str]) -> int:
    for (lang, part), score in sorted(scores(by_file="--files" in argv).items()):
        print(f"{lang} {part:22}  actions {score.expected:3}  non-empty lines {score.lines:3}  "
              f"extracted {score.extracted:3}  hits {score.hits:3}  "
              f"recall {score.recall:.3f}  precision {score.precision:.3f}")
        if "-v" in argv:
            for miss in score.misses:
                print("   ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
