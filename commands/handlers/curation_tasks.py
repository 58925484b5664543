"""Correcting tasks: ``task <n>`` (show one), ``task <n> edit ...`` and ``cancel <n> [reason]``.

``task 3 edit title="…" due=… owner=AR|SR|FR|@u|sponsor shared|internal`` changes any of
those at once (任务 3 编辑 标题=… 截止=… 负责人=… 共享|内部); ``task 3 edit`` alone answers
with the task as it is and the line to copy, change and send (the Edit button on Telegram
and in the console; Slack opens a form instead). A cancelled task (取消) is kept, with its
reason, out of open lists, reminders, health and reports; ``reopen`` brings it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.messages import Button, Item, Reply, Section, Tone
from commands import audit
from commands.format import fmt_date, person_name, role_short, task_line
from commands.handlers.core_tasks import (
    MAX_TITLE,
    TASK_FORMS,
    done_buttons,
    parse_due,
    task_buttons,
)
from commands.history import Words
from commands.i18n import Translator
from commands.parsing import Args, quote_arg
from commands.people import is_mention, owner_from_token
from commands.registry import CommandError, Context, command
from commands.routing import parse_role
from storage import curation_repo, repos
from storage.models import Person, Task, TaskStatus

_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")
EDIT_WORDS = frozenset({"edit", "change", "update", "fix", "编辑", "修改", "更改"})
_SHARED = frozenset({"shared", "share", "public", "共享", "分享"})
_INTERNAL = frozenset({"internal", "private", "unshared", "内部", "不共享"})
_NO_DATE = frozenset({"none", "no", "-", "—", "clear", "never", "无", "没有", "不限", "清除"})
_TRUE = frozenset({"yes", "true", "on", "1", "是", "共享"})
_FALSE = frozenset({"no", "false", "off", "0", "否", "内部"})
EDIT_KEYS = ("title", "due", "owner", "shared")
COMMAND_PREFIX = {"telegram": "/", "slack": "/kam "}


def number_of(word: str) -> int | None:
    match = _NUMBER.match(word.strip())
    return int(match.group(1)) if match else None


def find_task(ctx: Context, number: int) -> Task:
    account = ctx.require_account()
    assert account.id is not None
    found = repos.task_by_number(ctx.session, account_id=account.id, number=number)
    if found is None:
        raise CommandError("error.no_task", number=number, account=account.name)
    return found


def _task_form(ctx: Context, args: Args) -> Reply | None:
    """``task 3``, ``task #3``, ``task 3 edit ...`` and ``task edit 3 ...``."""
    words = args.words
    if not words or any(args.quoted[:2]):
        return None
    number = number_of(words[0])
    rest = words[1:]
    if number is None and len(words) >= 2 and words[0].lower() in EDIT_WORDS:
        number, rest = number_of(words[1]), ["edit", *words[2:]]
    if number is None:
        return None
    if not rest and not args.options:
        return show_task(ctx, find_task(ctx, number))
    if rest and rest[0].lower() in EDIT_WORDS:
        return edit_task(ctx, find_task(ctx, number), rest[1:], args.options)
    return None  # "task 3 boxes to the warehouse" is a new task


TASK_FORMS.append(_task_form)


def _people(ctx: Context, task: Task) -> dict[int, Person]:
    return repos.persons_by_ids(ctx.session, ids={task.assignee_id} if task.assignee_id else set())


def show_task(ctx: Context, task: Task) -> Reply:
    t = ctx.t
    people = _people(ctx, task)
    creator = repos.persons_by_ids(ctx.session, ids={task.created_by_id} if task.created_by_id else set())
    fields = [(t("curation.f_status"), Words(t).value("status", task.status))]
    if task.cancel_reason:
        fields.append((t("curation.f_reason"), task.cancel_reason))
    when = task.created_at.astimezone(ctx.clock.tz).date()
    by = person_name(creator.get(task.created_by_id)) if task.created_by_id in creator else "kambot"
    fields.append((t("curation.f_created"), f"{fmt_date(t.lang, when, weekday=False)} · {by}"))
    note = (curation_repo.note_by_id(ctx.session, note_id=task.source_note_id)
            if task.source_note_id else None)
    if note is not None:
        fields.append((t("curation.f_note"), t("curation.note_ref", number=note.number)))
    if task.routing_reason:
        fields.append((t("curation.f_why"), task.routing_reason))
    return Reply(title=task_line(t, task, people, ctx.clock.today()),
                 sections=[Section(fields=fields)], buttons=task_buttons(t, task))


