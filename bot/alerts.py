"""Health alerts, KAM rules, escalations and morning reminders: the jobs the scheduler runs.

- :func:`run_health_check` (daily job "daily-health", also ``kambot alerts [--dry-run]``):
  re-assess every account, keep a HealthSnapshot when it changes, post an alert to the
  account's channels when the colour worsened (red also to KAMBOT_MANAGEMENT_CHANNEL,
  naming the executive sponsor), remind weekly while it stays non-green, announce a
  recovery to green once, apply the KAM rules, escalate long-overdue tasks.
- :func:`run_reminders` (daily job "daily-reminders"): one message per person per day
  with their tasks due today or overdue.
- :func:`on_account_changed` (a dispatcher listener): the same check for one account
  right after a write, so a worsening is announced at once.

Every post goes through :func:`bot.posting.deliver` with a ledger key naming the
occasion, so an alert, reminder or escalation is posted once however often the jobs run.
An alert's key is ``<colour>:<date the colour started>``: the same state gives the same
key day after day; a new worsening gives a new key.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TextIO

from sqlmodel import Session

from bot.messages import Item, Outgoing, Reply, Section, Tone
from bot.outbox import RecordingSender
from bot.posting import Outcome, Poster, deliver, shared_poster
from commands import authz
from commands.format import role_name
from commands.health import Color, Health, HealthConfig, assess, load_config
from commands.health_text import (
    ICON,
    color_name,
    color_values,
    fix_lines,
    mention,
    reason_text,
)
from commands.i18n import Translator, language_of, normalize_language
from storage import health_repo, ledger, repos
from storage.models import (
    Account,
    ChannelBinding,
    DeliveryStatus,
    HealthSnapshot,
    Person,
    Role,
    Task,
    Tier,
)

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

# Platforms where a person's user id is also a direct-message channel.
DM_PLATFORMS = {"slack", "telegram"}


@dataclass
class Summary:
    """What a run did (or, dry, would do); ``lines`` are for the CLI."""

    dry_run: bool = False
    accounts: int = 0
    alerts: int = 0
    reminders: int = 0
    recoveries: int = 0
    management: int = 0
    rules: int = 0
    escalations: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def text(self, t: Translator) -> str:
        out = t("alerts.summary", accounts=self.accounts, alerts=self.alerts,
                reminders=self.reminders, recoveries=self.recoveries,
                management=self.management, rules=self.rules,
                escalations=self.escalations, failed=self.failed)
        return out + ("\n" + t("alerts.dry_run") if self.dry_run else "")


@dataclass
class _Post:
    kind: str
    account_id: int
    key: str
    out: Outgoing
    counter: str | None  # which Summary field a successful post adds to


# --- composition helpers -------------------------------------------------------------------


def _poster(core: Core, given: Poster | None = None) -> Poster:
    """The scheduler's Poster when it passes one; else one kept per core (so per-channel
    pacing spans runs), which tests replace with a non-sleeping one."""
    return given if given is not None else shared_poster(core.services)


def _config(core: Core) -> HealthConfig:
    return load_config(core.services)


def management_target(value: str | None, platforms: Sequence[str]) -> tuple[str, str] | None:
    """KAMBOT_MANAGEMENT_CHANNEL as (platform, channel): ``slack:C123`` or a bare id.

    A bare id goes to the one chat platform running; with several, a number is a Telegram
    chat and anything else a Slack channel.
    """
    if not value:
        return None
    platform, sep, channel = value.partition(":")
    if sep and platform in {"slack", "telegram", "console"} and channel:
        return platform, channel
    chats = [p for p in platforms if p != "console"]
    if len(chats) == 1:
        return chats[0], value
    if not chats:
        return "console", value
    return ("telegram" if value.lstrip("-").isdigit() else "slack"), value


# --- colour history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    """The current run of one colour: since when, what came before, was it red before."""

    color: Color
    since: date
    before: Color | None
    red_before: bool  # the non-green run just before this one had a red day


def episode(history: Sequence[tuple[str, datetime]], tz: tzinfo | None = None) -> Episode:
    """From (colour, at) newest first, the current colour's run (a pure function)."""
    current = Color(history[0][0])
    i = 0
    while i + 1 < len(history) and Color(history[i + 1][0]) == current:
        i += 1
    since = history[i][1]
    before = Color(history[i + 1][0]) if i + 1 < len(history) else None
    red_before = False
    j = i + 1
    while j < len(history) and Color(history[j][0]) != Color.GREEN:
        red_before = red_before or Color(history[j][0]) == Color.RED
        j += 1
    return Episode(current, since.astimezone(tz).date() if tz else since.date(),
                   before, red_before)


