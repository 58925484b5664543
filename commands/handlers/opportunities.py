"""Opportunities through the lead-to-cash stages (机会): ``opportunity add`` / ``<n>
stage=..`` / ``<n> won|lost [reason]`` / ``<n>`` and ``opportunities`` (the account's
open pipeline with its weighted value). Entering a stage starts the playbooks that wait
for it (the delivery playbook at ``contract``), once per opportunity and stage.
"""

from __future__ import annotations

import re
from datetime import date

from bot.messages import Button, Item, Reply, Section, Tone
from commands.bounds import check_date
from commands.commercial_text import (
    opportunity_line,
    payment_line,
    run_line,
    stage_name,
    started_sections,
)
from commands.dates import DateParseError, parse_date
from commands.format import fmt_date, person_name
from commands.handlers.core_account import parse_amount
from commands.parsing import Args
from commands.pipeline import (
    KEYS,
    KINDS,
    STAGES,
    currency_of,
    fmt_money,
    normalise_options,
    parse_kind,
    parse_outcome,
    parse_probability,
    parse_stage,
    stale_days_of,
    summarise,
    weighted,
)
from commands.playbooks.engine import Started, progress_of
from commands.playbooks.triggers import library, on_stage
from commands.registry import CommandError, Context, command
from storage import opportunity_repo, repos
from storage.models import Opportunity

MAX_NAME = 200
MAX_REASON = 500
_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")
_ADD = {"add", "new", "create", "新建", "添加"}
_ALL = {"all", "全部"}
_EDIT_KEYS = ("stage", "value", "close", "probability", "kind")


def number_of(word: str) -> int | None:
    match = _NUMBER.match(word.strip())
    return int(match.group(1)) if match else None


def get_opportunity(ctx: Context, word: str) -> Opportunity:
    """The account's opportunity ``#n``, or a refusal that lists the open ones."""
    account = ctx.require_account()
    assert account.id is not None
    number = number_of(word)
    opp = opportunity_repo.opportunity_by_number(ctx.session, account_id=account.id,
                                                 number=number) if number else None
    if opp is None:
        open_ = opportunity_repo.opportunities_of(ctx.session, account_id=account.id)
        known = ", ".join(f"#{o.number} {o.name}" for o in open_[:10]) or "—"
        raise CommandError("opportunity.unknown", value=word[:20], known=known)
    return opp


def _date(ctx: Context, value: str, *, what: str = "close") -> date:
    try:
        day = parse_date(value, today=ctx.clock.today())
    except DateParseError:
        raise CommandError("error.bad_date", value=value[:40]) from None
    return check_date(day, what=what)


def _stage(value: str) -> str:
    stage = parse_stage(value)
    if stage is None:
        raise CommandError("opportunity.bad_stage", value=value[:40])
    return stage


def _fields(ctx: Context, options: dict[str, str]) -> dict[str, object]:
    """The opportunity fields the options set, checked (value, stage, close, ...)."""
    out: dict[str, object] = {}
    unknown = [k for k in options if k not in (*_EDIT_KEYS, "amount")]
    if unknown:
        raise CommandError("opportunity.unknown_key", key=unknown[0][:40])
    raw_value = options.get("value") or options.get("amount")
    if raw_value is not None:
        amount = parse_amount(raw_value)
        if amount <= 0 or amount >= 1e15:
            raise CommandError("error.bad_number", value=raw_value[:40])
        out["value"] = amount
    if "stage" in options:
        out["stage"] = _stage(options["stage"])
    if "close" in options:
        out["close_date"] = _date(ctx, options["close"])
    if "probability" in options:
        probability = parse_probability(options["probability"])
        if probability is None:
            raise CommandError("opportunity.bad_probability", value=options["probability"][:20])
        out["probability"] = probability
    if "kind" in options:
        kind = parse_kind(options["kind"])
        if kind is None:
            raise CommandError("opportunity.bad_kind", value=options["kind"][:40],
                               kinds=" | ".join(KINDS))
        out["kind"] = kind
    return out


@command("opportunity", aliases=("opp", "deal", "机会"), keys=("value", "amount", "stage", "close", "probability", "kind"), key_aliases=KEYS)
def opportunity(ctx: Context, args: Args) -> Reply:
    ctx.require_account()
    options = normalise_options(args.options)
    if not args.words:
        if options:
            raise CommandError("opportunity.usage")
        return pipeline_reply(ctx, show_all=False)
    first = args.words[0].lower()
    if first in _ADD:
        return _add(ctx, args, options)
    if number_of(first) is None:
        raise CommandError("opportunity.usage")
    opp = get_opportunity(ctx, first)
    rest = args.words[1:]
    if rest:
        outcome = parse_outcome(rest[0])
        if outcome is None:
            raise CommandError("opportunity.usage")
        return _close(ctx, opp, outcome, " ".join(rest[1:]).strip())
    if not options:
        return _show(ctx, opp)
    return _edit(ctx, opp, options)


