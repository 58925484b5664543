"""Reading a question: folding, mending typos, and finding the people it names.

:func:`read` turns a question into a :class:`Reading` (the folded, mended text and the
team member or customer person it names), which :mod:`.intents` then classifies. Pure:
the names it may find come in a :class:`Known`, made from the account's facts.

Typos are mended with rapidfuzz: a Latin word of five letters or more that is neither a
cue word, a common word nor a known name, and lies within one edit (two for long words,
transpositions counting once) of a cue word or a name with the same first letter, is
read as that word. Chinese is typed through a pinyin input method, so its typos are
homophones: a key term typed with one wrong character of the same sound ("逾其") is read
as the term (:mod:`.zh_mend`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from commands.ask.lexicon import ACRONYMS, VOCABULARY, WORK_CONTAINERS
from commands.ask.shorthand import expand
from commands.ask.zh_mend import mend_chinese
from commands.extraction.roster import person_forms
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
# Nicknames that are also words of questions ("will" for William, "bill" for Robert): never
# taken for a person.
_NOT_NAMES = _COMMON | VOCABULARY | frozenset("""
will bill may pat art don kit ray sue bell hob dob rich rusty sandy grace hope faith joy june
april summer dawn ruby pearl rose daisy
""".split())


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
    # Looser forms (nicknames: "Robert" for Bob), tried only when no name above is found.
    loose: list[tuple[str, int, str, tuple[str, ...]]] = field(default_factory=list)  # kind, id, name, forms
    # Task numbers and titles (open and recently closed): "has the quote been sent?".
    tasks: list[tuple[int, str]] = field(default_factory=list)

    def add_team(self, person_id: int, name: str, *aliases: str | None) -> None:
        if any(pid == person_id for pid, _, _ in self.team):
            return
        forms = name_forms(name, *aliases)
        self.team.append((person_id, name, forms))
        self.loose.append(("team", person_id, name, loose_forms(name, forms)))

    def add_stakeholder(self, stakeholder_id: int, name: str, *aliases: str | None) -> None:
        forms = name_forms(name, *aliases)
        self.stakeholders.append((stakeholder_id, name, forms))
        self.loose.append(("stakeholder", stakeholder_id, name, loose_forms(name, forms)))

    def words(self) -> set[str]:
        forms = [f for _, _, fs in self.team + self.stakeholders for f in fs]
        forms += [f for _, _, _, fs in self.loose for f in fs]
        return {w for f in forms for w in _LATIN_WORD.findall(f)}


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


def loose_forms(name: str, own: tuple[str, ...]) -> tuple[str, ...]:
    """The nicknames and other weak forms of ``name`` (from the extraction's roster, the one
    table of name forms) that its own forms lack and that are no word of a question."""
    _, weak = person_forms(name)
    out = {" ".join(fold(w).split()) for w in weak}
    return tuple(sorted(f for f in out - set(own) if len(f) >= 3 and f not in _NOT_NAMES))


def _contains(text: str, form: str) -> re.Match[str] | None:
    if _CJK.match(form):
        return re.search(re.escape(form), text)
    return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", text)


def mend(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` (folded) with misspelt cue words and names put right."""
    known = VOCABULARY | frozenset(extra)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        # A possessive is mended on its own word: "martin's" is Martin's, not "margins".
        for ending in ("'s", "'"):
            if word.endswith(ending) and len(word) > len(ending) + 1:
                return fix_word(word[: -len(ending)]) + ending
        return fix_word(word)

    def fix_word(word: str) -> str:
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
    if best is None:
        return _find_loose(text, known)
    return best[2], best[3]


def _find_loose(text: str, known: Known) -> tuple[PersonRef, tuple[int, int]] | None:
    """A nickname ("Robert" for Bob): the longest found, when it is one person's only."""
    owners: dict[str, set[tuple[str, int, str]]] = {}
    for kind, pid, name, forms in known.loose:
        for form in forms:
            owners.setdefault(form, set()).add((kind, pid, name))
    own = {f for _, _, forms in known.team + known.stakeholders for f in forms}
    for form in sorted(owners, key=len, reverse=True):
        if len(owners[form]) != 1 or form in own:
            continue  # a form two people share, or someone's own name, names no one here
        match = _contains(text, form)
        if match is not None:
            kind, pid, name = next(iter(owners[form]))
            return PersonRef(kind, pid, name), match.span()
    return None


def _possessive(text: str, known: Known) -> str:
    """"bobs list" typed without its apostrophe is Bob's list."""
    names = {f for _, _, forms in known.team + known.stakeholders for f in forms if _LATIN_WORD.fullmatch(f)}
    names |= {f for _, _, _, forms in known.loose for f in forms if _LATIN_WORD.fullmatch(f)}
    if not names:
        return text
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<![a-z'])({alternatives})s (?=(?:{WORK_CONTAINERS})(?![a-z]))", r"\1's ", text)


# No question is longer; past this, what is asked is read from its beginning (every cue
# is a regex run over the text, and a pasted document must not cost seconds).
MAX_QUESTION_CHARS = 2_000


def read(question: str, known: Known | None = None) -> Reading:
    known = known or Known()
    question = expand(question[:MAX_QUESTION_CHARS])
    mention = _MENTION.search(question)
    folded = fold(question).replace("’", "'").replace("‘", "'")
    text = mend_chinese(mend(_possessive(folded, known), known.words()))
    reading = Reading(original=question, text=text,
                      mentioned=mention.group(0) if mention else None)
    found = find_person(_MENTION.sub(lambda m: " " * len(m.group(0)), text), known)
    if found is not None:
        reading.person, reading.person_span = found
    if known.tasks:
        from commands.ask.topics import titles_about

        reading.task_hits = titles_about(reading.without_person(), known.tasks)
    return reading
