"""Queries for correcting the record: listing, reading and deleting notes, removing and
restoring rows an undo takes back (tasks, role terms, stakeholders, plan sections, signals,
bindings, a just-created account).

Keyword-only arguments; the caller owns the transaction and nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage import search
from storage.models import (
    Account,
    ChannelBinding,
    Decision,
    Delivery,
    HealthSnapshot,
    Note,
    PlanSection,
    Proposal,
    RoleAssignment,
    Signal,
    Stakeholder,
    Task,
)

# --- notes ------------------------------------------------------------------------------


def notes_page(session: Session, *, account_id: int, offset: int, limit: int) -> Sequence[Note]:
    """The account's notes, newest first."""
    return session.exec(
        select(Note).where(Note.account_id == account_id)
        .order_by(col(Note.number).desc()).offset(offset).limit(limit)
    ).all()


def note_count(session: Session, *, account_id: int) -> int:
    return int(session.exec(
        select(sa.func.count()).select_from(Note).where(Note.account_id == account_id)
    ).one())


def task_counts_by_note(session: Session, *, note_ids: Iterable[int]) -> dict[int, int]:
    ids = list(note_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Task.source_note_id, sa.func.count()).where(col(Task.source_note_id).in_(ids))
        .group_by(col(Task.source_note_id))
    ).all()
    return {int(note_id): int(n) for note_id, n in rows if note_id is not None}


def tasks_of_note(session: Session, *, note_id: int) -> Sequence[Task]:
    return session.exec(
        select(Task).where(Task.source_note_id == note_id).order_by(col(Task.number))
    ).all()


def decisions_of_note(session: Session, *, note_id: int) -> Sequence[Decision]:
    return session.exec(
        select(Decision).where(Decision.note_id == note_id)
        .order_by(col(Decision.line_no), col(Decision.id))
    ).all()


def delete_note(session: Session, *, note: Note) -> None:
    """Delete a note with its decisions, its proposals (a transcript's) and its search entry;
    its tasks stay, unlinked."""
    assert note.id is not None
    session.execute(sa.update(Task).where(col(Task.source_note_id) == note.id)
                    .values(source_note_id=None))
    # Proposals point at the note and at the decisions they recorded: they go first.
    session.execute(sa.delete(Proposal).where(col(Proposal.note_id) == note.id))
    session.execute(sa.delete(Decision).where(col(Decision.note_id) == note.id))
    search.unindex_note(session, note_id=note.id)
    session.delete(note)
    session.flush()


def restore_note(session: Session, *, data: dict[str, Any], task_ids: Iterable[int],
                 decisions: Iterable[dict[str, Any]],
                 proposals: Iterable[dict[str, Any]] = ()) -> Note:
    """Put a deleted note back under its old id and number, relink its tasks, restore its
    decisions and its proposals (see :func:`proposals_for_stash`) and index it again."""
    note = Note.model_validate(data)
    session.add(note)
    session.flush()
    assert note.id is not None
    ids = list(task_ids)
    if ids:
        session.execute(sa.update(Task).where(col(Task.id).in_(ids),
                                              col(Task.account_id) == note.account_id)
                        .values(source_note_id=note.id))
    restored = [Decision.model_validate({**row, "note_id": note.id}) for row in decisions]
    session.add_all(restored)
    session.flush()
    for row in proposals:
        fields = dict(row)
        index = fields.pop("decision", None)
        decision = restored[index] if isinstance(index, int) and 0 <= index < len(restored) \
            else None
        task_id = fields.get("task_id")
        if task_id is not None and session.get(Task, task_id) is None:
            fields["task_id"] = None  # the task it made is gone since
        session.add(Proposal.model_validate({**fields, "note_id": note.id,
                                             "decision_id": decision.id if decision else None}))
    session.flush()
    search.index_note(session, note=note)
    return note


