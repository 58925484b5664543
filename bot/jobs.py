"""The monthly report job: every bound channel gets its account's report, management gets
the portfolio digest, each exactly once.

For each (account, channel) three deliveries are claimed in the ledger under the month's
key: ``report`` (the parent message), ``report.thread`` (the team's report with its chart,
in the parent's thread) and ``report.shared`` (the customer version with its Markdown file,
in the same thread). The digest is ``digest`` for account 0 in KAMBOT_MANAGEMENT_CHANNEL.
A run skips what the ledger says is done, so a second run, a restart or a second replica
posts nothing twice; what failed is taken again by the next run (the hourly retry job), up
to MAX_ATTEMPTS times.

Accounts are handled in chunks, and each chunk posts all its parents, then all threads,
then all shared versions: the Poster paces per channel, so interleaving channels keeps the
run from waiting a second between a parent and its own thread reply.

KAMBOT_MANAGEMENT_CHANNEL is ``platform:channel`` (``slack:C0123``, ``telegram:-100123``)
or a bare channel id; a bare id goes to the only chat platform this process runs, else to
Telegram when it is a number, else to Slack (the alerts read it the same way).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from bot import posting
from bot.joint_reports import post_joint_reports
from bot.messages import Outgoing, Reply
from bot.outbox import RecordingSender
from bot.posting import Outcome, Poster, Result, deliver
from commands import reports
from commands.i18n import language_of, t
from commands.reports import AccountMonth, Month
from storage import ledger, repos
from storage import report_repo as rr
from storage.models import Account, ChannelBinding

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

PARENT, THREAD, SHARED, DIGEST = "report", "report.thread", "report.shared", "digest"
REPORT_KINDS = (PARENT, THREAD, SHARED)
PORTFOLIO = 0  # the ledger's account id for the portfolio digest
MAX_ATTEMPTS = 5
CHUNK = 25


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

    def note(self, kind: str, where: str, result: Result, reply: Reply | None = None) -> None:
        self.counts[result.outcome.value] += 1
        label = "would post" if self.dry_run and result.outcome is Outcome.POSTED \
            else result.outcome.value
        self.lines.append(f"{label:10} {kind:13} {where}"
                          + (f"  ({result.error})" if result.error else ""))
        if result.outcome is Outcome.FAILED:
            self.errors.append(f"{kind} {where}: {result.error}")
        if self.dry_run and reply is not None and result.outcome is Outcome.POSTED:
            self.previews.append((f"{kind} {where}", reply.plain_text()))

    @property
    def posted(self) -> int:
        return self.counts[Outcome.POSTED.value]

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED.value]


@dataclass
class _Target:
    """One account's report in one channel, through the phases of a chunk."""

    facts: AccountMonth
    binding: ChannelBinding
    lang: str
    parent: Reply
    thread: Reply
    shared: Reply
    ref: str | None = None
    go_on: bool = True

    @property
    def where(self) -> str:
        b = self.binding
        return f"{self.facts.account_name} @ {b.platform}:{b.channel}"

    def out(self, reply: Reply, thread: str | None = None) -> Outgoing:
        b = self.binding
        return Outgoing(platform=b.platform, workspace=b.workspace, channel=b.channel,
                        reply=reply, thread=thread)


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
        settled = rr.settled_deliveries(session, kinds=(*REPORT_KINDS, DIGEST), key=month.key,
                                        max_attempts=MAX_ATTEMPTS)
        accounts = list(repos.all_accounts(session))
        all_bindings = list(repos.all_bindings(session))
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
    digest_due = mgmt is not None and (DIGEST, PORTFOLIO, mgmt[2]) not in settled
    summary.accounts = len(accounts)

    def pending(account: Account, b: ChannelBinding) -> bool:
        if core.senders.get(b.platform) is None:
            return False
        return any((kind, account.id, b.channel) not in settled for kind in REPORT_KINDS)

    everything: list[AccountMonth] = []
    for start in range(0, len(accounts), CHUNK):
        targets: list[_Target] = []
        for account in accounts[start:start + CHUNK]:
            assert account.id is not None
            todo = [b for b in by_account.get(account.id, []) if pending(account, b)]
            for b in by_account.get(account.id, []):
                if core.senders.get(b.platform) is None:
                    summary.note(PARENT, f"{account.name} @ {b.platform}:{b.channel}",
                                 Result(Outcome.NO_SENDER, error=f"no sender for {b.platform}"))
                elif b not in todo:  # done in an earlier run: no need to compose it again
                    summary.counts[Outcome.SKIPPED.value] += len(REPORT_KINDS)
            if not todo and not digest_due:
                continue
            try:
                with core.sessions.begin() as session:
                    facts = reports.gather_month(session, account=account, month=month, tz=tz,
                                                 now=now)
                everything.append(facts)
                composed: dict[str, tuple[Reply, Reply, Reply]] = {}
                for b in todo:
                    lang = language_of(b, account, core.settings.KAMBOT_LANGUAGE)
                    if lang not in composed:
                        composed[lang] = (
                            reports.compose_parent(facts, lang),
                            reports.compose_report(
                                facts, lang, chart=chart,
                                narrative=reports.narrative(facts, lang, llm)),
                            reports.compose_shared(
                                facts, lang, chart=chart,
                                narrative=reports.narrative(facts, lang, llm, shared=True)),
                        )
                    targets.append(_Target(facts, b, lang, *composed[lang]))
            except Exception as exc:  # one account's bad data must not stop the others
                log.exception("report of account %s for %s failed", account.id, month.key)
                summary.counts[Outcome.FAILED.value] += 1
                summary.errors.append(f"compose {account.name}: {type(exc).__name__}: {exc}")
        _post_chunk(core, targets, month=month, poster=poster, dry_run=dry_run, summary=summary)

    # Channels shared with the customer get the joint report, never the internal one.
    post_joint_reports(core, month=month, poster=poster, summary=summary, dry_run=dry_run,
                       bound_before=bound_before, chart=chart)
    if mgmt is not None and not digest_due:
        summary.counts[Outcome.SKIPPED.value] += 1
    if mgmt is not None and digest_due:
        platform, workspace, channel = mgmt
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
            summary.counts[Outcome.FAILED.value] += 1
            summary.errors.append(f"digest: {type(exc).__name__}: {exc}")
    return summary


