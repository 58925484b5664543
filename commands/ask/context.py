"""The bounded context a model is shown: one account's facts plus its most relevant notes.

However large the record grows, the data block stays within ``budget`` characters: the
structured facts take at most ``FACTS_SHARE`` of it (open actions beyond that are counted,
not listed), and notes, most relevant first (full-text search, then the newest), fill the
rest, each cut to ``NOTE_CHARS``. Only this account's rows are read. Text written by
people cannot close the data block: marker-like sequences are defused and the markers
carry a per-request nonce.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from commands.ask.facts import AccountFacts, NoteFact, SignalFact, TaskFact, note_fact, reason_line
from commands.i18n import Translator
from storage import ask_repo, record_repo, repos, search

BUDGET_CHARS = 12_000
FACTS_SHARE = 0.45
NOTE_CHARS = 1_500
NOTE_CANDIDATES = 12
# With a period, more hits are ranked so the period's notes can be found among them.
WINDOW_CANDIDATES = 200

# The model reads the facts in English whatever the asker's language; it answers in theirs.
_EN = Translator("en")
_MARKER = re.compile(r"<<<|>>>|ACCOUNT_DATA", re.I)


def defuse(text: str) -> str:
    """Stored text as data: it cannot forge the block's markers."""
    return _MARKER.sub(lambda m: {"<<<": "‹‹‹", ">>>": "›››"}.get(m.group(0), "ACCOUNT-DATA"), text)


@dataclass(slots=True)
class PromptContext:
    """The data block's text and what in it may be cited."""

    data: str
    nonce: str
    tasks: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)

    @property
    def size(self) -> int:
        return len(self.data)


def _task_line(x: TaskFact) -> str:
    owner = f"owner {x.role}" + (f" {x.assignee}" if x.assignee else "")
    if x.role == "CUSTOMER":
        owner = "owner: the customer's side"
    bits = [f"[task {x.number}] {x.title}", owner]
    if x.due:
        bits.append(f"due {x.due.isoformat()}")
    if x.is_overdue:
        bits.append(f"OVERDUE {x.overdue_days} days")
    if x.source_note:
        bits.append(f"from note {x.source_note}")
    return " | ".join(bits)


def _note_block(note: NoteFact, limit: int) -> str:
    text = note.text.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    who = f", {note.author}" if note.author else ""
    return f"[note {note.number}] {note.at.date().isoformat()}{who}:\n{text}"


# Shares of the facts' budget each optional part of the record may take at most; the open
# actions fill what is left.
SHARES = {"stakeholders": 0.12, "plan": 0.15, "decisions": 0.12, "closed": 0.08}
PLAN_CHARS = 300
DECISION_CHARS = 200


@dataclass(slots=True)
class RecordLines:
    """The parts of the record beyond the card, as lines, and what they let the model cite."""

    plan: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    tasks: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def record_lines(session: Session, *, facts: AccountFacts) -> RecordLines:
    """The plan, the decisions and the recently closed work of ``facts``' account."""
    from commands.ask.answer_account import PLAN_SECTIONS

    out = RecordLines()
    for section in PLAN_SECTIONS:
        if section in facts.plan:
            out.plan.append(f"PLAN {section.upper()}: {_cut(facts.plan[section], PLAN_CHARS)}")
    rows = record_repo.decisions_of(session, account_id=facts.account_id, limit=15)
    numbers = record_repo.note_numbers(session, account_id=facts.account_id,
                                       note_ids={r.note_id for r in rows if r.note_id is not None})
    for row in rows:
        number = numbers.get(row.note_id) if row.note_id is not None else None
        ref = f"[note {number}] " if number else ""
        out.decisions.append(f"DECISION: {ref}{row.created_at.date().isoformat()} {_cut(row.text, DECISION_CHARS)}")
        if number:
            out.notes.add(number)
    for status, limit in (("done", 6), ("cancelled", 4)):
        for task in record_repo.closed_tasks(session, account_id=facts.account_id, status=status, limit=limit):
            when = task.closed_at.date().isoformat() if task.closed_at else "?"
            why = f" | reason: {_cut(task.cancel_reason, 120)}" if task.cancel_reason else ""
            out.closed.append(f"{status.upper()} [task {task.number}] {_cut(task.title, 160)} | {task.role}"
                              f" | closed {when}{why}")
            out.tasks.add(task.number)
    return out


