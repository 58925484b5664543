"""Who an account's notes can name: the people who hold or held its roles, who own its
tasks or wrote its notes, and the customer's stakeholders (read-only, keyword-only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import Note, Person, RoleAssignment, Stakeholder, Task


def team_people(session: Session, *, account_id: int, limit: int = 200) -> Sequence[Person]:
    """Everyone who worked on the account: role holders (now and before), task owners and
    note authors, without duplicates."""
    ids: set[int] = set()
    for column, where in (
        (RoleAssignment.person_id, RoleAssignment.account_id == account_id),
        (Task.assignee_id, Task.account_id == account_id),
        (Note.author_id, Note.account_id == account_id),
    ):
        rows = session.exec(select(column).where(where).distinct().limit(limit)).all()
        ids |= {int(i) for i in rows if i is not None}
    if not ids:
        return []
    return session.exec(select(Person).where(col(Person.id).in_(ids)).order_by(col(Person.id))).all()


def stakeholders(session: Session, *, account_id: int) -> Sequence[Stakeholder]:
    return session.exec(
        select(Stakeholder).where(Stakeholder.account_id == account_id).order_by(col(Stakeholder.id))
    ).all()
