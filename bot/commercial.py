"""The commercial spine's own work: playbooks that start on their own, and overdue payments.

- :func:`run_commercial_check` (daily job "daily-commercial", after the health check):
  for every account, start the playbooks whose renewal window the renewal entered
  (KAMBOT_RENEWAL_WINDOWS) and those waiting for the health colour it turned, announce
  each start in the account's channels, and tell the AR about each overdue payment.
- :func:`commercial_listener` (a dispatcher listener, after the health listener): the
  same for one account right after a write, so a renewal set inside a window or a colour
  that just turned starts its playbook at once.

Runs are made once by the database (unique account, playbook and trigger key); posts are
claimed in the delivery ledger: ``playbook`` per run, ``payment-overdue`` per payment and
due date, so nothing is posted twice however often this runs, on however many replicas.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.alerts import episode
from bot.messages import Item, Outgoing, Reply, Section, Tone
from bot.posting import Outcome, Poster, deliver, shared_poster
from commands.commercial_text import error_text, started_lines
from commands.format import fmt_date, role_name
from commands.health_text import color_name, mention
from commands.i18n import Translator, language_of
from commands.pipeline import fmt_money
from commands.playbooks.engine import Started
from commands.playbooks.loader import Library, load_library
from commands.playbooks.triggers import library, on_health, on_renewal
from storage import health_repo, opportunity_repo, repos
from storage.models import Account, ChannelBinding, Opportunity, Role

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

#: When the daily job runs, in KAMBOT_TIMEZONE: after the health check (08:00), so a
#: colour that turned overnight is known.
COMMERCIAL_AT = (8, 15)


@dataclass
class CommercialSummary:
    accounts: int = 0
    playbooks: int = 0
    payment_alerts: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass
class _Post:
    kind: str
    account_id: int
    key: str
    out: Outgoing
    counter: str


def check_playbook_files(core: Core) -> Library:
    """Read the built-in playbooks and KAMBOT_PLAYBOOKS_DIR at start; log each bad file
    (file, line, field, what is wrong) so an admin sees it without asking."""
    settings = core.settings
    lib = load_library(folder=settings.KAMBOT_PLAYBOOKS_DIR,
                       windows=settings.KAMBOT_RENEWAL_WINDOWS)
    t = Translator("en")
    for err in lib.errors:
        log.error("playbook left out: %s", error_text(t, err))
    return lib


def _out(binding: ChannelBinding, reply: Reply) -> Outgoing:
    return Outgoing(platform=binding.platform, workspace=binding.workspace,
                    channel=binding.channel, reply=reply)


def _playbook_posts(
    session: Session, core: Core, account: Account, started: list[Started], because: dict[int, str],
) -> list[_Post]:
    """Each start announced in each of the account's channels, in its language."""
    assert account.id is not None
    posts: list[_Post] = []
    ids = {task.assignee_id for s in started for task in s.tasks if task.assignee_id is not None}
    people = repos.persons_by_ids(session, ids=ids)
    today = core.clock.today()
    for binding in repos.bindings_of(session, account_id=account.id):
        t = Translator(language_of(binding, account, core.settings.KAMBOT_LANGUAGE))
        for item, (heading, lines, notes) in zip(started, started_lines(t, started, people, today),
                                                 strict=True):
            assert item.run.id is not None
            reason = because[item.run.id]
            reply = Reply(title=heading, tone=Tone.INFO, sections=[
                Section(text=_because(t, reason, account, today)),
                Section(items=[Item(line) for line in lines], text="\n".join(notes)),
            ])
            posts.append(_Post("playbook", account.id, f"run:{item.run.id}", _out(binding, reply),
                               "playbooks"))
    return posts


def _because(t: Translator, reason: str, account: Account, today: date) -> str:
    if reason.startswith("renewal") and account.renewal_date is not None:
        return t("playbook.because_renewal",
                 date=fmt_date(t.lang, account.renewal_date, weekday=False),
                 days=(account.renewal_date - today).days)
    return t("playbook.because_health", color=color_name(t, reason.partition(":")[2]))


def _payment_posts(session: Session, core: Core, account: Account, today: date) -> list[_Post]:
    """One message per overdue payment (and due date) in each channel, naming the AR."""
    assert account.id is not None
    late = opportunity_repo.overdue_payments(session, today=today, account_id=account.id)
    if not late:
        return []
    ar = repos.current_holders(session, account_id=account.id).get(Role.AR.value)
    currency = core.settings.KAMBOT_CURRENCY
    posts: list[_Post] = []
    for payment in late:
        opp = session.get(Opportunity, payment.opportunity_id)
        for binding in repos.bindings_of(session, account_id=account.id):
            t = Translator(language_of(binding, account, core.settings.KAMBOT_LANGUAGE))
            reply = Reply(
                title=t("payment_alert.title", number=payment.number, account=account.name,
                        days=(today - payment.due_date).days),
                sections=[Section(text=t(
                    "payment_alert.text", amount=fmt_money(t.lang, payment.amount, currency),
                    opportunity=f"{opp.number} {opp.name}" if opp else "?",
                    due=fmt_date(t.lang, payment.due_date, weekday=False),
                    ar=mention(ar, binding.platform) or role_name(t, Role.AR.value),
                    number=payment.number))],
                tone=Tone.WARNING)
            posts.append(_Post("payment-overdue", account.id,
                               f"{payment.id}:{payment.due_date.isoformat()}",
                               _out(binding, reply), "payment_alerts"))
    return posts


