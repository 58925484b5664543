"""Moving the record in and out: accounts from CSV, the portfolio as CSV, one account as JSON
(bot/transfer_record.py).

A CSV import changes only what the file says: a blank cell leaves the field as it is, a
tier changes only when the tier column says so (and the change is printed), and every
refused line says why, in words, with its line number. ``--dry-run`` prints the same and
saves nothing. The AR / SR / FR columns (or those ``--team`` names) set the iron triangle,
so imported accounts have a team that can link their channels.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.app import Core
from commands.bounds import check_amount, check_date
from commands.dates import DateParseError, parse_date
from commands.handlers.core_account import parse_amount, parse_margin, parse_tier
from commands.i18n import Translator, t
from commands.registry import CommandError
from storage import repos
from storage.transfer_repo import current_roles, latest_snapshots, people_matching, task_counts

COLUMNS = ("name", "tier", "industry", "revenue", "margin", "renewal")
ROLES = ("AR", "SR", "FR")
EXPORT_COLUMNS = (*COLUMNS, *ROLES, "health", "score", "open", "overdue", "archived")


class _DryRun(Exception):
    """Raised at the end of a dry run's unit of work, so it is rolled back."""


@dataclass
class _Outcome:
    created: bool = False
    changes: list[str] = field(default_factory=list)


def import_accounts(core: Core, path: Path, *, out: TextIO, dry_run: bool = False,
                    team: str | None = None, lang: str | None = None) -> int:
    """Create or update accounts from a CSV; a refused line is reported, the others load.

    0: every line loaded; 1: some were refused; 2: the file itself could not be read.
    """
    tr = Translator(lang or core.settings.KAMBOT_LANGUAGE)
    if not path.is_file():
        out.write(tr("transfer.no_file", path=path) + "\n")
        return 2
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        by_lower = {h.lower(): h for h in header}
        if "name" not in by_lower:
            out.write(tr("transfer.no_header", columns=", ".join(COLUMNS + ROLES)) + "\n")
            return 2
        role_columns = _role_columns(team, by_lower, out=out, tr=tr)
        if role_columns is None:
            return 2
        used = {*COLUMNS, *(c.lower() for c in role_columns.values())}
        ignored = [h for h in header if h.lower() not in used]
        if ignored:
            out.write(tr("transfer.ignored_columns", columns=", ".join(ignored)) + "\n")
        if dry_run:
            out.write(tr("transfer.dry_run") + "\n")
        counts = {"created": 0, "updated": 0, "unchanged": 0, "refused": 0}
        seen: dict[str, int] = {}
        for line, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items()
                   if isinstance(k, str) and isinstance(v, str)}
            name = row.get("name", "")
            try:
                if not name:
                    raise CommandError("transfer.empty_name")
                key = repos.name_key(name)
                if key in seen:
                    raise CommandError("transfer.duplicate_name", name=name, first=seen[key])
                seen[key] = line
                outcome = _import_line(core, row, {r: row.get(c.lower(), "")
                                                   for r, c in role_columns.items()},
                                       tr=tr, dry_run=dry_run)
            except (CommandError, DateParseError) as exc:
                counts["refused"] += 1
                what = _words(tr, exc)
                out.write((tr("transfer.line", line=line, account=name, what=what) if name
                           else tr("transfer.line_bare", line=line, what=what)) + "\n")
                continue
            kind = "created" if outcome.created else "updated" if outcome.changes else "unchanged"
            counts[kind] += 1
            changes = ", ".join(outcome.changes)
            what = tr(f"transfer.{kind}", changes=changes)
            out.write(tr("transfer.line", line=line, account=name, what=what) + "\n")
    out.write(tr("transfer.summary_dry" if dry_run else "transfer.summary", **counts) + "\n")
    return 1 if counts["refused"] else 0


def _words(tr: Translator, exc: Exception) -> str:
    """A refusal as one line of words (catalog messages may hold a line break)."""
    if isinstance(exc, DateParseError):
        message = tr(exc.key, text=exc.text) if hasattr(exc, "text") else str(exc)
    else:
        assert isinstance(exc, CommandError)
        message = tr(exc.key, **exc.values)
    out = ""
    for part in (p.strip() for p in message.splitlines()):
        if part:
            # Chinese sentences follow each other without a space.
            out += ("" if not out or out.endswith(("。", "：", "！", "？")) else " ") + part
    return out


def _role_columns(team: str | None, by_lower: dict[str, str], *, out: TextIO,
                  tr: Translator) -> dict[str, str] | None:
    """Role -> the CSV column naming its holder; None (after saying why) when wrong."""
    if not team:
        return {role: by_lower[role.lower()] for role in ROLES if role.lower() in by_lower}
    mapping: dict[str, str] = {}
    for pair in team.split(","):
        role, sep, column = pair.partition("=")
        role = role.strip().upper()
        if not sep or role not in ROLES or not column.strip():
            out.write(tr("transfer.bad_team") + "\n")
            return None
        if column.strip().lower() not in by_lower:
            out.write(tr("transfer.no_team_column", role=role, column=column.strip(),
                         columns=", ".join(by_lower.values())) + "\n")
            return None
        mapping[role] = by_lower[column.strip().lower()]
    return mapping


