"""Starting playbooks exactly once, and reading how far each run got.

A run is claimed in the database first (unique per account, playbook and trigger key),
then each step becomes a task owned by its role: the role's holder gets it, a vacant role
still owns it (and whoever takes the role later gets it with the role's other tasks), a
customer step belongs to the customer's side. Dues are relative to the day of the trigger,
never after the deadline a trigger may set (the renewal date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from commands.playbooks.model import Playbook, TriggerKind
from storage import playbook_repo, repos
from storage.models import TEAM_ROLES, Account, PlaybookRun, Role, Task, TaskStatus

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class Started:
    """A run that just started: its tasks, and the team roles nobody holds that own some."""

    run: PlaybookRun
    playbook: Playbook
    tasks: list[Task] = field(default_factory=list)
    vacant: list[str] = field(default_factory=list)


def trigger_key(kind: TriggerKind, *parts: object) -> str:
    """``stage:3:contract``, ``renewal:2027-01-08:90``, ``health:red:2026-11-24``,
    ``key-account``, ``manual:2026-11-24``: the occasion a trigger names."""
    return ":".join([kind.value, *(str(p) for p in parts)])


def start(
    session: Session, *, account: Account, playbook: Playbook, key: str, today: date,
    now: datetime, lang: str, started_by_id: int | None = None,
    opportunity_id: int | None = None, deadline: date | None = None,
) -> Started | None:
    """Start ``playbook`` on ``account`` for the occasion ``key``; None when it already was."""
    assert account.id is not None
    run = playbook_repo.claim_run(
        session, account_id=account.id, playbook=playbook.name, title=dict(playbook.title),
        trigger=playbook.trigger.kind.value, trigger_key=key, steps=len(playbook.steps),
        at=now, started_by_id=started_by_id, opportunity_id=opportunity_id)
    if run is None:
        return None
    assert run.id is not None
    holders = repos.current_holders(session, account_id=account.id)
    started = Started(run=run, playbook=playbook)
    for number, step in enumerate(playbook.steps, start=1):
        due = today + timedelta(days=step.due_days)
        if deadline is not None:
            due = max(today, min(due, deadline))
        holder = holders.get(step.owner) if step.owner != Role.CUSTOMER.value else None
        if holder is None and step.owner in {r.value for r in TEAM_ROLES} \
                and step.owner not in started.vacant:
            started.vacant.append(step.owner)
        task = repos.add_task(
            session, account_id=account.id, title=step.title_in(lang)[:500], role=step.owner,
            assignee_id=holder.id if holder else None, due_date=due, shared=step.shared,
            at=now, created_by_id=started_by_id, rule_key=playbook_repo.step_key(run.id, number),
            routing_reason=f"playbook {playbook.name}"[:200])
        started.tasks.append(task)
    repos.audit(session, at=now, action="playbook.start", account_id=account.id,
                person_id=started_by_id, playbook=playbook.name, trigger=key, run=run.id,
                tasks=[t.number for t in started.tasks])
    return started


@dataclass(frozen=True)
class Progress:
    """How far a run got, from the tasks it created."""

    run: PlaybookRun
    tasks: tuple[Task, ...]

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status == TaskStatus.DONE.value)

    @property
    def counted(self) -> int:
        """Steps that count: a cancelled step was withdrawn, not left undone."""
        return sum(1 for t in self.tasks if t.status != TaskStatus.CANCELLED.value)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 100

    @property
    def running(self) -> bool:
        return any(t.status == TaskStatus.OPEN.value for t in self.tasks)

    @property
    def next_open(self) -> Task | None:
        return next((t for t in self.tasks if t.status == TaskStatus.OPEN.value), None)


def progress_of(session: Session, *, account_id: int) -> list[Progress]:
    """Every run on the account, newest first."""
    tasks = playbook_repo.tasks_of_runs(session, account_id=account_id)
    return [Progress(run, tuple(tasks.get(run.id or 0, [])))
            for run in playbook_repo.runs_of(session, account_id=account_id)]


def running(session: Session, *, account_id: int) -> list[Progress]:
    return [p for p in progress_of(session, account_id=account_id) if p.running]


def matching_stage(playbooks: Sequence[Playbook], stage: str) -> list[Playbook]:
    return [p for p in playbooks
            if p.trigger.kind is TriggerKind.STAGE and p.trigger.stage == stage]
