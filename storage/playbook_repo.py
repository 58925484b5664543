"""Queries for playbooks: runs (one per account, playbook and trigger key), the tasks each
run created, and the definitions admins added from chat.

A run's tasks carry ``rule_key = "playbook:<run id>:<step>"``: the task table's unique
(account, rule_key) index makes each step a task once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import PlaybookDefinition, PlaybookRun, Task

PREFIX = "playbook:"


def step_key(run_id: int, step: int) -> str:
    return f"{PREFIX}{run_id}:{step}"


def claim_run(
    session: Session, *, account_id: int, playbook: str, title: dict[str, str], trigger: str,
    trigger_key: str, steps: int, at: datetime, started_by_id: int | None = None,
    opportunity_id: int | None = None,
) -> PlaybookRun | None:
    """Record the start of a run; None when this trigger already started this playbook.

    In a savepoint, so a duplicate leaves the caller's transaction usable; the unique
    constraint makes it hold across processes and replicas.
    """
    try:
        with session.begin_nested():
            run = PlaybookRun(account_id=account_id, playbook=playbook, title=title,
                              trigger=trigger, trigger_key=trigger_key[:100], steps=steps,
                              started_at=at, started_by_id=started_by_id,
                              opportunity_id=opportunity_id)
            session.add(run)
            session.flush()
            return run
    except sa.exc.IntegrityError:
        return None


def find_run(
    session: Session, *, account_id: int, playbook: str, trigger_key: str,
) -> PlaybookRun | None:
    return session.exec(select(PlaybookRun).where(
        PlaybookRun.account_id == account_id, PlaybookRun.playbook == playbook,
        PlaybookRun.trigger_key == trigger_key)).first()


def runs_of(session: Session, *, account_id: int) -> Sequence[PlaybookRun]:
    """Newest first."""
    return session.exec(select(PlaybookRun).where(PlaybookRun.account_id == account_id)
                        .order_by(col(PlaybookRun.started_at).desc(),
                                  col(PlaybookRun.id).desc())).all()


def tasks_of_runs(session: Session, *, account_id: int) -> dict[int, list[Task]]:
    """Run id -> the tasks it created, in step order."""
    rows = session.exec(select(Task).where(Task.account_id == account_id,
                                           col(Task.rule_key).startswith(PREFIX))).all()
    out: dict[int, list[tuple[int, Task]]] = {}
    for task in rows:
        _, run_id, step = (task.rule_key or "").split(":", 2)
        if run_id.isdigit() and step.isdigit():
            out.setdefault(int(run_id), []).append((int(step), task))
    return {run_id: [t for _, t in sorted(items, key=lambda x: x[0])]
            for run_id, items in out.items()}


# --- definitions added from chat -------------------------------------------------------------


def definitions(session: Session) -> Sequence[PlaybookDefinition]:
    return session.exec(select(PlaybookDefinition).order_by(col(PlaybookDefinition.name))).all()


def chat_sources(session: Session) -> list[tuple[str, str, str]]:
    """(name, source, format) of every playbook added from chat, for the loader."""
    return [(d.name, d.source, d.format) for d in definitions(session)]


def save_definition(
    session: Session, *, name: str, source: str, fmt: str, at: datetime,
    created_by_id: int | None,
) -> tuple[PlaybookDefinition, bool]:
    """Add or replace the chat definition called ``name``; True when it replaced one."""
    row = session.exec(select(PlaybookDefinition).where(PlaybookDefinition.name == name)).first()
    replaced = row is not None
    if row is None:
        row = PlaybookDefinition(name=name, source=source, format=fmt, created_at=at,
                                 created_by_id=created_by_id)
    else:
        row.source, row.format, row.created_at, row.created_by_id = source, fmt, at, created_by_id
    session.add(row)
    session.flush()
    return row, replaced


def delete_definition(session: Session, *, name: str) -> bool:
    row = session.exec(select(PlaybookDefinition).where(PlaybookDefinition.name == name)).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True

