"""Moving the record in and out: accounts from CSV, the portfolio as CSV, one account as JSON.

The export is the account record as a company asset: everything a successor needs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

from sqlmodel import select

from bot.app import Core
from commands.bounds import check_amount, check_date
from commands.dates import DateParseError, parse_date
from commands.handlers.core_account import parse_amount, parse_margin, parse_tier
from commands.registry import CommandError
from storage import repos
from storage.models import Person, PlanSection, RoleAssignment, Stakeholder

COLUMNS = ("name", "tier", "industry", "revenue", "margin", "renewal")


def import_accounts(core: Core, path: Path, *, out: TextIO) -> int:
    """Create or update accounts from a CSV; a bad row is reported, the others still load."""
    if not path.is_file():
        out.write(f"kambot: no such file: {path}\n")
        return 2
    created = updated = 0
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"name"} - set(reader.fieldnames or [])
        if missing:
            out.write(f"kambot: the CSV needs a header row with at least: name "
                      f"(known columns: {', '.join(COLUMNS)})\n")
            return 2
        for line, row in enumerate(reader, start=2):
            try:
                with core.sessions.begin() as session:
                    was_new = _import_row(core, session, row)
                created += was_new
                updated += not was_new
            except (CommandError, DateParseError, ValueError) as exc:
                key = getattr(exc, "key", "")
                problems.append(f"line {line}: {key or exc} ({dict(row)})")
    out.write(f"imported: {created} new, {updated} updated, {len(problems)} skipped\n")
    for problem in problems:
        out.write(f"  {problem}\n")
    return 0 if not problems else 1


def _import_row(core: Core, session: Any, row: dict[str, str]) -> bool:
    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("empty name")
    account = repos.account_by_name(session, name=name)
    is_new = account is None
    if account is None:
        tier = parse_tier(row["tier"]) if row.get("tier") else "important"
        account = repos.create_account(session, name=name, tier=tier, at=core.clock.now())
    elif row.get("tier"):
        account.tier = parse_tier(row["tier"])
    if row.get("industry"):
        account.industry = row["industry"].strip()
    if row.get("revenue"):
        account.revenue = check_amount(parse_amount(row["revenue"]), what="revenue")
    if row.get("margin"):
        account.margin = parse_margin(row["margin"])
    if row.get("renewal"):
        account.renewal_date = check_date(parse_date(row["renewal"], today=core.clock.today()),
                                          what="renewal")
    session.add(account)
    return is_new


def export_record(core: Core, *, what: str, account: str | None, out: TextIO) -> int:
    with core.sessions.begin() as session:
        if what == "accounts":
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for row in repos.all_accounts(session, include_archived=True):
                writer.writerow([row.name, row.tier, row.industry or "", row.revenue or "",
                                 row.margin or "", row.renewal_date or ""])
            return 0
        if not account:
            out.write("kambot: say which account: kambot export account \"Acme Corp\"\n")
            return 2
        acct = repos.account_by_name(session, name=account)
        if acct is None or acct.id is None:
            out.write(f"kambot: no account called {account!r}\n")
            return 2
        persons: dict[int, Person | None] = {}
        roles = []
        for ra in session.exec(select(RoleAssignment).where(RoleAssignment.account_id == acct.id)):
            if ra.person_id not in persons:
                persons[ra.person_id] = session.get(Person, ra.person_id)
            person = persons[ra.person_id]
            roles.append({"role": ra.role, "person": person.display_name if person else None,
                          "from": ra.started_at.isoformat(),
                          "to": ra.ended_at.isoformat() if ra.ended_at else None})
        record = {
            "account": acct.model_dump(mode="json", exclude={"task_seq", "note_seq", "name_key"}),
            "roles": roles,
            "tasks": [t.model_dump(mode="json") for t in repos.tasks_of(session, account_id=acct.id, status=None)],
            "notes": [n.model_dump(mode="json") for n in repos.notes_of(session, account_id=acct.id)],
            "stakeholders": [s.model_dump(mode="json", exclude={"name_key"}) for s in session.exec(
                select(Stakeholder).where(Stakeholder.account_id == acct.id))],
            "plan": {p.section: p.text for p in session.exec(
                select(PlanSection).where(PlanSection.account_id == acct.id))},
        }
    json.dump(record, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")
    return 0
