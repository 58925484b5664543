"""An account's and a person's life cycle: archive, unarchive, delete; remove a person.

- ``account archive`` keeps the record, read-only: no reports, alerts, reminders or Home
  tab entries; ``account unarchive`` brings it back. Its AR, its sponsor or an admin.
- ``account delete "<exact name>"`` deletes it everywhere (storage/purge.py); admins only,
  and the name must be repeated exactly, so a slip cannot delete an account.
- ``person remove @u`` in an account's channel (its AR, sponsor or an admin): their roles
  on the account end (the role keeps its open tasks, unassigned) and they stop being a
  member of its channels. Outside an account's channel (admins): the same on every
  account, and they have no access anywhere until someone gives them a role again.

Channel membership follows the platforms: a person seen joining (or acting in) a channel
is a member, one the platform reports leaving is not (:func:`member_joined`,
:func:`member_left`). Every change is audited with who, when, and what it was before and
after.
"""

from __future__ import annotations

import difflib
from datetime import datetime

from sqlmodel import Session

from bot.messages import Item, Reply, Section, Tone, User
from commands import audit, authz
from commands.format import person_name, role_short
from commands.parsing import Args
from commands.registry import CommandError, Context
from storage import access_repo, purge, repos
from storage.models import Account, Person


def readable_account_named(ctx: Context, name: str) -> Account:
    """The account called ``name`` if the person may read it. An account they may not read
    is answered exactly like one that does not exist, and suggestions come only from the
    accounts they may read: no name leaks."""
    readable = authz.readable_accounts(ctx.session, person=ctx.person, is_admin=ctx.is_admin)
    key = repos.name_key(name)
    for account in readable:
        if account.name_key == key:
            return account
    close = difflib.get_close_matches(name, [a.name for a in readable], n=3, cutoff=0.5)
    if close:
        raise CommandError("error.account_unknown_suggest", account=name,
                           suggestions=", ".join(f'"{c}"' for c in close))
    raise CommandError("error.account_unknown", account=name)


def _name(args: Args) -> str:
    return " ".join(args.words[1:]).strip()


def _target(ctx: Context, args: Args, sub: str) -> Account:
    """The channel's account; outside an account's channel, the one named (and checked:
    the dispatcher checked the channel's own account already)."""
    name = _name(args)
    if ctx.account is not None:
        if name and repos.name_key(name) != ctx.account.name_key:
            # Another account is changed in its own channel, never from this one.
            raise CommandError("lifecycle.not_this_account", account=ctx.account.name, sub=sub)
        return ctx.account
    if not name:
        raise CommandError("lifecycle.name_needed", sub=sub)
    account = readable_account_named(ctx, name)
    rule = authz.ACCOUNT_RULES[sub]
    authz.require(ctx, rule.need, account, action=f"account {sub}",
                  when_archived=rule.when_archived)
    return account


def account_lifecycle(ctx: Context, args: Args, sub: str) -> Reply:
    if sub == "delete":
        return _delete(ctx, args)
    account = _target(ctx, args, sub)
    assert account.id is not None
    now = ctx.clock.now()
    t = ctx.t
    if sub == "archive":
        if account.archived_at is not None:
            raise CommandError("lifecycle.already_archived", account=account.name)
        account.archived_at = now
        after = now.isoformat()
        before = None
    else:
        if account.archived_at is None:
            raise CommandError("lifecycle.not_archived", account=account.name)
        before, after = account.archived_at.isoformat(), None
        account.archived_at = None
    ctx.session.add(account)
    audit.record(ctx, f"account.{sub}", target="archive", account_id=account.id,
                 before={"archived_at": before}, after={"archived_at": after})
    return Reply(title=t(f"lifecycle.{sub}d", account=account.name),
                 sections=[Section(text=t(f"lifecycle.{sub}d_text"))], tone=Tone.SUCCESS)


def _delete(ctx: Context, args: Args) -> Reply:
    name = _name(args)
    if ctx.account is not None:
        account = ctx.account
    elif name:
        account = readable_account_named(ctx, name)
        authz.require(ctx, authz.Need.ADMIN, account, action="account delete",
                      when_archived=True)
    else:
        raise CommandError("lifecycle.name_needed", sub="delete")
    assert account.id is not None
    if name != account.name:
        # The exact name, typed again: the confirmation that names what goes.
        raise CommandError("lifecycle.delete_confirm", account=account.name)
    counts = purge.delete_account(ctx.session, account_id=account.id, at=ctx.clock.now(),
                                  person_id=ctx.person.id)
    ctx.account = None  # gone: no listener runs for it
    t = ctx.t
    return Reply(title=t("lifecycle.deleted", account=name),
                 sections=[Section(text=t("lifecycle.deleted_text",
                                          rows=sum(counts.values())))],
                 tone=Tone.SUCCESS)


# --- people -----------------------------------------------------------------------------