def _assess_account(
    session: Session, account: Account, *, today: date, config: HealthConfig,
) -> Health:
    inputs = health_repo.gather_inputs(session, account=account, today=today)
    return assess(inputs, tier=account.tier, today=today,
                  thresholds=config.for_tier(account.tier))


def _record(
    session: Session, account: Account, health: Health, *, now: datetime, dry_run: bool,
) -> Episode:
    """Save the snapshot (unless dry) and work out the current colour episode."""
    assert account.id is not None
    if not dry_run:
        health_repo.save_snapshot(session, account_id=account.id, health=health, at=now)
    rows: list[HealthSnapshot] = list(
        reversed(health_repo.snapshots_of(session, account_id=account.id)))
    history = [(r.color, r.at) for r in rows]
    if dry_run and (not rows or rows[0].color != health.color.value
                    or rows[0].score != health.score):
        history.insert(0, (health.color.value, now))
    return episode(history, now.tzinfo)


# --- alerts ---------------------------------------------------------------------------------


def _alert_posts(
    core: Core, session: Session, account: Account, health: Health, ep: Episode, *,
    today: date, config: HealthConfig, weekly: bool,
) -> list[_Post]:
    """The alert, reminder and recovery posts the account's state calls for today."""
    assert account.id is not None
    posts: list[_Post] = []
    bindings = repos.bindings_of(session, account_id=account.id)
    holders = repos.current_holders(session, account_id=account.id)
    since = ep.since.isoformat()
    if ep.color != Color.GREEN:
        worsened = ep.color.worse_than(ep.before)
        age = (today - ep.since).days
        repeat = age // config.alert_repeat_days if config.alert_repeat_days > 0 else 0
        for b in bindings:
            t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
            if worsened:
                title = t("alert.worse_title", account=account.name, score=health.score,
                          before=color_name(t, ep.before or Color.GREEN),
                          **color_values(t, ep.color))
                posts.append(_Post("alert", account.id, f"{ep.color.value}:{since}",
                                   _out(b, _alert_reply(t, title, health, holders, b.platform)),
                                   "alerts"))
            # A reminder repeats an alert people saw; an episode first seen today gets
            # its alert alone, not an alert and a reminder at once.
            announced = ledger.find(session, kind="alert", account_id=account.id,
                                    key=f"{ep.color.value}:{since}", channel=b.channel)
            if weekly and repeat >= 1 and announced is not None \
                    and announced.status == DeliveryStatus.POSTED.value:
                title = t("alert.reminder_title", account=account.name, since=since,
                          score=health.score, **color_values(t, ep.color))
                posts.append(_Post("alert-reminder", account.id,
                                   f"{ep.color.value}:{since}:{repeat}",
                                   _out(b, _alert_reply(t, title, health, holders, b.platform)),
                                   "reminders"))
        if ep.color == Color.RED and worsened:
            target = management_target(core.settings.KAMBOT_MANAGEMENT_CHANNEL,
                                       core.senders.platforms())
            if target is not None:
                platform, channel = target
                t = Translator(core.settings.KAMBOT_LANGUAGE)
                sponsor = holders.get(Role.SPONSOR.value)
                reply = _alert_reply(
                    t, t("alert.management_title", account=account.name, score=health.score,
                         icon=ICON[Color.RED]),
                    health, holders, platform)
                reply.sections.insert(0, Section(text=(
                    t("alert.sponsor", who=mention(sponsor, platform)) if sponsor
                    else t("alert.no_sponsor"))))
                posts.append(_Post("alert", account.id, f"red:{since}",
                                   Outgoing(platform=platform, workspace="", channel=channel,
                                            reply=reply), "management"))
    elif ep.before is not None and (today - ep.since).days <= config.alert_repeat_days:
        # Back to green: said once (the key is the day green started), and to management
        # too when the trouble had reached red.
        targets: list[tuple[Outgoing, Translator]] = []
        for b in bindings:
            t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
            targets.append((_out(b, Reply()), t))
        if ep.red_before:
            target = management_target(core.settings.KAMBOT_MANAGEMENT_CHANNEL,
                                       core.senders.platforms())
            if target is not None:
                targets.append((Outgoing(platform=target[0], workspace="", channel=target[1],
                                         reply=Reply()),
                                Translator(core.settings.KAMBOT_LANGUAGE)))
        previous = _previous_episode_start(session, account.id, core.clock.tz)
        for out, t in targets:
            reply = Reply(
                title=t("alert.recovery_title", account=account.name, score=health.score,
                        **color_values(t, Color.GREEN)),
                sections=[Section(text=t("alert.recovery_text", since=previous or since))],
                tone=Tone.SUCCESS,
            )
            posts.append(_Post("recovery", account.id, f"green:{since}",
                               Outgoing(platform=out.platform, workspace=out.workspace,
                                        channel=out.channel, reply=reply), "recoveries"))
    return posts


