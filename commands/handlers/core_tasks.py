"""The shared action list: task, done, reopen, open, tasks, and note with action extraction."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.messages import Button, Item, Reply, Section, Style, Tone
from commands import audit, customer_side
from commands.bounds import check_date
from commands.dates import DateParseError, PastDateError, read_date, scan_due
from commands.format import (
    assignee_ids,
    is_overdue,
    person_name,
    role_short,
    task_line,
    task_sort_key,
)
from commands.i18n import Translator
from commands.meeting_notes import split_kind
from commands.note_capture import Captured, capture, owner_suffix, reply_sections
from commands.note_model import propose_from_model
from commands.parsing import Args, fold_width
from commands.pastdue import check_past_due
from commands.people import is_mention, owner_from_token
from commands.registry import CommandError, Context, command
from commands.routing import route_task
from commands.strategy.sponsor import record_exec_meeting
from storage import repos, tasklist_repo
from storage.models import TRIANGLE, Person, Role, Task, TaskStatus

log = logging.getLogger(__name__)

MAX_TITLE = 500
# A chat message is read, not scrolled: past this many per role, `tasks all` has the rest.
OPEN_PER_ROLE = 25
MAX_NOTE = 100_000
_SHARED_WORDS = {"shared", "share", "共享", "分享"}
_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")

# Other forms of `task` and `note` (task 3 edit, note 3, note delete 3) live in modules of
# their own and register here; each returns None when the command is not its form.
Form = Callable[[Context, Args], Reply | None]
TASK_FORMS: list[Form] = []
NOTE_FORMS: list[Form] = []


def _other_form(forms: list[Form], ctx: Context, args: Args) -> Reply | None:
    for form in forms:
        reply = form(ctx, args)
        if reply is not None:
            return reply
    return None


@dataclass(frozen=True)
class Placement:
    """Where a new task lands and why: the sentence the reply shows."""

    role: str
    person: Person | None
    why: str
    # A customer action: the customer's person who owns it (a stakeholder), if named.
    stakeholder_id: int | None = None
    owner_text: str | None = None


def place_task(ctx: Context, title: str, owner_token: str | None) -> Placement:
    """Resolve an owner (role, person, the customer or one of their people) or route by
    wording; vacant roles still own. A customer action is never routed to our triangle."""
    t = ctx.t
    if owner_token:
        owner = owner_from_token(ctx, owner_token)
        if owner.customer:
            return Placement(Role.CUSTOMER.value, None, t("customer.placed"),
                             stakeholder_id=owner.stakeholder.id if owner.stakeholder else None,
                             owner_text=owner.customer_name)
        if owner.role is not None and owner.person is None:
            return Placement(owner.role, None, t("task.vacant", role=role_short(t, owner.role)))
        if owner.role is not None:
            return Placement(owner.role, owner.person, "")
        # A person who holds no triangle role here: the wording picks the role.
        route = route_task(title)
        role = route.role if route else Role.AR.value
        return Placement(role, owner.person, t("task.person_no_role",
                                               person=person_name(owner.person),
                                               role=role_short(t, role)))
    route = route_task(title)
    if route is None:
        role, why = Role.AR.value, t("task.routed_default")
    else:
        role, why = route.role, t("task.routed", role=role_short(t, route.role),
                                  keyword=route.keyword)
    account = ctx.require_account()
    assert account.id is not None
    holder = repos.current_holders(ctx.session, account_id=account.id).get(role)
    if holder is None:
        why = why + " " + t("task.vacant", role=role_short(t, role))
    return Placement(role, holder, why)


def parse_due(ctx: Context, value: str) -> date:
    """A due date given on purpose; a day without a year already past is refused with
    the two full dates it could mean (never silently moved a year)."""
    try:
        due = read_date(value, today=ctx.clock.today()).day
    except PastDateError as exc:
        raise CommandError("dates.past", text=value, past=exc.past.isoformat(),
                           ahead=exc.ahead.isoformat()) from None
    except DateParseError:
        raise CommandError("error.bad_date", value=value) from None
    return check_date(due, what="due")


_DUE_OPTION = re.compile(r"(?:due|截止|截止日期)\s?=\s?(\S+)((?:\s+\S+){0,3})", re.I)


def _join_due(args: Args, words: list[str]) -> None:
    """``due=next tuesday`` / ``due=Dec 5`` typed without quotes: the words after the
    value that complete a date belong to it (and leave the title)."""
    value = args.options["due"]
    try:
        read_date(value, today=date(2000, 1, 3))
        return
    except PastDateError:
        return
    except DateParseError:
        pass
    match = _DUE_OPTION.search(fold_width(args.rest))
    if match is None:
        return
    following = match.group(2).split()
    for count in range(len(following), 0, -1):
        candidate = " ".join([value, *following[:count]])
        try:
            read_date(candidate, today=date(2000, 1, 3))
        except PastDateError:
            pass
        except DateParseError:
            continue
        if all(w in words for w in following[:count]):
            for word in following[:count]:
                words.remove(word)
            args.options["due"] = candidate
        return


def _year_note(ctx: Context, phrase: str, due: date | None) -> str:
    if due is None or due.year == ctx.clock.today().year:
        return ""
    return ctx.t("dates.next_year", text=phrase, date=due.isoformat())


def done_buttons(t: Translator, task: Task) -> list[Button]:
    if task.status == TaskStatus.OPEN.value:
        return [Button(t("button.done", number=task.number), f"done {task.number}", Style.PRIMARY)]
    return [Button(t("button.reopen", number=task.number), f"reopen {task.number}")]


def task_buttons(t: Translator, task: Task) -> list[Button]:
    """Done, plus Edit and Remove while it is open: the buttons of a task just made."""
    buttons = done_buttons(t, task)
    if task.status == TaskStatus.OPEN.value:
        buttons += [Button(t("button.edit", number=task.number), f"task {task.number} edit"),
                    Button(t("button.remove", number=task.number), f"cancel {task.number}",
                           Style.DANGER)]
    return buttons


@command("task", aliases=("todo", "action"), keys=("owner", "due", "title", "shared"))
def task(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    other = _other_form(TASK_FORMS, ctx, args)
    if other is not None:
        return other
    words: list[str] = []
    shared = "shared" in args.options
    owner_token = args.option("owner")
    for word, quoted in zip(args.words, args.quoted, strict=True):
        if not quoted and word.lower() in _SHARED_WORDS:
            shared = True
        elif not quoted and is_mention(word) and owner_token is None:
            owner_token = word
        else:
            words.append(word)
    title = " ".join(words).strip()
    due: date | None = None
    date_note = ""
    if "due" in args.options:
        _join_due(args, words)
        title = " ".join(words).strip()
        due = parse_due(ctx, args.options["due"])
        date_note = _year_note(ctx, args.options["due"], due)
    elif title:
        found = scan_due(title, today=ctx.clock.today())
        if found.assumed == "past" and found.day is not None:
            parse_due(ctx, found.phrase)  # refuses, naming both full dates
        due, title = found.day, found.rest if found.day is not None else title
        if due is not None:
            check_date(due, what="due")
        if found.assumed in ("next_year", "month_day"):
            date_note = _year_note(ctx, found.phrase, due) or ctx.t(
                "capture.date_month_day", line=1, phrase=found.phrase,
                date=due.isoformat() if due else "")
    title, ask = check_past_due(ctx, title, due)
    if ask is not None:
        return ask
    if not title:
        raise CommandError("error.task_no_title")
    if len(title) > MAX_TITLE:
        raise CommandError("error.task_title_long", max=MAX_TITLE)
    placement = place_task(ctx, title, owner_token)
    created = repos.add_task(
        ctx.session,
        account_id=account.id,
        title=title,
        role=placement.role,
        assignee_id=placement.person.id if placement.person else None,
        due_date=due,
        shared=shared,
        at=ctx.clock.now(),
        created_by_id=ctx.person.id,
        routing_reason=placement.why[:200] or None,
    )
    if placement.role == Role.CUSTOMER.value:
        created.stakeholder_id = placement.stakeholder_id
        created.owner_text = placement.owner_text
        ctx.session.add(created)
        ctx.session.flush()
    audit.record(ctx, "task.create", target=f"task:{created.id}", number=created.number,
                 title=created.title, after=audit.task_state(created))
    people = {placement.person.id: placement.person} if placement.person and placement.person.id else {}
    sections = [Section(text=task_line(t, created, people, ctx.clock.today()))]
    if placement.why:
        sections.append(Section(text=placement.why))
    if date_note:
        sections.append(Section(text=date_note))
    return Reply(title=t("task.created", number=created.number, account=account.name),
                 sections=sections, buttons=task_buttons(t, created), tone=Tone.SUCCESS)


def _numbers(args: Args, usage_key: str) -> list[int]:
    if not args.words:
        raise CommandError(usage_key)
    numbers: list[int] = []
    for word in args.words:
        for part in word.replace("，", ",").split(","):
            if not part:
                continue
            match = _NUMBER.match(part.strip())
            if not match:
                raise CommandError("error.bad_task_number", value=part, usage=usage_key)
            numbers.append(int(match.group(1)))
    return numbers


def _set_status(ctx: Context, args: Args, *, done: bool) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    numbers = _numbers(args, "error.done_usage" if done else "error.reopen_usage")
    lines: list[Item] = []
    now = ctx.clock.now()
    for number in numbers:
        found = repos.task_by_number(ctx.session, account_id=account.id, number=number)
        if found is None:
            raise CommandError("error.no_task", number=number, account=account.name)
        want = TaskStatus.DONE.value if done else TaskStatus.OPEN.value
        if found.status == want:
            key = "task.already_done" if done else "task.already_open"
            lines.append(Item(t(key, number=number, title=found.title)))
            continue
        before = audit.task_state(found)
        found.status = want
        found.closed_at = now if done else None
        found.cancel_reason = None
        ctx.session.add(found)
        audit.task_change(ctx, "task.done" if done else "task.reopen", found, before)
        key = "task.marked_done" if done else "task.reopened"
        lines.append(Item(t(key, number=number, title=found.title), buttons=done_buttons(t, found)))
        recorded = record_exec_meeting(ctx, account, found) if done else None
        if recorded:
            lines.append(Item(recorded))
    return Reply(title=t("task.status_title", account=account.name), sections=[Section(items=lines)],
                 tone=Tone.SUCCESS)


@command("done", aliases=("close", "complete"), keys=())
def done(ctx: Context, args: Args) -> Reply:
    return _set_status(ctx, args, done=True)


@command("reopen", keys=())
def reopen(ctx: Context, args: Args) -> Reply:
    return _set_status(ctx, args, done=False)


def open_reply(ctx: Context, tasks: Sequence[Task], *, title: str, empty: str) -> Reply:
    """Open tasks grouped by role (AR, SR, FR, sponsor), overdue first, with buttons."""
    t = ctx.t
    today = ctx.clock.today()
    if not tasks:
        return Reply(title=title, sections=[Section(text=empty)])
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(tasks))
    sections: list[Section] = []
    order = [r.value for r in TRIANGLE] + [Role.SPONSOR.value]
    # The customer's side comes last, apart: their commitments, which the AR follows up.
    roles = order + sorted({task.role for task in tasks} - {*order, Role.CUSTOMER.value})
    roles.append(Role.CUSTOMER.value)
    for role in roles:
        group = sorted((x for x in tasks if x.role == role), key=lambda x: task_sort_key(x, today))
        if not group:
            continue
        overdue = sum(1 for x in group if is_overdue(x, today))
        if role == Role.CUSTOMER.value:
            heading = t("customer.their_side", count=len(group), overdue=overdue)
        else:
            heading = t("open.role_heading", role=t(f"role.{role}") if role in order else role,
                        count=len(group), overdue=overdue)
        shown = group[:OPEN_PER_ROLE]
        sections.append(Section(
            title=heading,
            items=[Item(task_line(t, x, people, today, show_role=False), buttons=done_buttons(t, x))
                   for x in shown],
            text=t("open.more", count=len(group) - len(shown)) if len(group) > len(shown) else "",
        ))
    return Reply(title=title, sections=sections)


@command("open", readonly=True, keys=())
def open_(ctx: Context, args: Args) -> Reply:
    """The open list reads counts by role and the rows it shows, not every open task."""
    account = ctx.require_account()
    assert account.id is not None
    if ctx.shared_channel:
        # The customer reads the joint plan only.
        tasks = customer_side.joint(repos.tasks_of(ctx.session, account_id=account.id))
        overdue_joint = sum(1 for x in tasks if is_overdue(x, ctx.clock.today()))
        return open_reply(
            ctx, tasks,
            title=ctx.t("open.title", account=account.name, count=len(tasks), overdue=overdue_joint),
            empty=ctx.t("open.empty", account=account.name),
        )
    t = ctx.t
    today = ctx.clock.today()
    counts = tasklist_repo.open_counts_by_role(ctx.session, account_id=account.id, today=today)
    total = sum(c.open for c in counts.values())
    overdue = sum(c.overdue for c in counts.values())
    if not total:
        return Reply(title=t("open.title", account=account.name, count=0, overdue=0),
                     sections=[Section(text=t("open.empty", account=account.name))])
    shown = tasklist_repo.open_tasks_shown(ctx.session, account_id=account.id,
                                           per_role=OPEN_PER_ROLE)
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(shown))
    order = [r.value for r in TRIANGLE] + [Role.SPONSOR.value]
    sections: list[Section] = []
    # The customer's side comes last, apart: their commitments, which the AR follows up.
    for role in [*order, *sorted(set(counts) - {*order, Role.CUSTOMER.value}), Role.CUSTOMER.value]:
        count = counts.get(role)
        if count is None:
            continue
        group = sorted((x for x in shown if x.role == role), key=lambda x: task_sort_key(x, today))
        heading = (t("customer.their_side", count=count.open, overdue=count.overdue)
                   if role == Role.CUSTOMER.value else
                   t("open.role_heading", role=t(f"role.{role}") if role in order else role,
                     count=count.open, overdue=count.overdue))
        sections.append(Section(
            title=heading,
            items=[Item(task_line(t, x, people, today, show_role=False), buttons=done_buttons(t, x))
                   for x in group],
            text=t("open.more", count=count.open - len(group)) if count.open > len(group) else "",
        ))
    return Reply(title=t("open.title", account=account.name, count=total, overdue=overdue),
                 sections=sections)


_TASKS_FILTERS = {
    "mine": "mine", "me": "mine", "my": "mine", "我的": "mine",
    "overdue": "overdue", "late": "overdue", "逾期": "overdue", "过期": "overdue",
    "all": "all", "全部": "all", "所有": "all",
    "open": "open", "未完成": "open",
    "done": "done", "closed": "done", "已完成": "done",
    "cancelled": "cancelled", "canceled": "cancelled", "已取消": "cancelled", "取消": "cancelled",
}


@command("tasks", readonly=True, keys=())
def tasks(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    today = ctx.clock.today()
    which = _TASKS_FILTERS.get(args.words[0].lower(), "") if args.words else "open"
    if not which:
        raise CommandError("error.tasks_usage", value=args.words[0])
    # Only the page shown is read (the customer reads the joint plan only).
    found, total = tasklist_repo.task_page(ctx.session, account_id=account.id, which=which,
                                           today=today, person_id=ctx.person.id,
                                           joint=ctx.shared_channel, limit=100)
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(found))
    title = t(f"tasks.title_{which}", account=account.name, count=total)
    if not found:
        return Reply(title=title, sections=[Section(text=t("tasks.empty"))])
    items = [Item(task_line(t, x, people, today), buttons=done_buttons(t, x)) for x in found]
    footer = t("tasks.more", count=total - 100) if total > 100 else ""
    return Reply(title=title, sections=[Section(items=items)], footer=footer)


@command("note", aliases=("minutes",), free_text=True)
def note(ctx: Context, args: Args) -> Reply:
    """Store the note whole first; then extract actions. A note is never lost to a parse."""
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    other = _other_form(NOTE_FORMS, ctx, args)
    if other is not None:
        return other
    text = args.rest.strip()
    if not text:
        raise CommandError("error.note_empty")
    if len(text) > MAX_NOTE:
        raise CommandError("error.note_long", max=MAX_NOTE, length=len(text))
    now = ctx.clock.now()
    kind, text = split_kind(text)
    stored = repos.add_note(ctx.session, account_id=account.id, text=text,
                            author_id=ctx.person.id, at=now, kind=kind)
    try:
        captured = capture(ctx, note=stored, text=text, account_id=account.id,
                           account_name=account.name)
    except CommandError:
        raise
    except Exception:  # the note is kept whatever the extractor does
        log.exception("action extraction failed on note %s", stored.id)
        captured = Captured(remarks=[t("note.extract_failed")])
    created = captured.tasks
    audit.note_created(ctx, stored, [*created, *captured.their_tasks])
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(created))
    today = ctx.clock.today()
    sections: list[Section] = []
    items = [Item(task_line(t, x, people, today) + owner_suffix(ctx, captured, x),
                  buttons=task_buttons(t, x)) for x in created]
    if created:
        sections.append(Section(title=t("note.extracted", count=len(created)), items=items))
    elif not captured.theirs:
        sections.append(Section(text=t("note.no_actions")))
    sections += reply_sections(ctx, captured, task_items=items)
    model_section = propose_from_model(ctx, note=stored, text=text, captured=captured)
    if model_section is not None:
        sections.append(model_section)
    return Reply(title=t("note.saved", number=stored.number, account=account.name,
                         chars=len(text)), sections=sections, tone=Tone.SUCCESS)
