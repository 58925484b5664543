"""Access changes in the account's history: archive and unarchive, a person removed or
given access back, people joining and leaving its channels (commands/lifecycle.py).

They are read in ``history`` but not taken back by ``undo``: ``account unarchive`` undoes
an archive, and access follows roles and the platforms' own membership.

``account.archive`` / ``account.unarchive``: target ``archive``; ``before`` / ``after``
``archived_at``. ``person.remove`` / ``person.restore``: target ``person:<id>``;
``person`` (the Person id), ``before`` / ``after`` (roles, membership, removed_at).
``member.join`` / ``member.leave``: target ``member:<id>``, made by the member.
"""

from __future__ import annotations

from commands.history import Words, describes
from storage.models import AuditLog


@describes("account.archive", "account.unarchive")
def _describe_archive(w: Words, entry: AuditLog) -> str:
    return w.t(f"history.access.{entry.action.split('.')[1]}")


@describes("person.remove")
def _describe_remove(w: Words, entry: AuditLog) -> str:
    d = entry.detail
    key = "remove_everywhere" if d.get("everywhere") else "remove"
    return w.t(f"history.access.{key}", person=w.person(d.get("person")))


@describes("person.restore")
def _describe_restore(w: Words, entry: AuditLog) -> str:
    return w.t("history.access.restore", person=w.person(entry.detail.get("person")))


@describes("member.join", "member.leave")
def _describe_member(w: Words, entry: AuditLog) -> str:
    key = "join" if entry.action == "member.join" else "leave"
    return w.t(f"history.access.{key}", channel=str(entry.detail.get("channel") or "?"))
