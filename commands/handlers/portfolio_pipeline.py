"""What management sees of the commercial spine (admins, the management channel):
``pipeline`` (管道): open and won value by stage and tier, stalled stages flagged;
``renewals`` (续约): renewals in the next 30 / 60 / 90 days (KAMBOT_RENEWAL_WINDOWS) with
value, stage, health and the renewal playbook's progress beside them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.messages import Item, Reply, Section
from commands.commercial_text import stage_name
from commands.format import fmt_date
from commands.handlers.core_account import tier_label
from commands.health_text import color_name
from commands.parsing import Args
from commands.pipeline import (
    STAGES,
    currency_of,
    fmt_money,
    renewal_windows_of,
    stale_days_of,
    stalled_days,
    summarise,
    window_for,
    windows_of,
)
from commands.playbooks.engine import progress_of
from commands.playbooks.model import TriggerKind
from commands.registry import Context, command
from storage import health_repo, opportunity_repo, repos
from storage.models import Tier


@command("pipeline", aliases=("管道",), needs_account=False, admin_only=True, readonly=True, keys=())
def pipeline(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    currency = currency_of(ctx.settings)
    now = ctx.clock.now()
    year_start = datetime(now.year, 1, 1, tzinfo=now.tzinfo or UTC)
    rows = opportunity_repo.all_opportunities(ctx.session, closed_since=year_start)
    open_rows = [(o, a) for o, a in rows if o.status == "open"]
    won_rows = [(o, a) for o, a in rows if o.status == "won"]

    def money(value: float) -> str:
        return fmt_money(t.lang, value, currency)

    total = summarise(o for o, _ in open_rows)
    won_total = sum(o.value for o, _ in won_rows)
    by_stage = []
    for stage in STAGES:
        part = summarise(o for o, _ in open_rows if o.stage == stage)
        won = sum(o.value for o, _ in won_rows if o.stage == stage)
        if part["count"] or won:
            line = t("pipeline.stage_line", stage=stage_name(t, stage),
                     count=int(part["count"]), value=money(part["value"]),
                     weighted=money(part["weighted"]))
            if won:
                line += " · " + t("pipeline.won_part", won=money(won))
            by_stage.append(Item(line))
    by_tier = []
    for tier in (Tier.CORE.value, Tier.IMPORTANT.value, Tier.POTENTIAL.value):
        part = summarise(o for o, a in open_rows if a.tier == tier)
        tier_won = [o for o, a in won_rows if a.tier == tier]
        if part["count"] or tier_won:
            line = t("pipeline.tier_line", tier=tier_label(t, tier),
                     count=int(part["count"]), value=money(part["value"]),
                     weighted=money(part["weighted"]))
            if tier_won:
                line += " · " + t("pipeline.won_tier_part", won_count=len(tier_won),
                                  won=money(sum(o.value for o in tier_won)))
            by_tier.append(Item(line))
    limit = stale_days_of(ctx.settings)
    stalled = []
    for opp, account in open_rows:
        days = stalled_days(opp.stage_changed_at, now, limit)
        if days is not None:
            stalled.append((days, Item(t("pipeline.stalled_line", account=account.name,
                                         number=opp.number, name=opp.name,
                                         stage=stage_name(t, opp.stage), days=days,
                                         value=money(opp.value)))))
    stalled.sort(key=lambda x: -x[0])
    if not rows:
        return Reply(title=t("pipeline.empty"))
    sections = [
        Section(text=t("pipeline.summary", count=int(total["count"]), value=money(total["value"]),
                       weighted=money(total["weighted"]), won=money(won_total),
                       year=now.year)),
        Section(title=t("pipeline.by_stage"), items=by_stage),
        Section(title=t("pipeline.by_tier"), items=by_tier),
        Section(title=t("pipeline.stalled_title", days=limit), items=[i for _, i in stalled],
                text="" if stalled else t("pipeline.none_stalled")),
    ]
    return Reply(title=t("pipeline.title"), sections=sections,
                 footer=t("pipeline.footer", year=now.year))


@command("renewals", aliases=("续约",), needs_account=False, admin_only=True, readonly=True, keys=())
def renewals(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    today = ctx.clock.today()
    currency = currency_of(ctx.settings)
    windows = windows_of(renewal_windows_of(ctx.settings))
    groups: dict[int, list[tuple[int, str]]] = {w.high: [] for w in windows}
    for account in repos.all_accounts(ctx.session):
        if account.renewal_date is None or account.id is None:
            continue
        days = (account.renewal_date - today).days
        window = window_for(days, windows)
        if window is None:
            continue
        renewal = opportunity_repo.renewal_opportunity(ctx.session, account_id=account.id)
        health = health_repo.last_snapshot(ctx.session, account_id=account.id)
        runs = [p for p in progress_of(ctx.session, account_id=account.id)
                if p.run.trigger == TriggerKind.RENEWAL.value and p.running]
        line = t("renewals.line", account=account.name,
                 date=fmt_date(t.lang, account.renewal_date, weekday=False), days=days,
                 value=fmt_money(t.lang, renewal.value if renewal else account.revenue,
                                 currency),
                 stage=stage_name(t, renewal.stage) if renewal else t("renewal.no_opportunity"),
                 health=color_name(t, health.color) if health else t("card.no_health"))
        if runs:
            line += " · " + t("renewals.playbook", percent=runs[0].percent)
        groups[window.high].append((days, line))
    sections = []
    for window in windows:
        lines = sorted(groups[window.high])
        sections.append(Section(
            title=t("renewals.window", low=max(window.low + 1, 0), high=window.high,
                    count=len(lines)),
            items=[Item(line) for _, line in lines],
            text="" if lines else t("renewals.none_in_window")))
    count = sum(len(v) for v in groups.values())
    return Reply(title=t("renewals.title", days=windows[-1].high if windows else 0, count=count),
                 sections=sections, footer=t("renewals.footer"))
