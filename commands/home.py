"""A person's own view across accounts: open tasks (overdue first) and the roles they hold.

Platform-neutral data for home screens (Slack App Home); the adapter draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from commands import authz
from commands.format import is_overdue, task_sort_key
from storage import channels, repos
from storage.models import Account, Person, Task


@dataclass(frozen=True)
class HomeTask:
    task: Task
    account: Account
    channel: str | None  # where the account lives on this platform; its buttons act there
    overdue: bool


@dataclass(frozen=True)
class HomeAccount:
    account: Account
    roles: list[str]
    color: str | None
    channel: str | None


@dataclass
class Home:
    person: Person | None
    tasks: list[HomeTask] = field(default_factory=list)
    accounts: list[HomeAccount] = field(default_factory=list)


def home_for(session: Session, *, platform: str, user_id: str, today: date,
             is_admin: bool = False) -> Home:
    """Everything on one person's home screen; empty for someone the bot never met.

    Only accounts the person may read (commands/authz.py) and that are not archived: a
    person who left an account's channel, or was removed, no longer sees it here."""
    person = repos.person_by_user(session, platform=platform, user_id=user_id)
    if person is None or person.id is None:
        return Home(person=person)
    readable = {a.id for a in authz.readable_accounts(session, person=person, is_admin=is_admin,
                                                      include_archived=False)}
    task_rows = sorted((row for row in repos.open_tasks_of_person(session, person_id=person.id)
                        if row[1].id in readable),
                       key=lambda row: (task_sort_key(row[0], today), row[1].name))
    role_rows = [row for row in repos.roles_of_person(session, person_id=person.id)
                 if row[1].id in readable]
    roles: dict[int, list[str]] = {}
    accounts: dict[int, Account] = {}
    for assignment, account in role_rows:
        assert account.id is not None
        roles.setdefault(account.id, []).append(assignment.role)
        accounts[account.id] = account
    ids = {a.id for _, a in task_rows if a.id is not None} | set(accounts)
    where = channels.platform_bindings(session, platform=platform, account_ids=ids)
    colors = channels.latest_colors(session, account_ids=set(accounts))

    def channel_of(account: Account) -> str | None:
        binding = where.get(account.id or 0)
        return binding.channel if binding else None

    return Home(
        person=person,
        tasks=[HomeTask(task, account, channel_of(account), is_overdue(task, today))
               for task, account in task_rows],
        accounts=[HomeAccount(account, sorted(roles[aid]), colors.get(aid), channel_of(account))
                  for aid, account in sorted(accounts.items(), key=lambda kv: kv[1].name)],
    )
