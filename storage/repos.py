"""Repositories: every query the product makes, in one place, with keyword-only arguments.

The caller owns the transaction (the dispatcher's unit of work); nothing here commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import (
    Account,
    AuditLog,
    ChannelBinding,
    Note,
    Person,
    ProcessedEvent,
    RoleAssignment,
    Task,
    TaskStatus,
)


def name_key(name: str) -> str:
    """The comparison form of a name: NFKC, case-folded, inner white space folded."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


# --- events -----------------------------------------------------------------------------


def claim_event(session: Session, *, platform: str, key: str, at: datetime) -> bool:
    """Record that event ``key`` is being handled; False when it already was.

    Runs in a savepoint so a duplicate leaves the caller's transaction usable; the unique
    constraint makes this hold across processes and replicas.
    """
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(platform=platform, key=key, at=at))
            session.flush()
    except sa.exc.IntegrityError:
        return False
    return True


def event_seen(session: Session, *, platform: str, key: str) -> bool:
    """Whether event ``key`` was claimed by a committed unit of work (so its effect is saved)."""
    return session.exec(select(ProcessedEvent.id).where(
        ProcessedEvent.platform == platform, ProcessedEvent.key == key)).first() is not None


# --- accounts and channels --------------------------------------------------------------


def account_by_name(session: Session, *, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name_key == name_key(name))).first()


