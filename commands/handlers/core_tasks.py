"""The shared action list: task, done, reopen, open, tasks, and note with action extraction."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.messages import Button, Item, Reply, Section, Style, Tone
from commands.bounds import EARLIEST, LATEST, check_date
from commands.dates import DateParseError, find_due, parse_date
from commands.extract import extract_actions
from commands.format import (
    assignee_ids,
    is_overdue,
    person_name,
    role_short,
    task_line,
    task_sort_key,
)
from commands.i18n import Translator
from commands.parsing import Args
from commands.people import is_mention, owner_from_token
from commands.registry import CommandError, Context, command
from commands.routing import route_task
from storage import repos
from storage.models import TRIANGLE, Person, Role, Task, TaskStatus

log = logging.getLogger(__name__)

MAX_TITLE = 500
# A chat message is read, not scrolled: past this many per role, `tasks all` has the rest.
OPEN_PER_ROLE = 25
MAX_NOTE = 100_000
_SHARED_WORDS = {"shared", "share", "共享", "分享"}
_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")


@dataclass(frozen=True)
class Placement:
    """Where a new task lands and why: the sentence the reply shows."""

    role: str
    person: Person | None
    why: str


def place_task(ctx: Context, title: str, owner_token: str | None) -> Placement:
    """Resolve an owner (role or person) or route by wording; vacant roles still own."""
    t = ctx.t
    if owner_token:
        owner = owner_from_token(ctx, owner_token)
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
    try:
        due = parse_date(value, today=ctx.clock.today())
    except DateParseError:
        raise CommandError("error.bad_date", value=value) from None
    return check_date(due, what="due")


def done_buttons(t: Translator, task: Task) -> list[Button]:
    if task.status == TaskStatus.OPEN.value:
        return [Button(t("button.done", number=task.number), f"done {task.number}", Style.PRIMARY)]
    return [Button(t("button.reopen", number=task.number), f"reopen {task.number}")]


@command("task", aliases=("todo", "action"))
def task(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
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
    if "due" in args.options:
        due = parse_due(ctx, args.options["due"])
    elif title:
        due, title = find_due(title, today=ctx.clock.today())
        if due is not None:
            check_date(due, what="due")
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
    people = {placement.person.id: placement.person} if placement.person and placement.person.id else {}
    sections = [Section(text=task_line(t, created, people, ctx.clock.today()))]
    if placement.why:
        sections.append(Section(text=placement.why))
    return Reply(title=t("task.created", number=created.number, account=account.name),
                 sections=sections, buttons=done_buttons(t, created), tone=Tone.SUCCESS)


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
        found.status = want
        found.closed_at = now if done else None
        ctx.session.add(found)
        repos.audit(ctx.session, at=now, action="task.done" if done else "task.reopen",
                    account_id=account.id, person_id=ctx.person.id, number=number)
        key = "task.marked_done" if done else "task.reopened"
        lines.append(Item(t(key, number=number, title=found.title), buttons=done_buttons(t, found)))
    return Reply(title=t("task.status_title", account=account.name), sections=[Section(items=lines)],
                 tone=Tone.SUCCESS)


@command("done", aliases=("close", "complete"))
def done(ctx: Context, args: Args) -> Reply:
    return _set_status(ctx, args, done=True)


@command("reopen")
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
    roles = order + sorted({task.role for task in tasks} - set(order))
    for role in roles:
        group = sorted((x for x in tasks if x.role == role), key=lambda x: task_sort_key(x, today))
        if not group:
            continue
        overdue = sum(1 for x in group if is_overdue(x, today))
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


@command("open", readonly=True)
def open_(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    tasks = repos.tasks_of(ctx.session, account_id=account.id)
    today = ctx.clock.today()
    overdue = sum(1 for x in tasks if is_overdue(x, today))
    return open_reply(
        ctx, tasks,
        title=ctx.t("open.title", account=account.name, count=len(tasks), overdue=overdue),
        empty=ctx.t("open.empty", account=account.name),
    )


_TASKS_FILTERS = {
    "mine": "mine", "me": "mine", "my": "mine", "我的": "mine",
    "overdue": "overdue", "late": "overdue", "逾期": "overdue", "过期": "overdue",
    "all": "all", "全部": "all", "所有": "all",
    "open": "open", "未完成": "open",
    "done": "done", "closed": "done", "已完成": "done",
}


@command("tasks", readonly=True)
def tasks(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    today = ctx.clock.today()
    which = _TASKS_FILTERS.get(args.words[0].lower(), "") if args.words else "open"
    if not which:
        raise CommandError("error.tasks_usage", value=args.words[0])
    if which == "mine":
        found = repos.tasks_of(ctx.session, account_id=account.id, assignee_id=ctx.person.id)
    elif which == "overdue":
        found = [x for x in repos.tasks_of(ctx.session, account_id=account.id) if is_overdue(x, today)]
    elif which == "done":
        found = repos.tasks_of(ctx.session, account_id=account.id, status=TaskStatus.DONE.value)
    elif which == "all":
        found = repos.tasks_of(ctx.session, account_id=account.id, status=None)
    else:
        found = repos.tasks_of(ctx.session, account_id=account.id)
    found = sorted(found, key=lambda x: (x.status != TaskStatus.OPEN.value, task_sort_key(x, today)))
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(found))
    title = t(f"tasks.title_{which}", account=account.name, count=len(found))
    if not found:
        return Reply(title=title, sections=[Section(text=t("tasks.empty"))])
    items = [Item(task_line(t, x, people, today), buttons=done_buttons(t, x)) for x in found[:100]]
    footer = t("tasks.more", count=len(found) - 100) if len(found) > 100 else ""
    return Reply(title=title, sections=[Section(items=items)], footer=footer)


@command("note", aliases=("notes", "minutes"), free_text=True)
def note(ctx: Context, args: Args) -> Reply:
    """Store the note whole first; then extract actions. A note is never lost to a parse."""
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    text = args.rest.strip()
    if not text:
        raise CommandError("error.note_empty")
    if len(text) > MAX_NOTE:
        raise CommandError("error.note_long", max=MAX_NOTE, length=len(text))
    now = ctx.clock.now()
    stored = repos.add_note(ctx.session, account_id=account.id, text=text,
                            author_id=ctx.person.id, at=now)
    created: list[Task] = []
    problems: list[str] = []
    try:
        actions = extract_actions(text, today=ctx.clock.today())
    except Exception:  # the note is kept whatever the extractor does
        log.exception("action extraction failed on note %s", stored.id)
        actions = []
        problems.append(t("note.extract_failed"))
    for action in actions:
        try:
            with ctx.session.begin_nested():
                placement = place_task(ctx, action.title, action.owner)
                created.append(repos.add_task(
                    ctx.session,
                    account_id=account.id,
                    title=action.title[:MAX_TITLE],
                    role=placement.role,
                    assignee_id=placement.person.id if placement.person else None,
                    # An extracted date out of the window is dropped, not stored.
                    due_date=action.due if action.due is None or EARLIEST <= action.due <= LATEST
                    else None,
                    shared=False,
                    at=now,
                    created_by_id=ctx.person.id,
                    source_note_id=stored.id,
                    routing_reason=placement.why[:200] or None,
                ))
        except CommandError as exc:
            problems.append(t("note.action_skipped", line=action.line_no,
                              reason=t(exc.key, **exc.values).split("\n")[0]))
    people = repos.persons_by_ids(ctx.session, ids=assignee_ids(created))
    today = ctx.clock.today()
    sections: list[Section] = []
    if created:
        sections.append(Section(
            title=t("note.extracted", count=len(created)),
            items=[Item(task_line(t, x, people, today), buttons=done_buttons(t, x)) for x in created],
        ))
    else:
        sections.append(Section(text=t("note.no_actions")))
    if problems:
        sections.append(Section(title=t("note.problems"), items=[Item(p) for p in problems]))
    return Reply(title=t("note.saved", number=stored.number, account=account.name,
                         chars=len(text)), sections=sections, tone=Tone.SUCCESS)