def _post_chunk(core: Core, targets: list[_Target], *, month: Month, poster: Poster,
                dry_run: bool, summary: RunSummary) -> None:
    def send(target: _Target, kind: str, reply: Reply, thread: str | None) -> Result:
        try:
            result = deliver(sessions=core.sessions, senders=core.senders, poster=poster,
                             clock=core.clock, kind=kind, account_id=target.facts.account_id,
                             key=month.key, out=target.out(reply, thread), dry_run=dry_run)
        except Exception as exc:  # a database hiccup on one account: go on with the rest
            log.exception("delivery %s %s failed", kind, target.where)
            result = Result(Outcome.FAILED, error=f"{type(exc).__name__}: {exc}")
        summary.note(kind, target.where, result, reply)
        return result

    for target in targets:
        result = send(target, PARENT, target.parent, None)
        if result.outcome is Outcome.POSTED and result.sent is not None:
            target.ref = result.sent.ref
        elif result.outcome is Outcome.SKIPPED and not dry_run:
            # Posted by an earlier run: its thread is the one to continue. A claim still
            # held by another run means that run is posting this report right now.
            with core.sessions.begin() as session:
                row = ledger.find(session, kind=PARENT, account_id=target.facts.account_id,
                                  key=month.key, channel=target.binding.channel)
                target.ref = row.message_ref if row and row.status == "posted" else None
            target.go_on = target.ref is not None
        else:
            target.go_on = dry_run and result.outcome is not Outcome.FAILED
    for kind, attr in ((THREAD, "thread"), (SHARED, "shared")):
        for target in targets:
            if target.go_on:
                result = send(target, kind, getattr(target, attr), target.ref)
                if kind == THREAD and result.outcome is Outcome.FAILED:
                    target.go_on = False  # keep the order: the shared version after the report


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
