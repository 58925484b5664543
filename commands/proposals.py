"""What a transcript proposes: its actions and its decisions, found but not yet created.

A transcript is people talking, so before the action extractor reads it each speaker's
turn is cut into sentences and a speaker's own commitment is put in the third person
("Bob Li: I'll send the quote by Friday" is read as "Bob Li will send the quote by
Friday"; "张伟：我来准备方案" as "张伟负责准备方案"), which is the form the extractor knows.
Written lines (minutes in a .docx, a .txt) are read as they are, so "Action items:"
blocks keep working.

Actions and decisions come from :func:`commands.extract.extract_note`, which knows the
account's people (the roster), so "Bob Li will ..." names Bob Li. Spoken decisions the
note reader does not mark ("so we agreed to ...", "双方一致同意 ...") are caught by
:func:`decision_text`. A commitment of the customer's side is not proposed as a task of
ours (as in a typed note, it is the customer's).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from commands.extract import extract_note
from commands.extraction.roster import Roster
from commands.transcripts import Turn

log = logging.getLogger(__name__)

ACTION = "action"
DECISION = "decision"
# More than this is not a list to confirm one by one; the rest is left out and said so.
MAX_PER_KIND = 50


@dataclass(frozen=True, slots=True)
class Found:
    """One proposal: an action (title, owner as written, due) or a decision (text)."""

    kind: str
    line_no: int  # 1-based line of the note's text
    text: str
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class _Segment:
    line_no: int
    text: str


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？；])")
_EN_FIRST = re.compile(
    r"^(?:(?:ok(?:ay)?|sure|yes|yeah|yep|right|so|and|alright|great|fine|then)[,!.]?\s+)*"
    r"(?P<verb>i(?:'|’)ll|i\s+will|i\s+can|i(?:'|’)m\s+going\s+to|i\s+am\s+going\s+to|"
    r"i\s+shall|let\s+me|i\s+need\s+to|i\s+have\s+to|i(?:'|’)ll\s+make\s+sure\s+to)\s+",
    re.IGNORECASE,
)
_ZH_FIRST = re.compile(r"^(?:(?:好的?|行|嗯|没问题|可以|那|那么|OK|ok)[，,、\s]*)*(?:我来|我会|我负责|我这边来|我这边|我去)")


def third_person(speaker: str, sentence: str) -> str:
    """A speaker's "I'll ..." / "我来..." as "<speaker> will ..." / "<speaker>负责..."."""
    en = _EN_FIRST.match(sentence)
    if en:
        verb = en["verb"].lower()
        helper = "needs to" if "need" in verb or "have" in verb else "will"
        return f"{speaker} {helper} {sentence[en.end():]}"
    zh = _ZH_FIRST.match(sentence)
    if zh:
        return f"{speaker}负责{sentence[zh.end():]}"
    return sentence


def _segments(turns: Sequence[Turn], first_line: int) -> list[_Segment]:
    """What the extractors read: one segment per written line, one per spoken sentence."""
    out: list[_Segment] = []
    for offset, turn in enumerate(turns):
        line_no = first_line + offset
        if turn.speaker is None:
            out.append(_Segment(line_no, turn.text))
            continue
        for piece in turn.pieces or (turn.text,):
            for sentence in _SENTENCE.split(piece):
                sentence = sentence.strip()
                if sentence:
                    out.append(_Segment(line_no, third_person(turn.speaker, sentence)))
    return out


_DECISION_MARK = re.compile(
    r"^[\W_]*(?:decisions?|decided|agreed|agreement|resolution|resolved|conclusion|outcome"
    r"|(?:会议)?决定|决议|结论|共识|定论)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
_DECISION_SENTENCE = re.compile(
    r"^[\W_]*(?:(?:so\s+|ok(?:ay)?,?\s+)?(?:we|the\s+team|everyone|all\s+parties|both\s+sides)"
    r"\s+(?:have\s+|has\s+|all\s+)?(?:agreed|decided|concluded|settled)\b"
    r"|it\s+(?:was|is)\s+(?:agreed|decided)\b"
    r"|(?:我们|大家|双方|会议|经讨论)[，,]?(?:一致)?(?:决定|同意|商定|确定了)"
    r"|(?:我们|大家|双方|会议|经讨论)?[，,]?(?:一致同意|达成(?:了)?(?:一致|共识)))",
    re.IGNORECASE,
)


def decision_text(line: str) -> str | None:
    """The decision a line records, or None: "Decision: X" gives X, "We agreed to X" the
    whole sentence (it reads better in a list of decisions)."""
    marked = _DECISION_MARK.match(line)
    if marked:
        return marked["text"].strip()
    if _DECISION_SENTENCE.match(line):
        return line.strip()
    return None


def find_proposals(turns: Sequence[Turn], *, first_line: int, today: date,
                   roster: Roster | None = None) -> list[Found]:
    """The actions and decisions of a transcript whose turns start at note line ``first_line``.

    Never raises: an extractor failure leaves the actions out (the note is kept whole).
    """
    segments = _segments(turns, first_line)
    actions: list[Found] = []
    decided: dict[int, str] = {}  # segment index -> decision text
    try:
        extraction = extract_note("\n".join(s.text for s in segments), today=today, roster=roster)
        for action in extraction.actions:
            if action.customer:
                continue
            segment = segments[action.line_no - 1]
            who = action.who
            # A person or someone unplaced by name as written; a role or mention as typed.
            owner = who.text if who is not None and who.kind in ("person", "text") else action.owner
            actions.append(Found(ACTION, segment.line_no, action.title, owner, action.due))
        for decision in extraction.decisions:
            decided.setdefault(decision.line_no - 1, decision.text)
    except Exception:  # noqa: BLE001 - the note is stored whatever the extractor does
        log.exception("action extraction failed on a transcript")
    for index, segment in enumerate(segments):
        text = decision_text(segment.text)
        if text:
            decided.setdefault(index, text)
    decisions = [Found(DECISION, segments[i].line_no, text[:1000])
                 for i, text in sorted(decided.items())][:MAX_PER_KIND]
    return actions[:MAX_PER_KIND] + decisions
