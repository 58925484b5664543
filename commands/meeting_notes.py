"""Which notes are meetings: ``note meeting …`` / ``笔记 会议 …``, or a note with an
attendees line (``Attendees: …``, ``参会人员：…``). Other notes (an email, a thought) are
notes: the meeting cadence in health and the meetings in the monthly report count meetings
only.
"""

from __future__ import annotations

import re

MEETING = "meeting"
NOTE = "note"

# The marker word at the very start, followed by space or a colon; kept out of the text.
_MARKER = re.compile(r"^\s*(?:meeting|mtg|会议|开会|会谈)\s*(?:[:：]\s*|\s+|$)", re.I)
_ATTENDEES = re.compile(
    r"^\s*(?:attendees|attendance|participants|present|参会人员|参会人|与会人员|与会者|与会"
    r"|出席人员|出席|参加人员|参加者)\s*[:：]", re.I | re.M)


def split_kind(text: str) -> tuple[str, str]:
    """(kind, text): the marker is dropped from the text; an attendees line stays."""
    match = _MARKER.match(text)
    if match and text[match.end():].strip():
        return MEETING, text[match.end():].strip()
    if _ATTENDEES.search(text):
        return MEETING, text
    return NOTE, text
