"""The asker's own work across every account they may read, in a direct message.

"What's on my list?" from someone on several accounts names no account, and needs none:
their own actions (open, overdue, due in a window, done or cancelled) are answered for
each account they may read, one section an account, instead of asking which account.
Each account's answer is made by the same Answerer as in its channel, so nothing of an
account they may not read is touched.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Reply, Section
from commands.ask.answers import Answerer, Asker
from commands.ask.facts import gather, known_of
from commands.ask.intents import Intent, Kind, detect
from commands.ask.shorthand import expand
from commands.ask.understand import read
from commands.registry import Context
from storage.models import Account

WORK = (Kind.OPEN_TASKS, Kind.DONE_TASKS, Kind.CANCELLED_TASKS)


def about_own_work(question: str, *, today: object = None) -> bool:
    """Whether ``question`` asks for the asker's own actions (and names no one else)."""
    intent = detect(read(expand(question)), today=today)  # type: ignore[arg-type]
    return _own(intent)


def _own(intent: Intent) -> bool:
    return intent.kind in WORK and intent.person == "mine" and intent.who is None


def answer(ctx: Context, accounts: Sequence[Account], question: str, asker: Asker) -> Reply:
    """The asker's work on each of ``accounts``, grouped by account."""
    t = ctx.t
    plain = expand(question)
    sections: list[Section] = []
    refs: list[str] = []
    quiet: list[str] = []
    title = ""
    for account in accounts:
        assert account.id is not None
        facts = gather(ctx.session, account_id=account.id, today=ctx.clock.today(), services=ctx.services)
        intent = detect(read(plain, known_of(facts)), today=facts.today)
        if not _own(intent):
            continue
        record = Answerer(ctx.session, facts=facts, t=t, asker=asker).answer(intent, plain)
        items = [item for section in record.reply.sections for item in section.items]
        if not record.tasks or not items:
            quiet.append(account.name)
            continue
        title = title or record.reply.title
        sections.append(Section(title=record.reply.title, items=items))
        refs.append(t("ask.across.ref", account=account.name,
                      refs=t("ask.list_sep").join(f"#{n}" for n in sorted(record.tasks))))
    reply = Reply(title=t("ask.across.title", count=len(sections), total=len(accounts)))
    reply.sections.extend(sections)
    if not sections:
        reply.sections.append(Section(text=t("ask.across.nothing")))
    elif quiet:
        reply.sections.append(Section(text=t("ask.across.quiet", accounts=t("ask.list_sep").join(quiet))))
    if refs:
        reply.footer = t("ask.sources", refs="; ".join(refs))
    return reply
