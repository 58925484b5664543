"""The executive sponsor as a full role: finishing an executive meeting task records the
executive meeting (signal exec_meeting=<day>), so health and the card see it."""

from __future__ import annotations

import re

from commands import audit
from commands.registry import Context
from storage import health_repo
from storage.models import Account, Role, Task

EXEC_RULE_PREFIX = "exec-visit:"
# What an executive meeting task says (the sponsor's tasks only; the rule's always count).
_MEETING_WORDS = re.compile(
    r"\b(visit|meet|meeting|call|dinner|lunch|review|workshop|summit|qbr|ebr)\b"
    r"|拜访|会见|会面|见面|会谈|高层会|交流|宴请|走访", re.IGNORECASE)


def is_exec_meeting(task: Task) -> bool:
    if task.rule_key and task.rule_key.startswith(EXEC_RULE_PREFIX):
        return True
    return task.role == Role.SPONSOR.value and bool(_MEETING_WORDS.search(task.title))


def record_exec_meeting(ctx: Context, account: Account, task: Task) -> str | None:
    """After ``task`` was marked done: the executive meeting on record (today), and the
    line that says so; None when the task is no executive meeting."""
    assert account.id is not None
    if not is_exec_meeting(task):
        return None
    today = ctx.clock.today()
    row = health_repo.add_signal(ctx.session, account_id=account.id, metric="exec_meeting",
                                 at=ctx.clock.now(), value_date=today,
                                 recorded_by_id=ctx.person.id)
    # Same event as the task's done: one undo takes back both.
    audit.record(ctx, "signal", target="signals", signals=[row.id],
                 values={"exec_meeting": today.isoformat()})
    return ctx.t("strategy.sponsor.exec_recorded", number=task.number, date=today.isoformat())
