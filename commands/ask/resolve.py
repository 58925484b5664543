"""Which account a question in a direct message is about.

Only accounts the person may see are candidates (:func:`accessible_accounts`, the one
rule); the name is matched in the question exactly, without a company suffix ("Acme"
for "Acme Corp", "华为" for "华为技术有限公司"), by a short form (the first word of a
Latin name, "Northwind" for "Northwind Traders"; the first characters of a Chinese one,
"华星" for "华星零售"), or fuzzily (rapidfuzz) for typos. An account the person may not
see is never named back to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlmodel import Session

from commands.ask.lexicon import VOCABULARY
from storage import repos
from storage.models import Account, Person

_SUFFIXES = re.compile(
    # A Latin suffix is a word of its own ("Healthco" keeps its "co").
    r"[\s,.]+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\.?$|(?:股份有限公司|有限责任公司|有限公司|集团|公司|科技|技术)$",
    re.I,
)
# Chinese runs and Latin runs are words apart: "Northwind的续约日期" holds "Northwind".
_WORD = re.compile(r"[\u4e00-\u9fff]+|[^\W_\u4e00-\u9fff]+(?:[-'&.][^\W_\u4e00-\u9fff]+)*", re.UNICODE)
# What may stand right beside a Latin name: anything but a letter or digit of a Latin word
# (a Chinese character may: "Northwind的续约日期", "问Acme的NPS").
_LATIN_EDGE = r"[^\W_\u4e00-\u9fff]"
FUZZY_CUTOFF = 80.0
# First words too general to name an account on their own ("Global Foods", "The Hut").
_GENERIC = frozenset("the a an global international national china first new united general "
                     "great royal city bank group".split())


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


def short_forms(name: str) -> list[str]:
    """Shorter ways people write a name: its first word ("Northwind" for "Northwind
    Traders"), or the first two or three characters of a Chinese name ("华星" for 华星零售)."""
    core = name_forms(name)[-1]
    out: list[str] = []
    words = core.split()
    if len(words) > 1 and len(words[0]) >= 4 and words[0] not in _GENERIC:
        out.append(words[0])
    if re.fullmatch(r"[\u4e00-\u9fff]{3,}", core):
        out.extend(core[:n] for n in (3, 2) if n < len(core))
    return out


def _contains(text: str, form: str) -> bool:
    if re.match(r"[\u4e00-\u9fff]", form):
        return form in text
    return re.search(rf"(?<!{_LATIN_EDGE}){re.escape(form)}(?!{_LATIN_EDGE})", text) is not None


def _exact(text: str, accounts: Sequence[Account], forms_of: Callable[[str], list[str]]) -> Resolution | None:
    """The account whose longest form stands in ``text`` (longest wins: "Acme Labs" over
    "Acme"); ambiguous when several tie."""
    found: dict[int, tuple[int, str]] = {}
    for account in accounts:
        for form in forms_of(account.name):
            if len(form) >= 2 and _contains(text, form):
                best = found.get(account.id or 0)
                if best is None or len(form) > best[0]:
                    found[account.id or 0] = (len(form), form)
    if not found:
        return None
    top = max(length for length, _ in found.values())
    winners = [a for a in accounts if (a.id or 0) in found and found[a.id or 0][0] == top]
    if len(winners) == 1:
        return Resolution(winners[0], matched=found[winners[0].id or 0][1])
    return Resolution(None, ambiguous=tuple(a.name for a in winners))


def named_in(question: str, accounts: Sequence[Account]) -> list[Account]:
    """The accounts whose full name (with or without its company suffix) the question
    holds; short forms are left out, so a common word never counts as a name."""
    text = repos.name_key(question)
    # A name that is also a word questions are made of ("Delivery", "Health") is not taken
    # as naming an account: "who is responsible for delivery?" names none.
    return [a for a in accounts
            if any((len(f) >= 3 or re.match(r"[\u4e00-\u9fff]", f)) and f not in VOCABULARY
                   for f in name_forms(a.name) if _contains(text, f))]


def resolve(question: str, accounts: Sequence[Account]) -> Resolution:
    text = repos.name_key(question)
    # 1. Exact forms, then short forms.
    for forms_of in (name_forms, short_forms):
        found = _exact(text, accounts, forms_of)
        if found is not None:
            return found
    # 2. Fuzzy: every run of 1-3 words (or a Chinese run) against each form.
    words = _WORD.findall(text)
    grams = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    scores: dict[int, tuple[float, str]] = {}
    for account in accounts:
        for form in name_forms(account.name) + short_forms(account.name):
            for gram in grams:
                # Short words and the words questions are made of ("health") name no account.
                if (len(gram) < 4 and not re.match(r"[\u4e00-\u9fff]", gram)) or gram in VOCABULARY:
                    continue
                ratio = fuzz.ratio(gram, form)
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