def _capped(lines: list[str], cap: int, what: str) -> list[str]:
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        if used + len(line) + 1 > cap:
            out.append(f"... {len(lines) - i} more {what} not shown")
            break
        out.append(line)
        used += len(line) + 1
    return out


def _signal_text(metric: str, fact: SignalFact) -> str:
    value = fact.day.isoformat() if metric == "exec_meeting" and fact.day else f"{fact.value:g}"
    return f"{metric}={value} (recorded {fact.recorded.isoformat()})"


def facts_lines(facts: AccountFacts, budget: int, extra: RecordLines | None = None) -> tuple[list[str], set[int]]:
    """The structured facts as lines within ``budget`` characters; the cited task numbers."""
    f = facts
    extra = extra or RecordLines()
    lines = [f"TODAY: {f.today.isoformat()}", f"ACCOUNT: {f.name} | tier {f.tier}"
             + (f" | industry {f.industry}" if f.industry else "")]
    if f.renewal_date:
        lines.append(f"RENEWAL: {f.renewal_date.isoformat()} (in {f.days_to_renewal} days)")
    if f.revenue is not None or f.margin is not None:
        lines.append(f"REVENUE: {f.revenue} | MARGIN: {f.margin} | GROSS PROFIT: {f.gross_profit}")
    if any(v is not None for v in f.score.values()):
        dims = ", ".join(f"{k} {v if v is not None else '-'}" for k, v in f.score.items())
        lines.append(f"SCORE (1-5; cost counts against): {dims}; suggested tier {f.suggested_tier or 'incomplete'}")
    roles = "; ".join(f"{role} {f.holders[role][1]}" if role in f.holders else f"{role} vacant"
                      for role in ("AR", "SR", "FR", "SPONSOR"))
    lines.append(f"ROLES: {roles}")
    if f.health is not None and not f.health.enough_data:
        lines.append(f"HEALTH: not enough data to give a colour ({f.health.measured} of "
                     f"{f.health.needed} measures have data)")
    elif f.health is not None:
        reasons = "; ".join(reason_line(_EN, r) for r in f.health.reasons)
        prev = f"; last recorded: {f.health.previous_color}" if f.health.previous_color else ""
        lines.append(f"HEALTH: {f.health.color} (score {f.health.score}, assessed {f.health.on.isoformat()}"
                     f"{prev}); reasons: {reasons or 'none recorded'}")
        if f.health.fixes:
            lines.append("TO TURN GREEN: " + "; ".join(
                f"{fix.role}: {_EN(f'health.fix.{fix.code}', **fix.values)}" for fix in f.health.fixes))
    if f.signal_facts:
        lines.append("SIGNALS: " + "; ".join(_signal_text(k, v) for k, v in sorted(f.signal_facts.items())))
    lines.append(f"NOTES ON RECORD: {f.note_count}; ACTIONS DONE: {f.done_count}")
    if f.last_note is not None:
        lines.append(f"LAST MEETING NOTE: [note {f.last_note.number}] {f.last_note.at.date().isoformat()}")
    people = []
    for s in f.stakeholders:
        bits = [b for b in (s.title, s.role) if b]
        if s.power is not None:
            bits.append(f"power {s.power}")
        if s.interest is not None:
            bits.append(f"interest {s.interest}")
        if s.stance:
            bits.append(f"stance {s.stance}")
        people.append(f"STAKEHOLDER: {s.name}" + (" | " + ", ".join(bits) if bits else ""))
    lines += _capped(people, int(budget * SHARES["stakeholders"]), "stakeholders")
    lines += _capped(extra.plan, int(budget * SHARES["plan"]), "plan sections")
    lines += _capped(extra.decisions, int(budget * SHARES["decisions"]), "decisions")
    closed = _capped(extra.closed, int(budget * SHARES["closed"]), "closed actions")
    lines += closed
    cited = {n for n in extra.tasks if any(f"[task {n}]" in line for line in closed)}
    ordered = sorted(f.open_tasks, key=lambda x: (not x.is_overdue, x.due.isoformat() if x.due else "9", x.number))
    lines.append(f"OPEN ACTIONS: {len(ordered)} ({len(f.overdue_tasks)} overdue)")
    used = sum(len(line) + 1 for line in lines)
    for i, task in enumerate(ordered):
        line = defuse(_task_line(task))
        if used + len(line) + 1 > budget - 60:
            lines.append(f"... {len(ordered) - i} more open actions not shown")
            break
        lines.append(line)
        cited.add(task.number)
        used += len(line) + 1
    return [defuse(line) for line in lines], cited