def restore_person(ctx: Context, person: Person) -> None:
    """Someone given a role again gets their access back (audited)."""
    if person.removed_at is None:
        return
    before = person.removed_at.isoformat()
    access_repo.set_removed(ctx.session, person=person, at=None)
    audit.record(ctx, "person.restore", target=f"person:{person.id}", person=person.id,
                 before={"removed_at": before}, after={"removed_at": None})


def remove_person(ctx: Context, target: Person) -> Reply:
    """``person remove @u``: on this account (in its channel) or everywhere (elsewhere)."""
    assert target.id is not None
    now = ctx.clock.now()
    t = ctx.t
    account = ctx.account
    if account is None and not ctx.is_admin:
        raise CommandError("authz.denied_admin", action="person remove")
    scope = account.id if account is not None else None
    memberships = (access_repo.memberships_of_account(ctx.session, account_id=account.id,
                                                      person_id=target.id)
                   if account is not None and account.id is not None
                   else access_repo.memberships_of_person(ctx.session, person_id=target.id))
    left = [(m.platform, m.channel) for m in memberships]
    for m in memberships:
        access_repo.end_membership(ctx.session, platform=m.platform, workspace=m.workspace,
                                   channel=m.channel, person_id=target.id, at=now)
    ended = access_repo.end_roles(ctx.session, person_id=target.id, at=now, account_id=scope)
    unassigned = access_repo.unassign_open_tasks(ctx.session, person_id=target.id,
                                                 account_id=scope)
    was_removed = target.removed_at
    if account is None:
        access_repo.set_removed(ctx.session, person=target, at=now)
    roles_by_account: dict[int, list[str]] = {}
    for account_id, role in ended:
        roles_by_account.setdefault(account_id, []).append(role)
    for account_id in sorted(set(roles_by_account) | ({scope} if scope else set())):
        audit.record(ctx, "person.remove", target=f"person:{target.id}", account_id=account_id,
                     person=target.id,
                     before={"roles": roles_by_account.get(account_id, []), "member": True},
                     after={"roles": [], "member": False}, tasks_unassigned=unassigned)
    if account is None:
        audit.record(ctx, "person.remove", target=f"person:{target.id}", person=target.id,
                     everywhere=True, channels=len(left),
                     before={"removed_at": was_removed.isoformat() if was_removed else None},
                     after={"removed_at": now.isoformat()})
    who = person_name(target)
    roles = ", ".join(role_short(t, role) for _, role in ended) or t("lifecycle.no_roles")
    items = [Item(t("lifecycle.person_roles", roles=roles)),
             Item(t("lifecycle.person_tasks", count=unassigned)),
             Item(t("lifecycle.person_channels", count=len(left)))]
    if account is not None:
        title = t("lifecycle.person_removed", person=who, account=account.name)
        hint = t("lifecycle.person_removed_hint")
    else:
        title = t("lifecycle.person_removed_everywhere", person=who)
        hint = t("lifecycle.person_removed_everywhere_hint")
    return Reply(title=title, sections=[Section(items=items), Section(text=hint)],
                 tone=Tone.SUCCESS)


# --- channel membership as the platforms report it ----------------------------------------


def member_joined(session: Session, *, platform: str, workspace: str, channel: str,
                  user: User, at: datetime) -> bool:
    """The platform says ``user`` joined ``channel``: a member from now on (audited when it
    is news). A person whose access was removed is not let back in by joining."""
    person = repos.upsert_person(session, platform=platform, user_id=user.id,
                                 display_name=user.name, username=user.username)
    if person.id is None or person.removed_at is not None:
        return False
    if not access_repo.observe_member(session, platform=platform, workspace=workspace,
                                      channel=channel, person_id=person.id, at=at):
        return False
    _audit_membership(session, platform=platform, workspace=workspace, channel=channel,
                      person=person, at=at, joined=True)
    return True


def member_left(session: Session, *, platform: str, workspace: str, channel: str,
                user_id: str, at: datetime) -> bool:
    """The platform says the user left (or was removed from) ``channel``: no longer a
    member, so no longer a reader of its account unless they hold a role there."""
    person = repos.person_by_user(session, platform=platform, user_id=user_id)
    if person is None or person.id is None:
        return False
    if not access_repo.end_membership(session, platform=platform, workspace=workspace,
                                      channel=channel, person_id=person.id, at=at):
        return False
    _audit_membership(session, platform=platform, workspace=workspace, channel=channel,
                      person=person, at=at, joined=False)
    return True


def _audit_membership(session: Session, *, platform: str, workspace: str, channel: str,
                      person: Person, at: datetime, joined: bool) -> None:
    binding = repos.binding_for(session, platform=platform, workspace=workspace,
                                channel=channel)
    # Told by the platform: the person is the member themselves.
    repos.audit(session, at=at, action="member.join" if joined else "member.leave",
                account_id=binding.account_id if binding is not None else None,
                person_id=person.id, target=f"member:{person.id}", platform=platform,
                channel=channel, before={"member": not joined}, after={"member": joined})
