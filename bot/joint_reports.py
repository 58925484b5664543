"""The monthly joint report in channels shared with the customer.

A channel shared with the customer (ChannelBinding.shared) gets no internal report: the
report job leaves it out (storage.repos.all_bindings). It gets the joint report instead,
written to the customer (both sides' actions on the joint plan, done, started and next; no
internal words, no file meant for the team), in the channel's language, claimed in the
ledger as ``report.joint`` for (account, month, channel) so it is posted once. The
internal channels keep the joint version as a file in their report's thread.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import Outgoing
from bot.posting import Outcome, Poster, Result, deliver
from commands import reports
from commands.i18n import language_of
from commands.reports import Month
from storage import ledger, repos

if TYPE_CHECKING:
    from bot.app import Core
    from bot.jobs import RunSummary

log = logging.getLogger(__name__)

JOINT = "report.joint"


def post_joint_reports(core: Core, *, month: Month, poster: Poster, summary: RunSummary,
                       dry_run: bool = False, bound_before: datetime | None = None,
                       chart: bool = True,
                       done: dict[tuple[str, int, str], ledger.State] | None = None) -> None:
    """Post ``month``'s joint report to every shared channel that has not had it.

    ``done``: the month's deliveries as the run read them (storage.ledger.states); read
    here in one query when not given."""
    llm = core.services.get("llm")
    now = core.clock.now()
    with core.sessions.begin() as session:
        shared = [b for b in repos.all_bindings(session, include_shared=True) if b.shared
                  and (bound_before is None or b.created_at <= bound_before)]
        accounts = {a.id: a for a in repos.all_accounts(session, include_archived=False)}
        if done is None and shared:
            done = ledger.states(session, kinds=(JOINT,), key=month.key)
    for binding in shared:
        account = accounts.get(binding.account_id)
        if account is None:
            continue
        where = f"{account.name} @ {binding.platform}:{binding.channel}"
        state = (done or {}).get((JOINT, binding.account_id, binding.channel))
        if state is not None and state.posted:
            summary.counts[Outcome.SKIPPED.value] += 1  # posted by an earlier run
            continue
        try:
            lang = language_of(binding, account, core.settings.KAMBOT_LANGUAGE)
            with core.sessions.begin() as session:
                facts = reports.gather_month(session, account=account, month=month,
                                             tz=core.clock.tz, now=now)
            reply = reports.compose_shared(
                facts, lang, chart=chart, for_customer=True,
                narrative=reports.narrative(facts, lang, llm, shared=True))
            result = deliver(sessions=core.sessions, senders=core.senders, poster=poster,
                             clock=core.clock, kind=JOINT, account_id=binding.account_id,
                             key=month.key, dry_run=dry_run,
                             out=Outgoing(platform=binding.platform, workspace=binding.workspace,
                                          channel=binding.channel, reply=reply))
        except Exception as exc:  # one account's bad data must not stop the others
            log.exception("joint report of account %s for %s failed", account.id, month.key)
            result, reply = Result(Outcome.FAILED, error=f"{type(exc).__name__}: {exc}"), None
        summary.note(JOINT, where, result, reply)
