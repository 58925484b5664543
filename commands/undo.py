"""Undo: take back a person's last change in a channel, read from the account's history.

How it works
- Every change is an AuditLog entry made by :func:`commands.audit.record`: who, when,
  where (``channel_key``), by which command (``event_key``), on what (``target``), and
  what the changed fields were before and after (``detail``).
- ``undo`` takes the newest command of this person in this channel, on this channel's
  account, within KAMBOT_UNDO_MINUTES, that has not been undone, and reverses each of its
  entries, newest first, with the function registered for the entry's action::

      @reverses("task.edit")
      def _(u: Undo, entry: AuditLog) -> str:
          task = ...                          # load what the entry changed
          u.expect(still_as_left, what="#3")  # refuse if it changed since
          ...                                 # put detail["before"] back
          return "#3 is back to ..."          # a line on the state now (or "")

- Before anything is reversed: a later change by anyone to the same ``target`` refuses
  the undo and says who made it and when; a reversal refuses (``Undo.expect``) when what
  it would restore is not as the entry left it. The undo is one unit of work, so a refusal
  changes nothing.
- Each reversed entry gets an ``undo`` entry pointing at it (``AuditLog.undoes_id`` is
  unique, so two undos at the same moment cannot both take back the same change); undo
  entries themselves are never undone. ``undo`` again takes the change before.
- ``undo id=<n>`` takes back one given change (the Undo button of a reply); the same rules
  apply.

Other parts add kinds by putting ``@reverses`` (and ``commands.history.describes``)
functions in a module of ``commands/changes/``; that package is loaded with this one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

import sqlalchemy as sa

from bot.messages import Item, Reply, Section, Tone
from commands.audit import channel_key
from commands.history import describe, words_for
from commands.registry import CommandError, Context
from storage import audit_repo, repos
from storage.models import AuditLog

Reverser = Callable[["Undo", AuditLog], str]
_REVERSERS: dict[str, Reverser] = {}
DEFAULT_MINUTES = 10


def reverses(*actions: str) -> Callable[[Reverser], Reverser]:
    """Register the reversal of one or more actions."""

    def register(fn: Reverser) -> Reverser:
        for action in actions:
            if action in _REVERSERS:
                raise RuntimeError(f"a reversal of {action!r} is registered twice")
            _REVERSERS[action] = fn
        return fn

    return register


_loaded = False


def load_changes() -> None:
    """Import every module of commands/changes once (they register describers and reversals)."""
    global _loaded
    if not _loaded:
        import commands.changes as pkg

        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
        _loaded = True


def can_undo(action: str) -> bool:
    load_changes()
    return action in _REVERSERS


def undo_minutes(ctx: Context) -> int:
    value = getattr(ctx.settings, "KAMBOT_UNDO_MINUTES", DEFAULT_MINUTES)
    return int(value) if value is not None else DEFAULT_MINUTES


@dataclass
class Undo:
    """What a reversal is given: the context of the person undoing."""

    ctx: Context

    def refuse(self, key: str, /, **values: object) -> NoReturn:
        raise CommandError(key, **values)

    def expect(self, ok: bool, *, what: str) -> None:
        """Refuse unless ``ok``: ``what`` (``#3``, ``note 2``) is no longer as the change left it."""
        if not ok:
            raise CommandError("undo.changed", what=what)


def _here(ctx: Context) -> str:
    inc = ctx.incoming
    return channel_key(inc.platform, inc.workspace, inc.channel)[:300]


def _pick(ctx: Context, account_id: int, entry_id: int | None) -> list[AuditLog]:
    """The entries to reverse: one command's, newest first."""
    assert ctx.person.id is not None
    minutes = undo_minutes(ctx)
    since = ctx.clock.now() - timedelta(minutes=minutes)
    recent = audit_repo.recent_changes(ctx.session, account_id=account_id,
                                       person_id=ctx.person.id, channel_key=_here(ctx),
                                       since=since)
    undone = audit_repo.undone_ids(ctx.session, ids=[e.id for e in recent if e.id is not None])
    if entry_id is not None:
        wanted = audit_repo.entry_by_id(ctx.session, entry_id=entry_id)
        mine = (wanted is not None and wanted.account_id == account_id
                and wanted.action != audit_repo.UNDO)
        if not mine or wanted is None:
            raise CommandError("undo.unknown", id=entry_id)
        if wanted.person_id != ctx.person.id or wanted.channel_key != _here(ctx):
            raise CommandError("undo.not_yours")
        if wanted.id in undone or audit_repo.undone_ids(ctx.session, ids=[entry_id]):
            raise CommandError("undo.already")
        if all(e.id != wanted.id for e in recent):
            raise CommandError("undo.too_late", minutes=minutes)
        first = wanted
    else:
        newest = next((e for e in recent if e.id not in undone), None)
        if newest is None:
            raise CommandError("undo.nothing_left" if recent else "undo.nothing", minutes=minutes)
        first = newest
    group = [e for e in recent if e.id not in undone
             and (e.id == first.id or (first.event_key and e.event_key == first.event_key))]
    return sorted(group, key=lambda e: e.id or 0, reverse=True)


def _check_later(ctx: Context, account_id: int, group: Sequence[AuditLog]) -> None:
    """Refuse when someone changed a target of the group after it (and it was not undone)."""
    targets = {e.target for e in group if e.target}
    # A change may touch more than its target (a note's tasks, a role's tasks): "also".
    targets |= {str(x) for e in group for x in (e.detail or {}).get("also", [])}
    first_id = min(e.id or 0 for e in group)
    ours = {e.id for e in group}
    later = [e for e in audit_repo.later_changes(ctx.session, account_id=account_id,
                                                 targets=targets, after_id=first_id)
             if e.id not in ours]
    undone = audit_repo.undone_ids(ctx.session, ids=[e.id for e in later if e.id is not None])
    later = [e for e in later if e.id not in undone]
    if not later:
        return
    other = later[0]
    words = words_for(ctx.session, ctx.t, [other], ctx.clock.tz)
    who = (ctx.t("undo.you") if other.person_id == ctx.person.id
           else words.person(other.person_id))
    raise CommandError("undo.changed_since", who=who, when=words.when(other),
                       change=describe(words, other))


def run_undo(ctx: Context, entry_id: int | None = None) -> Reply:
    """Reverse the person's last change here (or change ``entry_id``); the reply says what."""
    account = ctx.require_account()
    assert account.id is not None
    load_changes()
    now = ctx.clock.now()
    audit_repo.purge_stash(ctx.session, now=now)
    group = _pick(ctx, account.id, entry_id)
    words = words_for(ctx.session, ctx.t, group, ctx.clock.tz)
    for entry in group:
        if entry.action not in _REVERSERS:
            raise CommandError("undo.cannot", change=describe(words, entry))
    _check_later(ctx, account.id, group)
    try:
        with ctx.session.begin_nested():
            for entry in group:
                repos.audit(ctx.session, at=now, action=audit_repo.UNDO, account_id=account.id,
                            person_id=ctx.person.id, target=entry.target,
                            channel_key=_here(ctx), event_key=ctx.incoming.key[:200],
                            undoes_id=entry.id, of=entry.action)
            ctx.session.flush()
    except sa.exc.IntegrityError:
        raise CommandError("undo.already") from None
    helper = Undo(ctx)
    results: list[str] = []
    for entry in group:
        line = _REVERSERS[entry.action](helper, entry)
        if line:
            results.append(line)
    ctx.session.flush()
    lines = [describe(words, entry) for entry in group]
    title = ctx.t("undo.done", change=lines[-1] if len(lines) == 1 else
                  ctx.t("undo.done_many", count=len(lines)))
    sections = []
    if len(lines) > 1:
        sections.append(Section(items=[Item(line) for line in reversed(lines)]))
    if results:
        sections.append(Section(title=ctx.t("undo.now"), items=[Item(r) for r in results]))
    return Reply(title=title, sections=sections, tone=Tone.SUCCESS)
