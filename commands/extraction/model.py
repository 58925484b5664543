"""Actions read by a language model, checked against the note, merged with the rules'.

The model (any commands.ask.port.LanguageModel: bot/llm.py's client, or a test fake) is
asked for structured JSON (``ACTIONS_SCHEMA``). Nothing it says is trusted as is: an owner
must be on the roster (else, if the name is on that line of the note, it is kept as
unplaced text, and otherwise dropped); a due date must come with the words of that line
that give it, and those words must read as that date; a line number must be a line of
the note. The rules win: a line the rules already read is left to them, and the model
only adds lines the rules missed. Any failure (timeout, error, bad JSON, wrong shapes)
gives no model actions, so the caller keeps the rules' answer.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from typing import Any

from commands.ask.port import LanguageModel, LLMUnavailable
from commands.dates import scan_due
from commands.extract import ExtractedAction
from commands.extraction.lines import clean_line
from commands.extraction.roster import Owner, OwnerMatcher, Roster, fold_line
from prompts import render

log = logging.getLogger(__name__)

MAX_MODEL_ACTIONS = 30
MAX_NOTE_CHARS = 20_000
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ACTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line": {"type": "integer"},
                    "title": {"type": "string"},
                    "owner": {"type": "string"},
                    "due_phrase": {"type": "string"},
                    "due": {"type": "string"},
                },
                "required": ["line", "title", "owner", "due_phrase", "due"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["actions"],
    "additionalProperties": False,
}


def _people(roster: Roster) -> str:
    lines = []
    for person in roster.people:
        roles = "/".join(person.roles)
        lines.append(f"- {person.name}" + (f" ({roles})" if roles else "") + " — our team")
    for holder in roster.stakeholders:
        lines.append(f"- {holder.name}" + (f" ({holder.title})" if holder.title else "") + " — the customer's")
    lines.append("- AR, SR, FR — our roles (account, solution, delivery)")
    return "\n".join(lines)


def prompt_for(text: str, *, roster: Roster, today: date) -> tuple[str, str]:
    """The system message and the prompt for ``text`` (numbered lines, fenced)."""
    numbered = "\n".join(f"{n}: {line}" for n, line in enumerate(text[:MAX_NOTE_CHARS].splitlines(), 1))
    nonce = secrets.token_hex(6)
    system = ("You extract follow-up actions from meeting notes for an account team. "
              "You answer only with JSON that follows the schema.")
    prompt = render("extract_actions", today=today.isoformat(), weekday=_WEEKDAYS[today.weekday()],
                    people=_people(roster), nonce=nonce, note=numbered.replace(nonce, ""))
    return system, prompt


def _owner(raw: object, line: str, matcher: OwnerMatcher) -> tuple[Owner | None, bool]:
    """The checked owner and whether the item may stay (False: an invented owner)."""
    if not isinstance(raw, str) or not raw.strip():
        return None, True
    name = raw.strip()[:80]
    found = matcher.find(name)
    if found is not None and found.kind in ("person", "role", "customer"):
        return found, True
    if name.casefold() in ("the customer", "customer"):
        return Owner("customer", name, role="CUSTOMER"), True
    if fold_line(name) in fold_line(line):
        return Owner("text", name), True
    return None, False


def checked_actions(raw: dict[str, Any], *, text: str, roster: Roster, today: date) -> list[ExtractedAction]:
    """The model's actions that survive the checks against the note and the roster."""
    lines = text.splitlines()
    matcher = OwnerMatcher(roster)
    found: list[ExtractedAction] = []
    items = raw.get("actions") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise LLMUnavailable("bad_output", "no actions list")
    for item in items[:MAX_MODEL_ACTIONS]:
        if not isinstance(item, dict):
            continue
        number = item.get("line")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        title = clean_line(str(item.get("title") or ""))[:200]
        if not title or not line.strip():
            continue
        owner, keep = _owner(item.get("owner"), line, matcher)
        if not keep:
            continue  # an owner the note does not give: never invented
        due = None
        phrase = item.get("due_phrase")
        if isinstance(phrase, str) and phrase.strip() and fold_line(phrase.strip()) in fold_line(line):
            scanned = scan_due(phrase.strip(), today=today)
            if scanned.day is None:
                scanned = scan_due("by " + phrase.strip(), today=today)
            claimed = str(item.get("due") or "")
            if scanned.day is not None and (not claimed or claimed[:10] == scanned.day.isoformat()):
                due = scanned.day
        found.append(ExtractedAction(title=title, owner=None, due=due, line_no=number,
                                     raw=line.strip(), who=owner))
    return found


def merge(rules: list[ExtractedAction], model: list[ExtractedAction]) -> list[ExtractedAction]:
    """The rules' actions, then the model's on lines the rules did not read."""
    taken = {a.line_no for a in rules}
    added = []
    for action in model:
        if action.line_no in taken:
            continue  # the rules read this line: they win
        taken.add(action.line_no)
        added.append(action)
    return list(rules) + added


def model_actions(llm: LanguageModel, text: str, *, roster: Roster, today: date) -> list[ExtractedAction]:
    """The model's checked actions; ``[]`` when it fails in any way (the rules stand)."""
    try:
        system, prompt = prompt_for(text, roster=roster, today=today)
        raw = llm.complete_json(system=system, prompt=prompt, schema=ACTIONS_SCHEMA,
                                schema_name="note_actions")
        return checked_actions(raw, text=text, roster=roster, today=today)
    except LLMUnavailable as exc:
        log.info("model extraction unavailable (%s); the rules' actions stand", exc.reason)
        return []
    except Exception:  # noqa: BLE001 - a model is never allowed to lose a note's actions
        log.exception("model extraction failed; the rules' actions stand")
        return []