def _previous_episode_start(session: Session, account_id: int, tz: tzinfo) -> str | None:
    """The day the trouble that just ended began (for the recovery message)."""
    rows = list(reversed(health_repo.snapshots_of(session, account_id=account_id)))
    start: str | None = None
    seen_green = False
    for row in rows:
        if row.color == Color.GREEN.value:
            if start is not None:
                break
            seen_green = True
            continue
        if seen_green:
            start = row.at.astimezone(tz).date().isoformat()
    return start


def _alert_reply(
    t: Translator, title: str, health: Health, holders: dict[str, Person], platform: str,
) -> Reply:
    who = {role: mention(person, platform) for role, person in holders.items()}
    sections = [
        Section(title=t("alert.reasons_title"),
                items=[Item(reason_text(t, r)) for r in health.reasons]),
    ]
    if health.fixes:
        sections.append(Section(title=t("alert.actions_title"),
                                items=[Item(line) for line in fix_lines(t, health, who)]))
    # Tone.WARNING even for red: Tone.ERROR means a refusal, which renderers may hide.
    return Reply(title=title, sections=sections, footer=t("alert.footer"), tone=Tone.WARNING)


def _out(binding: ChannelBinding, reply: Reply) -> Outgoing:
    return Outgoing(platform=binding.platform, workspace=binding.workspace,
                    channel=binding.channel, reply=reply)


# --- KAM rules ------------------------------------------------------------------------------


def _apply_rules(
    core: Core, session: Session, account: Account, *, today: date, now: datetime,
    config: HealthConfig, dry_run: bool,
) -> tuple[list[_Post], int]:
    """Renewal within N days -> renewal task for AR; core tier -> yearly executive visit.

    Each rule makes its task once (``Task.rule_key``); the task is announced in the
    account's channels. Returns the announcements and how many tasks were made.
    """
    assert account.id is not None
    posts: list[_Post] = []
    fired = 0
    holders = repos.current_holders(session, account_id=account.id)
    bindings = repos.bindings_of(session, account_id=account.id)
    lang = language_of(bindings[0] if bindings else None, account, core.settings.KAMBOT_LANGUAGE)
    t0 = Translator(lang)

    renewal = account.renewal_date
    if renewal is not None and 0 <= (renewal - today).days <= config.renewal_task_days:
        key = f"renewal:{renewal.isoformat()}"
        if repos.task_by_rule(session, account_id=account.id, rule_key=key) is None:
            due = max(today + timedelta(days=7), renewal - timedelta(days=30))
            due = min(due, renewal)
            task = _rule_task(session, account, role=Role.AR.value, holders=holders,
                              title=t0("rule.renewal_task", date=renewal.isoformat()),
                              due=due, key=key, now=now, dry_run=dry_run)
            for b in bindings:
                t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
                text = t("rule.renewal_posted", date=renewal.isoformat(),
                         days=(renewal - today).days, number=task.number,
                         role=role_name(t, task.role),
                         who=_who(t, holders.get(task.role), b.platform))
                posts.append(_Post("rule", account.id, key, _out(b, Reply(title=text)), None))
            fired += 1

    if account.tier == Tier.CORE.value:
        last = health_repo.latest_rule_task(session, account_id=account.id, prefix="exec-visit:")
        if last is None or (today - last.created_at.date()).days >= config.exec_visit_every_days:
            key = f"exec-visit:{today.isoformat()}"
            role = Role.SPONSOR.value if Role.SPONSOR.value in holders else Role.AR.value
            task = _rule_task(session, account, role=role, holders=holders,
                              title=t0("rule.exec_visit_task", account=account.name),
                              due=today + timedelta(days=90), key=key, now=now,
                              dry_run=dry_run)
            for b in bindings:
                t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
                text = t("rule.exec_visit_posted", account=account.name, number=task.number,
                         role=role_name(t, role), who=_who(t, holders.get(role), b.platform))
                posts.append(_Post("rule", account.id, key, _out(b, Reply(title=text)), None))
            fired += 1
    return posts, fired


