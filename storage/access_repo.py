"""Queries about access: channel members, who may read which account, removing a person,
and the keys kambot keeps for itself.

Membership is recorded as kambot sees it: a person who acts in a channel, or whom the
platform reports joining it, is a member until the platform reports them leaving. The
caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import repos
from storage.models import (
    Account,
    ChannelBinding,
    ChannelMember,
    Person,
    RoleAssignment,
    Secret,
    Task,
    TaskStatus,
)

# --- channel members --------------------------------------------------------------------


def _member_workspace(session: Session, *, platform: str, workspace: str, channel: str) -> str:
    """The workspace a membership is kept under: the bound channel's own.

    One Slack channel is seen from several teams (a Slack Connect partner's, another
    workspace of an Enterprise Grid org), and :func:`repos.binding_for` finds its binding
    from any of them; a membership is matched to the binding by workspace, so a person
    seen from a partner team is recorded under the binding's team, or they would never
    count as a member of the account whose channel they are in.
    """
    binding = repos.binding_for(session, platform=platform, workspace=workspace, channel=channel)
    return binding.workspace if binding is not None else workspace


def _member_row(session: Session, *, platform: str, workspace: str, channel: str,
                person_id: int) -> ChannelMember | None:
    workspace = _member_workspace(session, platform=platform, workspace=workspace,
                                  channel=channel)
    return session.exec(select(ChannelMember).where(
        ChannelMember.platform == platform, ChannelMember.workspace == workspace,
        ChannelMember.channel == channel, ChannelMember.person_id == person_id)).first()


def observe_member(session: Session, *, platform: str, workspace: str, channel: str,
                   person_id: int, at: datetime) -> bool:
    """Record that the person is in the channel now; True when that is news."""
    row = _member_row(session, platform=platform, workspace=workspace, channel=channel,
                      person_id=person_id)
    if row is not None:
        if row.left_at is None:
            return False
        row.left_at = None
        row.joined_at = at
        session.add(row)
        session.flush()
        return True
    workspace = _member_workspace(session, platform=platform, workspace=workspace,
                                  channel=channel)
    try:
        with session.begin_nested():
            session.add(ChannelMember(platform=platform, workspace=workspace, channel=channel,
                                      person_id=person_id, joined_at=at))
            session.flush()
    except sa.exc.IntegrityError:  # recorded at the same moment by another request
        return False
    return True


def end_membership(session: Session, *, platform: str, workspace: str, channel: str,
                   person_id: int, at: datetime) -> bool:
    """The person left the channel (or was removed); True when they were a member."""
    row = _member_row(session, platform=platform, workspace=workspace, channel=channel,
                      person_id=person_id)
    if row is None or row.left_at is not None:
        return False
    row.left_at = at
    session.add(row)
    session.flush()
    return True


def _binding_join() -> sa.ColumnElement[bool]:
    # Members of a channel shared with the customer are the customer's people as much as
    # ours: being there gives no standing on the account.
    return sa.and_(
        col(ChannelBinding.platform) == col(ChannelMember.platform),
        col(ChannelBinding.workspace) == col(ChannelMember.workspace),
        col(ChannelBinding.channel) == col(ChannelMember.channel),
        col(ChannelBinding.shared).is_(False),
    )


def is_member_of_account(session: Session, *, account_id: int, person_id: int) -> bool:
    """A current member of one of the account's bound channels."""
    found = session.exec(
        select(ChannelMember.id).join(ChannelBinding, _binding_join()).where(
            ChannelBinding.account_id == account_id, ChannelMember.person_id == person_id,
            col(ChannelMember.left_at).is_(None)).limit(1)
    ).first()
    return found is not None


def member_account_ids(session: Session, *, person_id: int) -> set[int]:
    rows = session.exec(
        select(ChannelBinding.account_id).join(ChannelMember, _binding_join()).where(
            ChannelMember.person_id == person_id, col(ChannelMember.left_at).is_(None))
    ).all()
    return set(rows)


