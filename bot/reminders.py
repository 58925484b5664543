"""The morning digest: one direct message per person, on business days, with their work
across every account: overdue, due today, due the next business day (the reminder the day
before) and, on the first business day of the week, the rest of the week.

The job ("daily-reminders") runs every hour; a person's digest goes at the hour they chose
(``reminders at 8``, KAMBOT_TIMEZONE; 8 by default), or within REMINDER_WINDOW_HOURS after
it when the bot was down, never later, and not at all when they turned it off
(``reminders off``). A task counts on the business days of its account's country: a
Chinese account's task is not listed on National Day, and is on the Saturday worked to
make up for it. Each digest is claimed in the delivery ledger (person and day), so it
goes once. Where a direct message is impossible (the console, a Telegram user who never
started the bot) the person is mentioned in each account channel that has their tasks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.health_posts import Summary, calendar_of, out_to, poster_for
from bot.messages import Item, Outgoing, Reply, Section
from bot.posting import Outcome, Poster, deliver
from commands import authz
from commands.format import fmt_date
from commands.health_text import mention
from commands.i18n import Translator, language_of, normalize_language
from storage import alert_repo, repos
from storage.models import Account, ChannelBinding, Person, Task

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

# Platforms where a person's user id is also a direct-message channel.
DM_PLATFORMS = {"slack", "telegram"}
REMINDER_WINDOW_HOURS = 3


@dataclass
class Digest:
    """One person's day: the tasks in each part, with their accounts."""

    overdue: list[tuple[Task, Account, int]] = field(default_factory=list)  # + business days late
    today: list[tuple[Task, Account]] = field(default_factory=list)
    next: list[tuple[Task, Account]] = field(default_factory=list)
    week: list[tuple[Task, Account]] = field(default_factory=list)
    next_day: date | None = None
    week_start: bool = False  # today is the first business day of the week somewhere

    @property
    def worth_sending(self) -> bool:
        return bool(self.overdue or self.today or self.next or (self.week and self.week_start))

    def of_account(self, account_id: int) -> Digest:
        return Digest([x for x in self.overdue if x[1].id == account_id],
                      [x for x in self.today if x[1].id == account_id],
                      [x for x in self.next if x[1].id == account_id],
                      [x for x in self.week if x[1].id == account_id],
                      self.next_day, self.week_start)


def build_digest(core: Core, items: list[tuple[Task, Account]], today: date) -> Digest:
    """Sort a person's dated open tasks into the digest's parts (business days only)."""
    digest = Digest()
    sunday = today + timedelta(days=6 - today.weekday())
    for task, account in items:
        calendar = calendar_of(core, account)
        if not calendar.is_business_day(today) or task.due_date is None:
            continue
        due = task.due_date
        next_day = calendar.next_business_day(today)
        if due < today:
            digest.overdue.append((task, account, calendar.business_days_between(due, today)))
        elif due == today:
            digest.today.append((task, account))
        elif due <= next_day:
            digest.next.append((task, account))
            digest.next_day = next_day if digest.next_day is None else min(digest.next_day,
                                                                         next_day)
        elif due <= sunday:
            digest.week.append((task, account))
        if calendar.first_business_day_of_week(today) == today:
            digest.week_start = True
    return digest


def _sections(t: Translator, digest: Digest) -> list[Section]:
    sections: list[Section] = []

    def line(task: Task, account: Account) -> str:
        return t("digest.line", account=account.name, number=task.number, title=task.title)

    if digest.overdue:
        sections.append(Section(title=t("digest.overdue"), items=[
            Item(t("digest.line_overdue", account=a.name, number=x.number, title=x.title,
                   days=days, due=fmt_date(t.lang, x.due_date, weekday=False)))
            for x, a, days in digest.overdue]))
    if digest.today:
        sections.append(Section(title=t("digest.today"),
                                items=[Item(line(x, a)) for x, a in digest.today]))
    if digest.next:
        sections.append(Section(title=t("digest.next", date=fmt_date(t.lang, digest.next_day)),
                                items=[Item(line(x, a)) for x, a in digest.next]))
    if digest.week and (digest.week_start or sections):
        sections.append(Section(title=t("digest.week"), items=[
            Item(t("digest.line_due", account=a.name, number=x.number, title=x.title,
                   due=fmt_date(t.lang, x.due_date))) for x, a in digest.week]))
    return sections


def _language(person: Person, accounts: list[Account], default: str) -> str:
    """The person's own language, else Chinese when every account of theirs speaks it."""
    if person.language:
        return normalize_language(person.language)
    langs = {normalize_language(a.language or default) for a in accounts}
    return langs.pop() if len(langs) == 1 else normalize_language(default)