def relevant_note_ids(
    session: Session, *, account_id: int, question: str, ignore: list[str],
    window: tuple[datetime, datetime] | None = None, limit: int = NOTE_CANDIDATES,
    with_recent: bool = True,
) -> list[int]:
    """Note ids for ``question``, best first: search hits (those inside ``window`` first when
    the question names a period), then (``with_recent``) the newest notes of the window."""
    hits = search.search_notes(session, account_id=account_id, question=question,
                               limit=WINDOW_CANDIDATES if window else limit, ignore=ignore)
    ids = [h.note_id for h in hits]
    if window is not None:
        since, until = window
        found = ask_repo.notes_by_ids(session, account_id=account_id, ids=ids)
        inside = [i for i in ids if i in found and since <= found[i].created_at < until]
        ids = inside + [i for i in ids if i not in inside]
        recent = (repos.notes_of(session, account_id=account_id, since=since, until=until, limit=3)
                  if with_recent else [])
    else:
        recent = repos.notes_of(session, account_id=account_id, limit=3) if with_recent else []
    ids = ids[:limit]
    if not with_recent:
        return ids
    return ids + [n.id for n in recent if n.id is not None and n.id not in ids]


def build_context(
    session: Session, *, facts: AccountFacts, question: str, budget: int = BUDGET_CHARS,
    nonce: str | None = None, note_ids: list[int] | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> PromptContext:
    """The data block for ``question`` on ``facts``' account, within ``budget`` characters.

    ``note_ids`` forces the notes shown (summaries); otherwise the most relevant are found,
    preferring those inside ``window`` (the period the question names).
    """
    extra = record_lines(session, facts=facts)
    lines, cited_tasks = facts_lines(facts, int(budget * FACTS_SHARE), extra)
    ctx = PromptContext(data="", nonce=nonce or secrets.token_hex(8), tasks=cited_tasks)
    # A decision line names its note: the model may cite it.
    ctx.notes |= {n for n in extra.notes if any(f"[note {n}]" in line for line in lines)}
    if note_ids is None:
        note_ids = relevant_note_ids(session, account_id=facts.account_id, question=question,
                                     ignore=facts.name.split(), window=window)
    notes = ask_repo.notes_by_ids(session, account_id=facts.account_id, ids=note_ids)
    authors = repos.persons_by_ids(session, ids={n.author_id for n in notes.values() if n.author_id})
    names = {pid: p.display_name for pid, p in authors.items()}
    used = sum(len(line) + 1 for line in lines)
    note_header = "NOTES (most relevant first):"
    blocks: list[str] = []
    for nid in note_ids:
        note = notes.get(nid)
        if note is None:
            continue
        room = budget - used - len(note_header) - 2
        if room < 200:
            break
        block = defuse(_note_block(note_fact(note, names=names), min(NOTE_CHARS, room - 40)))
        blocks.append(block)
        ctx.notes.add(note.number)
        used += len(block) + 2
    if blocks:
        lines.append(note_header)
        lines.extend(blocks)
    ctx.data = "\n".join(lines)
    return ctx
