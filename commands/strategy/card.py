"""The account card's strategy section: the account score and what it says of the tier,
the sponsor's last meeting with the customer, the plan's last review and the relationship
map's gaps."""

from __future__ import annotations

from datetime import date

from bot.messages import Section
from commands.format import fmt_date
from commands.handlers.scoring import score_for, score_text, tier_line
from commands.registry import Context
from commands.strategy import relmap
from storage import strategy_repo
from storage.models import Account, Person, Role, Tier

#: A core account's plan not changed or confirmed for this long is flagged.
PLAN_REVIEW_DAYS = 91


def sponsor_line(ctx: Context, account: Account, holders: dict[str, Person],
                 today: date) -> str:
    assert account.id is not None
    t = ctx.t
    if Role.SPONSOR.value not in holders:
        return t("strategy.card.no_sponsor")
    last = strategy_repo.last_exec_meeting(ctx.session, account_id=account.id)
    if last is None:
        return t("strategy.card.sponsor_never")
    return t("strategy.card.sponsor_days", days=max(0, (today - last).days),
             date=fmt_date(t.lang, last, weekday=False))


def plan_line(ctx: Context, account: Account, today: date) -> tuple[str, bool]:
    """The plan's last review, and whether it is overdue (core accounts only)."""
    assert account.id is not None
    t = ctx.t
    last = strategy_repo.last_plan_review(ctx.session, account_id=account.id)
    core = account.tier == Tier.CORE.value
    if last is None:
        return t("strategy.card.plan_never"), core
    day = last.astimezone(ctx.clock.tz).date()
    days = (today - day).days
    stale = core and days >= PLAN_REVIEW_DAYS
    key = "strategy.card.plan_stale" if stale else "strategy.card.plan_reviewed"
    return t(key, date=fmt_date(t.lang, day, weekday=False), days=days), stale


def strategy_section(ctx: Context, account: Account, *, holders: dict[str, Person],
                     today: date) -> Section:
    assert account.id is not None
    t = ctx.t
    score = score_for(ctx.session, account)
    plan, stale = plan_line(ctx, account, today)
    stakeholders = strategy_repo.stakeholders_of(ctx.session, account_id=account.id)
    gaps = relmap.gaps(stakeholders, today=today)
    fields = [
        (t("strategy.score.label"), score_text(t, score)),
        (t("strategy.card.sponsor"), sponsor_line(ctx, account, holders, today)),
        (t("strategy.card.plan"), plan),
        (t("strategy.card.map"), t("strategy.card.map_value", people=len(stakeholders),
                                   gaps=len(gaps))),
    ]
    notes = [tier_line(t, account, score)]
    if stale:
        notes.append(t("strategy.card.plan_flag"))
    if gaps:
        notes.append(t("strategy.card.map_flag", count=len(gaps)))
    return Section(title=t("strategy.card.title"), fields=fields, text="\n".join(notes))
