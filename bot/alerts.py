"""Health alerts: the daily check, alerts when an account worsens, reminders while it stays
in trouble, a word when it recovers.

- :func:`run_health_check` (daily job "daily-health", also ``kambot alerts [--dry-run]``):
  on each account's business days, apply the KAM rules (bot.rules), re-assess it, keep a
  HealthSnapshot when it changed, post an alert to its channels when its colour worsened,
  remind every ``alert_repeat_days`` business days while it stays non-green (unless
  someone acknowledged that state or snoozed it: ``alert ack`` / ``alert snooze 7d`` and
  the buttons on the alert), announce a recovery to green once, and escalate overdue work
  (bot.escalations).
- Management (KAMBOT_MANAGEMENT_CHANNEL) hears about red on the tiers it follows (core and
  important by default) and about any drop from green straight to red, naming the sponsor.
- :func:`on_account_changed` (a dispatcher listener): the same check for one account right
  after a write, so a worsening someone just caused is announced at once (on a business
  day; on a day off the next business day's check announces it).
- The morning digest is bot.reminders (re-exported here as :func:`run_reminders`).

Every post goes through the delivery ledger with a key naming the occasion: an alert's
key is ``<colour>:<date the colour started>``, so the same state gives the same key day
after day and a new worsening a new one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from sqlmodel import Session

from bot.escalations import escalate
from bot.health_posts import (
    Post,
    Summary,
    calendar_of,
    config_of,
    deliver_all,
    management_out,
    management_target,
    out_to,
)
from bot.messages import Button, Item, Outgoing, Reply, Section, Tone
from bot.outbox import RecordingSender
from bot.posting import Poster
from bot.reminders import run_reminders
from bot.rules import apply_rules
from commands.episodes import Episode, episode, state_of
from commands.health import Color, Health, HealthConfig, assess
from commands.health_text import (
    ICON,
    color_name,
    color_values,
    drag_text,
    fix_lines,
    mention,
    moved_items,
    reason_text,
)
from commands.i18n import Translator, language_of
from storage import alert_repo, health_repo, ledger, repos
from storage.models import Account, DeliveryStatus, HealthSnapshot, Person, Role

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

__all__ = ["Episode", "Summary", "accounts_due", "alerts_command", "check_account", "episode",
           "health_jobs", "health_listener", "management_target", "on_account_changed",
           "run_escalations", "run_health_check", "run_reminders"]

SNOOZE_BUTTON_DAYS = 7


# --- colour history --------------------------------------------------------------------------


def _assess_account(
    session: Session, account: Account, *, today: date, config: HealthConfig,
) -> Health:
    inputs = health_repo.gather_inputs(session, account=account, today=today)
    return assess(inputs, tier=account.tier, today=today,
                  thresholds=config.for_tier(account.tier))


@dataclass(frozen=True)
class _Recorded:
    episode: Episode
    # The scorecard just before this colour began (what moved it), when it was stored.
    before_measures: list[dict[str, Any]] | None
    trouble_start: date | None  # for a recovery: when the trouble that ended began


def _record(
    session: Session, account: Account, health: Health, *, now: datetime, dry_run: bool,
) -> _Recorded | None:
    """Save the snapshot (unless dry) and work out the current colour episode; None when
    there is not enough data for a colour (nobody is alerted about no data)."""
    assert account.id is not None
    if not health.enough_data:
        return None
    if not dry_run:
        health_repo.save_snapshot(session, account_id=account.id, health=health, at=now)
    rows: list[HealthSnapshot] = list(
        reversed(health_repo.snapshots_of(session, account_id=account.id)))
    history = [(r.color, r.at) for r in rows]
    if dry_run and (not rows or rows[0].color != health.color.value
                    or rows[0].score != health.score):
        history.insert(0, (health.color.value, now))
        rows.insert(0, HealthSnapshot(account_id=account.id, color=health.color.value,
                                      score=health.score, at=now))
    ep = episode(history, now.tzinfo)
    before = next((r for r in rows if r.color != ep.color.value), None)
    trouble: date | None = None
    if ep.color == Color.GREEN:
        started = [r.at for r in _previous_trouble(rows)]
        trouble = min(started).astimezone(now.tzinfo).date() if started else None
    return _Recorded(ep, before.measures if before is not None else None, trouble)


def _previous_trouble(rows: list[HealthSnapshot]) -> list[HealthSnapshot]:
    """The non-green run just before the current green one (rows newest first)."""
    out: list[HealthSnapshot] = []
    seen_green = False
    for row in rows:
        if row.color == Color.GREEN.value:
            if out:
                break
            seen_green = True
            continue
        if seen_green:
            out.append(row)
    return out


# --- alerts -----------------------------------------------------------------------------------


def _buttons(t: Translator, ep: Episode) -> list[Button]:
    return [Button(t("alert.button_ack"), f"alert ack {ep.key}"),
            Button(t("alert.button_snooze", days=SNOOZE_BUTTON_DAYS),
                   f"alert snooze {SNOOZE_BUTTON_DAYS}d {ep.key}")]


def _alert_posts(
    core: Core, session: Session, account: Account, health: Health, rec: _Recorded, *,
    today: date, config: HealthConfig, weekly: bool,
) -> list[Post]:
    """The alert, reminder and recovery posts the account's state calls for today."""
    assert account.id is not None
    ep = rec.episode
    posts: list[Post] = []
    bindings = repos.bindings_of(session, account_id=account.id)
    holders = repos.current_holders(session, account_id=account.id)
    calendar = calendar_of(core, account)
    since = ep.since.isoformat()
    if ep.color != Color.GREEN:
        worsened = ep.color.worse_than(ep.before)
        repeat = 0
        if config.alert_repeat_days > 0:
            repeat = calendar.business_days_between(ep.since, today) // config.alert_repeat_days
        state = state_of(health)
        for b in bindings:
            t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
            if worsened:
                title = t("alert.worse_title", account=account.name, score=health.score,
                          before=color_name(t, ep.before or Color.GREEN),
                          **color_values(t, ep.color))
                reply = _alert_reply(t, title, health, holders, b.platform,
                                     moved=moved_items(t, rec.before_measures, health))
                reply.buttons = _buttons(t, ep)
                posts.append(Post("alert", account.id, ep.key, out_to(b, reply), "alerts"))
            # A reminder repeats an alert people saw; an episode first seen today gets
            # its alert alone, not an alert and a reminder at once.
            announced = ledger.find(session, kind="alert", account_id=account.id,
                                    key=ep.key, channel=b.channel)
            if not (weekly and repeat >= 1 and announced is not None
                    and announced.status == DeliveryStatus.POSTED.value):
                continue
            silenced, ack_text = _acknowledged(t, session, account.id, ep, state, b.platform,
                                               today)
            if silenced:
                continue
            title = t("alert.reminder_title", account=account.name, since=since,
                      score=health.score, **color_values(t, ep.color))
            reply = _alert_reply(t, title, health, holders, b.platform, ack=ack_text)
            reply.buttons = _buttons(t, ep)
            posts.append(Post("alert-reminder", account.id, f"{ep.key}:{repeat}",
                              out_to(b, reply), "reminders"))
        two_colours = ep.color == Color.RED and ep.before in (None, Color.GREEN)
        if ep.color == Color.RED and worsened and (
                account.tier in config.management_tiers or two_colours):
            t = Translator(core.settings.KAMBOT_LANGUAGE)
            out = management_out(core, Reply())
            if out is not None:
                sponsor = holders.get(Role.SPONSOR.value)
                reply = _alert_reply(
                    t, t("alert.management_title", account=account.name, score=health.score,
                         icon=ICON[Color.RED]),
                    health, holders, out.platform,
                    moved=moved_items(t, rec.before_measures, health))
                reply.sections.insert(0, Section(text=(
                    t("alert.sponsor", who=mention(sponsor, out.platform)) if sponsor
                    else t("alert.no_sponsor"))))
                posts.append(Post("alert", account.id, f"red:{since}",
                                  Outgoing(platform=out.platform, workspace="",
                                           channel=out.channel, reply=reply), "management"))
    elif ep.before is not None and rec.trouble_start is not None \
            and calendar.business_days_between(ep.since, today) <= max(config.alert_repeat_days, 1):
        # Back to green: said once (the key is the day green started), where the trouble
        # was announced (the channel, and management when it was told).
        start = rec.trouble_start
        for b in bindings:
            if not _announced_since(session, account.id, b.channel, start):
                continue
            t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
            posts.append(Post("recovery", account.id, f"green:{since}",
                              out_to(b, _recovery(t, account, health, start)), "recoveries"))
        out = management_out(core, Reply())
        if out is not None and ep.red_before \
                and _announced_since(session, account.id, out.channel, start):
            t = Translator(core.settings.KAMBOT_LANGUAGE)
            posts.append(Post("recovery", account.id, f"green:{since}",
                              Outgoing(platform=out.platform, workspace="", channel=out.channel,
                                       reply=_recovery(t, account, health, start)),
                              "recoveries"))
    return posts