def _import_line(core: Core, row: dict[str, str], team: dict[str, str], *, tr: Translator,
                 dry_run: bool) -> _Outcome:
    outcome = _Outcome()
    try:
        with core.sessions.begin() as session:
            _apply(core, session, row, team, outcome, tr=tr)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcome


def _apply(core: Core, session: Any, row: dict[str, str], team: dict[str, str],
           outcome: _Outcome, *, tr: Translator) -> None:
    name = row["name"]
    today = core.clock.today()
    values: dict[str, Any] = {}
    if row.get("tier"):
        values["tier"] = parse_tier(row["tier"])
    if row.get("industry"):
        values["industry"] = row["industry"]
    if row.get("revenue"):
        values["revenue"] = check_amount(parse_amount(row["revenue"]), what="revenue")
    if row.get("margin"):
        values["margin"] = parse_margin(row["margin"])
    if row.get("renewal"):
        values["renewal_date"] = check_date(parse_date(row["renewal"], today=today),
                                            what="renewal")
    account = repos.account_by_name(session, name=name)
    if account is None:
        if "tier" not in values:
            raise CommandError("transfer.no_tier")
        account = repos.create_account(session, name=name, tier=values["tier"],
                                       at=core.clock.now())
        outcome.created = True
    for attr, new in values.items():
        old = getattr(account, attr)
        if old == new and not outcome.created:
            continue
        setattr(account, attr, new)
        label = "renewal" if attr == "renewal_date" else attr
        if outcome.created:
            outcome.changes.append(tr("transfer.set_value", field=label, new=_shown(attr, new)))
        else:
            outcome.changes.append(tr("transfer.change", field=label, old=_shown(attr, old),
                                      new=_shown(attr, new)))
    session.add(account)
    session.flush()
    assert account.id is not None
    holders = repos.current_holders(session, account_id=account.id)
    for role, handle in team.items():
        if not handle:
            continue
        people = people_matching(session, handle=handle)
        if not people:
            raise CommandError("transfer.nobody", role=role, handle=handle)
        if len(people) > 1:
            raise CommandError("transfer.several", role=role, handle=handle, people=", ".join(
                f"{p.display_name} ({p.platform}:{p.user_id})" for p in people))
        person = people[0]
        before = holders.get(role)
        if before is not None and before.id == person.id:
            continue
        assert person.id is not None
        repos.assign_role(session, account_id=account.id, role=role, person_id=person.id,
                          at=core.clock.now())
        if before is None:
            outcome.changes.append(tr("transfer.set_value", field=role, new=person.display_name))
        else:
            outcome.changes.append(tr("transfer.change", field=role, old=before.display_name,
                                      new=person.display_name))


def _shown(attr: str, value: object) -> str:
    if value is None:
        return "-"
    if attr == "margin" and isinstance(value, float):
        return f"{value * 100:g}%"
    if isinstance(value, float):
        return number(value)
    return str(value)


def number(value: float | None) -> str:
    """900000.0 -> ``900000``; 1234.5 -> ``1234.5``: what a person (and the importer) reads."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def export_accounts(core: Core, *, out: TextIO) -> int:
    """The portfolio as CSV: the importable columns, then health, score and task counts."""
    with core.sessions.begin() as session:
        accounts = repos.all_accounts(session, include_archived=True)
        counts = task_counts(session, today=core.clock.today())
        health = latest_snapshots(session)
        roles = current_roles(session)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for acct in accounts:
            assert acct.id is not None
            snap = health.get(acct.id)
            held = roles.get(acct.id, {})
            c = counts.get(acct.id)
            writer.writerow([
                acct.name, acct.tier, acct.industry or "", number(acct.revenue),
                f"{acct.margin * 100:g}%" if acct.margin is not None else "",
                _day(acct.renewal_date),
                *(held[r].display_name if r in held else "" for r in ROLES),
                snap.color if snap else "", snap.score if snap else "",
                c.open if c else 0, c.overdue if c else 0,
                "yes" if acct.archived_at else "",
            ])
    return 0


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def export_record(core: Core, *, what: str, account: str | None, out: TextIO,
                  lang: str | None = None) -> int:
    """``accounts``: the portfolio CSV; ``account``: one account's whole record as JSON."""
    if what == "accounts":
        return export_accounts(core, out=out)
    from bot.transfer_record import export_account

    lang = lang or core.settings.KAMBOT_LANGUAGE
    if not account:
        out.write(t(lang, "transfer.no_account") + "\n")
        return 2
    return export_account(core, name=account, out=out, lang=lang)