def run_reminders(core: Core, *, dry_run: bool = False,
                  poster: Poster | None = None) -> Summary:
    """The hourly digest job: the digests whose hour has come, each once a day."""
    summary = Summary(dry_run=dry_run)
    now = core.clock.now().astimezone(core.clock.tz)
    today = now.date()
    key = today.isoformat()
    with core.sessions.begin() as session:
        by_person = alert_repo.open_dated_tasks_by_person(session, until=today + timedelta(days=7))
        prefs = alert_repo.preferences(session, person_ids=set(by_person))
        people = repos.persons_by_ids(session, ids=set(by_person))
        # A person is reminded only of accounts they may read (commands/authz.py): a task
        # given to someone outside the team, or who left its channel, is not shown to them;
        # an archived account reminds nobody.
        for person_id in list(by_person):
            person = people.get(person_id)
            readable = {a.id for a in authz.readable_accounts(
                session, person=person, is_admin=core.settings.is_admin(
                    person.platform, person.user_id), include_archived=False)
            } if person is not None else set()
            kept = [(task, account) for task, account in by_person[person_id]
                    if account.id in readable]
            if kept:
                by_person[person_id] = kept
            else:
                del by_person[person_id]
        bindings: dict[int, list[ChannelBinding]] = {}
        for items in by_person.values():
            for _, account in items:
                if account.id is not None and account.id not in bindings:
                    bindings[account.id] = list(repos.bindings_of(session, account_id=account.id))
    for person_id, items in by_person.items():
        person = people.get(person_id)
        pref = prefs.get(person_id)
        hour = pref.hour if pref is not None else alert_repo.DEFAULT_HOUR
        if person is None or (pref is not None and not pref.enabled):
            continue
        if not hour <= now.hour < hour + REMINDER_WINDOW_HOURS:
            continue
        digest = build_digest(core, items, today)
        if not digest.worth_sending:
            continue
        accounts = list({a.id: a for _, a in items}.values())
        t = Translator(_language(person, accounts, core.settings.KAMBOT_LANGUAGE))
        if person.platform in DM_PLATFORMS and core.senders.get(person.platform) is not None:
            reply = Reply(title=t("digest.title", date=fmt_date(t.lang, today)),
                          sections=_sections(t, digest), footer=t("digest.footer"))
            result = deliver(sessions=core.sessions, senders=core.senders,
                             poster=poster_for(core, poster), clock=core.clock, kind="reminder",
                             account_id=0, key=f"{person_id}:{key}",
                             out=Outgoing(platform=person.platform, workspace="",
                                          channel=person.user_id, reply=reply),
                             dry_run=dry_run)
            if result.outcome is Outcome.POSTED:
                summary.reminders += 1
                summary.lines.append(f"reminder {person.user_id} dm")
                continue
            if result.outcome is Outcome.SKIPPED:
                continue
            log.warning("reminder DM to %s failed (%s); mentioning in channels",
                        person.user_id, result.error)
        _in_channels(core, person, digest, accounts, bindings, today, summary, poster)
    return summary


def _in_channels(core: Core, person: Person, digest: Digest, accounts: list[Account],
                 bindings: dict[int, list[ChannelBinding]], today: date, summary: Summary,
                 poster: Poster | None) -> None:
    """The fallback: a mention in each account channel, with that account's tasks only."""
    for account in accounts:
        assert account.id is not None
        part = digest.of_account(account.id)
        if not part.worth_sending:
            continue
        for binding in bindings.get(account.id, []):
            if binding.platform != person.platform:
                continue
            tc = Translator(language_of(binding, account, core.settings.KAMBOT_LANGUAGE))
            reply = Reply(title=tc("digest.channel_title", who=mention(person, binding.platform),
                                   date=fmt_date(tc.lang, today)),
                          sections=_sections(tc, part), footer=tc("digest.footer"))
            result = deliver(sessions=core.sessions, senders=core.senders,
                             poster=poster_for(core, poster), clock=core.clock, kind="reminder",
                             account_id=account.id, key=f"{person.id}:{today.isoformat()}",
                             out=out_to(binding, reply), dry_run=summary.dry_run)
            if result.outcome is Outcome.POSTED:
                summary.reminders += 1
                summary.lines.append(
                    f"reminder {person.user_id} in {binding.platform}:{binding.channel}")
            elif result.outcome is not Outcome.SKIPPED:
                summary.failed += 1