def _acknowledged(t: Translator, session: Session, account_id: int, ep: Episode, state: str,
                  platform: str, today: date) -> tuple[bool, str]:
    """(no reminder today, what the next reminder says about who acknowledged or snoozed).
    An acknowledgement holds while the reasons are the same; a snooze until its day."""
    ack = alert_repo.latest_ack(session, account_id=account_id, episode=ep.key)
    if ack is None:
        return False, ""
    who = mention(repos.persons_by_ids(session, ids={ack.person_id}).get(ack.person_id),
                  platform)
    day = ack.at.date().isoformat()
    if ack.action == "snooze":
        until = ack.until or today
        return today < until, t("alert.snoozed_line", who=who, date=until.isoformat())
    if ack.state == state:
        return True, t("alert.acked_line", who=who, date=day)
    return False, t("alert.acked_changed", who=who, date=day)


def _announced_since(session: Session, account_id: int, channel: str, start: date) -> bool:
    """Was a colour alert for this account posted in ``channel`` since ``start``?"""
    for key in ledger.posted_keys(session, kind="alert", account_id=account_id, channel=channel):
        _, _, day = key.partition(":")
        if day[:10] >= start.isoformat():
            return True
    return False


def _recovery(t: Translator, account: Account, health: Health, start: date) -> Reply:
    return Reply(
        title=t("alert.recovery_title", account=account.name, score=health.score,
                **color_values(t, Color.GREEN)),
        sections=[Section(text=t("alert.recovery_text", since=start.isoformat()))],
        tone=Tone.SUCCESS,
    )