@dataclass
class _Edit:
    title: str | None = None
    due: date | None = None
    due_given: bool = False
    owner: str | None = None
    shared: bool | None = None


def _parse_edit(ctx: Context, words: list[str], options: dict[str, str]) -> _Edit:
    edit = _Edit()
    unknown = [k for k in options if k not in EDIT_KEYS]
    if unknown:
        raise CommandError("curation.edit_unknown_key", key=unknown[0][:40])
    if "title" in options:
        edit.title = " ".join(options["title"].split())
        if not edit.title:
            raise CommandError("error.task_no_title")
        if len(edit.title) > MAX_TITLE:
            raise CommandError("error.task_title_long", max=MAX_TITLE)
    if "due" in options:
        edit.due_given = True
        raw = options["due"].strip()
        edit.due = None if raw.lower() in _NO_DATE or not raw else parse_due(ctx, raw)
    if "owner" in options:
        edit.owner = options["owner"].strip() or None
    if "shared" in options:
        value = options["shared"].strip().lower()
        if value not in _TRUE | _FALSE:
            raise CommandError("curation.edit_bad_shared", value=options["shared"][:40])
        edit.shared = value in _TRUE
    for word in words:
        low = word.lower()
        if low in _SHARED:
            edit.shared = True
        elif low in _INTERNAL:
            edit.shared = False
        elif edit.owner is None and (is_mention(word) or parse_role(word)):
            edit.owner = word
        else:
            raise CommandError("curation.edit_loose_word", word=word[:40])
    return edit


def edit_task(ctx: Context, task: Task, words: list[str], options: dict[str, str]) -> Reply:
    edit = _parse_edit(ctx, words, options)
    if (edit.title, edit.owner, edit.shared) == (None, None, None) and not edit.due_given:
        return edit_prompt(ctx, task)
    t = ctx.t
    before = audit.task_state(task)
    if edit.title is not None:
        task.title = edit.title
    if edit.due_given:
        task.due_date = edit.due
    if edit.shared is not None:
        task.shared = edit.shared
    if edit.owner is not None:
        owner = owner_from_token(ctx, edit.owner)
        task.role = owner.role or task.role
        task.assignee_id = owner.person.id if owner.person else None
        task.owner_text = owner.customer_name
        task.stakeholder_id = owner.stakeholder.id if owner.stakeholder else None
    ctx.session.add(task)
    entry = audit.task_change(ctx, "task.edit", task, before, was=_owner_state(before))
    people = _people(ctx, task)
    line = task_line(t, task, people, ctx.clock.today())
    if entry is None:
        return Reply(title=t("curation.edit_same", number=task.number),
                     sections=[Section(text=line)], buttons=task_buttons(t, task))
    words_ = Words(t, names={pid: person_name(p) for pid, p in _all_people(ctx, before, task).items()})
    changes = words_.changes(entry.detail["before"], entry.detail["after"], _owner_state(before))
    return Reply(title=t("curation.edited", number=task.number),
                 sections=[Section(text=changes), Section(text=line)],
                 buttons=[*task_buttons(t, task), undo_button(t, entry.id)], tone=Tone.SUCCESS)


def _owner_state(state: dict[str, object]) -> dict[str, object]:
    return {k: state.get(k) for k in ("role", "assignee", "owner_text")}


def _all_people(ctx: Context, before: dict[str, object], task: Task) -> dict[int, Person]:
    ids = {task.assignee_id} if task.assignee_id else set()
    if isinstance(before.get("assignee"), int):
        ids.add(before["assignee"])  # type: ignore[arg-type]
    return repos.persons_by_ids(ctx.session, ids=ids)


