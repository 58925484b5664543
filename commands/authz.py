"""Who may do what to an account: one table, asked by every entry point.

Typed commands, message buttons, Home buttons, modals, the message shortcut, Telegram
callbacks and direct messages all reach the dispatcher, which asks :func:`check` before a
handler runs; the Home tab, reminders and direct-message questions ask
:func:`readable_accounts`. SECURITY.md shows the same table in words.

A person's **standing** on an account:

- ``admin``: listed in KAMBOT_ADMINS;
- ``lead``: holds AR or executive sponsor now;
- ``team``: holds SR or FR now;
- ``member``: is a current member of one of the account's bound channels (kambot records
  whom it sees acting or joining there, and forgets them when the platform says they
  left);
- ``none``: anyone else, and a person whose access was removed (``person remove``).

People assigned a task who are none of these do not read the account: a task given to an
outsider is kept, but they see nothing of the account until the team adds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import Session

from commands.parsing import Args
from commands.registry import CommandError
from storage import access_repo, repos
from storage.models import Account, Person, Role

if TYPE_CHECKING:
    from commands.registry import Context


class Need(StrEnum):
    """What a request needs, from least to most."""

    ANYONE = "anyone"        # help; account new in a channel with no account
    READ = "read"            # see the account's record
    WORK = "work"            # tasks, notes, signals, stakeholders, the plan
    LEAD = "lead"            # roles, tier, money, renewal, name, binding, archive
    ADMIN = "admin"          # account delete; person remove outside an account's channel
    PORTFOLIO = "portfolio"  # every account at once: admins and the management channel


class Standing(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    TEAM = "team"
    MEMBER = "member"
    NONE = "none"


_EVERYONE = frozenset(Standing)
_TEAM = frozenset({Standing.ADMIN, Standing.LEAD, Standing.TEAM, Standing.MEMBER})

#: The authorisation table: which standings meet which need on an account.
ALLOWED: dict[Need, frozenset[Standing]] = {
    Need.ANYONE: _EVERYONE,
    Need.READ: _TEAM,
    Need.WORK: _TEAM,
    Need.LEAD: frozenset({Standing.ADMIN, Standing.LEAD}),
    Need.ADMIN: frozenset({Standing.ADMIN}),
    Need.PORTFOLIO: frozenset({Standing.ADMIN}),  # and anyone in the management channel
}

#: Bootstrap: an account that nobody leads yet (no AR and no sponsor) is led by its team
#: and channel members, or no one could ever set its triangle.
BOOTSTRAP: frozenset[Standing] = frozenset({Standing.TEAM, Standing.MEMBER})

LEAD_ROLES = (Role.AR.value, Role.SPONSOR.value)
TEAM_ROLES = (Role.SR.value, Role.FR.value)


@dataclass(frozen=True, slots=True)
class Rule:
    need: Need
    # Allowed on an archived account (reads are; changes are not, but for these).
    when_archived: bool = False
    # Names the action in a refusal ("account set", "triangle").
    action: str = ""


# --- the verb table ---------------------------------------------------------------------

# account <sub>: the sub-verbs after folding (commands.handlers.core_account.account_sub).
ACCOUNT_RULES: dict[str, Rule] = {
    "show": Rule(Need.READ, True),
    "new": Rule(Need.ANYONE),
    # The target account is checked by the handler (Need.LEAD on it).
    "link": Rule(Need.ANYONE),
    "set": Rule(Need.LEAD),
    "score": Rule(Need.LEAD),
    "archive": Rule(Need.LEAD),
    "unarchive": Rule(Need.LEAD, True),
    "delete": Rule(Need.ADMIN, True),
}
_STAKEHOLDER_READS = {"", "list", "列表", "chain", "决策链", "grid", "map", "矩阵", "地图", "图"}


def _account(args: Args) -> Rule:
    from commands.handlers.core_account import account_sub  # the handler folds its words

    sub = account_sub(args.words[0]) if args.words else "show"
    rule = ACCOUNT_RULES.get(sub, Rule(Need.READ, True))
    if sub == "set" and set(args.options) == {"lang"}:
        # The language of the channel is the team's choice, not the leads'.
        return Rule(Need.WORK, action="account set lang")
    return Rule(rule.need, rule.when_archived, f"account {sub}")


def _triangle(args: Args) -> Rule:
    return Rule(Need.LEAD) if (args.words or args.options) else Rule(Need.READ, True)


def _stakeholder(args: Args) -> Rule:
    sub = args.words[0].lower() if args.words else ""
    return Rule(Need.READ, True) if sub in _STAKEHOLDER_READS else Rule(Need.WORK)


def _plan(args: Args) -> Rule:
    # `plan`, `plan goals`, `plan history`, `plan goals previous` show; `plan goals <text>`
    # and `plan reviewed` change the plan.
    from commands.handlers.plan import plan_sub  # the handler folds its words

    return Rule(Need.WORK) if plan_sub(args.words) in ("write", "reviewed") \
        else Rule(Need.READ, True)


def _alert(args: Args) -> Rule:
    # `alert` (or `alert red:2026-11-24`) says where the alert stands; ack and snooze act.
    acting = [w for w in args.words if ":" not in w]
    return Rule(Need.WORK) if acting else Rule(Need.READ, True)


def _share(args: Args) -> Rule:
    # The customer page's links: any team member makes or revokes them; `share` shows.
    from commands.handlers.share import share_sub

    sub = share_sub(args.words[0]) if args.words else "show"
    return Rule(Need.READ, True) if sub == "show" else Rule(Need.WORK, action=f"share {sub}")


def _scoring(args: Args) -> Rule:
    # The weights are portfolio-wide: anyone may read them, only admins change them.
    return Rule(Need.ADMIN, True) if (args.words or args.options) else Rule(Need.ANYONE, True)


def _person(args: Args) -> Rule:
    return Rule(Need.LEAD)  # in an account's channel; outside one the handler asks ADMIN


VERBS: dict[str, Rule | Callable[[Args], Rule]] = {
    "help": Rule(Need.ANYONE, True),
    # One's own morning digest: it shows only accounts one may read (bot/reminders.py).
    "reminders": Rule(Need.ANYONE, True),
    "account": _account,
    "accounts": Rule(Need.PORTFOLIO, True),
    "scoring": _scoring,
    "pipeline": Rule(Need.PORTFOLIO, True),
    "renewals": Rule(Need.PORTFOLIO, True),
    "triangle": _triangle,
    "handover": Rule(Need.LEAD),
    "person": _person,
    "share": _share,
    "task": Rule(Need.WORK),
    "done": Rule(Need.WORK),
    "reopen": Rule(Need.WORK),
    "reassign": Rule(Need.WORK),
    "cancel": Rule(Need.WORK),
    "undo": Rule(Need.WORK),
    "note": Rule(Need.WORK),
    "signal": Rule(Need.WORK),
    "alert": _alert,
    "transcript": Rule(Need.WORK),
    "accept": Rule(Need.WORK),
    "stakeholder": _stakeholder,
    "plan": _plan,
    "opportunity": Rule(Need.WORK),
    "payment": Rule(Need.WORK),
    "playbook": Rule(Need.WORK),
    "open": Rule(Need.READ, True),
    "tasks": Rule(Need.READ, True),
    "notes": Rule(Need.READ, True),
    "health": Rule(Need.READ, True),
    "report": Rule(Need.READ, True),
    "ask": Rule(Need.READ, True),
    "summarize": Rule(Need.READ, True),
    "history": Rule(Need.READ, True),
    "stakeholders": Rule(Need.READ, True),
    "opportunities": Rule(Need.READ, True),
    "playbooks": Rule(Need.READ, True),
}


def rule_for(verb: str, args: Args, *, readonly: bool) -> Rule:
    """The rule of one request. A verb the table does not name reads if it is read-only
    and counts as work otherwise, so a new verb is never open to strangers."""
    entry = VERBS.get(verb)
    if entry is None:
        rule = Rule(Need.READ, True) if readonly else Rule(Need.WORK)
    else:
        rule = entry(args) if callable(entry) else entry
    return rule if rule.action else Rule(rule.need, rule.when_archived, verb)


# --- standing ---------------------------------------------------------------------------


def standing(session: Session, *, account: Account, person: Person, is_admin: bool,
             holders: dict[str, Person] | None = None) -> Standing:
    """What ``person`` is to ``account`` now."""
    if is_admin:
        return Standing.ADMIN
    if person.removed_at is not None or person.id is None or account.id is None:
        return Standing.NONE
    holders = holders if holders is not None else repos.current_holders(
        session, account_id=account.id)
    held = {role for role, p in holders.items() if p.id == person.id}
    if held & set(LEAD_ROLES):
        return Standing.LEAD
    if held & set(TEAM_ROLES):
        return Standing.TEAM
    if access_repo.is_member_of_account(session, account_id=account.id, person_id=person.id):
        return Standing.MEMBER
    return Standing.NONE


def allows(need: Need, standing_: Standing, *, led: bool) -> bool:
    """The table, with the bootstrap rule for an account nobody leads (``led`` False)."""
    if standing_ in ALLOWED[need]:
        return True
    return need is Need.LEAD and not led and standing_ in BOOTSTRAP


def may_read(session: Session, *, account: Account, person: Person, is_admin: bool) -> bool:
    return standing(session, account=account, person=person, is_admin=is_admin) in ALLOWED[
        Need.READ]


def readable_accounts(session: Session, *, person: Person, is_admin: bool,
                      include_archived: bool = True) -> list[Account]:
    """Every account the person may read, by name: what a direct message, the Home tab and
    reminders may show them."""
    if is_admin:
        return list(repos.all_accounts(session, include_archived=include_archived))
    if person.id is None or person.removed_at is not None:
        return []
    ids = access_repo.readable_account_ids(session, person_id=person.id)
    return access_repo.accounts_by_ids(session, ids=ids, include_archived=include_archived)


# --- the check --------------------------------------------------------------------------


def check(ctx: Context, rule: Rule) -> None:
    """Refuse (CommandError, a clear message saying who may) unless the request may go on.

    With no account bound here, only PORTFOLIO and ADMIN are decided now; handlers that
    act on an account named in the text (account link, account delete, person remove,
    ask in a direct message) check it with :func:`require`.
    """
    if rule.need is Need.ANYONE:
        return
    if rule.need is Need.PORTFOLIO:
        if not (ctx.is_admin or ctx.is_management):
            raise CommandError("error.admin_only", verb=rule.action.split()[0])
        return
    if ctx.account is None:
        if rule.need is Need.ADMIN and not ctx.is_admin:
            raise CommandError("authz.denied_admin", action=rule.action)
        return
    require(ctx, rule.need, ctx.account, action=rule.action, when_archived=rule.when_archived)


def require(ctx: Context, need: Need, account: Account, *, action: str,
            when_archived: bool = False) -> None:
    """Refuse unless the person may meet ``need`` on ``account``."""
    assert account.id is not None
    holders = repos.current_holders(ctx.session, account_id=account.id)
    mine = standing(ctx.session, account=account, person=ctx.person, is_admin=ctx.is_admin,
                    holders=holders)
    led = any(role in holders for role in LEAD_ROLES)
    if not allows(need, mine, led=led):
        raise denial(ctx, need, account, action=action, standing_=mine, holders=holders)
    if account.archived_at is not None and need is not Need.READ and not when_archived:
        raise CommandError("authz.archived", account=account.name)


def denial(ctx: Context, need: Need, account: Account, *, action: str, standing_: Standing,
           holders: dict[str, Person]) -> CommandError:
    """The refusal: who may do it instead. People who may not read the account are not
    told its name or its team."""
    from commands.format import person_name

    if ctx.person.removed_at is not None and standing_ is Standing.NONE:
        return CommandError("authz.removed")
    if standing_ not in ALLOWED[Need.READ]:
        return CommandError("authz.denied_team")
    if need is Need.ADMIN:
        return CommandError("authz.denied_admin", action=action)
    vacant = ctx.t("authz.vacant")
    ar = holders.get(Role.AR.value)
    sponsor = holders.get(Role.SPONSOR.value)
    return CommandError("authz.denied_lead", account=account.name, action=action,
                        ar=person_name(ar) if ar else vacant,
                        sponsor=person_name(sponsor) if sponsor else vacant)