def _alert_reply(
    t: Translator, title: str, health: Health, holders: dict[str, Person], platform: str, *,
    moved: list[str] | None = None, ack: str = "",
) -> Reply:
    who = {role: mention(person, platform) for role, person in holders.items()}
    sections: list[Section] = []
    if ack:
        sections.append(Section(text=ack))
    explain = [Item(line) for line in moved or []]
    drag = drag_text(t, health)
    if explain or drag:
        sections.append(Section(title=t("alert.moved_title"), text=drag, items=explain))
    sections.append(Section(title=t("alert.reasons_title"),
                            items=[Item(reason_text(t, r)) for r in health.reasons]))
    if health.fixes:
        sections.append(Section(title=t("alert.actions_title"),
                                items=[Item(line) for line in fix_lines(t, health, who)]))
    # Tone.WARNING even for red: Tone.ERROR means a refusal, which renderers may hide.
    return Reply(title=title, sections=sections, footer=t("alert.footer"), tone=Tone.WARNING)


# --- running ------------------------------------------------------------------------------------


def check_account(
    core: Core, account_id: int, *, dry_run: bool = False, weekly: bool = False,
    summary: Summary | None = None, poster: Poster | None = None,
) -> Summary:
    """Rules, assessment, snapshot and alerts for one account (posting after commit)."""
    summary = summary if summary is not None else Summary(dry_run=dry_run)
    config = config_of(core)
    now = core.clock.now()
    today = core.clock.today()
    with core.sessions.begin() as session:
        # Locked (PostgreSQL) so a listener and the daily job, or two replicas, cannot both
        # make a rule's task or both save a snapshot for the same change.
        account = session.get(Account, account_id, with_for_update=True)
        if account is None:
            return summary
        # Rules first: a renewal task the rule makes counts for this assessment.
        posts, fired = apply_rules(core, session, account, today=today, now=now,
                                   config=config, dry_run=dry_run)
        session.flush()
        health = _assess_account(session, account, today=today, config=config)
        rec = _record(session, account, health, now=now, dry_run=dry_run)
        # On a day off (the account's weekend or public holiday) the state is kept and the
        # alerts wait: the next business day's check posts what is still true then.
        if rec is not None and calendar_of(core, account).is_business_day(today):
            posts += _alert_posts(core, session, account, health, rec, today=today,
                                  config=config, weekly=weekly)
        if dry_run:
            session.rollback()
    summary.accounts += 1
    summary.rules += fired
    if fired:
        summary.lines.append(f"rule tasks {fired} on account {account_id}")
    deliver_all(core, posts, summary, poster)
    return summary


