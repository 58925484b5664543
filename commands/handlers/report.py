"""The `report` verb (报告, 月报): the monthly action report of this channel's account, on
demand, for this month so far or any earlier month; `shared` shows the customer version.
In the management channel (or for an admin, outside an account's channel) it shows the
portfolio digest of that month instead."""

from __future__ import annotations

from bot.messages import Reply
from commands import reports
from commands.parsing import Args
from commands.registry import CommandError, Context, command

SHARED_WORDS = {"shared", "customer", "共享", "客户版", "分享"}
LAST_WORDS = {"last", "last month", "previous month", "上月", "上个月"}
THIS_WORDS = {"this", "this month", "current month", "本月", "这个月"}


@command("report", needs_account=False, readonly=True, keys=())
def report(ctx: Context, args: Args) -> Reply:
    now = ctx.clock.now().astimezone(ctx.clock.tz)
    current = reports.Month.of(now)
    month, shared = current, False
    # Two-word forms (`last month`, `this month`, `上 个月`) are read as one.
    words = " ".join(args.words).lower()
    for phrase in ("last month", "previous month", "this month", "current month"):
        words = words.replace(phrase, phrase.replace(" ", "_"))
    for word in words.split() + [f"{k}={v}" for k, v in args.options.items()]:
        word = word.replace("_", " ")
        folded = word.strip().lower()
        if folded in SHARED_WORDS:
            shared = True
        elif folded in LAST_WORDS:
            month = current.shift(-1)
        elif folded in THIS_WORDS:
            month = current
        elif (parsed := reports.Month.parse(folded)) is not None:
            month = parsed
        else:
            raise CommandError("report.error.bad_month", text=word[:40],
                               last=current.shift(-1).key)
    if month > current:
        raise CommandError("report.error.future", month=month.label(ctx.lang),
                           current=current.key)
    if ctx.account is None:
        if not (ctx.is_management or ctx.is_admin):
            ctx.require_account()  # refuses: this channel is not linked to an account
        rows = reports.gather_portfolio(ctx.session, month=month, tz=ctx.clock.tz, now=now)
        return reports.compose_digest(rows, month, ctx.lang)
    account = ctx.account
    llm = ctx.services.get("llm")
    facts = reports.gather_month(ctx.session, account=account, month=month, tz=ctx.clock.tz,
                                 now=now)
    if shared or ctx.shared_channel:
        # In a channel shared with the customer only the joint report is ever shown.
        return reports.compose_shared(
            facts, ctx.lang, narrative=reports.narrative(facts, ctx.lang, llm, shared=True),
            for_customer=ctx.shared_channel)
    return reports.compose_report(facts, ctx.lang,
                                  narrative=reports.narrative(facts, ctx.lang, llm))
