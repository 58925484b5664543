"""The world the entry-point probes run in: two accounts with canaries in their records,
their teams, a channel member, a stranger, an admin and a management channel.

Acme Corp (channel A) is the account under attack: every piece of it carries an A
canary, so a reply that shows any of it is caught. Umbra Foods (channel B) is another
team's account. Setup goes through the dispatcher; the probes go through the platforms.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, select

from bot.app import Core
from bot.messages import Incoming, User
from storage import repos
from storage.models import (
    Account,
    ChannelBinding,
    PlanSection,
    RoleAssignment,
    Signal,
    Stakeholder,
    Task,
)

ACME, UMBRA = "Acme Corp", "Umbra Foods"
# What only Acme's readers may see: a task, a note, a stakeholder, a plan section.
A_CANARIES = ("QUOTECANARY", "NOTECANARY", "STAKECANARY", "PLANCANARY")
B_CANARY = "UMBRACANARY"
_keys = itertools.count(1)


@dataclass(frozen=True)
class Who:
    """A person on a platform, and the channel they speak in."""

    user: str
    name: str
    channel: str
    direct: bool = False


def incoming(platform: str, workspace: str, who: Who, text: str,
             mentions: dict[str, User]) -> Incoming:
    return Incoming(platform=platform, workspace=workspace, channel=who.channel,
                    user=User(who.user, who.name, who.name), text=text,
                    key=f"seed-{next(_keys)}", mentions=mentions, is_direct=who.direct)


def seed(core: Core, say: Callable[[Who, str], object], *, a: dict[str, Who],
         b: Who, mention: Callable[[str], str]) -> None:
    """Acme Corp with its team and canaries in channel A; Umbra Foods in channel B."""
    ar = a["ar"]
    for line in (f'account new "{ACME}" tier=core',
                 f"triangle AR={mention('ar')} SR={mention('sr')} FR={mention('fr')} "
                 f"sponsor={mention('sponsor')}",
                 f'task "{A_CANARIES[0]} revised quote" owner=SR',
                 f"note {A_CANARIES[1]} pricing talk with the CIO",
                 f'stakeholder add "{A_CANARIES[2]} Li" title=CIO power=5',
                 f"plan goals {A_CANARIES[3]} grow the platform",
                 f'task "Member task" owner={mention("member")} due=2026-11-24'):
        say(ar, line)
    say(a["member"], "open")  # the member has been seen in the channel
    for line in (f'account new "{UMBRA}"', f"triangle AR={mention('b')}",
                 f'task "{B_CANARY} tasting" owner=AR'):
        say(b, line)


def fingerprint(core: Core, name: str = ACME) -> str:
    """Everything a write to the account could change, as one comparable string."""
    with core.sessions() as s:
        account = s.exec(select(Account).where(Account.name_key == repos.name_key(name))).first()
        if account is None:
            return "gone"
        aid = account.id
        parts: list[object] = [account.model_dump(exclude={"task_seq", "note_seq"}, mode="json")]
        parts.append([(t.number, t.title, t.role, t.assignee_id, t.status, str(t.due_date),
                       t.shared) for t in s.exec(select(Task).where(Task.account_id == aid)
                                                 .order_by(col(Task.number)))])
        parts.append([n.text for n in repos.notes_of(s, account_id=aid)])
        parts.append(sorted((x.name, x.title or "") for x in s.exec(
            select(Stakeholder).where(Stakeholder.account_id == aid))))
        parts.append(sorted((p.section, p.text) for p in s.exec(
            select(PlanSection).where(PlanSection.account_id == aid))))
        parts.append(sorted((r.role, r.person_id, r.ended_at is None) for r in s.exec(
            select(RoleAssignment).where(RoleAssignment.account_id == aid))))
        parts.append(sorted((b.platform, b.channel, b.archived) for b in s.exec(
            select(ChannelBinding).where(ChannelBinding.account_id == aid))))
        parts.append(len(s.exec(select(Signal).where(Signal.account_id == aid)).all()))
    return json.dumps(parts, default=str, sort_keys=True)


def shows_a(text: str) -> list[str]:
    """The A canaries in ``text``."""
    low = text.lower()
    return [c for c in A_CANARIES if c.lower() in low]


# The typed verbs probed, by what they need (commands/authz.py, SECURITY.md). Order
# matters: state-changing probes come in pairs that undo each other where they can, and
# deletion comes last.
READ = ["help", "account", "open", "tasks all", "health", "report", "triangle", "stakeholder",
        "plan", "summarize 1", "ask what is open?"]
WORK = ['task "Probe task"', "done 1", "reopen 1", "reassign 1 owner=FR", "note Probe note",
        "signal nps=30", 'stakeholder add "Probe Person"', "plan challenges Probe challenge",
        "account set lang=en"]
LEAD = ["account set revenue=5M", "account score value=4 potential=4 fit=4 cost=2",
        "triangle FR={fr}", "handover SR {sr}", "account set tier=core", "person remove {zed}",
        "account archive", "account unarchive"]
PORTFOLIO = ["accounts"]
ADMIN = [f'account delete "{ACME}"']
VERBS: list[tuple[str, str]] = ([("read", v) for v in READ] + [("work", v) for v in WORK]
                                + [("lead", v) for v in LEAD] + [("portfolio", v) for v in PORTFOLIO]
                                + [("admin", v) for v in ADMIN])

#: Who may do what on Acme Corp, written out by hand (the table of SECURITY.md): the
#: standing of each origin in channel A and the groups of verbs it may run.
MAY: dict[str, set[str]] = {
    "ar": {"read", "work", "lead"},
    "sr": {"read", "work"},
    "member": {"read", "work"},
    "admin": {"read", "work", "lead", "portfolio", "admin"},
}
