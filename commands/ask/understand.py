"""Reading a question: folding, mending typos, and finding the people it names.

:func:`read` turns a question into a :class:`Reading` (the folded, mended text and the
team member or customer person it names), which :mod:`.intents` then classifies. Pure:
the names it may find come in a :class:`Known`, made from the account's facts.

Typos are mended with rapidfuzz: a Latin word of five letters or more that is neither a
cue word, a common word nor a known name, and lies within one edit (two for long words,
transpositions counting once) of a cue word or a name with the same first letter, is
read as that word. Chinese is typed through an input method and is not mended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from commands.ask.lexicon import ACRONYMS, VOCABULARY
from commands.textfold import fold

_LATIN_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Frequent words that are close to cue words but mean something else ("close" / "closed").
_COMMON = frozenset("""
about above after again against along already also although always among another answer
anyone anything around asked being below between both bring build cannot clear close closer
could count doesn don during each either else enough every everyone first found from given
going great group having here hello their there these they those thing think three through
under until using very wants week weeks were what whats when where whether which while whole
will with within without would write years your yours today later latest lately update
please thanks status small large other others place plans later level still start state
share shared since sense seems seven eight order ready really right since
""".split())
HONORIFICS = ("总", "经理", "工", "老师", "姐", "哥", "主任", "部长", "董")


@dataclass(frozen=True, slots=True)
class PersonRef:
    """Someone the question names: a member of our team or one of the customer's people."""

    kind: str  # "team" | "stakeholder"
    id: int
    name: str


@dataclass(slots=True)
class Known:
    """The names a question about one account may use, and whose they are."""

    team: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)  # id, name, forms
    stakeholders: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    # Task numbers and titles (open and recently closed): "has the quote been sent?".
    tasks: list[tuple[int, str]] = field(default_factory=list)

    def add_team(self, person_id: int, name: str, *aliases: str | None) -> None:
        if any(pid == person_id for pid, _, _ in self.team):
            return
        self.team.append((person_id, name, name_forms(name, *aliases)))

    def add_stakeholder(self, stakeholder_id: int, name: str, *aliases: str | None) -> None:
        self.stakeholders.append((stakeholder_id, name, name_forms(name, *aliases)))

    def words(self) -> set[str]:
        return {w for _, _, forms in self.team + self.stakeholders for f in forms
                for w in _LATIN_WORD.findall(f)}


def name_forms(name: str, *aliases: str | None) -> tuple[str, ...]:
    """How a person is written in questions: the whole name, its handle, a first or last
    name on its own ("Bob" for "Bob Martin"), and for a Chinese name the forms with an
    honorific (张总, 张经理, 老张, 小张)."""
    forms = [" ".join(fold(raw).lstrip("@").split()) for raw in (name, *aliases) if raw]
    text = forms[0] if forms else ""
    words = _LATIN_WORD.findall(text)
    if len(words) > 1:
        forms.extend(w for w in words if len(w) >= 3)
    han = "".join(_CJK.findall(text))
    if 2 <= len(han) <= 4:
        surname = han[0]
        if han[1:] in HONORIFICS:  # the record holds "陈总" itself
            forms.extend(surname + h for h in HONORIFICS if surname + h != han)
        else:
            forms.extend(surname + h for h in HONORIFICS)
            forms.extend(("老" + surname, "小" + surname))
            if len(han) >= 3:
                forms.append(han[1:])  # a given name alone: 建国 for 王建国
    seen: dict[str, None] = {}
    for form in forms:
        if form:
            seen.setdefault(form, None)
    return tuple(seen)


def _contains(text: str, form: str) -> re.Match[str] | None:
    if _CJK.match(form):
        return re.search(re.escape(form), text)
    return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", text)


def mend(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` (folded) with misspelt cue words and names put right."""
    known = VOCABULARY | frozenset(extra)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if 3 <= len(word) <= 4 and word not in known and word not in _COMMON:
            near = process.extractOne(word, ACRONYMS, scorer=OSA.distance, score_cutoff=1)
            return near[0] if near and sorted(near[0]) == sorted(word) else word
        if len(word) < 5 or word in known or word in _COMMON:
            return word
        limit = 1 if len(word) <= 6 else 2
        choices = [k for k in known if k[0] == word[0] and abs(len(k) - len(word)) <= limit]
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else word

    return _LATIN_WORD.sub(fix, text)


@dataclass(slots=True)
class Reading:
    """A question, ready to classify."""

    original: str
    text: str  # folded and mended
    person: PersonRef | None = None
    person_span: tuple[int, int] | None = None
    mentioned: str | None = None  # a mention token as typed (@bob, <@U1>)
    # The tasks whose titles speak about what the question names.
    task_hits: list[int] = field(default_factory=list)

    def without_person(self) -> str:
        if self.person_span is None:
            return self.text
        start, end = self.person_span
        return self.text[:start] + " " + self.text[end:]


_MENTION = re.compile(r"<@[a-z0-9]+(?:\|[^>]*)?>|(?<![\w.])@[\w.\-]+", re.I)


def find_person(text: str, known: Known) -> tuple[PersonRef, tuple[int, int]] | None:
    """The longest name of a team member or a customer person in ``text``; a full name
    beats a first name, and on equal length our team beats the customer's people."""
    best: tuple[int, int, PersonRef, tuple[int, int]] | None = None
    for rank, kind, rows in ((1, "team", known.team), (0, "stakeholder", known.stakeholders)):
        for pid, name, forms in rows:
            for form in forms:
                if len(form) < 2:
                    continue
                match = _contains(text, form)
                if match is None:
                    continue
                score = (len(form), rank)
                if best is None or score > (best[0], best[1]):
                    best = (len(form), rank, PersonRef(kind, pid, name), match.span())
    return (best[2], best[3]) if best else None


def read(question: str, known: Known | None = None) -> Reading:
    known = known or Known()
    mention = _MENTION.search(question)
    folded = fold(question).replace("’", "'").replace("‘", "'")
    text = mend(folded, known.words())
    reading = Reading(original=question, text=text,
                      mentioned=mention.group(0) if mention else None)
    found = find_person(_MENTION.sub(lambda m: " " * len(m.group(0)), text), known)
    if found is not None:
        reading.person, reading.person_span = found
    if known.tasks:
        from commands.ask.topics import titles_about

        reading.task_hits = titles_about(reading.without_person(), known.tasks)
    return reading