def memberships_of_account(session: Session, *, account_id: int,
                           person_id: int) -> Sequence[ChannelMember]:
    """The person's current memberships of the account's channels."""
    return session.exec(
        select(ChannelMember).join(ChannelBinding, _binding_join()).where(
            ChannelBinding.account_id == account_id, ChannelMember.person_id == person_id,
            col(ChannelMember.left_at).is_(None))
    ).all()


def memberships_of_person(session: Session, *, person_id: int) -> Sequence[ChannelMember]:
    return session.exec(select(ChannelMember).where(
        ChannelMember.person_id == person_id, col(ChannelMember.left_at).is_(None))).all()


# --- who reads what ---------------------------------------------------------------------


def role_account_ids(session: Session, *, person_id: int) -> set[int]:
    rows = session.exec(select(RoleAssignment.account_id).where(
        RoleAssignment.person_id == person_id, col(RoleAssignment.ended_at).is_(None))).all()
    return set(rows)


def readable_account_ids(session: Session, *, person_id: int) -> set[int]:
    """Accounts where the person holds a role now or is a member of a bound channel."""
    return role_account_ids(session, person_id=person_id) | member_account_ids(
        session, person_id=person_id)


def accounts_by_ids(session: Session, *, ids: set[int],
                    include_archived: bool = True) -> list[Account]:
    if not ids:
        return []
    query = select(Account).where(col(Account.id).in_(ids))
    if not include_archived:
        query = query.where(col(Account.archived_at).is_(None))
    return list(session.exec(query.order_by(col(Account.name))).all())


def account_of_channel(session: Session, *, platform: str, channel: str) -> Account | None:
    """The account a channel is bound to, by the channel's id alone (ids are unique per
    platform); what a button shown there acts on."""
    return session.exec(
        select(Account).join(ChannelBinding, col(ChannelBinding.account_id) == col(Account.id))
        .where(ChannelBinding.platform == platform, ChannelBinding.channel == channel,
               col(ChannelBinding.archived).is_(False))
        .order_by(col(ChannelBinding.id)).limit(1)
    ).first()


# --- removing a person ------------------------------------------------------------------


def end_roles(session: Session, *, person_id: int, at: datetime,
              account_id: int | None = None) -> list[tuple[int, str]]:
    """End the person's roles (on one account, or everywhere). Their open tasks stay with
    the role, unassigned, so the next holder takes them. Returns (account, role) pairs."""
    query = select(RoleAssignment).where(RoleAssignment.person_id == person_id,
                                         col(RoleAssignment.ended_at).is_(None))
    if account_id is not None:
        query = query.where(RoleAssignment.account_id == account_id)
    ended: list[tuple[int, str]] = []
    for row in session.exec(query).all():
        row.ended_at = at
        session.add(row)
        ended.append((row.account_id, row.role))
    session.flush()
    return ended


def unassign_open_tasks(session: Session, *, person_id: int,
                        account_id: int | None = None) -> int:
    """The person's open tasks lose their assignee and keep their role. Returns how many."""
    stmt = sa.update(Task).where(col(Task.assignee_id) == person_id,
                                 col(Task.status) == TaskStatus.OPEN.value)
    if account_id is not None:
        stmt = stmt.where(col(Task.account_id) == account_id)
    result = session.execute(stmt.values(assignee_id=None))
    return int(getattr(result, "rowcount", 0) or 0)


def set_removed(session: Session, *, person: Person, at: datetime | None) -> None:
    person.removed_at = at
    session.add(person)
    session.flush()


# --- keys kambot keeps ------------------------------------------------------------------


def secret(session: Session, *, name: str, make: Callable[[], str], at: datetime) -> str:
    """The stored secret ``name``, made by ``make`` the first time (once, whoever races)."""
    row = session.get(Secret, name)
    if row is not None:
        return row.value
    try:
        with session.begin_nested():
            session.add(Secret(name=name, value=make(), created_at=at))
            session.flush()
    except sa.exc.IntegrityError:
        pass
    row = session.get(Secret, name)
    assert row is not None
    return row.value
