"""Actions found in a meeting note: who does what by when, in English and Chinese.

``extract_actions`` reads a note line by line and returns the lines that are actions,
with the marker, the owner and the due phrase cut out of the title. Pure and total: it
never raises and returns ``[]`` for anything that is not an action list.

Recognised (case-insensitive, full-width letters and punctuation too):

- markers: ``ACTION:`` ``Action item:`` ``AI:`` ``TODO`` ``TODO:`` ``待办：`` ``待办事项：``
  ``行动：`` ``行动项：`` ``跟进：``, optionally owned: ``ACTION(SR):`` ``ACTION @bob:``;
  ``**Action:**`` and list bullets / numbers in front are fine;
- open check boxes ``- [ ] ...`` ``* [ ] ...`` ``1. [ ] ...`` (a ticked ``[x]`` is done,
  not an action);
- a header with nothing after it (``Action items:`` ``Next steps:`` ``待办：``) makes the
  following bullet lines, or ``owner: text`` lines, actions until a blank line;
- an owner leading with a verb, no marker needed: ``@bob will ...`` ``<@U123> to ...``
  ``SR will ...`` ``AR to ...`` ``@张三 负责 ...`` ``交付经理负责 ...``.

The owner is a role (``"AR"``, ``"SR"``, ``"FR"``, ``"SPONSOR"``) or a mention exactly as
written (``@bob``, ``<@U123ABC>``, ``<@U123ABC|bob>``). It comes from the marker, a
leading owner (``客户经理：...``, ``AR ...`` after a marker), ``owner=SR`` / ``负责人=@bob``
anywhere, or a trailing ``(SR)`` / ``(@bob)``. A mention elsewhere in the line is not the
owner (``send the deck to @bob``). The due date comes from ``commands.dates.find_due``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.dates import find_due
from commands.parsing import fold_width
from commands.routing import parse_role

__all__ = ["ExtractedAction", "extract_actions"]


@dataclass(frozen=True)
class ExtractedAction:
    title: str
    owner: str | None
    due: date | None
    line_no: int  # 1-based line of the note
    raw: str  # that line, stripped


_Found = tuple[str, str | None, date | None]  # title, owner, due

# All patterns run on width-folded text (same length as the original, so spans can be
# used to cut the original).
_MENTION = r"<@[A-Za-z0-9]+(?:\|[^<>\n]{0,80})?>|@[^\s@:,;()<>\[\]]{1,64}"
_BULLET = r"(?:[-*+•·]|\d{1,3}[.)、])"
_PREFIX = rf"^\s*(?:>\s*)?(?:{_BULLET}\s*)?"
_EMPH = r"(?:\*\*|__)?"
_STRONG_ROLE = r"(?:(?:AR|SR|FR)(?![A-Za-z0-9])|客户经理|客户负责人|解决方案经理|解决方案负责人|方案经理|交付经理|交付负责人|高层负责人)"
_EN_VERB = r"(?:will|to|shall|should|must|needs?\s+to|has\s+to|is\s+to|is\s+going\s+to)"
_ZH_VERB = r"(?:负责|将会|将|需要)"

_DONE_BOX = re.compile(rf"{_PREFIX}\[[xX✓✔]\]")
_OPEN_BOX = re.compile(rf"{_PREFIX}\[\s?\]\s*")
_MARKER = re.compile(
    rf"{_PREFIX}{_EMPH}(?:(?P<colon>action\s*items?|actions?|ai|行动项|行动|跟进|跟进项)"
    rf"|(?P<loose>todo|to-do|待办事项|待办))"
    rf"(?:\s*\((?P<paren>[^()]{{0,40}})\))?(?:\s*(?P<mention>{_MENTION}))?{_EMPH}"
    rf"(?:\s*:{_EMPH}\s*|(?(loose)\s+|(?!)))",
    re.IGNORECASE,
)
_HEADER = re.compile(
    rf"{_PREFIX}{_EMPH}(?:action\s*items?|actions?|next\s+steps?|todos?|to-dos?|待办事项|待办|"
    rf"行动项|行动计划|后续行动|下一步|跟进事项){_EMPH}\s*:?{_EMPH}\s*$",
    re.IGNORECASE,
)
_BULLET_LINE = re.compile(rf"^\s*(?:>\s*)?{_BULLET}\s+")
_LEAD_MENTION = re.compile(rf"\s*(?P<who>{_MENTION})")
_LEAD_ROLE_COLON = re.compile(r"\s*(?P<who>[^:\s][^:]{0,23}?)\s*:\s*")
_LEAD_STRONG = re.compile(rf"\s*(?P<who>{_STRONG_ROLE})")
_SEP_EN_VERB = re.compile(rf"\s+{_EN_VERB}\s+", re.IGNORECASE)
_SEP_ZH_VERB = re.compile(rf"\s*{_ZH_VERB}\s*")
_SEP_COLON = re.compile(r"\s*:\s*")
_SEP_SPACE = re.compile(r"\s+")
_OWNER_KEY = re.compile(
    rf"(?<![A-Za-z0-9_])(?:owner|assignee|负责人|责任人)\s*[=:]\s*(?P<who>{_MENTION}|[^\s,;]+)",
    re.IGNORECASE,
)
_TRAILING_OWNER = re.compile(rf"\s*\(\s*(?P<who>{_MENTION}|[^()]{{1,24}})\s*\)\s*[.。]?\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


def _owner_of(token: str) -> str | None:
    """A role for a role name, the token itself for a mention, else None."""
    token = token.strip()
    if re.fullmatch(_MENTION, fold_width(token)):
        return token
    return parse_role(token)


def _peel_lead(text: str, *, marked: bool) -> tuple[str | None, str]:
    """An owner leading ``text`` and the rest; ``marked``: the line is known to be an action.

    Unmarked lines need an owner followed by a verb (``@bob will``, ``SR to``, ``@张三 负责``);
    after a marker a colon or, for a mention or role code, a space is enough.
    """
    folded = fold_width(text)
    seps = (_SEP_EN_VERB, _SEP_ZH_VERB) + ((_SEP_COLON, _SEP_SPACE) if marked else ())
    for lead in (_LEAD_MENTION, _LEAD_STRONG):
        match = lead.match(folded)
        if match is None:
            continue
        for sep in seps:
            after = sep.match(folded, match.end())
            if after is not None:
                who = text[match.start("who") : match.end("who")]
                return (who if lead is _LEAD_MENTION else parse_role(who)), text[after.end() :]
        # A Chinese role name may run straight into the task: 交付经理12月5日前完成验收.
        if marked and lead is _LEAD_STRONG and not match.group("who").isascii():
            return parse_role(match.group("who")), text[match.end() :]
    if marked:
        match = _LEAD_ROLE_COLON.match(folded)
        if match is not None:
            owner = parse_role(match.group("who"))
            if owner is not None:
                return owner, text[match.end() :]
    return None, text


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]


def _tidy_title(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?，。；：！？、)）])", r"\1", text)
    return text.strip(" ,;:.-–—，。；：、*_").strip()


def _action(text: str, *, marked: bool, owner: str | None, today: date) -> _Found | None:
    """(title, owner, due) of one action text, or None when it is not an action."""
    lead, rest = _peel_lead(text, marked=marked)
    if lead is None and not marked:
        return None
    owner = owner or lead
    due, rest = find_due(rest, today=today)
    key = _OWNER_KEY.search(fold_width(rest))
    if key is not None:
        explicit = _owner_of(rest[key.start("who") : key.end("who")])
        if explicit is not None:
            owner, rest = explicit, _cut(rest, key.start(), key.end())
    tail = _TRAILING_OWNER.search(fold_width(rest))
    if tail is not None and owner is None:
        trailing = _owner_of(rest[tail.start("who") : tail.end("who")])
        if trailing is not None:
            owner, rest = trailing, rest[: tail.start()]
    title = _tidy_title(rest)
    if not re.search(r"[^\W_]", title):
        return None
    return title, owner, due


def _marked_text(line: str) -> tuple[str, str | None] | None:
    """The text after an action marker or open check box, and the marker's owner."""
    folded = fold_width(line)
    if _DONE_BOX.match(folded):
        return None
    box = _OPEN_BOX.match(folded)
    if box is not None:
        line, folded = line[box.end() :], folded[box.end() :]
    marker = _MARKER.match(folded)
    if marker is not None:
        owner = None
        if marker.group("mention"):
            owner = line[marker.start("mention") : marker.end("mention")]
        elif marker.group("paren"):
            owner = _owner_of(line[marker.start("paren") : marker.end("paren")])
        return line[marker.end() :], owner
    if box is not None:
        return line, None
    return None


