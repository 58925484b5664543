"""The monthly report job: every bound channel gets its account's report, management gets
the portfolio digest, each exactly once.

For each (account, channel) three deliveries are claimed in the ledger under the month's
key: ``report`` (the parent message), ``report.thread`` (the team's report with its chart,
in the parent's thread) and ``report.shared`` (the customer version with its Markdown file,
in the same thread). The digest is ``digest`` for account 0 in KAMBOT_MANAGEMENT_CHANNEL.
A run skips what the ledger says is done, so a second run, a restart or a second replica
posts nothing twice; what failed is taken again by the next run (the hourly retry job), up
to MAX_ATTEMPTS times.

The run is a small pipeline. What is done is read from the ledger in one query (a run
that resumes composes and claims only what is left). A few threads gather and compose the
accounts' reports, charts included, ahead of posting (at most AHEAD accounts ahead); each
channel's three posts form a chain that bot.paced.PacedRunner's threads post when that
channel is next free (the Poster's pace, one message a second per channel), so a thousand
channels post side by side and none faster than its pace. Every post is still claimed in
the ledger first (bot.posting.deliver).

KAMBOT_MANAGEMENT_CHANNEL is ``platform:channel`` (``slack:C0123``, ``telegram:-100123``)
or a bare channel id; a bare id goes to the only chat platform this process runs, else to
Telegram when it is a number, else to Slack (the alerts read it the same way).
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.pool import StaticPool

from bot import posting
from bot.joint_reports import JOINT, post_joint_reports
from bot.messages import Outgoing, Reply
from bot.outbox import RecordingSender
from bot.paced import PacedRunner
from bot.posting import Outcome, Poster, Result, deliver
from bot.report_chains import (
    PARENT,
    REPORT_KINDS,
    ReportChain,
    ReportPosting,
    Target,
)
from commands import reports
from commands.i18n import language_of, t
from commands.reports import AccountMonth, Month
from storage import ledger, repos
from storage.models import Account, ChannelBinding, DeliveryStatus

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

DIGEST = "digest"
PORTFOLIO = 0  # the ledger's account id for the portfolio digest
MAX_ATTEMPTS = 5
RENDERERS = 2  # threads gathering and composing reports (charts too) ahead of posting
POSTERS = 8  # threads posting (each waits on the network, never on a channel's pace)
AHEAD = 150  # accounts composed but not yet posted, at most (their charts are in memory)


@dataclass
class RunSummary:
    """What a run did; ``lines`` is what the CLI prints, one per delivery looked at."""

    month: str
    dry_run: bool = False
    accounts: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    previews: list[tuple[str, str]] = field(default_factory=list)
    # Posting threads note their results side by side.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def note(self, kind: str, where: str, result: Result, reply: Reply | None = None) -> None:
        label = "would post" if self.dry_run and result.outcome is Outcome.POSTED \
            else result.outcome.value
        with self._lock:
            self.counts[result.outcome.value] += 1
            self.lines.append(f"{label:10} {kind:13} {where}"
                              + (f"  ({result.error})" if result.error else ""))
            if result.outcome is Outcome.FAILED:
                self.errors.append(f"{kind} {where}: {result.error}")
            if self.dry_run and reply is not None and result.outcome is Outcome.POSTED:
                self.previews.append((f"{kind} {where}", reply.plain_text()))

    def add(self, outcome: Outcome, count: int = 1, error: str | None = None) -> None:
        with self._lock:
            self.counts[outcome.value] += count
            if error is not None:
                self.errors.append(error)

    @property
    def posted(self) -> int:
        return self.counts[Outcome.POSTED.value]

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED.value]


def management_target(
    core: Core, bindings: Sequence[ChannelBinding]
) -> tuple[str, str, str] | None:
    """(platform, workspace, channel) of KAMBOT_MANAGEMENT_CHANNEL, read as the alerts read
    it (bot.alerts.management_target); the workspace is that of a channel on the platform."""
    from bot.alerts import management_target as parse

    target = parse(core.settings.KAMBOT_MANAGEMENT_CHANNEL, core.senders.platforms())
    if target is None:
        return None
    platform, channel = target
    workspace = next((b.workspace for b in bindings if b.platform == platform), "")
    return platform, workspace, channel


def shared_poster(core: Core) -> Poster:
    """The process's one Poster (see :func:`bot.posting.shared_poster`)."""
    return posting.shared_poster(core.services)