def _who(t: Translator, person: Person | None, platform: str) -> str:
    return t("health.holder", who=mention(person, platform)) if person is not None else ""


def _rule_task(
    session: Session, account: Account, *, role: str, holders: dict[str, Person], title: str,
    due: date, key: str, now: datetime, dry_run: bool,
) -> Task:
    assert account.id is not None
    holder = holders.get(role)
    if dry_run:
        return Task(account_id=account.id, number=account.task_seq + 1, title=title, role=role,
                    assignee_id=holder.id if holder else None, due_date=due, rule_key=key,
                    created_at=now)
    task = repos.add_task(session, account_id=account.id, title=title, role=role,
                          assignee_id=holder.id if holder else None, due_date=due,
                          shared=False, at=now, rule_key=key,
                          routing_reason=f"rule {key.partition(':')[0]}")
    repos.audit(session, at=now, action="rule.task", account_id=account.id, rule=key,
                task=task.number)
    return task


# --- escalations ----------------------------------------------------------------------------


def _escalation_posts(core: Core, session: Session, *, today: date,
                      config: HealthConfig) -> list[_Post]:
    """A task overdue more than N days: one message to its holder and the AR, per due date."""
    posts: list[_Post] = []
    tasks = health_repo.overdue_tasks(session, today=today,
                                      older_than_days=config.escalate_after_days)
    ids = {t.assignee_id for t in tasks if t.assignee_id is not None}
    people = repos.persons_by_ids(session, ids=ids)
    for task in tasks:
        account = repos.account_by_id(session, account_id=task.account_id)
        if account is None or task.due_date is None:
            continue
        holders = repos.current_holders(session, account_id=task.account_id)
        owner = people.get(task.assignee_id) if task.assignee_id is not None else None
        ar = holders.get(Role.AR.value)
        key = f"{task.id}:{task.due_date.isoformat()}"
        for b in repos.bindings_of(session, account_id=task.account_id):
            t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
            who = (mention(owner, b.platform)
                   or t("health.nobody", role_key=task.role.lower()).strip())
            ar_who = mention(ar, b.platform) or role_name(t, Role.AR.value)
            reply = Reply(
                title=t("escalation.title", number=task.number, account=account.name,
                        days=(today - task.due_date).days),
                sections=[Section(text=t("escalation.text", title=task.title,
                                         role=role_name(t, task.role), who=who,
                                         due=task.due_date.isoformat(), ar=ar_who,
                                         number=task.number))],
                tone=Tone.WARNING,
            )
            posts.append(_Post("escalation", task.account_id, key, _out(b, reply),
                               "escalations"))
    return posts


# --- running --------------------------------------------------------------------------------


def _deliver_all(core: Core, posts: list[_Post], summary: Summary,
                 poster: Poster | None = None) -> None:
    counted: set[tuple[str, int, str, str | None]] = set()
    for post in posts:
        occasion = (post.kind, post.account_id, post.key, post.counter)
        result = deliver(sessions=core.sessions, senders=core.senders,
                         poster=_poster(core, poster),
                         clock=core.clock, kind=post.kind, account_id=post.account_id,
                         key=post.key, out=post.out, dry_run=summary.dry_run)
        if result.outcome is Outcome.POSTED and occasion not in counted:
            counted.add(occasion)
            if post.counter is not None:
                setattr(summary, post.counter, getattr(summary, post.counter) + 1)
            summary.lines.append(
                f"{post.kind} {post.account_id} {post.key} -> {post.out.platform}:{post.out.channel}")
        elif result.outcome in {Outcome.FAILED, Outcome.NO_SENDER}:
            summary.failed += 1
            log.warning("%s %s for account %s to %s:%s: %s", post.kind, post.key,
                        post.account_id, post.out.platform, post.out.channel, result.error)


