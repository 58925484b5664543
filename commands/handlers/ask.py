"""The `ask` verb (questions about an account) and `summarize` (a meeting note's digest)."""

from __future__ import annotations

from bot.messages import Reply
from commands.ask import service
from commands.ask.summarize import summarize_verb
from commands.parsing import Args
from commands.registry import Context, command


@command("ask", needs_account=False, free_text=True, readonly=True)
def ask(ctx: Context, args: Args) -> Reply:
    # In a bound channel only the bound account is answered about, whatever the text
    # names; in a direct message the account is the one named, among those the person sees.
    return service.answer(ctx, args.rest)


@command("summarize", aliases=("summarise", "摘要"), readonly=True, keys=())
def summarize(ctx: Context, args: Args) -> Reply:
    return summarize_verb(ctx, args)