def run_monthly_reports(
    core: Core,
    *,
    month: Month,
    dry_run: bool = False,
    poster: Poster | None = None,
    bound_before: datetime | None = None,
    chart: bool = True,
) -> RunSummary:
    """Post ``month``'s reports to every bound channel and the digest to management.

    ``bound_before`` leaves out channels bound after that moment (a catch-up posts only to
    channels that were there when the report was due). Safe to run any number of times.
    """
    poster = poster or shared_poster(core)
    tz = core.clock.tz
    llm = core.services.get("llm")
    now = core.clock.now()
    summary = RunSummary(month=month.key, dry_run=dry_run)
    with core.sessions.begin() as session:
        # What is done, in one query (not a claim per delivery to find it done).
        done = ledger.states(session, kinds=(*REPORT_KINDS, DIGEST, JOINT), key=month.key)
        accounts = list(repos.all_accounts(session))
        all_bindings = list(repos.all_bindings(session))

    def settled(kind: str, account_id: int, channel: str) -> bool:
        """Posted, or failed MAX_ATTEMPTS times (a channel that is gone is not retried
        forever)."""
        state = done.get((kind, account_id, channel))
        return state is not None and (state.posted or (
            state.status == DeliveryStatus.FAILED.value and state.attempts >= MAX_ATTEMPTS))

    by_account: dict[int, list[ChannelBinding]] = defaultdict(list)
    for b in all_bindings:
        if bound_before is None or b.created_at <= bound_before:
            by_account[b.account_id].append(b)
    mgmt = management_target(core, all_bindings)
    if mgmt is not None and core.senders.get(mgmt[0]) is None:
        # Said once per run, and no account is read for a digest nobody can post.
        summary.note(DIGEST, f"{mgmt[0]}:{mgmt[2]}",
                     Result(Outcome.NO_SENDER, error=f"no sender for {mgmt[0]}"))
        mgmt = None
    digest_due = mgmt is not None and not settled(DIGEST, PORTFOLIO, mgmt[2])
    summary.accounts = len(accounts)

    def steps(account_id: int, b: ChannelBinding) -> tuple[list[str], str | None]:
        """The kinds still to post in ``b`` and the parent message they reply to; none when
        the parent went out but its id is unknown (nothing to reply to)."""
        left = [kind for kind in REPORT_KINDS if not settled(kind, account_id, b.channel)]
        if not left or left[0] == PARENT:
            return left, None
        parent = done.get((PARENT, account_id, b.channel))
        ref = parent.message_ref if parent is not None and parent.posted else None
        return (left, ref) if ref is not None else ([], None)

    # One connection shared by every thread (SQLite in memory): all in this thread, in turn.
    serial = isinstance(core.engine.pool, StaticPool)
    window = threading.BoundedSemaphore(len(accounts) + 1 if serial else AHEAD)
    facts_of: dict[int, AccountMonth] = {}
    posting = ReportPosting(core, month=month, poster=poster, dry_run=dry_run, summary=summary)
    runner = PacedRunner(poster, workers=0 if serial else 1 if dry_run else POSTERS)

    def prepare(index: int, account: Account, todo: list[tuple[ChannelBinding, list[str],
                                                              str | None]]) -> None:
        """Gather and compose (charts too) in a renderer thread; hand the chains over."""
        targets: list[Target] = []
        try:
            with core.sessions.begin() as session:
                facts = reports.gather_month(session, account=account, month=month, tz=tz,
                                             now=now)
            facts_of[index] = facts
            composed: dict[str, tuple[Reply, Reply, Reply]] = {}
            for b, left, ref in todo:
                lang = language_of(b, account, core.settings.KAMBOT_LANGUAGE)
                if lang not in composed:
                    composed[lang] = (
                        reports.compose_parent(facts, lang),
                        reports.compose_report(facts, lang, chart=chart,
                                               narrative=reports.narrative(facts, lang, llm)),
                        reports.compose_shared(
                            facts, lang, chart=chart,
                            narrative=reports.narrative(facts, lang, llm, shared=True)),
                    )
                targets.append(Target(facts, b, lang, *composed[lang], steps=left, ref=ref))
        except Exception as exc:  # one account's bad data must not stop the others
            log.exception("report of account %s for %s failed", account.id, month.key)
            summary.add(Outcome.FAILED,
                        error=f"compose {account.name}: {type(exc).__name__}: {exc}")
            targets = []
        if not targets:
            window.release()
            return
        remaining = [len(targets)]
        lock = threading.Lock()

        def finished() -> None:
            with lock:
                remaining[0] -= 1
                last = remaining[0] == 0
            if last:
                window.release()

        for target in targets:
            runner.add(ReportChain(posting, target, finished))

    try:
        with ThreadPoolExecutor(1 if serial else RENDERERS,
                                thread_name_prefix="kambot-report") as pool:
            for index, account in enumerate(accounts):
                assert account.id is not None
                todo = []
                for b in by_account.get(account.id, []):
                    if core.senders.get(b.platform) is None:
                        summary.note(PARENT, f"{account.name} @ {b.platform}:{b.channel}",
                                     Result(Outcome.NO_SENDER,
                                            error=f"no sender for {b.platform}"))
                        continue
                    left, ref = steps(account.id, b)
                    # Done in an earlier run: no need to compose it again.
                    summary.add(Outcome.SKIPPED, len(REPORT_KINDS) - len(left))
                    if left:
                        todo.append((b, left, ref))
                if not todo and not digest_due:
                    continue
                window.acquire()
                # In this thread's context (a claimant set by claiming()), which the
                # chains carry on to the posting threads.
                pool.submit(contextvars.copy_context().run, prepare, index, account, todo)
    finally:
        runner.close()

    # Channels shared with the customer get the joint report, never the internal one.
    post_joint_reports(core, month=month, poster=poster, summary=summary, dry_run=dry_run,
                       bound_before=bound_before, chart=chart, done=done)
    if mgmt is not None and not digest_due:
        summary.add(Outcome.SKIPPED)
    if mgmt is not None and digest_due:
        platform, workspace, channel = mgmt
        everything = [facts_of[i] for i in sorted(facts_of)]
        try:
            lang = core.settings.KAMBOT_LANGUAGE
            reply = reports.compose_digest(everything, month, lang, chart=chart)
            result = deliver(sessions=core.sessions, senders=core.senders, poster=poster,
                             clock=core.clock, kind=DIGEST, account_id=PORTFOLIO, key=month.key,
                             out=Outgoing(platform=platform, workspace=workspace,
                                          channel=channel, reply=reply),
                             dry_run=dry_run)
            summary.note(DIGEST, f"{platform}:{channel}", result, reply)
        except Exception as exc:
            log.exception("portfolio digest for %s failed", month.key)
            summary.add(Outcome.FAILED, error=f"digest: {type(exc).__name__}: {exc}")
    return summary


