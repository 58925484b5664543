"""The account's history in words: one line per change, in the reader's language.

Each kind of change (an AuditLog ``action``) has a describer registered with
:func:`describes`, next to its reversal in ``commands/changes/``::

    @describes("task.edit")
    def _(w: Words, entry: AuditLog) -> str:
        return w.t("history.task.edit", number=..., changes=w.changes(before, after))

A kind nobody described is still shown, by its action name. :class:`Words` formats the
values kept in entries (dates, people, roles, money, yes/no) the same way for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from sqlmodel import Session

from commands.format import fmt_date, fmt_number, fmt_percent, role_short
from commands.i18n import CatalogError, Translator
from storage import repos
from storage.models import AuditLog

Describer = Callable[["Words", AuditLog], str]
_DESCRIBERS: dict[str, Describer] = {}

# Keys in an entry's detail that hold Person ids.
PERSON_KEYS = frozenset({"assignee", "to", "previous", "person", "sponsor", "author"})
_DATE_KEYS = frozenset({"due", "renewal", "renewal_date", "exec_meeting"})
_MAX_VALUE = 80


def describes(*actions: str) -> Callable[[Describer], Describer]:
    """Register the describer of one or more actions."""

    def register(fn: Describer) -> Describer:
        for action in actions:
            _DESCRIBERS[action] = fn
        return fn

    return register


def _clip(text: str, limit: int = _MAX_VALUE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Words:
    """What a describer needs to put an entry into words."""

    t: Translator
    names: dict[int, str] = field(default_factory=dict)
    tz: tzinfo | None = None

    def person(self, person_id: object) -> str:
        if not isinstance(person_id, int):
            return self.t("history.nobody")
        return self.names.get(person_id) or self.t("history.someone")

    def label(self, key: str) -> str:
        try:
            return self.t(f"history.field.{key}")
        except CatalogError:  # a field another part records: its own name
            return key

    def value(self, key: str, value: Any) -> str:
        """One stored value, formatted for reading."""
        t = self.t
        if value is None or value == "":
            return "—"
        if key in PERSON_KEYS:
            return self.person(value)
        if key in _DATE_KEYS and isinstance(value, str):
            try:
                return fmt_date(t.lang, date.fromisoformat(value[:10]), weekday=False)
            except ValueError:
                return _clip(value)
        if isinstance(value, bool):
            return t("history.yes") if value else t("history.no")
        if key == "role":
            return role_short(t, str(value))
        if key == "status":
            return self._catalog(f"history.status.{value}", str(value))
        if key == "tier":
            return self._catalog(f"tier.{value}", str(value))
        if key in ("lang", "language"):
            return self._catalog(f"history.lang.{value}", str(value))
        if key == "stance":
            return self._catalog(f"stance.{value}", str(value))
        if key == "revenue" and isinstance(value, int | float):
            return fmt_number(t.lang, float(value))
        if key == "margin" and isinstance(value, int | float):
            return fmt_percent(float(value))
        if isinstance(value, float):
            return f"{value:g}"
        if key == "text" and isinstance(value, str):
            return t("history.chars", count=len(value))
        return _clip(str(value))

    def _catalog(self, key: str, fallback: str) -> str:
        try:
            return self.t(key)
        except CatalogError:
            return fallback

    def owner(self, state: Mapping[str, Any]) -> str:
        """A task's owner from a before/after state: ``SR · bob`` or the text kept."""
        parts = [role_short(self.t, str(state["role"]))] if state.get("role") else []
        if state.get("assignee") is not None:
            parts.append(self.person(state["assignee"]))
        elif state.get("owner_text"):
            parts.append(_clip(str(state["owner_text"]), 40))
        return " · ".join(parts) or "—"

    def changes(self, before: Mapping[str, Any], after: Mapping[str, Any],
                full_before: Mapping[str, Any] | None = None) -> str:
        """``due 2026-12-01 → 2026-12-05; owner SR · bob → FR · carol``.

        A task's role, person and owner text read as one "owner" change; ``full_before``
        (the state before) supplies the parts of the owner that did not change.
        """
        parts: list[str] = []
        # Only a task's change (described with the owner it had) merges these into "owner".
        owner_keys = {"role", "assignee", "owner_text", "stakeholder"} if full_before is not None \
            else set()
        if owner_keys & set(after):
            old = {**(full_before or {}), **before}
            new = {**old, **after}
            parts.append(self.t("history.change", field=self.label("owner"),
                                before=self.owner(old), after=self.owner(new)))
        for key, new_value in after.items():
            if key in owner_keys or key in ("closed_at",):
                continue
            parts.append(self.t("history.change", field=self.label(key),
                                before=self.value(key, before.get(key)),
                                after=self.value(key, new_value)))
        return self.t("history.separator").join(parts)

    def when(self, entry: AuditLog) -> str:
        at = entry.at.astimezone(self.tz) if self.tz else entry.at
        return at.strftime("%Y-%m-%d %H:%M")


def person_ids(entries: Iterable[AuditLog]) -> set[int]:
    """Every Person an entry names: who made it and who it mentions."""
    found: set[int] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in PERSON_KEYS and isinstance(value, int) and not isinstance(value, bool):
            found.add(value)

    for entry in entries:
        if entry.person_id is not None:
            found.add(entry.person_id)
        walk(entry.detail or {})
    return found


def words_for(session: Session, t: Translator, entries: Sequence[AuditLog],
              tz: tzinfo | None = None) -> Words:
    people = repos.persons_by_ids(session, ids=person_ids(entries))
    names = {pid: (p.display_name or p.username or p.user_id) for pid, p in people.items()}
    return Words(t=t, names=names, tz=tz)


def describe(words: Words, entry: AuditLog) -> str:
    """The change in words (without who and when)."""
    from commands.undo import load_changes

    load_changes()
    fn = _DESCRIBERS.get(entry.action)
    if fn is None:
        return words.t("history.generic", action=entry.action)
    try:
        return fn(words, entry)
    except (KeyError, TypeError, ValueError):  # an entry older than its describer's format
        return words.t("history.generic", action=entry.action)
