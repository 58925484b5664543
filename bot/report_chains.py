"""The posts of one account's monthly report in one channel, as a chain (bot.paced.Chain):
the parent message, then the team's report and the shared version in its thread, each
claimed in the ledger before it is posted (bot.posting.deliver). bot/jobs.py runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Reply
from bot.posting import Outcome, Poster, Result, deliver
from commands.reports import AccountMonth, Month
from storage import ledger
from storage.models import ChannelBinding

if TYPE_CHECKING:
    from bot.app import Core
    from bot.jobs import RunSummary

log = logging.getLogger(__name__)

PARENT, THREAD, SHARED = "report", "report.thread", "report.shared"
REPORT_KINDS = (PARENT, THREAD, SHARED)
__all__ = ["PARENT", "REPORT_KINDS", "SHARED", "THREAD", "ReportChain", "ReportPosting", "Target"]


@dataclass
class Target:
    """One account's report in one channel: the posts still to make, in order."""

    facts: AccountMonth
    binding: ChannelBinding
    lang: str
    parent: Reply
    thread: Reply
    shared: Reply
    steps: list[str] = field(default_factory=lambda: list(REPORT_KINDS))
    ref: str | None = None  # the parent message, which the others reply to

    @property
    def where(self) -> str:
        b = self.binding
        return f"{self.facts.account_name} @ {b.platform}:{b.channel}"

    def out(self, reply: Reply, thread: str | None = None) -> Outgoing:
        b = self.binding
        return Outgoing(platform=b.platform, workspace=b.workspace, channel=b.channel,
                        reply=reply, thread=thread)


@dataclass
class ReportPosting:
    """What a chain needs to post a delivery and note how it went."""

    core: Core
    month: Month
    poster: Poster
    dry_run: bool
    summary: RunSummary

    def send(self, target: Target, kind: str, reply: Reply, thread: str | None) -> Result:
        core = self.core
        try:
            result = deliver(sessions=core.sessions, senders=core.senders, poster=self.poster,
                             clock=core.clock, kind=kind, account_id=target.facts.account_id,
                             key=self.month.key, out=target.out(reply, thread),
                             dry_run=self.dry_run)
        except Exception as exc:  # a database hiccup on one account: go on with the rest
            log.exception("delivery %s %s failed", kind, target.where)
            result = Result(Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
        self.summary.note(kind, target.where, result, reply)
        return result

    def posted_parent(self, target: Target) -> str | None:
        """The parent message another run posted (None while it is still at it)."""
        with self.core.sessions.begin() as session:
            row = ledger.find(session, kind=PARENT, account_id=target.facts.account_id,
                              key=self.month.key, channel=target.binding.channel)
            return row.message_ref if row and row.status == "posted" else None


class ReportChain:
    """One target's posts, in order: the parent, then the team's report and the shared
    version in its thread (bot.paced.Chain)."""

    def __init__(self, posting: ReportPosting, target: Target, done: Callable[[], None]) -> None:
        self.posting = posting
        self.target = target
        self.platform = target.binding.platform
        self.channel = target.binding.channel
        self._done = done

    def step(self) -> bool:
        target, posting = self.target, self.posting
        kind = target.steps.pop(0)
        if kind == PARENT:
            result = posting.send(target, PARENT, target.parent, None)
            if result.outcome is Outcome.POSTED and result.sent is not None:
                target.ref = result.sent.ref
            elif result.outcome is Outcome.SKIPPED and not posting.dry_run:
                # Posted by an earlier run: its thread is the one to continue. A claim still
                # held by another run means that run is posting this report right now.
                target.ref = posting.posted_parent(target)
                if target.ref is None:
                    return False
            elif posting.dry_run and result.outcome is not Outcome.FAILED:
                pass
            else:
                return False
        else:
            result = posting.send(target, kind, getattr(target, kind.split(".")[1]),
                                  target.ref)
            if kind == THREAD and result.outcome is Outcome.FAILED:
                return False  # keep the order: the shared version after the report
        return bool(target.steps)

    def done(self) -> None:
        self._done()


