"""Who speaks in a transcript, and whom "I" / "我" and "she" / "他" stand for.

A transcript names its speaker before what they say: "[00:04:05] Robert Chen: I'll send
the spec by Thursday" (a time stamp, a name and a colon, as Zoom and most tools export
it), or on a line of its own with the time ("Robert Chen  10:03", as Teams exports it)
followed by what they said. In a speaker's words "I" is the speaker, not the note's
author; a lead-in before it ("Understood, I'll …", "On delivery, I will …", "交付这边，
我明天…") is not part of the action. In "Dana promised a path: she will set up …" the
"she" is the person the line starts with. :func:`spoken` rewrites such a clause with the
name in place of the pronoun, so the line reader reads it as it reads "Robert Chen will …".
"""

from __future__ import annotations

import re

from commands.extraction import vocab
from commands.extraction.roster import Owner, OwnerMatcher, fold_line, known_given_name
from commands.extraction.unplaced import likely_chinese_name

__all__ = ["spoken", "speaker_of", "teams_header"]

_TEAMS_HEAD = re.compile(
    r"^(?P<who>[^\d:：\[\]()]{2,40}?)\s{1,}[(\[]?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?[)\]]?$"
)
_SPEAKER = re.compile(r"^(?P<who>[^:：]{1,40}?)\s?(?:[(（][^()（）]{1,30}[)）])?\s?[:：]\s?(?P<said>\S.*)$")
_I_EN = re.compile(
    r"(?:^|[,;.!]\s|^(?i:and|so|ok|okay|then|also|but|yes|sure|understood|right)[,]?\s)"
    r"(?:(?i:and|so|then|but)\s)?(?P<i>I)(?P<verb>['’]ll|['’]m\b|\sam\b|\s)",
)
_I_ZH = re.compile(r"(?:^|[，,；;：:。！!]\s?)(?:那|那么|然后|好的?[，,]?)?(?P<i>我)(?P<verb>)(?![们方司])")
_THIRD_EN = re.compile(
    r"[:;,]\s(?P<i>[Ss]he|[Hh]e)(?P<verb>['’]ll|\s(?=will\b|is\sgoing\sto\b|needs\sto\b|has\sto\b|should\b))"
)
_THIRD_ZH = re.compile(r"[：:，,；;]\s?(?P<i>[他她])(?P<verb>)(?=会|将|要|需要|负责|来)")


_NAME_EN = re.compile(r"[A-Z][a-z'’-]{1,20}(?:\s[A-Z][a-z'’-]{1,20}){0,2}")


def _who(name: str, matcher: OwnerMatcher) -> Owner | None:
    """The speaker: someone of the roster, or someone else whose name reads as a person's
    ("Mike", "Sarah Jones", "马强"), kept as written."""
    owner = matcher.find(name)
    if owner is not None and owner.kind in ("person", "customer", "role"):
        return owner
    if owner is not None:
        return None
    name = name.strip()
    if (_NAME_EN.fullmatch(name) and known_given_name(name.split()[0])) or likely_chinese_name(name):
        return Owner("text", name)
    return None


def teams_header(raw: str, matcher: OwnerMatcher) -> Owner | None:
    """"Robert Chen  10:03": the speaker of the lines below."""
    match = _TEAMS_HEAD.match(raw.strip())
    if match is None:
        return None
    return _who(match.group("who"), matcher)


def speaker_of(text: str, matcher: OwnerMatcher) -> tuple[Owner, str] | None:
    """"Robert Chen: I'll send …" (time stamp already cut): the speaker and their words."""
    match = _SPEAKER.match(text)
    if match is None:
        return None
    who = _who(match.group("who"), matcher)
    return (who, match.group("said")) if who is not None else None


def _rewrite(said: str, match: re.Match[str], name: str) -> str:
    verb = match.group("verb")
    if verb in ("'ll", "’ll"):
        verb = " will "
    elif verb.strip() in ("am", "'m", "’m"):  # "I'm going to …": "<name> is going to …"
        verb = " is "
    elif verb.isspace():
        verb = " "
    rest = said[match.end() :].lstrip()
    if rest.startswith("来") and vocab.ZH_VERB_RE.match(rest, 1):
        rest = "负责" + rest[1:]  # "我来准备方案": "<name>负责准备方案"
    return name + verb + rest


def spoken(text: str, matcher: OwnerMatcher, speaker: Owner | None) -> str | None:
    """The clause of ``text`` that a speaker (or the person the line starts with) commits
    to, with their name for the pronoun; None when there is no such clause."""
    said = text
    found = speaker_of(text, matcher)
    if found is not None:
        speaker, said = found
    if speaker is not None:
        match = _I_EN.search(said) or _I_ZH.search(said)
        if match is not None:
            return _rewrite(said, match, speaker.text)
    if found is not None:
        return None
    lead = matcher.match(fold_line(text), 0)
    if lead is None or lead[0].kind not in ("person", "customer", "role"):
        return None
    match = _THIRD_EN.search(text) or _THIRD_ZH.search(text)
    return _rewrite(text, match, lead[0].text) if match is not None else None