def check_account(
    core: Core, account_id: int, *, dry_run: bool = False, weekly: bool = False,
    summary: Summary | None = None, poster: Poster | None = None,
) -> Summary:
    """Rules, assessment, snapshot and alerts for one account (posting after commit)."""
    summary = summary if summary is not None else Summary(dry_run=dry_run)
    config = _config(core)
    now = core.clock.now()
    today = core.clock.today()
    with core.sessions.begin() as session:
        # Locked (PostgreSQL) so a listener and the daily job, or two replicas, cannot both
        # make a rule's task or both save a snapshot for the same change.
        account = session.get(Account, account_id, with_for_update=True)
        if account is None:
            return summary
        # Rules first: a renewal task the rule makes counts for this assessment.
        posts, fired = _apply_rules(core, session, account, today=today, now=now,
                                    config=config, dry_run=dry_run)
        session.flush()
        health = _assess_account(session, account, today=today, config=config)
        ep = _record(session, account, health, now=now, dry_run=dry_run)
        posts += _alert_posts(core, session, account, health, ep, today=today, config=config,
                              weekly=weekly)
        if dry_run:
            session.rollback()
    summary.accounts += 1
    summary.rules += fired
    if fired:
        summary.lines.append(f"rule tasks {fired} on account {account_id}")
    _deliver_all(core, posts, summary, poster)
    return summary


def run_health_check(core: Core, *, dry_run: bool = False,
                     poster: Poster | None = None) -> Summary:
    """The daily job: every account checked, alerts and escalations posted once."""
    summary = Summary(dry_run=dry_run)
    with core.sessions.begin() as session:
        ids = [a.id for a in repos.all_accounts(session) if a.id is not None]
    for account_id in ids:
        try:
            check_account(core, account_id, dry_run=dry_run, weekly=True, summary=summary,
                          poster=poster)
        except Exception:
            # One broken account must not stop the others' alerts.
            log.exception("health check failed for account %s", account_id)
            summary.failed += 1
    config = _config(core)
    with core.sessions.begin() as session:
        posts = _escalation_posts(core, session, today=core.clock.today(), config=config)
    _deliver_all(core, posts, summary, poster)
    log.info("health check: %s", summary.text(Translator("en")))
    return summary


def on_account_changed(core: Core, account_id: int) -> None:
    """Dispatcher listener: re-assess right after a write; alert at once if it worsened."""
    check_account(core, account_id)


def health_listener(core: Core) -> Callable[[int], None]:
    """``core.dispatcher.add_listener(health_listener(core))``."""
    return lambda account_id: on_account_changed(core, account_id)


# --- reminders ------------------------------------------------------------------------------


