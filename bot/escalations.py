"""The escalation chain for overdue work: its holder, then the AR, then the executive
sponsor, then management, one step every ``escalate_after_days`` business days late (and
at most one step a day).

Nobody is told twice about one task and due date: a person already told (as holder, AR
or sponsor) is skipped and the next one in the chain is told instead, so an AR's own late
task goes from the AR straight to the sponsor. Who was told is recorded
(EscalationNotice); a re-planned task (a new due date) starts the chain again. Business
days are the account's (its country's weekends and public holidays), and nothing is
posted on a day off. A customer's commitment (role CUSTOMER) starts with the AR, who
chases the customer. Management is the last step for the tiers it hears about
(``management_tiers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.health_posts import (
    Post,
    Summary,
    calendar_of,
    config_of,
    deliver_all,
    management_out,
    out_to,
)
from bot.messages import Item, Outgoing, Reply, Section, Tone
from bot.posting import Outcome, Poster
from commands.format import role_name
from commands.health import HealthConfig
from commands.health_text import mention
from commands.i18n import Translator, language_of
from storage import alert_repo, health_repo, repos
from storage.models import Account, EscalationNotice, Person, Role, Task

if TYPE_CHECKING:
    from bot.app import Core

HOLDER = "HOLDER"
MANAGEMENT = "MANAGEMENT"
MAX_LEVEL = 4


@dataclass(frozen=True)
class Step:
    """One escalation to make: ``person`` None means the management channel."""

    task: Task
    account: Account
    level: int
    role: str  # why this person: HOLDER, AR, SPONSOR or MANAGEMENT
    person: Person | None
    days: int  # business days late
    told: tuple[tuple[EscalationNotice, Person | None], ...]


def next_recipient(
    chain: list[tuple[str, Person | None]], told: set[int], *, management: bool,
    management_told: bool,
) -> tuple[str, Person | None] | None:
    """The first person of the chain not told yet, else management (once), else nobody.
    A pure function: the chain is (role, person) in order, holder first."""
    for role, person in chain:
        if person is not None and person.id not in told:
            return role, person
    if management and not management_told:
        return MANAGEMENT, None
    return None


def plan_steps(core: Core, session: Session, *, today: date, config: HealthConfig
               ) -> list[Step]:
    """The escalations due today, across accounts."""
    steps: list[Step] = []
    accounts: dict[int, Account | None] = {}
    tasks = health_repo.overdue_tasks(session, today=today)
    people = repos.persons_by_ids(session, ids={t.assignee_id for t in tasks
                                                if t.assignee_id is not None})
    for task in tasks:
        if task.due_date is None or task.id is None:
            continue
        if task.account_id not in accounts:
            accounts[task.account_id] = repos.account_by_id(session, account_id=task.account_id)
        account = accounts[task.account_id]
        if account is None:
            continue
        calendar = calendar_of(core, account)
        if not calendar.is_business_day(today):
            continue
        days = calendar.business_days_between(task.due_date, today)
        reached = min(MAX_LEVEL, days // max(config.escalate_after_days, 1))
        if reached < 1:
            continue
        notices = list(alert_repo.notices_of(session, task_id=task.id, due_date=task.due_date))
        done = {n.level for n in notices}
        told = {n.person_id for n in notices if n.person_id is not None}
        management_told = any(n.role == MANAGEMENT for n in notices)
        holders = repos.current_holders(session, account_id=task.account_id)
        holder = people.get(task.assignee_id) if task.assignee_id is not None else None
        if holder is None and task.role != Role.CUSTOMER.value:
            holder = holders.get(task.role)
        chain: list[tuple[str, Person | None]] = []
        if task.role != Role.CUSTOMER.value:
            chain.append((HOLDER, holder))
        chain += [(Role.AR.value, holders.get(Role.AR.value)),
                  (Role.SPONSOR.value, holders.get(Role.SPONSOR.value))]
        told_people = repos.persons_by_ids(session, ids=told)
        history = tuple((n, told_people.get(n.person_id) if n.person_id else None)
                        for n in notices)
        for level in range(1, reached + 1):
            if level in done:
                continue
            pick = next_recipient(chain, told, management=account.tier in config.management_tiers,
                                  management_told=management_told)
            if pick is None:
                break
            role, person = pick
            # One step a day: a task found long overdue climbs the chain day by day
            # instead of telling everyone at once.
            steps.append(Step(task, account, level, role, person, days, history))
            break
    return steps


def _reply(t: Translator, steps: list[Step], platform: str,
           holders: dict[int, Person | None]) -> Reply:
    """One message per recipient, account and role of the day, however many tasks."""
    first = steps[0]
    who = mention(first.person, platform) if first.person else ""
    account = first.account.name
    if len(steps) == 1:
        task = first.task
        title = (t("escalation.management_title", number=task.number, account=account,
                   days=first.days) if first.person is None else
                 t("escalation.to_title", who=who, number=task.number, account=account,
                   days=first.days))
    else:
        title = (t("escalation.management_title_many", count=len(steps), account=account)
                 if first.person is None else
                 t("escalation.to_title_many", who=who, count=len(steps), account=account))
    items: list[Item] = []
    for step in steps:
        task = step.task
        assert task.due_date is not None and task.id is not None
        line = t("escalation.item", number=task.number, title=task.title,
                 role=role_name(t, task.role),
                 who=_name(t, holders.get(task.id), task, platform),
                 due=task.due_date.isoformat(), days=step.days,
                 shared=t("escalation.shared") if task.shared else "")
        if step.told:
            told = t("scorecard.sep").join(
                t("escalation.told_one", who=mention(p, platform) if p else t("escalation.mgmt"),
                  date=n.at.date().isoformat()) for n, p in step.told)
            line += " " + t("escalation.told_before", told=told)
        items.append(Item(line))
    ask_key = {MANAGEMENT: "management", Role.AR.value: "ar", Role.SPONSOR.value: "sponsor"}
    numbers = ", ".join(str(step.task.number) for step in steps)
    ask = t(f"escalation.ask.{ask_key.get(first.role, 'holder')}", number=numbers)
    return Reply(title=title, sections=[Section(items=items), Section(text=ask)],
                 tone=Tone.WARNING)


def escalate(core: Core, summary: Summary, *, poster: Poster | None = None) -> None:
    """Plan today's escalations, post them once (one message per recipient, account and
    role), and record who was told."""
    config = config_of(core)
    today = core.clock.today()
    groups: dict[tuple[int, str, str], list[Step]] = {}
    to_post: list[tuple[list[Step], list[Post]]] = []
    with core.sessions.begin() as session:
        for step in plan_steps(core, session, today=today, config=config):
            recipient = step.person.user_id if step.person is not None else "management"
            groups.setdefault((step.task.account_id, recipient, step.role), []).append(step)
        for (account_id, recipient, role), steps in groups.items():
            key = f"{today.isoformat()}:{role}:{recipient}"
            holders = _holders(session, steps)
            posts: list[Post] = []
            if steps[0].person is None:
                t = Translator(core.settings.KAMBOT_LANGUAGE)
                out = management_out(core, Reply())
                if out is not None:
                    posts.append(Post("escalation", account_id, key, Outgoing(
                        platform=out.platform, workspace="", channel=out.channel,
                        reply=_reply(t, steps, out.platform, holders)), "escalations"))
            else:
                for b in repos.bindings_of(session, account_id=account_id):
                    t = Translator(language_of(b, steps[0].account,
                                               core.settings.KAMBOT_LANGUAGE))
                    posts.append(Post("escalation", account_id, key,
                                      out_to(b, _reply(t, steps, b.platform, holders)),
                                      "escalations"))
            to_post.append((steps, posts))
    for steps, posts in to_post:
        results = deliver_all(core, posts, summary, poster)
        # A post another run holds is that run's to record: if it dies, its retry plans
        # the same step again and recovers the post (bot/posting.py).
        delivered = any(r.outcome is Outcome.POSTED
                        or (r.outcome is Outcome.SKIPPED and not r.held) for _, r in results)
        if delivered and not summary.dry_run:
            with core.sessions.begin() as session:
                for step in steps:
                    alert_repo.record_notice(session, task=step.task, level=step.level,
                                             person_id=step.person.id if step.person else None,
                                             role=step.role, at=core.clock.now())


def _holders(session: Session, steps: list[Step]) -> dict[int, Person | None]:
    """Each task's holder now: its assignee, else whoever holds its role."""
    out: dict[int, Person | None] = {}
    for step in steps:
        task = step.task
        assert task.id is not None
        if task.assignee_id is not None:
            out[task.id] = repos.persons_by_ids(session, ids={task.assignee_id}).get(
                task.assignee_id)
        else:
            out[task.id] = repos.current_holders(session, account_id=task.account_id).get(
                task.role)
    return out


def _name(t: Translator, holder: Person | None, task: Task, platform: str) -> str:
    if task.role == Role.CUSTOMER.value:
        return task.owner_text or t("escalation.customer")
    return mention(holder, platform) or t("health.nobody", role_key=task.role.lower()).strip()
