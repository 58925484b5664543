"""Giving a role on an account to a person: the previous holder's term ends, the role's
open tasks follow the role (not the sponsor's: the sponsor owns no routed work), and the
change is recorded with what undo needs to put it back (commands/changes/account.py)."""

from __future__ import annotations

from commands import audit
from commands.registry import Context
from storage import curation_repo, repos
from storage.models import Account, Person


def assign_role(ctx: Context, acct: Account, role: str, person: Person) -> tuple[Person | None, int]:
    """Give ``role`` to ``person``; its open tasks follow. Recorded with
    what undo needs. Returns who held it before and how many tasks moved."""
    assert acct.id is not None and person.id is not None
    now = ctx.clock.now()
    ended = curation_repo.current_assignment(ctx.session, account_id=acct.id, role=role)
    previous = repos.assign_role(ctx.session, account_id=acct.id, role=role,
                                 person_id=person.id, at=now)
    if previous is not None and previous.id == person.id:
        return previous, 0
    # The sponsor's tasks follow too (executive visits, playbook steps made while vacant).
    moved: list[list[int | None]] = [
        [x.id, x.assignee_id] for x in repos.tasks_of(ctx.session, account_id=acct.id, role=role)]
    repos.reassign_role_tasks(ctx.session, account_id=acct.id, role=role, person_id=person.id)
    current = curation_repo.current_assignment(ctx.session, account_id=acct.id, role=role)
    audit.record(ctx, "role.assign", target=f"role:{role}", account_id=acct.id, role=role,
                 to=person.id, previous=previous.id if previous else None, tasks=len(moved),
                 assignment=current.id if current else None,
                 previous_assignment=ended.id if ended else None, moved=moved)
    return previous, len(moved)
