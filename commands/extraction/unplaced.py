"""Owners we cannot place on the team, kept as written: ``Jason to …``, ``Dave from legal
will …``, ``Finance to …``, ``法务部负责…``, ``马强下周一前完成…``.

A capitalised word before "will" could be anything ("The pilot will run until January",
"Usage will grow"), so an unknown owner needs person-like evidence: the "X to <verb>"
form of an assignment, a full name, "X from Y", a known given name, a team or department
word, or an instruction verb after the joining word. A Chinese owner is a department
(``…部`` / ``…中心`` / ``…团队``) or a likely personal name: a common surname and one or
two more characters that are not a common word of the language (jieba's dictionary tells
方案 or 高层 from 马强).
"""

from __future__ import annotations

import re

from commands.extraction import vocab
from commands.extraction.lexicon import known_word
from commands.extraction.roster import Owner, known_given_name

__all__ = ["likely_chinese_name", "unplaced_owner"]

_EN_UNKNOWN = re.compile(
    r"(?P<who>(?:The\s[a-z][a-z-]{1,20}|[A-Z][A-Za-z'’.-]{1,20}(?:\s[A-Z][A-Za-z'’.-]{1,20}){0,2})"
    r"(?:\s(?:from|at|in|of|on)\s(?:the\s)?[A-Za-z][\w'’-]{1,20}(?:\s(?!to\s|will\s)[A-Za-z][\w-]{1,20}){0,2})?)"
    r"\s(?P<join>to|will|should|must|needs\sto|need\sto|has\sto|is\sgoing\sto|owes)\s(?P<verb>[a-z][a-z'-]{0,20})?"
)
_EN_NOT_OWNERS = frozenset("""
it this that there these those he she which what who whoever someone somebody nobody
each both any some no our their his her its my your if when once then also please
next action todo phase step item items need needs must should have has let lets let's
""".split())
# Words that name a team, a department or someone hired: they do work like a person.
_AGENTS = frozenset("""
team teams department dept vendor vendors partner partners supplier suppliers contractor
contractors consultant consultants integrator integrators agency reseller distributor
courier carrier auditor auditors lawyer lawyers counsel landlord installer installers
engineer engineers developer developers architect architects admin admins bank printer
legal finance procurement purchasing security it hr ops operations facilities marketing
sales support helpdesk network infra infrastructure compliance accounting accounts
management leadership board office pmo qa
""".split())
_ZH_ORG = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{1,8}?(?:部门|部|组|中心|团队|处|科|室|公司|厂商|供应商|厂家|集团|办公室))"
)
_ZH_PERSON = re.compile(rf"(?P<who>[{vocab.COMMON_SURNAMES}][\u4e00-\u9fff]{{1,2}})")
# A surname and a title or form of address: 黄律师, 马总, 李工, 王老师.
_ZH_TITLED = re.compile(
    rf"(?P<who>[{vocab.COMMON_SURNAMES}](?:律师|老师|医生|经理|总监|主任|顾问|博士|教授|会计|工程师|总|工))"
)
# Characters no given name is made of: particles, pronouns, time and place words.
_NOT_IN_NAMES = frozenset("的了是在和与对把被将会要需这那个们下本上前后周月年日号天时点说已也都就还再请给让")


def likely_chinese_name(word: str) -> bool:
    """A common surname and one or two characters that make no common word (马强, 黄磊;
    not 方案, 高层, 马上): jieba's dictionary either does not know it or tags it a name."""
    if not 2 <= len(word) <= 3 or word[0] not in vocab.COMMON_SURNAMES:
        return False
    if any(ch in _NOT_IN_NAMES for ch in word[1:]):
        return False
    tag = known_word(word)
    return tag is None or tag == "nr"


# "Mike (Nexus IT): confirm …": a name with who they are, then a colon.
_EN_LABELLED = re.compile(r"(?P<who>[A-Z][a-z'’-]{1,20}(?:\s[A-Z][a-z'’-]{1,20})?)(?=\s?[(（][^()（）]{1,30}[)）]\s?[:：])")
# "Amy 周五前审核保密协议": an English given name, then a Chinese action.
_EN_NAME_ZH = re.compile(r"(?P<who>[A-Z][a-z]{2,15})\s?(?=[\u4e00-\u9fff])")
# Words that end like a noun ("Payment will follow …", "Usage will grow"): no person.
_NOUN_END = re.compile(r"(?:ment|tion|sion|ance|ence|ity|ness|ship|ing|ure|age|ism|ery|ics|ogy)$", re.I)


def _english(body: str) -> tuple[Owner, int] | None:
    labelled = _EN_LABELLED.match(body)
    if labelled is not None and known_given_name(labelled.group("who").split()[0]):
        return Owner("text", labelled.group("who")), labelled.end()
    named = _EN_NAME_ZH.match(body)
    if named is not None and known_given_name(named.group("who")):
        after = body[named.end() :]
        if vocab.ZH_VERB_RE.match(after) or vocab.ZH_CONNECT.match(after):
            return Owner("text", named.group("who")), named.end()
    hit = _EN_UNKNOWN.match(body)
    if hit is None:
        return None
    who = hit.group("who")
    words = who.split()
    if words[0].lower() in _EN_NOT_OWNERS:
        return None
    if words[0] == "The":
        # "The vendor will …", not "The pilot will run …".
        if words[1].lower() not in _AGENTS:
            return None
    elif hit.group("join") != "to":
        # "Jason to share …" is an assignment whatever Jason is; "X will …" needs more.
        evidence = (
            len(words) > 1
            or known_given_name(words[0])
            or words[0].lower() in _AGENTS
            or ((hit.group("verb") or "") in vocab.EN_VERBS and not _NOUN_END.search(words[0]))
        )
        if not evidence:
            return None
    return Owner("text", who), hit.end("who")


def _chinese(body: str) -> tuple[Owner, int] | None:
    org = _ZH_ORG.match(body)
    if org is not None:
        after = body[org.end() :]
        if vocab.ZH_CONNECT.match(after) or vocab.ZH_SEP.match(after) or vocab.ZH_VERB_RE.match(after.lstrip()):
            return Owner("text", org.group("who")), org.end()
    titled = _ZH_TITLED.match(body)
    if titled is not None:
        after = body[titled.end() :]
        if vocab.ZH_CONNECT.match(after) or vocab.ZH_SEP.match(after) or vocab.ZH_VERB_RE.match(after.lstrip()):
            return Owner("text", titled.group("who")), titled.end()
    person = _ZH_PERSON.match(body)
    if person is None:
        return None
    for size in (2, 3):
        if size > person.end():
            continue
        after = body[size:]
        joined = vocab.ZH_CONNECT.match(after) or vocab.ZH_SEP.match(after)
        # A plain name and a verb: "马强 完成…" (the date between them already cut out).
        verb = vocab.ZH_VERB_RE.match(after.lstrip())
        if (joined or verb) and likely_chinese_name(body[:size]):
            return Owner("text", body[:size]), size
    return None


def unplaced_owner(body: str) -> tuple[Owner, int] | None:
    """Someone not on the roster leading ``body``, and where the name ends; None when the
    words before the action do not read as a person or a team."""
    return _english(body) or _chinese(body)
