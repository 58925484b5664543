"""One account's whole record as JSON, out (``kambot export account``) and back in
(``kambot import account FILE.json``).

The file speaks of things by name, never by database id: people by their display name
(listed once under ``people`` with their platform and user id, so they can be found
again), notes, tasks, opportunities and payments by their account-local numbers,
stakeholders by name. Times are ISO 8601 in UTC (``2026-11-24T10:00:00Z``), days
``YYYY-MM-DD``. Export, import into another database and export again gives the same file.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO, get_args

from sqlmodel import SQLModel

from bot.app import Core
from commands.i18n import t
from storage import repos
from storage.models import (
    Account,
    Decision,
    HealthSnapshot,
    Note,
    Opportunity,
    Payment,
    Person,
    PlanSection,
    PlaybookRun,
    RoleAssignment,
    Signal,
    StageChange,
    Stakeholder,
    Task,
)
from storage.transfer_repo import AccountRecord, account_record

FORMAT = "kambot.account/1"
# Section -> (model, the record's attribute). Order matters on import: a row may refer
# only to rows of the sections before it.
SECTIONS: tuple[tuple[str, type[SQLModel], str], ...] = (
    ("team", RoleAssignment, "roles"),
    ("stakeholders", Stakeholder, "stakeholders"),
    ("notes", Note, "notes"),
    ("opportunities", Opportunity, "opportunities"),
    ("tasks", Task, "tasks"),
    ("decisions", Decision, "decisions"),
    ("signals", Signal, "signals"),
    ("health", HealthSnapshot, "health"),
    ("plan", PlanSection, "plan"),
    ("stage_changes", StageChange, "stage_changes"),
    ("payments", Payment, "payments"),
    ("playbook_runs", PlaybookRun, "playbook_runs"),
)
# Foreign keys, as the file names them: column -> (name in the file, what it points at).
REFERENCES = {
    "person_id": ("person", "person"), "author_id": ("author", "person"),
    "assignee_id": ("assignee", "person"), "created_by_id": ("created_by", "person"),
    "recorded_by_id": ("recorded_by", "person"), "updated_by_id": ("updated_by", "person"),
    "started_by_id": ("started_by", "person"), "source_note_id": ("source_note", "note"),
    "note_id": ("note", "note"), "stakeholder_id": ("stakeholder", "stakeholder"),
    "opportunity_id": ("opportunity", "opportunity"),
    # The relationship map: our owner of a stakeholder, and whom the stakeholder reports to.
    "owner_id": ("owner", "person"), "reports_to_id": ("reports_to", "stakeholder"),
}
SKIP = {"id", "account_id", "name_key"}
ACCOUNT_SKIP = SKIP | {"task_seq", "note_seq", "opportunity_seq", "payment_seq"}


class RecordError(ValueError):
    """A record file that cannot be imported: ``where`` in the file and what is wrong."""

    def __init__(self, where: str, error: str) -> None:
        super().__init__(f"{where}: {error}")
        self.where = where
        self.error = error


# --- out ----------------------------------------------------------------------------------


def export_account(core: Core, *, name: str, out: TextIO, lang: str) -> int:
    with core.sessions.begin() as session:
        account = repos.account_by_name(session, name=name)
        if account is None:
            out.write(t(lang, "transfer.unknown_account", name=name) + "\n")
            return 2
        document = record_document(account_record(session, account=account))
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0


def record_document(record: AccountRecord) -> dict[str, Any]:
    people = _person_names(record.people)
    refs: dict[str, dict[int, Any]] = {
        "person": people,
        "note": {n.id: n.number for n in record.notes if n.id is not None},
        "stakeholder": {s.id: s.name for s in record.stakeholders if s.id is not None},
        "opportunity": {o.id: o.number for o in record.opportunities if o.id is not None},
    }
    document: dict[str, Any] = {
        "format": FORMAT,
        "account": _plain(record.account, ACCOUNT_SKIP, refs),
        "people": [{"name": people[pid], "platform": p.platform, "user_id": p.user_id,
                    "username": p.username, "display_name": p.display_name}
                   for pid, p in sorted(record.people.items(), key=lambda kv: people[kv[0]])],
    }
    for section, _model, attr in SECTIONS:
        document[section] = [_plain(row, SKIP, refs) for row in getattr(record, attr)]
    return document


def _person_names(people: dict[int, Person]) -> dict[int, str]:
    """Display names; a name two people share gets their handle: ``Li Wei (slack:U1)``."""
    counts: dict[str, int] = {}
    for p in people.values():
        counts[p.display_name] = counts.get(p.display_name, 0) + 1
    return {pid: p.display_name if counts[p.display_name] == 1 and p.display_name
            else f"{p.display_name} ({p.platform}:{p.user_id})" for pid, p in people.items()}


def _plain(row: SQLModel, skip: set[str], refs: dict[str, dict[int, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in type(row).model_fields:
        if column in skip:
            continue
        value = getattr(row, column)
        if column in REFERENCES:
            name, kind = REFERENCES[column]
            out[name] = refs[kind].get(value) if value is not None else None
            continue
        out[column] = _value(value)
    return out


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- in -----------------------------------------------------------------------------------


def import_record_file(core: Core, path: Path, *, out: TextIO, dry_run: bool = False,
                       lang: str | None = None) -> int:
    lang = lang or core.settings.KAMBOT_LANGUAGE
    if not path.is_file():
        out.write(t(lang, "transfer.no_file", path=path) + "\n")
        return 2
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        out.write(t(lang, "transfer.not_a_record", path=path, line=exc.lineno,
                    error=exc.msg) + "\n")
        return 2
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        version = document.get("format") if isinstance(document, dict) else None
        out.write(t(lang, "transfer.record_version", path=path, version=version or "?",
                    expected=FORMAT) + "\n")
        return 2
    name = str((document.get("account") or {}).get("name") or "")
    try:
        with core.sessions.begin() as session:
            if repos.account_by_name(session, name=name) is not None:
                out.write(t(lang, "transfer.record_exists", name=name) + "\n")
                return 2
            counts = import_document(session, document)
            if dry_run:
                session.rollback()
    except RecordError as exc:
        out.write(t(lang, "transfer.record_bad", path=path, where=exc.where,
                    error=exc.error) + "\n")
        return 2
    out.write(t(lang, "transfer.record_dry" if dry_run else "transfer.record_imported",
                account=name, **counts) + "\n")
    return 0


def import_document(session: Any, document: dict[str, Any]) -> dict[str, int]:
    """Write one exported record into ``session``; raises RecordError naming the place."""
    account = _model(Account, document.get("account"), "account", ACCOUNT_SKIP, {})
    if not account.name:
        raise RecordError("account", "no name")
    session.add(account)
    session.flush()
    refs: dict[str, dict[Any, int]] = {"person": {}, "note": {}, "stakeholder": {},
                                       "opportunity": {}}
    for i, entry in enumerate(document.get("people") or []):
        where = f"people[{i}]"
        try:
            person = repos.upsert_person(session, platform=str(entry["platform"]),
                                         user_id=str(entry["user_id"]),
                                         display_name=str(entry.get("display_name") or ""),
                                         username=str(entry.get("username") or ""))
            refs["person"][entry["name"]] = int(person.id)  # type: ignore[arg-type]
        except (KeyError, TypeError) as exc:
            raise RecordError(where, f"needs name, platform and user_id ({exc})") from None
    numbers = {"task_seq": 0, "note_seq": 0, "opportunity_seq": 0, "payment_seq": 0}
    counts: dict[str, int] = {}
    for section, model, _attr in SECTIONS:
        rows = document.get(section) or []
        counts[section] = len(rows)
        bosses: list[tuple[Any, Any, str]] = []
        for i, entry in enumerate(rows):
            if model is Stakeholder and isinstance(entry, dict) and entry.get("reports_to"):
                # A boss may come later in the file: linked once every stakeholder is in.
                entry = dict(entry)
                bosses.append((entry.pop("reports_to"), i, f"{section}[{i}]"))
            row = _model(model, entry, f"{section}[{i}]", SKIP, refs)
            row.account_id = account.id  # type: ignore[attr-defined]
            session.add(row)
            session.flush()
            key = {Note: ("note", "number"), Stakeholder: ("stakeholder", "name"),
                   Opportunity: ("opportunity", "number")}.get(model)  # type: ignore[call-overload]
            if key:
                refs[key[0]][getattr(row, key[1])] = row.id  # type: ignore[attr-defined]
            seq = {Task: "task_seq", Note: "note_seq", Opportunity: "opportunity_seq",
                   Payment: "payment_seq"}.get(model)  # type: ignore[call-overload]
            if seq:
                numbers[seq] = max(numbers[seq], int(row.number))  # type: ignore[attr-defined]
            if bosses and bosses[-1][1] == i:
                bosses[-1] = (bosses[-1][0], row, bosses[-1][2])
        for boss, row, where in bosses:
            if boss not in refs["stakeholder"]:
                raise RecordError(where, f"reports_to {boss!r} is not in the record")
            row.reports_to_id = refs["stakeholder"][boss]
            session.add(row)
        session.flush()
    for seq, value in numbers.items():
        setattr(account, seq, value)
    session.add(account)
    session.flush()
    return {"notes": counts["notes"], "tasks": counts["tasks"], "signals": counts["signals"],
            "health": counts["health"], "people": len(refs["person"])}


def _model(model: type[SQLModel], entry: Any, where: str, skip: set[str],
           refs: dict[str, dict[Any, int]]) -> Any:
    if not isinstance(entry, dict):
        raise RecordError(where, "expected an object")
    values: dict[str, Any] = {}
    by_name = {name: (column, kind) for column, (name, kind) in REFERENCES.items()}
    known = set(model.model_fields)
    for key, value in entry.items():
        if key in by_name and by_name[key][0] in known:
            column, kind = by_name[key]
            if value is None:
                values[column] = None
            elif value not in refs[kind]:
                raise RecordError(where, f"{key} {value!r} is not in the record")
            else:
                values[column] = refs[kind][value]
        elif key in known and key not in skip:
            values[key] = _parsed(model, key, value, where)
        else:
            raise RecordError(where, f"unknown field {key!r}")
    row = model(**values)
    if "name_key" in model.model_fields and getattr(row, "name", None):
        row.name_key = repos.name_key(row.name)  # type: ignore[attr-defined]
    return row


def _parsed(model: type[SQLModel], column: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    annotation = model.model_fields[column].annotation
    types = set(get_args(annotation)) or {annotation}
    try:
        if datetime in types:
            return datetime.fromisoformat(str(value)).astimezone(UTC)
        if date in types:
            return date.fromisoformat(str(value))
        if float in types:
            return float(value)
    except (TypeError, ValueError):
        raise RecordError(where, f"{column}: {value!r} is not a valid value") from None
    return value
