"""The handover brief by direct message: after a handover (a role moving from one person to
another), the new holder gets the brief (commands/strategy/handover_brief.py) in a direct
message on Slack or Telegram. A dispatcher listener, like the health listener; each brief
is claimed in the delivery ledger (``handover-brief``, the handover's audit entry), so a
retried event or a second replica sends it once. The console has no direct messages: there
the channel reply carries the brief."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.health_posts import poster_for
from bot.messages import Outgoing
from bot.posting import Outcome, deliver
from bot.reminders import DM_PLATFORMS
from commands.i18n import Translator, normalize_language
from commands.strategy.handover_brief import brief_reply
from storage import repos, strategy_repo

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

KIND = "handover-brief"
#: How far back the listener looks for handovers not yet briefed.
LOOK_BACK = timedelta(minutes=10)


def on_account_changed(core: Core, account_id: int) -> int:
    """Send the brief of each recent handover on the account; returns how many went."""
    since = core.clock.now() - LOOK_BACK
    outs: list[tuple[str, Outgoing]] = []
    with core.sessions.begin() as session:
        account = repos.account_by_id(session, account_id=account_id)
        if account is None:
            return 0
        for entry in strategy_repo.role_changes_since(session, account_id=account_id,
                                                      since=since):
            d = entry.detail
            if not d.get("previous") or d.get("previous") == d.get("to"):
                continue  # a first assignment (setting up the team), not a handover
            person = repos.persons_by_ids(session, ids={int(d["to"])}).get(int(d["to"]))
            if person is None or person.platform not in DM_PLATFORMS:
                continue
            t = Translator(normalize_language(person.language or account.language
                                              or core.settings.KAMBOT_LANGUAGE))
            reply = brief_reply(session, t, core.clock.tz, account, str(d.get("role")), person)
            outs.append((f"role.assign:{entry.id}", Outgoing(
                platform=person.platform, workspace="", channel=person.user_id, reply=reply)))
    sent = 0
    for key, out in outs:
        result = deliver(sessions=core.sessions, senders=core.senders,
                         poster=poster_for(core, None), clock=core.clock, kind=KIND,
                         account_id=account_id, key=key, out=out)
        sent += int(result.outcome is Outcome.POSTED)
    return sent


def handover_listener(core: Core) -> Callable[[int], None]:
    """``core.dispatcher.add_listener(handover_listener(core))``."""
    def listen(account_id: int) -> None:
        on_account_changed(core, account_id)

    return listen
