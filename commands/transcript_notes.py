"""A transcript file becomes a meeting note whose actions and decisions are proposed, and
a person's "Create" / "Record" turns a proposal into a task or a decision, once.

Used by the ``transcript`` and ``accept`` verbs (commands/handlers/transcript.py) and by
``kambot import transcript`` (bot/import_transcript.py). The file is read and checked
before anything is stored, so a broken file leaves nothing behind; the note, its
proposals and the audit line are written in the caller's one unit of work.

The proposals reply reuses the button mechanism of ``summarize``: each proposal carries a
button whose command (``accept 3 2``) is dispatched when pressed. Unlike a ``task ...``
button, that command names a stored proposal, so pressing it twice, or Slack and Telegram
delivering the press twice, creates one task (:func:`storage.proposals_repo.claim`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages import Button, Item, Reply, Section, Style, Tone
from commands.extract import ExtractedAction
from commands.extraction.roster import Owner, OwnerMatcher
from commands.format import assignee_ids, fmt_date, role_short, task_line
from commands.handlers.core_tasks import MAX_NOTE, MAX_TITLE, done_buttons
from commands.note_capture import build_roster, place_owner
from commands.proposals import ACTION, DECISION, find_proposals
from commands.registry import CommandError, Context
from commands.routing import parse_role
from commands.transcripts import Transcript, TranscriptError, read_transcript
from storage import proposals_repo, repos
from storage.models import Note, Proposal, Task

# Listed with a button each; the rest are created with "accept <note> all".
SHOWN = 25
ALL_WORDS = {"all", "全部", "所有", "都"}
DECISION_WORDS = {"decision", "decisions", "d", "决定", "决策", "决议"}
_NUMBER = re.compile(r"^[#＃]?(\d{1,6})$")


# --- import ------------------------------------------------------------------------------


@dataclass(slots=True)
class Imported:
    note: Note
    transcript: Transcript
    proposals: list[Proposal]


def import_transcript(ctx: Context, *, filename: str, data: bytes, title: str = "") -> Imported:
    """Read the file, store it as a meeting note and store what it proposes.

    Raises a CommandError (TranscriptError) before writing anything when the file cannot
    be read or is too long for a note.
    """
    account = ctx.require_account()
    assert account.id is not None
    transcript = read_transcript(data, filename)
    header = ctx.t("transcript.note_header", name=transcript.filename)
    title = " ".join(title.split())[:200]
    if title:
        header = f"{header} — {title}"
    text = header + "\n" + transcript.text
    if len(text) > MAX_NOTE:
        raise TranscriptError("transcript.error.too_long", name=transcript.filename,
                              length=len(text), max=MAX_NOTE)
    now = ctx.clock.now()
    note = repos.add_note(ctx.session, account_id=account.id, text=text,
                          author_id=ctx.person.id, at=now)
    assert note.id is not None
    roster = build_roster(ctx, account_id=account.id, account_name=account.name)
    found = find_proposals(transcript.turns, first_line=2, today=ctx.clock.today(),
                           roster=roster)
    rows = proposals_repo.add_proposals(
        ctx.session, account_id=account.id, note_id=note.id, at=now,
        found=((f.kind, f.line_no, f.text, f.owner, f.due) for f in found))
    repos.audit(ctx.session, at=now, action="note.transcript", account_id=account.id,
                person_id=ctx.person.id, note=note.number, file=transcript.filename,
                speakers=len(transcript.speakers), proposals=len(rows))
    return Imported(note, transcript, rows)


def imported_reply(ctx: Context, imported: Imported) -> Reply:
    t = ctx.t
    account = ctx.require_account()
    transcript, note = imported.transcript, imported.note
    fields = [(t("transcript.field.lines"), str(len([x for x in transcript.turns if x.text])))]
    if transcript.speakers:
        shown = transcript.speakers[:12]
        more = len(transcript.speakers) - len(shown)
        fields.insert(0, (t("transcript.field.speakers"),
                          ", ".join(shown) + (t("transcript.field.more", count=more) if more else "")))
    reply = proposals_reply(ctx, note, imported.proposals)
    reply.title = t("transcript.saved", name=transcript.filename, number=note.number,
                    account=account.name)
    reply.sections.insert(0, Section(fields=fields))
    reply.tone = Tone.SUCCESS
    return reply


# --- listing -----------------------------------------------------------------------------


def proposal_text(ctx: Context, proposal: Proposal, task: Task | None = None) -> str:
    """``2. Send the quote — SR — due 2026-12-05 (Sat)`` (and ``✔ #7`` once created)."""
    t = ctx.t
    bits = [f"{proposal.number}. {proposal.text}"]
    if proposal.kind == ACTION:
        owner = proposal.owner
        role = parse_role(owner) if owner else None
        bits.append(role_short(t, role) if role else owner or t("transcript.owner_auto"))
        if proposal.due_date is not None:
            bits.append(t("task.due", date=fmt_date(t.lang, proposal.due_date)))
    text = " — ".join(bits)
    if proposal.accepted_at is not None:
        done = t("transcript.created_as", number=task.number) if task is not None \
            else t("transcript.accepted")
        text = f"{text} · {done}"
    return text


def proposals_reply(ctx: Context, note: Note, proposals: Sequence[Proposal]) -> Reply:
    """The proposals of a note, each open one with its button, and "all" buttons."""
    t = ctx.t
    n = note.number
    actions = [p for p in proposals if p.kind == ACTION]
    decisions = [p for p in proposals if p.kind == DECISION]
    sections: list[Section] = []
    for kind, group in ((ACTION, actions), (DECISION, decisions)):
        items: list[Item] = []
        for proposal in group[:SHOWN]:
            task = proposals_repo.task_of(ctx.session, proposal=proposal)
            item_buttons: list[Button] = []
            if proposal.accepted_at is None:
                label = t("transcript.button.create" if kind == ACTION else "transcript.button.record")
                command = f"accept {n} {proposal.number}" if kind == ACTION \
                    else f"accept {n} decision {proposal.number}"
                item_buttons.append(Button(label, command,
                                           Style.PRIMARY if kind == ACTION else Style.DEFAULT))
            items.append(Item(proposal_text(ctx, proposal, task), buttons=item_buttons))
        more = len(group) - len(items)
        heading = "transcript.actions" if kind == ACTION else "transcript.decisions"
        empty = "transcript.no_actions" if kind == ACTION else "transcript.no_decisions"
        sections.append(Section(
            title=t(heading, count=len(group)),
            items=items,
            text=t("transcript.more", count=more, number=n) if more > 0
            else ("" if items else t(empty)),
        ))
    open_actions = sum(1 for p in actions if p.accepted_at is None)
    open_decisions = sum(1 for p in decisions if p.accepted_at is None)
    buttons: list[Button] = []
    if open_actions > 1:
        buttons.append(Button(t("transcript.button.create_all", count=open_actions),
                              f"accept {n} all", Style.PRIMARY))
    if open_decisions > 1:
        buttons.append(Button(t("transcript.button.record_all", count=open_decisions),
                              f"accept {n} decision all"))
    footer = t("transcript.footer", number=n) if open_actions or open_decisions else ""
    return Reply(title=t("transcript.proposals_title", number=n), sections=sections,
                 buttons=buttons, footer=footer)


# --- accepting ---------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    proposal: Proposal
    created: bool
    task: Task | None = None
    owner_kept: str | None = None


def _create_task(ctx: Context, note: Note, proposal: Proposal) -> tuple[Task, str | None]:
    """The proposal's task, its owner placed as a typed note's would be (by name, handle,
    nickname or role); an owner not on the team is kept on the task as written."""
    account = ctx.require_account()
    assert account.id is not None
    title = proposal.text[:MAX_TITLE]
    roster = build_roster(ctx, account_id=account.id, account_name=account.name)
    who = OwnerMatcher(roster).find(proposal.owner) if proposal.owner else None
    if proposal.owner and who is None:
        who = Owner("text", proposal.owner)
    action = ExtractedAction(title=title, owner=None, due=proposal.due_date,
                             line_no=proposal.line_no, raw=proposal.text, who=who)
    persons = repos.persons_by_ids(
        ctx.session, ids={p.key for p in roster.people if isinstance(p.key, int)})
    role, person, why, kept = place_owner(ctx, action, persons)
    task = repos.add_task(
        ctx.session, account_id=account.id, title=title, role=role,
        assignee_id=person.id if person else None,
        due_date=proposal.due_date, shared=False, at=ctx.clock.now(),
        created_by_id=ctx.person.id, source_note_id=note.id,
        routing_reason=why[:200] or None,
    )
    if kept:
        task.owner_text = kept[:200]
        ctx.session.add(task)
    return task, kept


def accept_one(ctx: Context, note: Note, proposal: Proposal) -> Outcome:
    """Create the task or record the decision of ``proposal``, unless that happened already."""
    account = ctx.require_account()
    assert account.id is not None and proposal.id is not None
    now = ctx.clock.now()
    with ctx.session.begin_nested():
        if not proposals_repo.claim(ctx.session, proposal_id=proposal.id,
                                    person_id=ctx.person.id, at=now):
            ctx.session.refresh(proposal)
            return Outcome(proposal, False, proposals_repo.task_of(ctx.session, proposal=proposal))
        task: Task | None = None
        kept: str | None = None
        if proposal.kind == ACTION:
            task, kept = _create_task(ctx, note, proposal)
            proposal.task_id = task.id
        else:
            decision = proposals_repo.record_decision(
                ctx.session, account_id=account.id, note_id=note.id, text=proposal.text,
                line_no=proposal.line_no, created_by_id=ctx.person.id, at=now)
            proposal.decision_id = decision.id
        ctx.session.add(proposal)
        ctx.session.flush()
        repos.audit(ctx.session, at=now, action=f"proposal.{proposal.kind}", account_id=account.id,
                    person_id=ctx.person.id, note=note.number, number=proposal.number,
                    task=task.number if task else None)
    return Outcome(proposal, True, task, kept)


def _note_number(word: str) -> int:
    match = _NUMBER.match(word.strip())
    if not match:
        raise CommandError("accept.usage")
    return int(match.group(1))


def chosen(proposals: Sequence[Proposal], words: Sequence[str], *, note: Note) -> list[Proposal]:
    """The proposals ``words`` name: ``all``, ``2 3``, ``decision 1``, ``decision all``."""
    kind = ACTION
    rest = list(words)
    if rest and rest[0].lower() in DECISION_WORDS:
        kind, rest = DECISION, rest[1:]
    of_kind = [p for p in proposals if p.kind == kind]
    if not rest or rest[0].lower() in ALL_WORDS:
        return of_kind
    wanted: list[int] = []
    for word in rest:
        for part in word.replace("，", ",").split(","):
            if part.strip():
                match = _NUMBER.match(part.strip())
                if not match:
                    raise CommandError("accept.bad_number", value=part.strip()[:20], note=note.number)
                wanted.append(int(match.group(1)))
    by_number = {p.number: p for p in of_kind}
    missing = [w for w in wanted if w not in by_number]
    if missing:
        key = "accept.no_action" if kind == ACTION else "accept.no_decision"
        raise CommandError(key, number=missing[0], note=note.number, count=len(of_kind))
    return [by_number[w] for w in dict.fromkeys(wanted)]


def find_note(ctx: Context, word: str) -> Note:
    account = ctx.require_account()
    assert account.id is not None
    number = _note_number(word)
    note = repos.note_by_number(ctx.session, account_id=account.id, number=number)
    if note is None:
        raise CommandError("accept.no_note", number=number, account=account.name)
    return note


def accept(ctx: Context, words: Sequence[str]) -> Reply:
    """``accept <note> [all | n... | decision n... | decision all]``."""
    if not words:
        raise CommandError("accept.usage")
    note = find_note(ctx, words[0])
    assert note.id is not None
    proposals = proposals_repo.proposals_of(ctx.session, note_id=note.id)
    if not proposals:
        raise CommandError("accept.nothing", number=note.number)
    if len(words) == 1:
        return proposals_reply(ctx, note, proposals)
    outcomes = [accept_one(ctx, note, p) for p in chosen(proposals, words[1:], note=note)]
    return accepted_reply(ctx, note, outcomes)


def accept_all(ctx: Context, note: Note) -> Reply:
    """Every open proposal of ``note``, actions and decisions (``kambot import --create``)."""
    assert note.id is not None
    outcomes = [accept_one(ctx, note, p)
                for p in proposals_repo.proposals_of(ctx.session, note_id=note.id)]
    return accepted_reply(ctx, note, outcomes)


def accepted_reply(ctx: Context, note: Note, outcomes: Sequence[Outcome]) -> Reply:
    t = ctx.t
    account = ctx.require_account()
    today = ctx.clock.today()
    created = [o for o in outcomes if o.created]
    tasks = [o.task for o in created if o.task is not None]
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(tasks))
    items: list[Item] = []
    for outcome in outcomes:
        p = outcome.proposal
        if outcome.created and outcome.task is not None:
            items.append(Item(task_line(t, outcome.task, people, today),
                              buttons=done_buttons(t, outcome.task)))
            if outcome.owner_kept:
                items.append(Item(t("accept.owner_kept", owner=outcome.owner_kept,
                                    role=role_short(t, outcome.task.role))))
        elif outcome.created:
            items.append(Item(t("accept.recorded", text=p.text)))
        elif p.kind == ACTION:
            number = outcome.task.number if outcome.task is not None else "?"
            items.append(Item(t("accept.already_created", number=p.number, task=number, title=p.text)))
        else:
            items.append(Item(t("accept.already_recorded", number=p.number, text=p.text)))
    decisions = sum(1 for o in created if o.task is None)
    title = t("accept.title", note=note.number, account=account.name, tasks=len(tasks),
              decisions=decisions)
    if not created:
        title = t("accept.nothing_new", note=note.number)
    return Reply(title=title, sections=[Section(items=items)],
                 tone=Tone.SUCCESS if created else Tone.INFO)