def _add(ctx: Context, args: Args, options: dict[str, str]) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    name = " ".join(args.words[1:]).strip()
    if not name:
        raise CommandError("opportunity.no_name")
    if len(name) > MAX_NAME:
        raise CommandError("opportunity.name_long", max=MAX_NAME)
    fields = _fields(ctx, options)
    if "value" not in fields:
        raise CommandError("opportunity.no_value")
    now = ctx.clock.now()
    opp = opportunity_repo.add_opportunity(
        ctx.session, account_id=account.id, name=name, kind=str(fields.get("kind", "new")),
        stage=str(fields.get("stage", "lead")), value=float(fields["value"]),  # type: ignore[arg-type]
        probability=fields.get("probability"),  # type: ignore[arg-type]
        close_date=fields.get("close_date"),  # type: ignore[arg-type]
        at=now, created_by_id=ctx.person.id)
    repos.audit(ctx.session, at=now, action="opportunity.add", account_id=account.id,
                person_id=ctx.person.id, number=opp.number, stage=opp.stage, value=opp.value)
    started = _stage_playbooks(ctx, opp)
    sections = [Section(text=_line(ctx, opp))] + started_sections(ctx.session, ctx.t, started, ctx.clock.today())
    return Reply(title=t("opportunity.added", number=opp.number, account=account.name),
                 sections=sections, tone=Tone.SUCCESS,
                 buttons=[Button(t("opportunity.button_list"), "opportunities")])


def _edit(ctx: Context, opp: Opportunity, options: dict[str, str]) -> Reply:
    account = ctx.require_account()
    t = ctx.t
    if opp.status != "open":
        raise CommandError("opportunity.closed", number=opp.number,
                           status=t(f"opportunity.status_{opp.status}",
                                    stage=stage_name(t, opp.stage)))
    fields = _fields(ctx, options)
    now = ctx.clock.now()
    new_stage = fields.pop("stage", None)
    for name, value in fields.items():
        setattr(opp, name, value)
    note = ""
    moved = False
    if new_stage is not None and new_stage != opp.stage:
        before = opp.stage
        opportunity_repo.record_stage(ctx.session, opp=opp, to_stage=str(new_stage), at=now,
                                      person_id=ctx.person.id)
        note = t("opportunity.moved", before=stage_name(t, before), after=stage_name(t, opp.stage))
        moved = True
    elif new_stage is not None:
        note = t("opportunity.same_stage", stage=stage_name(t, opp.stage))
    ctx.session.add(opp)
    ctx.session.flush()
    repos.audit(ctx.session, at=now, action="opportunity.update", account_id=account.id,
                person_id=ctx.person.id, number=opp.number, changes=dict(options))
    started = _stage_playbooks(ctx, opp) if moved else []
    line = _line(ctx, opp)
    sections = [Section(text=f"{note}\n{line}" if note else line)]
    sections += started_sections(ctx.session, ctx.t, started, ctx.clock.today())
    return Reply(title=t("opportunity.updated", number=opp.number, name=opp.name),
                 sections=sections, tone=Tone.SUCCESS)


def _close(ctx: Context, opp: Opportunity, outcome: str, reason: str) -> Reply:
    account = ctx.require_account()
    t = ctx.t
    if opp.status != "open":
        raise CommandError("opportunity.closed", number=opp.number,
                           status=t(f"opportunity.status_{opp.status}",
                                    stage=stage_name(t, opp.stage)))
    if len(reason) > MAX_REASON:
        raise CommandError("opportunity.reason_long", max=MAX_REASON)
    now = ctx.clock.now()
    opp.close_reason = reason or None
    opportunity_repo.record_stage(ctx.session, opp=opp, to_stage=outcome, at=now,
                                  person_id=ctx.person.id)
    repos.audit(ctx.session, at=now, action=f"opportunity.{outcome}", account_id=account.id,
                person_id=ctx.person.id, number=opp.number, reason=reason)
    sections = [Section(text=_line(ctx, opp))]
    if reason:
        sections.append(Section(text=t("opportunity.reason", reason=reason)))
    assert opp.id is not None
    owed = opportunity_repo.payments_of(ctx.session, account_id=opp.account_id,
                                        opportunity_id=opp.id, outstanding=True)
    if owed and outcome == "won":
        sections.append(Section(text=t("opportunity.still_owed", count=len(owed))))
    return Reply(title=t(f"opportunity.{outcome}", number=opp.number, name=opp.name),
                 sections=sections, tone=Tone.SUCCESS)