def run_health_check(core: Core, *, dry_run: bool = False,
                     poster: Poster | None = None) -> Summary:
    """The daily job: every account checked on its business days, alerts and escalations
    posted once. A day off (a weekend, a public holiday of the account's country) is left
    alone: what it would have said comes on the next business day."""
    summary = Summary(dry_run=dry_run)
    for account_id in accounts_due(core):
        try:
            check_account(core, account_id, dry_run=dry_run, weekly=True, summary=summary,
                          poster=poster)
        except Exception:
            # One broken account must not stop the others' alerts.
            log.exception("health check failed for account %s", account_id)
            summary.failed += 1
    try:
        escalate(core, summary, poster=poster)
    except Exception:
        log.exception("escalations failed")
        summary.failed += 1
    log.info("health check: %s", summary.text(Translator("en")))
    return summary


def accounts_due(core: Core) -> list[int]:
    """The accounts whose business day today is (the daily check's accounts)."""
    today = core.clock.today()
    with core.sessions.begin() as session:
        return [a.id for a in repos.all_accounts(session)
                if a.id is not None and calendar_of(core, a).is_business_day(today)]


def run_escalations(core: Core, *, poster: Poster | None = None) -> Summary:
    """Escalate overdue work (what the daily check does after its accounts), on its own:
    the job engine runs it after the per-account checks."""
    summary = Summary()
    escalate(core, summary, poster=poster)
    return summary


def on_account_changed(core: Core, account_id: int) -> None:
    """Dispatcher listener: re-assess right after a write; alert at once if it worsened."""
    check_account(core, account_id)


def health_listener(core: Core) -> Callable[[int], None]:
    """``core.dispatcher.add_listener(health_listener(core))``."""
    return lambda account_id: on_account_changed(core, account_id)


# --- CLI ------------------------------------------------------------------------------------


def alerts_command(core: Core, *, dry_run: bool = False, out: TextIO | None = None) -> int:
    """``kambot alerts [--dry-run]``: the daily check by hand, and what it did."""
    out = out if out is not None else sys.stdout
    if dry_run:
        # A dry run posts nothing, so every platform may be "sent" to: it shows all it would do.
        for platform in ("slack", "telegram", "console"):
            if core.senders.get(platform) is None:
                core.senders.add(RecordingSender(platform=platform))
    summary = run_health_check(core, dry_run=dry_run)
    for line in summary.lines:
        print(line, file=out)
    print(summary.text(Translator(core.settings.KAMBOT_LANGUAGE)), file=out)
    return 1 if summary.failed else 0


# --- scheduler ------------------------------------------------------------------------------

#: When the check runs each day, in KAMBOT_TIMEZONE; the digest job runs every hour on the
#: hour and sends each person's digest at the hour they chose (``reminders at 8``).
HEALTH_CHECK_AT = (8, 0)


def health_jobs(core: Core, poster: Poster) -> list[Any]:
    """This feature's jobs for ``bot.scheduler.JOB_SOURCES``: "daily-health" and
    "daily-reminders". The check also catches up when a replica takes over (it is
    idempotent through the ledger); the digest waits for its hour, so nobody is reminded at
    midnight."""
    from apscheduler.triggers.cron import CronTrigger

    from bot.scheduler import JobSpec

    tz = core.settings.KAMBOT_TIMEZONE
    return [
        JobSpec("daily-health",
                CronTrigger(hour=HEALTH_CHECK_AT[0], minute=HEALTH_CHECK_AT[1], timezone=tz),
                lambda: run_health_check(core, poster=poster), catch_up=True),
        JobSpec("daily-reminders", CronTrigger(minute=0, timezone=tz),
                lambda: run_reminders(core, poster=poster)),
    ]

