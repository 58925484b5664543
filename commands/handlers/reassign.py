"""reassign: give an open task to another role or person (the Slack "Reassign" button).

``reassign 3 owner=SR`` files task #3 under SR and its holder now; ``reassign 3 @bob``
gives it to bob (under the triangle role he holds, or keeping the task's role).
"""

from __future__ import annotations

import re

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.format import person_name, role_short
from commands.handlers.core_tasks import done_buttons
from commands.parsing import Args
from commands.people import is_mention, owner_from_token
from commands.registry import CommandError, Context, command
from commands.routing import parse_role
from storage import repos

_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")


@command("reassign", aliases=("assign",), keys=("owner", "to"))
def reassign(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    number: int | None = None
    owner_token = args.option("owner", "to")
    for word in args.words:
        match = _NUMBER.match(word)
        if match and number is None:
            number = int(match.group(1))
        elif owner_token is None and (is_mention(word) or parse_role(word)):
            owner_token = word
    if number is None or not owner_token:
        raise CommandError("reassign.usage")
    task = repos.task_by_number(ctx.session, account_id=account.id, number=number)
    if task is None:
        raise CommandError("error.no_task", number=number, account=account.name)
    owner = owner_from_token(ctx, owner_token)
    before = audit.task_state(task)
    task.role = owner.role or task.role
    task.assignee_id = owner.person.id if owner.person else None
    task.owner_text = owner.customer_name
    task.stakeholder_id = owner.stakeholder.id if owner.stakeholder else None
    ctx.session.add(task)
    audit.task_change(ctx, "task.reassign", task, before,
                      was={k: before[k] for k in ("role", "assignee", "owner_text")})
    who = person_name(owner.person) if owner.person else t("task.unassigned")
    line = t("reassign.done", number=number, title=task.title,
             role=role_short(t, task.role), person=who)
    return Reply(title=t("task.status_title", account=account.name),
                 sections=[Section(items=[Item(line, buttons=done_buttons(t, task))])],
                 tone=Tone.SUCCESS)