def _line_action(line: str, *, in_block: bool, today: date) -> _Found | None:
    marked = _marked_text(line)
    if marked is not None:
        text, owner = marked
        return _action(text, marked=True, owner=owner, today=today)
    if _DONE_BOX.match(fold_width(line)):
        return None
    if in_block:
        bullet = _BULLET_LINE.match(fold_width(line))
        if bullet is not None:
            return _action(line[bullet.end() :], marked=True, owner=None, today=today)
        lead, _ = _peel_lead(line, marked=True)
        if lead is not None:
            return _action(line, marked=True, owner=None, today=today)
    return _action(line, marked=False, owner=None, today=today)


def _continues_block(line: str) -> bool:
    folded = fold_width(line)
    if _BULLET_LINE.match(folded) or _OPEN_BOX.match(folded) or _DONE_BOX.match(folded):
        return True
    return _peel_lead(line, marked=True)[0] is not None


def extract_actions(text: str, *, today: date) -> list[ExtractedAction]:
    """The action lines of ``text`` in order; ``[]`` when there are none (never raises)."""
    if not isinstance(text, str) or not isinstance(today, date):
        return []
    found: list[ExtractedAction] = []
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            if not line.strip():
                in_block = False
                continue
            if _HEADER.match(fold_width(line)):
                in_block = True
                continue
            in_block = in_block and _continues_block(line)
            result = _line_action(line, in_block=in_block, today=today)
        except Exception:  # noqa: BLE001
            # Notes are saved whatever the extractor thinks: one odd line must not lose
            # the note or the other actions. The fuzz tests call the parts unguarded.
            continue
        if result is not None:
            title, owner, due = result
            found.append(ExtractedAction(title, owner, due, number, line.strip()))
    return found
