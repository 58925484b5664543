"""A task as a form shows it before it is edited (Slack's Edit modal): platform-neutral
data read through the channel's binding, so a form only ever shows its own account's task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from storage import repos


@dataclass(frozen=True)
class TaskDraft:
    number: int
    title: str
    role: str
    # The assignee's user id on the platform asking, when they are a person of it.
    assignee_user: str | None
    due: date | None
    shared: bool


def task_draft(session: Session, *, platform: str, workspace: str, channel: str,
               number: int) -> TaskDraft | None:
    """Task ``number`` of the account bound to the channel; None when there is none."""
    binding = repos.binding_for(session, platform=platform, workspace=workspace, channel=channel)
    if binding is None or binding.archived:
        return None
    task = repos.task_by_number(session, account_id=binding.account_id, number=number)
    if task is None:
        return None
    person = (repos.persons_by_ids(session, ids={task.assignee_id}).get(task.assignee_id)
              if task.assignee_id is not None else None)
    user = person.user_id if person is not None and person.platform == platform else None
    return TaskDraft(number=task.number, title=task.title, role=task.role, assignee_user=user,
                     due=task.due_date, shared=task.shared)
