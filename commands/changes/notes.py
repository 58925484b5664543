"""Note changes: a note added (with the tasks it made) and a note deleted.

``note.create``: target ``note:<id>``; ``detail``: ``number``, ``chars``, ``tasks`` (ids
of the tasks the note made), ``also`` (their targets), ``decisions`` (how many). Undone,
the note goes with its decisions and its tasks (none may have changed since).

``note.delete``: target ``note:<id>``; ``detail``: ``number``, ``chars``, ``tasks`` (ids
left unlinked), ``decisions``. The note's text, decisions and proposals (a transcript's)
are kept in the undo stash only until the undo window is over, never in the history.
"""

from __future__ import annotations

from commands.changes.tasks import target_id
from commands.history import Words, describes
from commands.undo import Undo, reverses
from storage import audit_repo, curation_repo
from storage.models import AuditLog, TaskStatus


@describes("note.create")
def _describe_create(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.note.create", number=d.get("number", "?"),
               tasks=len(d.get("tasks") or []), decisions=int(d.get("decisions") or 0))


@describes("note.delete")
def _describe_delete(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    return w.t("history.note.delete", number=d.get("number", "?"),
               tasks=len(d.get("tasks") or []), decisions=int(d.get("decisions") or 0))


@reverses("note.create")
def _undo_create(u: Undo, entry: AuditLog) -> str:
    session = u.ctx.session
    number = entry.detail.get("number", "?")
    note_id = target_id(entry, "note")
    note = curation_repo.note_by_id(session, note_id=note_id) if note_id else None
    u.expect(note is not None, what=u.ctx.t("undo.note_ref", number=number))
    assert note is not None
    tasks = curation_repo.tasks_by_ids(session, ids=entry.detail.get("tasks") or [])
    for task in tasks.values():
        u.expect(task.status == TaskStatus.OPEN.value and task.source_note_id == note.id,
                 what=f"#{task.number}")
    for task in tasks.values():
        curation_repo.delete_task(session, task=task)
    curation_repo.delete_note(session, note=note)
    return u.ctx.t("undo.note_removed", number=number, tasks=len(tasks))


@reverses("note.delete")
def _undo_delete(u: Undo, entry: AuditLog) -> str:
    ctx = u.ctx
    assert entry.id is not None
    number = entry.detail.get("number", "?")
    kept = audit_repo.stashed(ctx.session, audit_id=entry.id, now=ctx.clock.now())
    if kept is None:
        u.refuse("undo.expired", number=number)
    data = dict(kept.data)
    note = curation_repo.restore_note(ctx.session, data=data["note"], task_ids=data.get("tasks", []),
                                      decisions=data.get("decisions", []),
                                      proposals=data.get("proposals", []))
    audit_repo.drop_stash(ctx.session, audit_id=entry.id)
    return ctx.t("undo.note_restored", number=note.number, tasks=len(data.get("tasks", [])),
                 decisions=len(data.get("decisions", [])))