def proposals_for_stash(session: Session, *, note_id: int,
                        decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    """A note's proposals as :func:`restore_note` takes them back: each names the decision
    it recorded by its place in ``decisions`` (restored decisions get new ids)."""
    place = {d.id: i for i, d in enumerate(decisions)}
    rows = session.exec(select(Proposal).where(Proposal.note_id == note_id)
                        .order_by(col(Proposal.id))).all()
    return [{**p.model_dump(mode="json", exclude={"id", "note_id", "decision_id"}),
             "decision": place.get(p.decision_id)} for p in rows]


def note_by_id(session: Session, *, note_id: int) -> Note | None:
    return session.get(Note, note_id)


# --- tasks ------------------------------------------------------------------------------


def task_by_id(session: Session, *, task_id: int) -> Task | None:
    return session.get(Task, task_id)


def tasks_by_ids(session: Session, *, ids: Iterable[int]) -> dict[int, Task]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Task).where(col(Task.id).in_(wanted))).all()
    return {t.id: t for t in rows if t.id is not None}


def delete_task(session: Session, *, task: Task) -> None:
    session.delete(task)
    session.flush()


# --- roles ------------------------------------------------------------------------------


def current_assignment(session: Session, *, account_id: int, role: str) -> RoleAssignment | None:
    return session.exec(
        select(RoleAssignment).where(
            RoleAssignment.account_id == account_id,
            RoleAssignment.role == role,
            col(RoleAssignment.ended_at).is_(None),
        )
    ).first()


def assignment_by_id(session: Session, *, assignment_id: int) -> RoleAssignment | None:
    return session.get(RoleAssignment, assignment_id)


def remove_assignment(session: Session, *, assignment: RoleAssignment) -> None:
    session.delete(assignment)
    session.flush()


# --- stakeholders, plan, signals --------------------------------------------------------


def stakeholder_by_id(session: Session, *, stakeholder_id: int) -> Stakeholder | None:
    return session.get(Stakeholder, stakeholder_id)


def stakeholder_by_key(session: Session, *, account_id: int, key: str) -> Stakeholder | None:
    return session.exec(select(Stakeholder).where(
        Stakeholder.account_id == account_id, Stakeholder.name_key == key)).first()


def stakeholder_in_use(session: Session, *, stakeholder_id: int) -> bool:
    """Whether a task is owned by this customer person, or someone reports to them."""
    if session.exec(select(Stakeholder.id).where(Stakeholder.reports_to_id == stakeholder_id)
                    .limit(1)).first() is not None:
        return True
    return session.exec(select(Task.id).where(Task.stakeholder_id == stakeholder_id)
                        .limit(1)).first() is not None


def plan_section(session: Session, *, account_id: int, section: str) -> PlanSection | None:
    return session.exec(select(PlanSection).where(
        PlanSection.account_id == account_id, PlanSection.section == section)).first()


def signals_by_ids(session: Session, *, account_id: int, ids: Iterable[int]) -> Sequence[Signal]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return session.exec(select(Signal).where(Signal.account_id == account_id,
                                             col(Signal.id).in_(wanted))).all()


def delete_rows(session: Session, rows: Iterable[object]) -> None:
    for row in rows:
        session.delete(row)
    session.flush()


# --- bindings and accounts --------------------------------------------------------------


def binding_by_id(session: Session, *, binding_id: int) -> ChannelBinding | None:
    return session.get(ChannelBinding, binding_id)


_RECORD = (Task, Note, Decision, Stakeholder, PlanSection, Signal, RoleAssignment)


def account_has_record(session: Session, *, account_id: int) -> bool:
    """Whether anything people entered is kept on the account (tasks, notes, roles ...)."""
    for model in _RECORD:
        found = session.exec(
            select(sa.literal(1)).select_from(model)
            .where(model.account_id == account_id).limit(1)  # type: ignore[attr-defined]
        ).first()
        if found is not None:
            return True
    return False


def delete_bare_account(session: Session, *, account: Account) -> None:
    """Delete an account that holds no record (see :func:`account_has_record`) with its
    bindings and what the bot derived from it (health snapshots, delivery ledger)."""
    assert account.id is not None
    for model in (ChannelBinding, HealthSnapshot, Delivery):
        session.execute(sa.delete(model).where(
            model.account_id == account.id))  # type: ignore[attr-defined,arg-type]
    session.delete(account)
    session.flush()
