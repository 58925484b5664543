"""Recording a change in the account's history, so the team can read it (`history`) and the
person who made it can take it back (`undo`).

Every change a person makes goes through :func:`record`, which fills in who, when, where
(the channel) and which command (the event key: one command's entries are undone
together). The conventions for an entry, which the history's wording and the reversals
in ``commands/changes/`` rely on:

- ``action``: what kind of change (``task.edit``, ``note.delete``, ``role.assign`` ...);
- ``target``: the one thing it changed (``task:<id>``, ``note:<id>``, ``role:AR``,
  ``card``, ``score``, ``plan:<section>``, ``stakeholder:<name key>``, ``binding:<id>``,
  ``signals``); a later entry on the same target means it was changed since;
- ``detail["number"]`` / ``detail["title"]``: the task or note as it was called then;
- ``detail["before"]`` / ``detail["after"]``: only the fields that changed, as JSON
  (dates and times as ISO strings, people as Person ids, None for empty);
- anything else a reversal needs (ids of the rows a change created or moved).

What must not outlive the undo window (a deleted note's text) goes in the undo stash
(``storage.audit_repo.stash``), never in the entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from commands.registry import Context
from storage import curation_repo, repos
from storage.models import AuditLog, Note, Task

# The task fields a change may touch, as stored in before/after.
TASK_FIELDS = ("title", "due", "role", "assignee", "owner_text", "stakeholder", "shared",
               "status", "closed_at", "cancel_reason")


def channel_key(platform: str, workspace: str, channel: str) -> str:
    return f"{platform}:{workspace}:{channel}"


def record(ctx: Context, action: str, *, target: str | None = None,
           account_id: int | None = None, **detail: Any) -> AuditLog:
    """Add one entry for a change made by ``ctx.person`` through ``ctx.incoming``."""
    inc = ctx.incoming
    if account_id is None and ctx.account is not None:
        account_id = ctx.account.id
    entry = repos.audit(
        ctx.session, at=ctx.clock.now(), action=action, account_id=account_id,
        person_id=ctx.person.id, target=target,
        channel_key=channel_key(inc.platform, inc.workspace, inc.channel)[:300],
        event_key=inc.key[:200], **{k: jsonable(v) for k, v in detail.items()},
    )
    ctx.session.flush()
    return entry


def jsonable(value: Any) -> Any:
    """A value as it is kept in an entry: dates and times as ISO text, containers walked."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def task_state(task: Task) -> dict[str, Any]:
    """The task's fields as kept in before/after."""
    return {
        "title": task.title,
        "due": task.due_date.isoformat() if task.due_date else None,
        "role": task.role,
        "assignee": task.assignee_id,
        "owner_text": task.owner_text,
        "stakeholder": task.stakeholder_id,
        "shared": task.shared,
        "status": task.status,
        "closed_at": task.closed_at.isoformat() if task.closed_at else None,
        "cancel_reason": task.cancel_reason,
    }


def apply_task_state(task: Task, state: Mapping[str, Any]) -> None:
    """Set the task's fields from a before/after mapping (only the keys it holds)."""
    for key, value in state.items():
        if key == "title":
            task.title = value
        elif key == "due":
            task.due_date = date.fromisoformat(value) if value else None
        elif key == "role":
            task.role = value
        elif key == "assignee":
            task.assignee_id = value
        elif key == "owner_text":
            task.owner_text = value
        elif key == "stakeholder":
            task.stakeholder_id = value
        elif key == "shared":
            task.shared = bool(value)
        elif key == "status":
            task.status = value
        elif key == "closed_at":
            task.closed_at = datetime.fromisoformat(value) if value else None
        elif key == "cancel_reason":
            task.cancel_reason = value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def task_change(ctx: Context, action: str, task: Task, before: Mapping[str, Any],
                **extra: Any) -> AuditLog | None:
    """Record a change of ``task`` from ``before`` (a :func:`task_state`) to what it is now;
    nothing when nothing changed."""
    old, new = diff(before, task_state(task))
    if not new:
        return None
    return record(ctx, action, target=f"task:{task.id}", number=task.number, title=task.title,
                  before=old, after=new, **extra)


def note_created(ctx: Context, note: Note, tasks: Sequence[Task]) -> AuditLog:
    """Record a new note and the tasks it made (undone together)."""
    assert note.id is not None
    decisions = curation_repo.decisions_of_note(ctx.session, note_id=note.id)
    ids = [t.id for t in tasks if t.id is not None]
    return record(ctx, "note.create", target=f"note:{note.id}", number=note.number,
                  chars=len(note.text), tasks=ids, task_numbers=[t.number for t in tasks],
                  also=[f"task:{i}" for i in ids], decisions=len(decisions))