def check_account(
    core: Core, account_id: int, *, lib: Library | None = None,
    summary: CommercialSummary | None = None, poster: Poster | None = None,
) -> CommercialSummary:
    """Renewal-window and health-colour playbooks, and overdue-payment alerts, for one
    account; the posts go out after the unit of work commits."""
    summary = summary if summary is not None else CommercialSummary()
    today = core.clock.today()
    now = core.clock.now()
    with core.sessions.begin() as session:
        # Locked (PostgreSQL) like the health check, so two runs queue rather than race.
        account = session.get(Account, account_id, with_for_update=True)
        if account is None:
            return summary
        lib = lib if lib is not None else library(session, core.settings)
        bindings = repos.bindings_of(session, account_id=account_id)
        lang = language_of(bindings[0] if bindings else None, account,
                           core.settings.KAMBOT_LANGUAGE)
        because: dict[int, str] = {}
        started = on_renewal(session, lib, account=account, today=today, now=now, lang=lang)
        for item in started:
            because[item.run.id or 0] = "renewal"
        snapshots = list(reversed(health_repo.snapshots_of(session, account_id=account_id)))
        if snapshots:
            ep = episode([(r.color, r.at) for r in snapshots], core.clock.tz)
            turned = on_health(session, lib, account=account, color=ep.color.value,
                               since=ep.since, before=ep.before.value if ep.before else None,
                               today=today, now=now, lang=lang)
            for item in turned:
                because[item.run.id or 0] = f"health:{ep.color.value}"
            started += turned
        session.flush()
        posts = _playbook_posts(session, core, account, started, because)
        posts += _payment_posts(session, core, account, today)
    summary.accounts += 1
    for item in started:
        summary.lines.append(f"playbook {item.playbook.name} started on account {account_id} "
                             f"({item.run.trigger_key})")
    summary.playbooks += len(started)
    _deliver_all(core, posts, summary, poster)
    return summary


def _deliver_all(core: Core, posts: list[_Post], summary: CommercialSummary,
                 poster: Poster | None) -> None:
    for post in posts:
        result = deliver(sessions=core.sessions, senders=core.senders,
                         poster=poster if poster is not None else shared_poster(core.services),
                         clock=core.clock, kind=post.kind, account_id=post.account_id,
                         key=post.key, out=post.out)
        if result.outcome is Outcome.POSTED:
            if post.counter == "payment_alerts":
                summary.payment_alerts += 1
            summary.lines.append(f"{post.kind} {post.key} -> {post.out.platform}:{post.out.channel}")
        elif result.outcome in {Outcome.FAILED, Outcome.NO_SENDER}:
            summary.failed += 1
            log.warning("%s %s for account %s to %s:%s: %s", post.kind, post.key,
                        post.account_id, post.out.platform, post.out.channel, result.error)


def run_commercial_check(core: Core, *, poster: Poster | None = None) -> CommercialSummary:
    """The daily job: every account, one broken account never stopping the others."""
    summary = CommercialSummary()
    with core.sessions.begin() as session:
        ids = [a.id for a in repos.all_accounts(session) if a.id is not None]
        lib = library(session, core.settings)
    for account_id in ids:
        try:
            check_account(core, account_id, lib=lib, summary=summary, poster=poster)
        except Exception:
            log.exception("commercial check failed for account %s", account_id)
            summary.failed += 1
    log.info("commercial check: %s account(s), %s playbook(s) started, %s payment alert(s), "
             "%s failed", summary.accounts, summary.playbooks, summary.payment_alerts,
             summary.failed)
    return summary


def commercial_listener(core: Core) -> Callable[[int], None]:
    """``core.dispatcher.add_listener(commercial_listener(core))``, after the health one."""

    def listener(account_id: int) -> None:
        check_account(core, account_id)

    return listener


def commercial_jobs(core: Core, poster: Poster) -> list[Any]:
    """This feature's job for ``bot.scheduler.JOB_SOURCES``: "daily-commercial", which
    also catches up when a replica takes over (it is idempotent)."""
    from apscheduler.triggers.cron import CronTrigger

    from bot.scheduler import JobSpec

    tz = core.settings.KAMBOT_TIMEZONE
    return [JobSpec("daily-commercial",
                    CronTrigger(hour=COMMERCIAL_AT[0], minute=COMMERCIAL_AT[1], timezone=tz),
                    lambda: run_commercial_check(core, poster=poster), catch_up=True)]