def _show(ctx: Context, opp: Opportunity) -> Reply:
    t = ctx.t
    assert opp.id is not None
    history = opportunity_repo.stage_history(ctx.session, opportunity_id=opp.id)
    people = repos.persons_by_ids(ctx.session,
                                  ids={h.person_id for h in history if h.person_id})
    steps = []
    for change in history:
        when = fmt_date(t.lang, change.at.astimezone(ctx.clock.tz).date(), weekday=False)
        who = person_name(people.get(change.person_id)) if change.person_id else ""
        target = (t(f"opportunity.status_{change.to_stage}", stage=stage_name(t, change.from_stage or "lead"))
                  if change.to_stage in ("won", "lost") else stage_name(t, change.to_stage))
        steps.append(Item(t("opportunity.history_line", date=when, stage=target, who=who)))
    today = ctx.clock.today()
    currency = currency_of(ctx.settings)
    payments = opportunity_repo.payments_of(ctx.session, account_id=opp.account_id,
                                            opportunity_id=opp.id)
    runs = [p for p in progress_of(ctx.session, account_id=opp.account_id)
            if p.run.opportunity_id == opp.id]
    sections = [Section(text=_line(ctx, opp)),
                Section(title=t("opportunity.history"), items=steps)]
    if opp.close_reason:
        sections.append(Section(text=t("opportunity.reason", reason=opp.close_reason)))
    if payments:
        sections.append(Section(title=t("payment.list_title"), items=[
            Item(payment_line(t, p, None, currency=currency, today=today)) for p in payments]))
    if runs:
        sections.append(Section(title=t("playbook.runs_title"),
                                items=[Item(run_line(t, p)) for p in runs]))
    return Reply(title=t("opportunity.title", number=opp.number, name=opp.name),
                 sections=sections)


def _line(ctx: Context, opp: Opportunity) -> str:
    return opportunity_line(ctx.t, opp, currency=currency_of(ctx.settings),
                            now=ctx.clock.now(), stale_days=stale_days_of(ctx.settings))


def _stage_playbooks(ctx: Context, opp: Opportunity) -> list[Started]:
    account = ctx.require_account()
    return on_stage(ctx.session, library(ctx.session, ctx.settings), account=account, opp=opp,
                    today=ctx.clock.today(), now=ctx.clock.now(), lang=ctx.lang,
                    person_id=ctx.person.id)


@command("opportunities", aliases=("opps", "deals", "机会列表"), readonly=True, keys=())
def opportunities(ctx: Context, args: Args) -> Reply:
    wanted = args.words[0].lower() if args.words else ""
    if wanted and wanted not in _ALL:
        raise CommandError("opportunity.list_usage", value=wanted[:20])
    return pipeline_reply(ctx, show_all=bool(wanted))


def pipeline_reply(ctx: Context, *, show_all: bool) -> Reply:
    """The account's open pipeline by stage, weighted; with ``all``, the closed ones too."""
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    currency = currency_of(ctx.settings)
    rows = opportunity_repo.opportunities_of(ctx.session, account_id=account.id,
                                             status=None if show_all else "open")
    open_rows = [o for o in rows if o.status == "open"]
    if not rows:
        return Reply(title=t("opportunity.none", account=account.name),
                     sections=[Section(text=t("opportunity.none_hint"))])
    total = summarise(open_rows)
    sections: list[Section] = [Section(text=t(
        "opportunity.summary", count=int(total["count"]),
        value=fmt_money(t.lang, total["value"], currency),
        weighted=fmt_money(t.lang, total["weighted"], currency)))]
    for stage in STAGES:
        in_stage = [o for o in open_rows if o.stage == stage]
        if in_stage:
            stage_value = sum(weighted(o.value, o.stage, o.probability) for o in in_stage)
            sections.append(Section(
                title=t("opportunity.stage_heading", stage=stage_name(t, stage),
                        count=len(in_stage), weighted=fmt_money(t.lang, stage_value, currency)),
                items=[Item(_line(ctx, o)) for o in in_stage]))
    closed = [o for o in rows if o.status != "open"]
    if closed:
        sections.append(Section(title=t("opportunity.closed_heading"),
                                items=[Item(_line(ctx, o)) for o in closed]))
    renewal = opportunity_repo.renewal_opportunity(ctx.session, account_id=account.id)
    if account.renewal_date is not None:
        days = (account.renewal_date - ctx.clock.today()).days
        sections.append(Section(text=t(
            "opportunity.renewal", date=fmt_date(t.lang, account.renewal_date, weekday=False),
            days=days,
            value=fmt_money(t.lang, renewal.value if renewal else account.revenue, currency),
            stage=stage_name(t, renewal.stage) if renewal else t("renewal.no_opportunity"))))
    return Reply(title=t("opportunity.list_title", account=account.name), sections=sections,
                 footer=t("opportunity.footer", stale=stale_days_of(ctx.settings)))
