"""What kambot does in a channel shared with the customer (Slack Connect, a Telegram group
with their people): it answers there only what the customer may read.

Only the verbs in :data:`PUBLIC_VERBS` answer in the channel, and their handlers show the
joint plan there (actions shared with the customer and the customer's own; see
:func:`joint`). Every other verb is the team's: a team member gets the answer privately
(Slack: an ephemeral message; Telegram: a direct message), and anyone else is refused with
a message that names no internal fact. The dispatcher asks :func:`answers_in_channel`
before anything runs and :func:`finish` on the way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlmodel import Session

from bot.messages import Button, Reply, Section, Tone, User
from commands import authz
from commands.i18n import Translator, language_of
from commands.registry import CommandError, Context
from storage import repos
from storage.models import Role, Task

# Customer-safe in a shared channel: their handlers show the joint plan only there.
PUBLIC_VERBS = frozenset({"help", "open", "tasks", "report"})

_TEAM = frozenset({authz.Standing.ADMIN, authz.Standing.LEAD, authz.Standing.TEAM,
                   authz.Standing.MEMBER})


def joint(tasks: Iterable[Task]) -> list[Task]:
    """The actions on the joint plan: shared with the customer, or the customer's own."""
    return [x for x in tasks if x.shared or x.role == Role.CUSTOMER.value]


def is_team(ctx: Context) -> bool:
    """On our side of this account: an admin, a holder of a role, or a member of one of
    its internal channels (membership of a shared channel counts for nothing)."""
    account = ctx.require_account()
    return authz.standing(ctx.session, account=account, person=ctx.person,
                          is_admin=ctx.is_admin) in _TEAM


def answers_in_channel(ctx: Context, verb: str) -> bool:
    """True when ``verb`` answers in the shared channel (customer-safe); False when it
    answers privately to a team member. Refuses anyone else."""
    if verb in PUBLIC_VERBS:
        return True
    if not is_team(ctx):
        raise CommandError("customer.internal_refused")
    return False


def finish(reply: Reply, *, public: bool) -> Reply:
    """The reply as it may leave in a shared channel: a team answer goes privately; a
    channel answer carries no buttons (they would act on internal verbs)."""
    if not public:
        return replace(reply, private=True, confidential=True)
    sections = [replace(s, items=[replace(i, buttons=[]) for i in s.items]) for s in reply.sections]
    return replace(reply, sections=sections, buttons=[])


def newcomers_hint(session: Session, *, platform: str, workspace: str, channel: str,
                   joined: Sequence[User], default_lang: str) -> Reply | None:
    """People who hold no role on the account joined one of its internal channels: they may
    be the customer's. Ask the team to confirm the channel is shared (a button that runs
    ``account link "<name>" shared``, which the AR or sponsor may press); None when
    there is nothing to ask."""
    binding = repos.binding_for(session, platform=platform, workspace=workspace,
                                channel=channel)
    if binding is None or binding.archived or binding.shared:
        return None
    account = repos.account_by_id(session, account_id=binding.account_id)
    if account is None or account.id is None:
        return None
    holders = {p.user_id for p in repos.current_holders(session, account_id=account.id).values()
               if p.platform == platform}
    new = [u for u in joined if u.id not in holders]
    if not new:
        return None
    t = Translator(language_of(binding, account, default_lang))
    names = ", ".join(u.name or u.username or u.id for u in new)
    command = f'account link "{account.name}" shared'
    return Reply(title=t("customer.newcomers", names=names),
                 sections=[Section(text=t("customer.newcomers_ask", command=command))],
                 buttons=[Button(t("customer.make_shared"), command)], tone=Tone.WARNING)
