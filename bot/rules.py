"""The KAM rules the health check applies before it assesses an account.

- Renewal: inside the first renewal window (KAMBOT_RENEWAL_WINDOWS, 90 days by default) a
  renewal task for AR, once per renewal date, on the same day the renewal starts to count
  in health (so health never says "no renewal task" while the rule is about to make one);
  at each later window (60, 30) a reminder in the channel while that task is still open.
- Core tier: a yearly executive visit task for the sponsor (AR when there is none).

Each rule makes its task once (``Task.rule_key``, unique per account) and announces it in
the account's channels once (the delivery ledger). The announcement goes out after the
commit that made the task; a check that died in between (its worker killed) would leave
it unsaid for good, so a later check announces an open rule task made in the last
ANNOUNCE_WITHIN_DAYS days in each channel where the ledger has not recorded it posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.health_posts import Post, out_to
from bot.messages import Reply
from commands.format import role_name
from commands.health import HealthConfig
from commands.health_text import mention
from commands.i18n import Translator, language_of
from storage import health_repo, ledger, repos
from storage.models import (
    Account,
    ChannelBinding,
    DeliveryStatus,
    Person,
    Role,
    Task,
    TaskStatus,
    Tier,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.app import Core

# How long a rule's task still gets the announcement that a dead check did not post.
ANNOUNCE_WITHIN_DAYS = 7


def apply_rules(
    core: Core, session: Session, account: Account, *, today: date, now: datetime,
    config: HealthConfig, dry_run: bool,
) -> tuple[list[Post], int]:
    """Returns the announcements to post and how many tasks the rules made."""
    assert account.id is not None
    posts: list[Post] = []
    fired = 0
    holders = repos.current_holders(session, account_id=account.id)
    bindings = repos.bindings_of(session, account_id=account.id)
    lang = language_of(bindings[0] if bindings else None, account, core.settings.KAMBOT_LANGUAGE)
    t0 = Translator(lang)
    windows = config.renewal_windows

    renewal = account.renewal_date
    days = (renewal - today).days if renewal is not None else None
    if renewal is not None and days is not None and 0 <= days <= windows[0]:
        key = f"renewal:{renewal.isoformat()}"
        existing = repos.task_by_rule(session, account_id=account.id, rule_key=key)

        def renewal_text(t: Translator, task: Task, b: ChannelBinding) -> str:
            return t("rule.renewal_posted", date=renewal.isoformat(), days=days,
                     number=task.number, role=role_name(t, task.role),
                     who=_who(t, holders.get(task.role), b.platform))

        if existing is None:
            due = max(today + timedelta(days=7), renewal - timedelta(days=windows[-1]))
            due = min(due, renewal)
            task = _rule_task(session, account, role=Role.AR.value, holders=holders,
                              title=t0("rule.renewal_task", date=renewal.isoformat()),
                              due=due, key=key, now=now, dry_run=dry_run)
            posts += _announce(core, account, task, bindings, renewal_text)
            fired += 1
        elif existing.status == TaskStatus.OPEN.value:
            posts += _announce(core, account, existing,
                               _unannounced(session, existing, bindings, today), renewal_text)
            posts += _renewal_reminders(core, account, existing, renewal, days, windows,
                                        holders, bindings)

    if account.tier == Tier.CORE.value:

        def visit_text(t: Translator, task: Task, b: ChannelBinding) -> str:
            return t("rule.exec_visit_posted", account=account.name, number=task.number,
                     role=role_name(t, task.role),
                     who=_who(t, holders.get(task.role), b.platform))

        last = health_repo.latest_rule_task(session, account_id=account.id, prefix="exec-visit:")
        if last is None or (today - last.created_at.date()).days >= config.exec_visit_every_days:
            key = f"exec-visit:{today.isoformat()}"
            role = Role.SPONSOR.value if Role.SPONSOR.value in holders else Role.AR.value
            task = _rule_task(session, account, role=role, holders=holders,
                              title=t0("rule.exec_visit_task", account=account.name),
                              due=today + timedelta(days=90), key=key, now=now,
                              dry_run=dry_run)
            posts += _announce(core, account, task, bindings, visit_text)
            fired += 1
        elif last.status == TaskStatus.OPEN.value:
            posts += _announce(core, account, last,
                               _unannounced(session, last, bindings, today), visit_text)
    return posts, fired


def _announce(core: Core, account: Account, task: Task, bindings: Sequence[ChannelBinding],
              text: Callable[[Translator, Task, ChannelBinding], str]) -> list[Post]:
    """The announcement of a rule's task in each of ``bindings``, keyed by its rule."""
    assert account.id is not None and task.rule_key is not None
    posts: list[Post] = []
    for b in bindings:
        t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
        posts.append(Post("rule", account.id, task.rule_key,
                          out_to(b, Reply(title=text(t, task, b))), None))
    return posts


def _unannounced(session: Session, task: Task, bindings: Sequence[ChannelBinding],
                 today: date) -> list[ChannelBinding]:
    """The channels where a rule's task made lately was not announced: the check that made
    it died before posting (or its post failed). The ledger posts it once either way."""
    if (today - task.created_at.date()).days > ANNOUNCE_WITHIN_DAYS:
        return []
    unsaid = []
    for b in bindings:
        row = ledger.find(session, kind="rule", account_id=task.account_id,
                          key=task.rule_key or "", channel=b.channel)
        if row is None or row.status != DeliveryStatus.POSTED.value:
            unsaid.append(b)
    return unsaid


def _renewal_reminders(core: Core, account: Account, task: Task, renewal: date, days: int,
                       windows: tuple[int, ...], holders: dict[str, Person],
                       bindings: Sequence[ChannelBinding]) -> list[Post]:
    """The reminder of the latest window reached, if the task was made before it opened
    (a task made inside the 30-day window was just announced: no reminder on top)."""
    assert account.id is not None
    reached = [w for w in windows[1:] if days <= w]
    if not reached:
        return []
    window = min(reached)
    if task.created_at.date() > renewal - timedelta(days=window):
        return []
    posts: list[Post] = []
    for b in bindings:
        t = Translator(language_of(b, account, core.settings.KAMBOT_LANGUAGE))
        text = t("rule.renewal_reminder", date=renewal.isoformat(), days=days,
                 number=task.number, role=role_name(t, task.role),
                 who=_who(t, holders.get(task.role), b.platform))
        posts.append(Post("rule", account.id, f"renewal:{renewal.isoformat()}:{window}",
                          out_to(b, Reply(title=text)), "reminders"))
    return posts


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
