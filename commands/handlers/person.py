"""``person remove @u`` (人员 移除 @u): take a person's roles and access away.

In an account's channel it acts on that account (its AR, sponsor or an admin); anywhere
else on every account (admins). See commands/lifecycle.py.
"""

from __future__ import annotations

from bot.messages import Reply
from commands import lifecycle
from commands.parsing import Args
from commands.people import person_from_token
from commands.registry import CommandError, Context, command

_REMOVE = {"remove", "delete", "移除", "删除", "踢出"}


@command("person", aliases=("人员", "成员"), needs_account=False, keys=())
def person(ctx: Context, args: Args) -> Reply:
    if len(args.words) != 2 or args.words[0].lower() not in _REMOVE:
        raise CommandError("lifecycle.person_usage")
    target = person_from_token(ctx, args.words[1])
    return lifecycle.remove_person(ctx, target)
