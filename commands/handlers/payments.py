"""Payment milestones (回款) of a contract: ``payment add <opportunity> amount=.. due=..``,
``payment <n> received [date]`` and ``payment`` (what is outstanding, overdue first).

An overdue payment counts against the account's health (commands/health.py) and is
announced to the AR once by the daily job (bot/commercial.py).
"""

from __future__ import annotations

from bot.messages import Item, Reply, Section, Tone
from commands.bounds import check_date
from commands.commercial_text import payment_line, stage_name
from commands.dates import DateParseError, parse_date
from commands.format import fmt_date
from commands.handlers.core_account import parse_amount
from commands.handlers.health import parse_day
from commands.handlers.opportunities import get_opportunity, number_of
from commands.parsing import Args
from commands.pipeline import CONTRACTED, KEYS, currency_of, fmt_money, normalise_options
from commands.registry import CommandError, Context, command
from storage import opportunity_repo, repos
from storage.models import Opportunity

_ADD = {"add", "new", "新建", "添加"}
_RECEIVED = {"received", "paid", "receive", "已收", "已到账", "到账"}
_ALL = {"all", "全部"}


@command("payment", aliases=("payments", "回款"), keys=("amount", "value", "due"), key_aliases=KEYS)
def payment(ctx: Context, args: Args) -> Reply:
    ctx.require_account()
    options = normalise_options(args.options)
    if not args.words or args.words[0].lower() in _ALL:
        if options:
            raise CommandError("payment.usage")
        return _list(ctx, show_all=bool(args.words))
    first = args.words[0].lower()
    if first in _ADD:
        if len(args.words) != 2:
            raise CommandError("payment.add_usage")
        return _add(ctx, args.words[1], options)
    if number_of(first) is not None and len(args.words) >= 2 \
            and args.words[1].lower() in _RECEIVED:
        return _received(ctx, first, " ".join(args.words[2:]).strip())
    raise CommandError("payment.usage")


def _add(ctx: Context, which: str, options: dict[str, str]) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    unknown = [k for k in options if k not in ("amount", "value", "due")]
    if unknown or "due" not in options or not (options.get("amount") or options.get("value")):
        raise CommandError("payment.add_usage")
    opp = get_opportunity(ctx, which)
    assert opp.id is not None
    if opp.status == "lost" or (opp.status == "open" and opp.stage not in CONTRACTED):
        raise CommandError("payment.not_contracted", number=opp.number,
                           stage=stage_name(t, opp.stage))
    raw = options.get("amount") or options["value"]
    amount = parse_amount(raw)
    if amount <= 0 or amount >= 1e15:
        raise CommandError("error.bad_number", value=raw[:40])
    try:
        due = parse_date(options["due"], today=ctx.clock.today())
    except DateParseError:
        raise CommandError("error.bad_date", value=options["due"][:40]) from None
    check_date(due, what="due")
    now = ctx.clock.now()
    row = opportunity_repo.add_payment(ctx.session, account_id=account.id,
                                       opportunity_id=opp.id, amount=amount, due_date=due,
                                       at=now, created_by_id=ctx.person.id)
    repos.audit(ctx.session, at=now, action="payment.add", account_id=account.id,
                person_id=ctx.person.id, number=row.number, opportunity=opp.number,
                amount=amount, due=due.isoformat())
    currency = currency_of(ctx.settings)
    today = ctx.clock.today()
    sections = [Section(text=payment_line(t, row, opp, currency=currency, today=today))]
    planned = sum(p.amount for p in opportunity_repo.payments_of(
        ctx.session, account_id=account.id, opportunity_id=opp.id))
    if planned > opp.value:
        sections.append(Section(text=t("payment.over_value",
                                       planned=fmt_money(t.lang, planned, currency),
                                       value=fmt_money(t.lang, opp.value, currency))))
    if due < today:
        sections.append(Section(text=t("payment.already_overdue")))
    return Reply(title=t("payment.added", number=row.number, opportunity=opp.number,
                         name=opp.name),
                 sections=sections, tone=Tone.SUCCESS)


def _received(ctx: Context, which: str, when: str) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    number = number_of(which)
    row = opportunity_repo.payment_by_number(ctx.session, account_id=account.id,
                                             number=number or 0)
    if row is None:
        raise CommandError("payment.unknown", value=which[:20])
    today = ctx.clock.today()
    day = parse_day(when, today) if when else today
    if day is not None:
        check_date(day, what="received")
    if day is None or day > today:
        raise CommandError("payment.bad_received", value=when[:40])
    currency = currency_of(ctx.settings)
    if row.received_on is not None:
        return Reply(title=t("payment.already_received", number=row.number,
                             date=fmt_date(t.lang, row.received_on, weekday=False)))
    row.received_on = day
    ctx.session.add(row)
    ctx.session.flush()
    now = ctx.clock.now()
    repos.audit(ctx.session, at=now, action="payment.received", account_id=account.id,
                person_id=ctx.person.id, number=row.number, on=day.isoformat())
    opp = ctx.session.get(Opportunity, row.opportunity_id)
    sections = [Section(text=payment_line(t, row, opp, currency=currency, today=today))]
    left = opportunity_repo.payments_of(ctx.session, account_id=account.id,
                                        opportunity_id=row.opportunity_id, outstanding=True)
    if opp is not None and opp.status == "open" and not left:
        sections.append(Section(text=t("payment.all_received", number=opp.number)))
    return Reply(title=t("payment.marked_received", number=row.number,
                         amount=fmt_money(t.lang, row.amount, currency)),
                 sections=sections, tone=Tone.SUCCESS)


def _list(ctx: Context, *, show_all: bool) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    today = ctx.clock.today()
    currency = currency_of(ctx.settings)
    rows = opportunity_repo.payments_of(ctx.session, account_id=account.id,
                                        outstanding=not show_all)
    if not rows:
        return Reply(title=t("payment.none", account=account.name),
                     sections=[Section(text=t("payment.none_hint"))])
    opps = {o.id: o for o in opportunity_repo.opportunities_of(
        ctx.session, account_id=account.id, status=None)}
    owed = opportunity_repo.receivables(ctx.session, account_id=account.id, today=today)
    overdue = [p for p in rows if p.received_on is None and p.due_date < today]
    rest = [p for p in rows if p not in overdue]
    sections = [Section(text=t("payment.summary",
                               outstanding=fmt_money(t.lang, owed.outstanding, currency),
                               overdue=fmt_money(t.lang, owed.overdue, currency),
                               count=owed.overdue_count))]
    if overdue:
        sections.append(Section(title=t("payment.overdue_title"), items=[
            Item(payment_line(t, p, opps.get(p.opportunity_id), currency=currency,
                              today=today)) for p in overdue]))
    if rest:
        sections.append(Section(title=t("payment.list_title"), items=[
            Item(payment_line(t, p, opps.get(p.opportunity_id), currency=currency,
                              today=today)) for p in rest]))
    return Reply(title=t("payment.title", account=account.name), sections=sections,
                 footer=t("payment.footer"))
