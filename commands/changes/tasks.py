"""Task changes: create, edit, done, reopen, cancel, reassign (and tasks the rules make).

Entries: target ``task:<id>``; ``detail`` has ``number``, ``title``, and ``before`` /
``after`` with the changed fields of :func:`commands.audit.task_state` (a created task has
only ``after``, its whole state).
"""

from __future__ import annotations

from typing import Any

from commands.audit import apply_task_state, task_state
from commands.format import task_line
from commands.history import Words, describes
from commands.undo import Undo, reverses
from storage import curation_repo, repos
from storage.models import AuditLog, Task, TaskStatus


def target_id(entry: AuditLog, kind: str) -> int | None:
    """The row id in ``<kind>:<id>``."""
    prefix = f"{kind}:"
    if entry.target and entry.target.startswith(prefix) and entry.target[len(prefix):].isdigit():
        return int(entry.target[len(prefix):])
    return None


def _title(w: Words, detail: dict[str, Any]) -> str:
    return w.t("history.task_ref", number=detail.get("number", "?"),
               title=w.value("title", detail.get("title", "")))


@describes("task.create")
def _describe_create(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    after = d.get("after") or {}
    due = w.t("history.due", date=w.value("due", after["due"])) if after.get("due") else ""
    return w.t("history.task.create", task=_title(w, d), owner=w.owner(after), due=due)


@describes("task.edit", "task.reassign")
def _describe_edit(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    key = "history.task.edit" if entry.action == "task.edit" else "history.task.reassign"
    return w.t(key, task=_title(w, d),
               changes=w.changes(d.get("before") or {}, d.get("after") or {}, d.get("was")))


@describes("task.done", "task.reopen")
def _describe_status(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t(f"history.{entry.action}", task=_title(w, d))


@describes("task.cancel")
def _describe_cancel(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    reason = (d.get("after") or {}).get("cancel_reason")
    return w.t("history.task.cancel", task=_title(w, d),
               reason=w.t("history.reason", reason=w.value("reason", reason)) if reason else "")


@describes("rule.task")
def _describe_rule(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    rule = str(d.get("rule", "")).partition(":")[0]
    name = w.t(f"history.rule.name.{rule}") if w.t.has(f"history.rule.name.{rule}") else rule
    return w.t("history.rule.task", number=d.get("task", "?"), rule=name)


@describes("playbook.start")
def _describe_playbook(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    tasks = ", ".join(f"#{n}" for n in d.get("tasks") or []) or "–"
    return w.t("history.playbook.start", playbook=str(d.get("playbook", "?")), tasks=tasks)


def _task(u: Undo, entry: AuditLog) -> Task:
    task_id = target_id(entry, "task")
    task = curation_repo.task_by_id(u.ctx.session, task_id=task_id) if task_id else None
    u.expect(task is not None and task.account_id == entry.account_id,
             what=f"#{entry.detail.get('number', '?')}")
    assert task is not None
    return task


def now_line(u: Undo, task: Task) -> str:
    ctx = u.ctx
    people = repos.persons_by_ids(ctx.session, ids={task.assignee_id} if task.assignee_id else set())
    return task_line(ctx.t, task, people, ctx.clock.today())


@reverses("task.create")
def _undo_create(u: Undo, entry: AuditLog) -> str:
    task = _task(u, entry)
    u.expect(task.status == TaskStatus.OPEN.value, what=f"#{task.number}")
    curation_repo.delete_task(u.ctx.session, task=task)
    return u.ctx.t("undo.task_removed", number=task.number, title=task.title)


@reverses("task.edit", "task.done", "task.reopen", "task.cancel", "task.reassign")
def _undo_change(u: Undo, entry: AuditLog) -> str:
    before, after = entry.detail.get("before"), entry.detail.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        u.refuse("undo.too_old")
    task = _task(u, entry)
    now = task_state(task)
    u.expect(all(now.get(k) == v for k, v in after.items() if k != "closed_at"),
             what=f"#{task.number}")
    apply_task_state(task, before)
    u.ctx.session.add(task)
    u.ctx.session.flush()
    return now_line(u, task)