def undo_button(t: Translator, entry_id: int | None) -> Button:
    return Button(t("button.undo"), f"undo id={entry_id}")


def edit_line(ctx: Context, task: Task) -> str:
    """The command that would set the task as it is, for the person to change and send."""
    account = ctx.require_account()
    assert account.id is not None
    platform = ctx.incoming.platform
    parts = [f'{COMMAND_PREFIX.get(platform, "")}task {task.number} edit',
             "title=" + quote_arg(task.title),
             f"due={task.due_date.isoformat() if task.due_date else 'none'}"]
    holder = repos.current_holders(ctx.session, account_id=account.id).get(task.role)
    person = _people(ctx, task).get(task.assignee_id) if task.assignee_id else None
    # owner= only where it names the owner as it is: sent unchanged, the line changes nothing.
    if person is None and holder is None and not task.owner_text:
        parts.append(f"owner={task.role}")
    elif person is not None and holder is not None and holder.id == person.id:
        parts.append(f"owner={task.role}")
    elif person is not None and person.platform == platform == "slack":
        parts.append(f"owner=<@{person.user_id}>")
    elif person is not None and person.username:
        parts.append(f"owner=@{person.username}")
    parts.append("shared" if task.shared else "internal")
    return " ".join(parts)


def edit_prompt(ctx: Context, task: Task) -> Reply:
    t = ctx.t
    people = _people(ctx, task)
    person = people.get(task.assignee_id) if task.assignee_id else None
    owner = role_short(t, task.role) + (f" · {person_name(person)}" if person else "")
    fields = [
        (t("curation.f_title"), task.title),
        (t("curation.f_owner"), owner),
        (t("curation.f_due"), fmt_date(t.lang, task.due_date)),
        (t("curation.f_shared"), t("history.yes") if task.shared else t("history.no")),
    ]
    return Reply(title=t("curation.edit_title", number=task.number),
                 sections=[Section(fields=fields),
                           Section(text=t("curation.edit_how"), code=edit_line(ctx, task))],
                 footer=t("curation.edit_hint"), private=True)


@command("cancel", aliases=("withdraw", "取消"), free_text=True)
def cancel(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    numbers: list[int] = []
    words = list(args.words)
    while words:
        parts = [p for p in words[0].replace("，", ",").split(",") if p]
        found = [number_of(p) for p in parts]
        if not parts or any(n is None for n in found):
            break
        numbers += [n for n in found if n is not None]
        words.pop(0)
    if not numbers:
        raise CommandError("curation.cancel_usage")
    said = re.sub(r"^(?:reason|because|原因|理由)\s*[=:：]\s*", "", " ".join(words).strip(),
                  flags=re.I).strip()
    reason = said[:500] or None
    items: list[Item] = []
    first = None
    for number in numbers:
        task = find_task(ctx, number)
        if task.status != TaskStatus.OPEN.value:
            key = "curation.already_cancelled" if task.status == TaskStatus.CANCELLED.value \
                else "curation.cancel_done"
            items.append(Item(t(key, number=number, title=task.title)))
            continue
        before = audit.task_state(task)
        task.status = TaskStatus.CANCELLED.value
        task.closed_at = ctx.clock.now()
        task.cancel_reason = reason
        ctx.session.add(task)
        entry = audit.task_change(ctx, "task.cancel", task, before)
        first = first or entry
        line = t("curation.cancelled", number=number, title=task.title)
        if reason:
            line += " " + t("curation.because", reason=reason)
        items.append(Item(line, buttons=done_buttons(t, task)))
    buttons = [undo_button(t, first.id)] if first is not None else []
    footer = t("curation.cancel_footer") if first is not None else ""
    return Reply(title=t("task.status_title", account=account.name),
                 sections=[Section(items=items)], buttons=buttons, footer=footer,
                 tone=Tone.SUCCESS if first is not None else Tone.INFO)