def run_reminders(core: Core, *, dry_run: bool = False,
                  poster: Poster | None = None) -> Summary:
    """The morning job: one message per person with tasks due today or overdue.

    A direct message on Slack and Telegram (the user id is the DM channel); elsewhere, or
    when the DM fails (a Telegram user who never started the bot), a mention in each
    account channel that has their tasks.
    """
    summary = Summary(dry_run=dry_run)
    today = core.clock.today()
    key = today.isoformat()
    with core.sessions.begin() as session:
        by_person = health_repo.due_tasks_by_person(session, today=today)
        people = repos.persons_by_ids(session, ids=set(by_person))
        # A person is reminded only of accounts they may read (commands/authz.py): a task
        # given to someone outside the team, or who left its channel, is not shown to them.
        for person_id in list(by_person):
            person = people.get(person_id)
            readable = {a.id for a in authz.readable_accounts(
                session, person=person, is_admin=core.settings.is_admin(
                    person.platform, person.user_id))} if person is not None else set()
            kept = [(task, account) for task, account in by_person[person_id]
                    if account.id in readable]
            if kept:
                by_person[person_id] = kept
            else:
                del by_person[person_id]
        fallback: dict[int, list[tuple[ChannelBinding, Account, list[Task]]]] = {}
        for person_id, items in by_person.items():
            per_account: dict[int, tuple[Account, list[Task]]] = {}
            for task, account in items:
                per_account.setdefault(account.id or 0, (account, []))[1].append(task)
            fallback[person_id] = [
                (b, account, tasks)
                for account, tasks in per_account.values()
                for b in repos.bindings_of(session, account_id=account.id or 0)
            ]
    for person_id, items in by_person.items():
        person = people.get(person_id)
        if person is None:
            continue
        t = Translator(normalize_language(person.language or core.settings.KAMBOT_LANGUAGE))
        if person.platform in DM_PLATFORMS and core.senders.get(person.platform) is not None:
            reply = Reply(title=t("reminder.title", count=len(items)),
                          sections=[Section(items=[Item(_task_line(t, task, account, today))
                                                   for task, account in items])],
                          footer=t("reminder.footer"))
            result = deliver(sessions=core.sessions, senders=core.senders,
                             poster=_poster(core, poster), clock=core.clock, kind="reminder",
                             account_id=0, key=f"{person_id}:{key}",
                             out=Outgoing(platform=person.platform, workspace="",
                                          channel=person.user_id, reply=reply),
                             dry_run=dry_run)
            if result.outcome is Outcome.POSTED:
                summary.reminders += 1
                summary.lines.append(f"reminder {person.user_id} dm ({len(items)})")
                continue
            if result.outcome is Outcome.SKIPPED:
                continue
            log.warning("reminder DM to %s failed (%s); mentioning in channels",
                        person.user_id, result.error)
        for binding, account, tasks in fallback.get(person_id, []):
            if binding.platform != person.platform:
                continue
            tc = Translator(language_of(binding, account, core.settings.KAMBOT_LANGUAGE))
            reply = Reply(
                title=tc("reminder.channel_title", who=mention(person, binding.platform),
                         count=len(tasks)),
                sections=[Section(items=[Item(_task_line(tc, task, account, today))
                                         for task in tasks])],
                footer=tc("reminder.footer"))
            result = deliver(sessions=core.sessions, senders=core.senders,
                             poster=_poster(core, poster), clock=core.clock, kind="reminder",
                             account_id=account.id or 0, key=f"{person_id}:{key}",
                             out=_out(binding, reply),
                             dry_run=dry_run)
            if result.outcome is Outcome.POSTED:
                summary.reminders += 1
                summary.lines.append(
                    f"reminder {person.user_id} in {binding.platform}:{binding.channel}")
            elif result.outcome is not Outcome.SKIPPED:
                summary.failed += 1
    return summary


def _task_line(t: Translator, task: Task, account: Account, today: date) -> str:
    assert task.due_date is not None
    days = (today - task.due_date).days
    if days <= 0:
        return t("reminder.due_today", account=account.name, number=task.number, title=task.title)
    return t("reminder.overdue", account=account.name, number=task.number, title=task.title,
             days=days, due=task.due_date.isoformat())


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

#: When the jobs run each day, in KAMBOT_TIMEZONE: the check first, the reminders after it.
HEALTH_CHECK_AT = (8, 0)
REMINDERS_AT = (8, 30)


def health_jobs(core: Core, poster: Poster) -> list[Any]:
    """This feature's jobs for ``bot.scheduler.JOB_SOURCES``: "daily-health" and
    "daily-reminders". The check also catches up when a replica takes over (it is
    idempotent through the ledger); reminders do not, so nobody is reminded at midnight."""
    from apscheduler.triggers.cron import CronTrigger

    from bot.scheduler import JobSpec

    tz = core.settings.KAMBOT_TIMEZONE
    return [
        JobSpec("daily-health",
                CronTrigger(hour=HEALTH_CHECK_AT[0], minute=HEALTH_CHECK_AT[1], timezone=tz),
                lambda: run_health_check(core, poster=poster), catch_up=True),
        JobSpec("daily-reminders",
                CronTrigger(hour=REMINDERS_AT[0], minute=REMINDERS_AT[1], timezone=tz),
                lambda: run_reminders(core, poster=poster)),
    ]
