"""What a meeting note becomes: tasks for the team, the customer's commitments noted,
decisions kept, and a reply that says what was understood (used by the `note` verb).

The roster (who the note can name) is read from storage here, so the extractor itself
stays pure; placing an action follows the rules of the `task` verb: a team member gets
the role they hold, someone holding no role gets the role the wording routes to, a role
named gets its holder, and an owner we cannot place is kept as written on the task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.messages import Item, Section
from commands.bounds import EARLIEST, LATEST
from commands.extract import (
    ExtractedAction,
    ExtractedDecision,
    Extraction,
    Roster,
    RosterPerson,
    RosterStakeholder,
    extract_note,
)
from commands.format import fmt_date, person_name, role_short, task_line
from commands.registry import CommandError, Context
from commands.routing import route_task
from storage import decisions as decision_repo
from storage import record_repo, repos
from storage import roster as roster_repo
from storage.models import Note, Person, Role, Task

log = logging.getLogger(__name__)

MAX_TITLE = 500


def build_roster(ctx: Context, *, account_id: int, account_name: str) -> Roster:
    """The account's people and the customer's, as plain data for the extractor."""
    holders = repos.current_holders(ctx.session, account_id=account_id)
    roles_of: dict[int, list[str]] = {}
    for role, person in holders.items():
        if person.id is not None:
            roles_of.setdefault(person.id, []).append(role)
    people = {p.id: p for p in roster_repo.team_people(ctx.session, account_id=account_id) if p.id}
    people.update({p.id: p for p in holders.values() if p.id is not None})
    if ctx.person.id is not None:
        people.setdefault(ctx.person.id, ctx.person)
    return Roster(
        people=tuple(
            RosterPerson(key=pid, name=p.display_name or p.username or p.user_id,
                         username=p.username, roles=tuple(sorted(roles_of.get(pid, []))))
            for pid, p in people.items()
        ),
        stakeholders=tuple(
            RosterStakeholder(key=s.id, name=s.name, title=s.title)
            for s in roster_repo.stakeholders(ctx.session, account_id=account_id) if s.id is not None
        ),
        account=account_name,
        author=ctx.person.id,
    )


@dataclass
class Captured:
    """What a note gave: tasks made, customer commitments, decisions and remarks."""

    tasks: list[Task] = field(default_factory=list)
    theirs: list[ExtractedAction] = field(default_factory=list)
    # The customer's commitments, kept as customer actions (role CUSTOMER), listed apart.
    their_tasks: list[Task] = field(default_factory=list)
    decisions: list[ExtractedDecision] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    owners_written: dict[int, str] = field(default_factory=dict)  # task id -> owner as written
    roster: Roster | None = None
    rule_actions: list[ExtractedAction] = field(default_factory=list)


def place_owner(ctx: Context, action: ExtractedAction, people: dict[int, Person]) -> tuple[str, Person | None, str, str | None]:
    """Role, person, why, and the owner kept as text when we could not place them."""
    from commands.handlers.core_tasks import place_task

    who = action.who
    t = ctx.t
    if who is not None and who.kind == "person" and isinstance(who.person, int):
        person = people.get(who.person) or repos.persons_by_ids(ctx.session, ids={who.person}).get(who.person)
        if person is not None:
            if who.role in ("AR", "SR", "FR", "SPONSOR"):
                return who.role, person, "", None
            route = route_task(action.title)
            role = route.role if route else Role.AR.value
            return role, person, t("task.person_no_role", person=person_name(person),
                                   role=role_short(t, role)), None
    if who is not None and who.kind == "role" and who.role:
        placement = place_task(ctx, action.title, who.role)
        return placement.role, placement.person, placement.why, None
    if who is not None and who.kind == "mention":
        try:
            placement = place_task(ctx, action.title, who.text)
            return placement.role, placement.person, placement.why, None
        except CommandError:
            placement = place_task(ctx, action.title, None)
            return placement.role, placement.person, placement.why, who.text
    placement = place_task(ctx, action.title, None)
    unplaced = who.text if who is not None and who.kind == "text" else None
    return placement.role, placement.person, placement.why, unplaced


def _date_remark(ctx: Context, action: ExtractedAction) -> str | None:
    if action.due is None or not action.due_assumed:
        return None
    key = {"past": "capture.date_past", "next_year": "capture.date_next_year",
           "month_day": "capture.date_month_day"}.get(action.due_assumed)
    if key is None:
        return None
    return ctx.t(key, line=action.line_no, phrase=action.due_phrase,
                 date=fmt_date(ctx.lang, action.due, weekday=False))


def capture(ctx: Context, *, note: Note, text: str, account_id: int, account_name: str,
            extraction: Extraction | None = None) -> Captured:
    """Extract, then create the tasks and store the decisions of ``note``."""
    today = ctx.clock.today()
    now = ctx.clock.now()
    roster = build_roster(ctx, account_id=account_id, account_name=account_name)
    if extraction is None:
        extraction = extract_note(text, today=today, roster=roster)
    people = {p.key: p for p in roster.people}
    persons = repos.persons_by_ids(ctx.session, ids={k for k in people if isinstance(k, int)})
    result = Captured(decisions=list(extraction.decisions), roster=roster,
                      rule_actions=list(extraction.actions))
    for decision in extraction.decisions:
        decision_repo.add_decision(ctx.session, account_id=account_id, note_id=note.id,
                                   text=decision.text[:2000], line_no=decision.line_no,
                                   created_by_id=ctx.person.id, at=now)
    for action in extraction.actions:
        if action.customer:
            result.theirs.append(action)
            theirs = _their_task(ctx, action, account_id=account_id, note=note, now=now)
            if theirs is not None:
                result.their_tasks.append(theirs)
            continue
        try:
            with ctx.session.begin_nested():
                role, person, why, unplaced = place_owner(ctx, action, persons)
                task = repos.add_task(
                    ctx.session, account_id=account_id, title=action.title[:MAX_TITLE], role=role,
                    assignee_id=person.id if person else None,
                    # An extracted date out of the window is dropped, not stored.
                    due_date=action.due if action.due is None or EARLIEST <= action.due <= LATEST
                    else None,
                    shared=action.shared, at=now, created_by_id=ctx.person.id,
                    source_note_id=note.id, routing_reason=why[:200] or None,
                )
                if unplaced:
                    task.owner_text = unplaced[:200]
                    ctx.session.add(task)
                    result.unplaced.append(unplaced)
                    if task.id is not None:
                        result.owners_written[task.id] = unplaced
                result.tasks.append(task)
        except CommandError as exc:
            result.remarks.append(ctx.t("note.action_skipped", line=action.line_no,
                                        reason=ctx.t(exc.key, **exc.values).split("\n")[0]))
            continue
        remark = _date_remark(ctx, action)
        if remark:
            result.remarks.append(remark)
    return result


def _their_task(ctx: Context, action: ExtractedAction, *, account_id: int, note: Note,
                now: datetime) -> Task | None:
    """A customer's commitment as a customer action: owned by their person when the note
    named one (a stakeholder), by "the customer" otherwise; never by our triangle."""
    who = action.who
    stakeholder_id = who.stakeholder if who is not None and isinstance(who.stakeholder, int) else None
    name = who.text if who is not None and stakeholder_id is not None else None
    if stakeholder_id is not None and who is not None:
        found = record_repo.stakeholders_by_ids(ctx.session, account_id=account_id,
                                                ids={stakeholder_id}).get(stakeholder_id)
        name = found.name if found is not None else name
    try:
        with ctx.session.begin_nested():
            task = repos.add_task(
                ctx.session, account_id=account_id, title=action.title[:MAX_TITLE],
                role=Role.CUSTOMER.value, assignee_id=None,
                due_date=action.due if action.due is None or EARLIEST <= action.due <= LATEST
                else None,
                shared=action.shared, at=now, created_by_id=ctx.person.id,
                source_note_id=note.id, routing_reason=ctx.t("customer.placed")[:200])
            task.stakeholder_id = stakeholder_id
            task.owner_text = name[:200] if name else None
            ctx.session.add(task)
            ctx.session.flush()
    except CommandError:
        return None
    return task


def _their_line(ctx: Context, action: ExtractedAction) -> str:
    who = action.who.text if action.who is not None else ""
    parts = [action.title, who or ctx.t("capture.customer")]
    if action.due is not None:
        parts.append(ctx.t("task.due", date=fmt_date(ctx.lang, action.due)))
    return " · ".join(parts)


def reply_sections(ctx: Context, captured: Captured, *, task_items: list[Item]) -> list[Section]:
    """The parts of the note's reply after the tasks: theirs, decisions, remarks."""
    t = ctx.t
    sections: list[Section] = []
    if captured.their_tasks:
        today = ctx.clock.today()
        sections.append(Section(title=t("capture.theirs", count=len(captured.their_tasks)),
                                items=[Item(task_line(t, x, {}, today, show_role=False))
                                       for x in captured.their_tasks],
                                text=t("customer.tracked")))
    elif captured.theirs:
        sections.append(Section(title=t("capture.theirs", count=len(captured.theirs)),
                                items=[Item(_their_line(ctx, a)) for a in captured.theirs],
                                text=t("capture.theirs_untracked")))
    if captured.decisions:
        sections.append(Section(title=t("capture.decisions", count=len(captured.decisions)),
                                items=[Item(d.text) for d in captured.decisions]))
    remarks = list(captured.remarks)
    if captured.unplaced:
        names = ", ".join(dict.fromkeys(captured.unplaced))
        remarks.insert(0, t("capture.unplaced", names=names))
    if remarks:
        sections.append(Section(title=t("capture.remarks"), items=[Item(r) for r in remarks]))
    return sections


def owner_suffix(ctx: Context, captured: Captured, task: Task) -> str:
    """" · owner as written: Dave from legal" for a task whose owner stays unplaced."""
    written = captured.owners_written.get(task.id or -1)
    return " · " + ctx.t("capture.owner_written", owner=written) if written else ""

