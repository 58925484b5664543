"""The account card (``account``): the 360° view of one account in one reply, kept within
Block Kit's and Telegram's limits by the renderers (bot/render/)."""

from __future__ import annotations

from bot.messages import Button, Reply, Section
from commands.bounds import MAX_AMOUNT, sane_date, sane_number
from commands.commercial_text import card_fields
from commands.format import fmt_date, fmt_number, fmt_percent, person_name
from commands.pipeline import currency_of
from commands.registry import Context
from commands.strategy import card as strategy_card
from storage import health_repo, repos
from storage.models import TEAM_ROLES


def account_card(ctx: Context) -> Reply:
    """The 360° view: who, what, how healthy, what's open."""
    acct = ctx.require_account()
    assert acct.id is not None
    t = ctx.t
    today = ctx.clock.today()
    holders = repos.current_holders(ctx.session, account_id=acct.id)
    n_open = repos.count_tasks(ctx.session, account_id=acct.id)
    n_overdue = repos.count_tasks(ctx.session, account_id=acct.id, due_before=today)
    last_notes = repos.notes_of(ctx.session, account_id=acct.id, limit=1)
    health = health_repo.last_snapshot(ctx.session, account_id=acct.id)
    basics = [
        (t("field.tier"), t(f"tier.{acct.tier}")),
        (t("field.industry"), acct.industry or "—"),
        (t("field.revenue"), fmt_number(t.lang, sane_number(
            acct.revenue, low=0, high=MAX_AMOUNT, where=f"account {acct.id} revenue"))),
        (t("field.margin"), fmt_percent(sane_number(
            acct.margin, low=-1, high=1, where=f"account {acct.id} margin"))),
        (t("field.renewal"), fmt_date(t.lang, sane_date(
            acct.renewal_date, where=f"account {acct.id} renewal"))),
        (t("field.health"), t(f"color.{health.color}") if health else t("card.no_health")),
    ]
    team = [
        (t(f"role.{role.value}"), person_name(holders[role.value]) if role.value in holders
         else t("triangle.vacant"))
        for role in TEAM_ROLES
    ]
    work = [
        (t("card.open"), str(n_open)),
        (t("card.overdue"), str(n_overdue)),
        (t("card.last_note"),
         fmt_date(t.lang, last_notes[0].created_at.astimezone(ctx.clock.tz).date())
         if last_notes else t("card.no_notes")),
    ]
    channels = repos.bindings_of(ctx.session, account_id=acct.id)
    strategy = strategy_card.strategy_section(ctx, acct, holders=holders, today=today)
    return Reply(
        title=t("card.title", account=acct.name),
        sections=[
            Section(title=t("card.basics"), fields=basics),
            Section(title=t("card.team"), fields=team),
            Section(title=t("card.work"), fields=work),
            Section(title=t("card.commercial"),
                    fields=card_fields(ctx.session, t, acct, today=today,
                                       currency=currency_of(ctx.settings))),
            strategy,
            Section(text=t("card.channels", count=len(channels))),
        ],
        buttons=[Button(t("button.open"), "open"), Button(t("button.health"), "health")],
    )