def last_due(now: datetime) -> datetime:
    """The most recent scheduled moment (the 1st at 09:00, in ``now``'s zone) at or before now."""
    fire = now.replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    if fire > now:
        previous = Month.of(fire).shift(-1)
        fire = fire.replace(year=previous.year, month=previous.month)
    return fire


def due_month(now: datetime) -> tuple[Month, datetime]:
    """The month whose report is due at ``now`` and the moment it became due."""
    fire = last_due(now)
    return Month.of(fire).shift(-1), fire


def run_due_reports(core: Core, *, poster: Poster | None = None) -> RunSummary:
    """The scheduled job and the catch-up alike: post the report that is due now, to the
    channels that were bound when it fell due. Nothing to do is cheap (one ledger query)."""
    now = core.clock.now().astimezone(core.clock.tz)
    month, fire = due_month(now)
    # The 1st's job, the hourly retry and a catch-up may start together in this process:
    # one runs, the others return (the ledger would keep them from double posting anyway).
    running = core.services.setdefault("report_run_lock", threading.Lock())
    if not running.acquire(blocking=False):
        return RunSummary(month=month.key)
    try:
        summary = run_monthly_reports(core, month=month, poster=poster, bound_before=fire)
    finally:
        running.release()
    if summary.posted or summary.errors:
        log.info("monthly reports %s: %s posted, %s failed", month.key, summary.posted,
                 summary.failed)
    return summary


def digest_command(core: Core, *, month: str | None = None, dry_run: bool = False,
                   out: TextIO | None = None, poster: Poster | None = None) -> int:
    """``kambot digest [--month YYYY-MM] [--dry-run]``: the monthly job by hand.

    The default month is the one that just ended. A month that has not ended is refused
    (its ledger keys would stop the real report on the 1st), except as a dry run, which
    composes and prints everything and posts and claims nothing.
    """
    out = out if out is not None else sys.stdout
    lang = core.settings.KAMBOT_LANGUAGE
    now = core.clock.now().astimezone(core.clock.tz)
    current = Month.of(now)
    target = Month.parse(month) if month else current.shift(-1)
    if target is None:
        print(t(lang, "report.cli.bad_month", text=month), file=sys.stderr)
        return 2
    if target >= current and not dry_run:
        print(t(lang, "report.cli.not_over", month=target.key), file=sys.stderr)
        return 2
    if dry_run:
        for platform in ("slack", "telegram", "console"):
            if core.senders.get(platform) is None:
                core.senders.add(RecordingSender(platform=platform))
    elif not core.senders.platforms():  # the CLI registers the configured platforms' senders
        print(t(lang, "report.cli.no_senders"), file=sys.stderr)
        return 2
    summary = run_monthly_reports(core, month=target, dry_run=dry_run, poster=poster)
    for where, text in summary.previews:
        print(f"----- {where}\n{text}\n", file=out)
    for line in summary.lines:
        print(line, file=out)
    key = "report.cli.dry_summary" if dry_run else "report.cli.summary"
    print(t(lang, key, month=target.key, accounts=summary.accounts, posted=summary.posted,
            skipped=summary.counts[Outcome.SKIPPED.value], failed=summary.failed,
            no_sender=summary.counts[Outcome.NO_SENDER.value]), file=out)
    for error in summary.errors:
        print(error, file=sys.stderr)
    return 1 if summary.failed else 0
