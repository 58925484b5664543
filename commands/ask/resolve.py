"""Which account a question in a direct message is about.

Only accounts the person may see are candidates (they hold a role on it now, they are in
one of its bound channels, or they are an admin); the name is matched in the question exactly, without a company suffix
("Acme" for "Acme Corp", "华为" for "华为技术有限公司"), or fuzzily (difflib) for typos.
An account the person may not see is never named back to them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from storage import repos
from storage.models import Account, Person

_SUFFIXES = re.compile(
    r"[\s,.]*(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\.?$|(?:股份有限公司|有限责任公司|有限公司|集团|公司|科技|技术)$",
    re.I,
)
_WORD = re.compile(r"[\u4e00-\u9fff]+|[^\W_]+(?:[-'&.][^\W_]+)*", re.UNICODE)
FUZZY_CUTOFF = 0.8


@dataclass(frozen=True, slots=True)
class Resolution:
    account: Account | None
    # More than one account fits: their names, to ask which.
    ambiguous: tuple[str, ...] = ()
    # The part of the question that named the account (to leave out of intent detection).
    matched: str = ""


def accessible_accounts(session: Session, *, person_id: int, is_admin: bool) -> list[Account]:
    """The accounts the person may read (commands.authz: a role, a bound channel they are
    in, or admin), by name."""
    from commands import authz

    person = session.get(Person, person_id)
    if person is None:
        return []
    found = authz.readable_accounts(session, person=person, is_admin=is_admin)
    return sorted(found, key=lambda a: a.name.casefold())


def name_forms(name: str) -> list[str]:
    """The forms a name is written in questions: full, and without the company suffix."""
    full = repos.name_key(name)
    forms = [full]
    short = full
    while True:
        stripped = _SUFFIXES.sub("", short).strip()
        if stripped == short or not stripped:
            break
        short = stripped
        forms.append(short)
    return forms


def _contains(text: str, form: str) -> bool:
    if re.match(r"[\u4e00-\u9fff]", form):
        return form in text
    return re.search(rf"(?<![^\W_]){re.escape(form)}(?![^\W_])", text) is not None


def resolve(question: str, accounts: Sequence[Account]) -> Resolution:
    text = repos.name_key(question)
    # 1. Exact forms, longest first ("Acme Labs" before "Acme").
    found: dict[int, tuple[int, str]] = {}
    for account in accounts:
        for form in name_forms(account.name):
            if len(form) >= 2 and _contains(text, form):
                best = found.get(account.id or 0)
                if best is None or len(form) > best[0]:
                    found[account.id or 0] = (len(form), form)
    if found:
        top = max(length for length, _ in found.values())
        winners = [a for a in accounts if (a.id or 0) in found and found[a.id or 0][0] == top]
        if len(winners) == 1:
            return Resolution(winners[0], matched=found[winners[0].id or 0][1])
        return Resolution(None, ambiguous=tuple(a.name for a in winners))
    # 2. Fuzzy: every run of 1-3 words (or a Chinese run) against each form.
    words = _WORD.findall(text)
    grams = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    scores: dict[int, tuple[float, str]] = {}
    for account in accounts:
        for form in name_forms(account.name):
            for gram in grams:
                if len(gram) < 3 and not re.match(r"[\u4e00-\u9fff]", gram):
                    continue
                ratio = difflib.SequenceMatcher(None, gram, form).ratio()
                if ratio >= FUZZY_CUTOFF and ratio > scores.get(account.id or 0, (0.0, ""))[0]:
                    scores[account.id or 0] = (ratio, gram)
    if not scores:
        return Resolution(None)
    top_score = max(score for score, _ in scores.values())
    winners = [a for a in accounts if scores.get(a.id or 0, (0.0, ""))[0] == top_score]
    if len(winners) == 1:
        return Resolution(winners[0], matched=scores[winners[0].id or 0][1])
    return Resolution(None, ambiguous=tuple(a.name for a in winners))


def strip_name(question: str, names: Sequence[str]) -> str:
    """The question without the account's name, so "SR Ltd" does not read as a role."""
    for name in sorted(names, key=len, reverse=True):
        if not name:
            continue
        pattern = r"\s+".join(re.escape(part) for part in name.split())
        question = re.sub(pattern, " ", question, flags=re.I)
    return question.strip()