def account_by_id(session: Session, *, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def all_accounts(session: Session, *, include_archived: bool = False) -> Sequence[Account]:
    """Every account by name; archived ones (out of jobs and the portfolio) only if asked."""
    query = select(Account)
    if not include_archived:
        query = query.where(col(Account.archived_at).is_(None))
    return session.exec(query.order_by(col(Account.name))).all()


def create_account(session: Session, *, name: str, tier: str, at: datetime) -> Account:
    account = Account(name=name.strip(), name_key=name_key(name), tier=tier, created_at=at)
    session.add(account)
    session.flush()
    return account


def binding_for(
    session: Session, *, platform: str, workspace: str, channel: str
) -> ChannelBinding | None:
    """The binding of ``channel``: its own workspace's, else the channel's only binding.

    One Slack channel is seen from several teams: a Slack Connect partner's, a second
    workspace of an Enterprise Grid org, an org-wide install. Channel ids are unique across
    them, so a channel bound from one team is found from the others; when two teams each
    bound a channel of that id (not a shared channel), only the exact team matches.
    """
    exact = session.exec(
        select(ChannelBinding).where(
            ChannelBinding.platform == platform,
            ChannelBinding.workspace == workspace,
            ChannelBinding.channel == channel,
        )
    ).first()
    if exact is not None:
        return exact
    rows = session.exec(
        select(ChannelBinding).where(
            ChannelBinding.platform == platform, ChannelBinding.channel == channel
        ).limit(2)
    ).all()
    return rows[0] if len(rows) == 1 else None


def bindings_of(session: Session, *, account_id: int, active_only: bool = True,
                include_shared: bool = False) -> Sequence[ChannelBinding]:
    """The account's channels. Channels shared with the customer are left out unless
    asked for: whatever posts to "the account's channels" (alerts, reports, reminders,
    rule and playbook posts) thereby never reaches the customer."""
    query = select(ChannelBinding).where(ChannelBinding.account_id == account_id)
    if active_only:
        query = query.where(col(ChannelBinding.archived).is_(False))
    if not include_shared:
        query = query.where(col(ChannelBinding.shared).is_(False))
    return session.exec(query.order_by(col(ChannelBinding.id))).all()


def all_bindings(session: Session, *, active_only: bool = True,
                 include_shared: bool = False) -> Sequence[ChannelBinding]:
    """Every account's channels; shared ones only when asked for (see :func:`bindings_of`)."""
    query = select(ChannelBinding)
    if active_only:
        query = query.where(col(ChannelBinding.archived).is_(False))
    if not include_shared:
        query = query.where(col(ChannelBinding.shared).is_(False))
    return session.exec(query.order_by(col(ChannelBinding.account_id), col(ChannelBinding.id))).all()


def bind_channel(
    session: Session,
    *,
    platform: str,
    workspace: str,
    channel: str,
    account_id: int,
    channel_name: str,
    at: datetime,
) -> ChannelBinding:
    binding = ChannelBinding(
        platform=platform,
        workspace=workspace,
        channel=channel,
        account_id=account_id,
        channel_name=channel_name,
        created_at=at,
    )
    session.add(binding)
    session.flush()
    return binding


# --- people and roles -------------------------------------------------------------------


def person_by_user(session: Session, *, platform: str, user_id: str) -> Person | None:
    return session.exec(
        select(Person).where(Person.platform == platform, Person.user_id == user_id)
    ).first()


def person_by_username(session: Session, *, platform: str, username: str) -> Person | None:
    username = username.lstrip("@")
    return session.exec(
        select(Person).where(
            Person.platform == platform, sa.func.lower(Person.username) == username.lower()
        )
    ).first()


def upsert_person(
    session: Session, *, platform: str, user_id: str, display_name: str = "", username: str = ""
) -> Person:
    """The Person for a platform user, created on first sight; names kept up to date."""
    person = person_by_user(session, platform=platform, user_id=user_id)
    if person is None:
        try:
            with session.begin_nested():
                person = Person(
                    platform=platform,
                    user_id=user_id,
                    display_name=display_name or username or user_id,
                    username=username or None,
                )
                session.add(person)
                session.flush()
        except sa.exc.IntegrityError:
            person = person_by_user(session, platform=platform, user_id=user_id)
            assert person is not None
        return person
    if display_name and person.display_name != display_name:
        person.display_name = display_name
    if username and person.username != username:
        person.username = username
    return person


def current_holders(session: Session, *, account_id: int) -> dict[str, Person]:
    """Role -> the person holding it now."""
    rows = session.exec(
        select(RoleAssignment, Person)
        .join(Person, col(Person.id) == RoleAssignment.person_id)
        .where(RoleAssignment.account_id == account_id, col(RoleAssignment.ended_at).is_(None))
    ).all()
    return {ra.role: person for ra, person in rows}


def role_history(session: Session, *, account_id: int) -> Sequence[tuple[RoleAssignment, Person]]:
    return session.exec(
        select(RoleAssignment, Person)
        .join(Person, col(Person.id) == RoleAssignment.person_id)
        .where(RoleAssignment.account_id == account_id)
        .order_by(col(RoleAssignment.role), col(RoleAssignment.started_at))
    ).all()


def assign_role(
    session: Session, *, account_id: int, role: str, person_id: int, at: datetime
) -> Person | None:
    """Give ``role`` to the person; the previous holder's term ends. Returns who held it."""
    current = session.exec(
        select(RoleAssignment).where(
            RoleAssignment.account_id == account_id,
            RoleAssignment.role == role,
            col(RoleAssignment.ended_at).is_(None),
        )
    ).first()
    previous: Person | None = None
    if current is not None:
        if current.person_id == person_id:
            return session.get(Person, person_id)
        previous = session.get(Person, current.person_id)
        current.ended_at = at
        session.add(current)
        session.flush()
    session.add(RoleAssignment(account_id=account_id, role=role, person_id=person_id, started_at=at))
    session.flush()
    return previous


def roles_of_person(session: Session, *, person_id: int) -> Sequence[tuple[RoleAssignment, Account]]:
    return session.exec(
        select(RoleAssignment, Account)
        .join(Account, col(Account.id) == RoleAssignment.account_id)
        .where(RoleAssignment.person_id == person_id, col(RoleAssignment.ended_at).is_(None))
        .order_by(col(Account.name))
    ).all()


# --- numbering --------------------------------------------------------------------------


def next_number(session: Session, *, account_id: int, counter: str) -> int:
    """Take the next per-account number atomically (UPDATE ... RETURNING)."""
    column = getattr(Account, counter)
    result = session.execute(
        sa.update(Account)
        .where(col(Account.id) == account_id)
        .values({counter: column + 1})
        .returning(column)
    ).scalar_one()
    return int(result)


# --- notes ------------------------------------------------------------------------------


def add_note(
    session: Session, *, account_id: int, text: str, author_id: int | None, at: datetime,
    kind: str = "meeting",
) -> Note:
    number = next_number(session, account_id=account_id, counter="note_seq")
    note = Note(account_id=account_id, number=number, text=text, author_id=author_id,
                created_at=at, kind=kind)
    session.add(note)
    session.flush()
    # Indexed in the same unit of work, so search never misses a stored note.
    from storage.search import index_note

    index_note(session, note=note)
    return note


def notes_of(
    session: Session, *, account_id: int, since: datetime | None = None,
    until: datetime | None = None, limit: int | None = None,
) -> Sequence[Note]:
    query = select(Note).where(Note.account_id == account_id)
    if since is not None:
        query = query.where(col(Note.created_at) >= since)
    if until is not None:
        query = query.where(col(Note.created_at) < until)
    query = query.order_by(col(Note.created_at).desc(), col(Note.number).desc())
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


def note_by_number(session: Session, *, account_id: int, number: int) -> Note | None:
    return session.exec(
        select(Note).where(Note.account_id == account_id, Note.number == number)
    ).first()


# --- tasks ------------------------------------------------------------------------------


def add_task(
    session: Session,
    *,
    account_id: int,
    title: str,
    role: str,
    assignee_id: int | None,
    due_date: date | None,
    shared: bool,
    at: datetime,
    created_by_id: int | None = None,
    source_note_id: int | None = None,
    routing_reason: str | None = None,
    rule_key: str | None = None,
) -> Task:
    number = next_number(session, account_id=account_id, counter="task_seq")
    task = Task(
        account_id=account_id,
        number=number,
        title=title,
        role=role,
        assignee_id=assignee_id,
        due_date=due_date,
        shared=shared,
        created_at=at,
        created_by_id=created_by_id,
        source_note_id=source_note_id,
        routing_reason=routing_reason,
        rule_key=rule_key,
    )
    session.add(task)
    session.flush()
    return task


def task_by_number(session: Session, *, account_id: int, number: int) -> Task | None:
    return session.exec(
        select(Task).where(Task.account_id == account_id, Task.number == number)
    ).first()


def task_by_rule(session: Session, *, account_id: int, rule_key: str) -> Task | None:
    return session.exec(
        select(Task).where(Task.account_id == account_id, Task.rule_key == rule_key)
    ).first()


def tasks_of(
    session: Session,
    *,
    account_id: int,
    status: str | None = TaskStatus.OPEN.value,
    role: str | None = None,
    assignee_id: int | None = None,
) -> Sequence[Task]:
    query = select(Task).where(Task.account_id == account_id)
    if status is not None:
        query = query.where(Task.status == status)
    if role is not None:
        query = query.where(Task.role == role)
    if assignee_id is not None:
        query = query.where(Task.assignee_id == assignee_id)
    return session.exec(query.order_by(col(Task.number))).all()


def count_tasks(
    session: Session, *, account_id: int, status: str | None = TaskStatus.OPEN.value,
    due_before: date | None = None,
) -> int:
    """How many tasks, counted in the database (the card and portfolio need no rows)."""
    query = select(sa.func.count()).select_from(Task).where(Task.account_id == account_id)
    if status is not None:
        query = query.where(Task.status == status)
    if due_before is not None:
        query = query.where(col(Task.due_date) < due_before)
    return int(session.exec(query).one())


def open_tasks_of_person(session: Session, *, person_id: int) -> Sequence[tuple[Task, Account]]:
    """A person's open tasks on every account, for "my tasks" views and reminders."""
    return session.exec(
        select(Task, Account)
        .join(Account, col(Account.id) == Task.account_id)
        .where(Task.assignee_id == person_id, Task.status == TaskStatus.OPEN.value)
        .order_by(col(Task.due_date), col(Account.name), col(Task.number))
    ).all()


def reassign_role_tasks(
    session: Session, *, account_id: int, role: str, person_id: int | None
) -> int:
    """Every open task of ``role`` follows the role to its new holder. Returns how many."""
    result = session.execute(
        sa.update(Task)
        .where(
            col(Task.account_id) == account_id,
            col(Task.role) == role,
            col(Task.status) == TaskStatus.OPEN.value,
        )
        .values(assignee_id=person_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def persons_by_ids(session: Session, *, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(ids))).all()
    return {p.id: p for p in rows if p.id is not None}


# --- audit ------------------------------------------------------------------------------


def audit(
    session: Session, *, at: datetime, action: str, account_id: int | None = None,
    person_id: int | None = None, target: str | None = None, channel_key: str | None = None,
    event_key: str | None = None, undoes_id: int | None = None, **detail: object,
) -> AuditLog:
    """One entry of the account's history (commands/audit.py says what ``detail`` holds)."""
    entry = AuditLog(at=at, action=action, account_id=account_id, person_id=person_id,
                     target=target, channel_key=channel_key, event_key=event_key,
                     undoes_id=undoes_id, detail={k: v for k, v in detail.items()})
    session.add(entry)
    return entry
