"""The ``health`` and ``signal`` verbs (健康 / 信号).

``health`` assesses the bound account now (keeping a snapshot when it changed) and shows
the colour, score, reasons, the change since last month and what would turn it green.
``signal`` records dated health inputs; the dispatcher's listener then re-checks the
account and alerts at once if the colour worsened.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.messages import Item, Reply, Section, Tone
from commands import audit
from commands.bounds import EARLIEST, check_date
from commands.health import (
    METRICS,
    Color,
    Health,
    SignalValueError,
    assess,
    load_config,
    parse_metric,
)
from commands.health_text import (
    color_values,
    colour_text,
    drag_text,
    fix_lines,
    mention,
    moved_items,
    reason_text,
    scorecard_items,
)
from commands.parsing import Args
from commands.pastdates import parse_past_day
from commands.registry import CommandError, Context, command
from storage import health_repo, repos
from storage.models import Account

# Never Tone.ERROR: that marks a refusal (shown privately), and a red account is not one.
_TONE = {Color.GREEN: Tone.SUCCESS, Color.YELLOW: Tone.WARNING, Color.RED: Tone.WARNING}


def _assess(ctx: Context, account: Account) -> Health:
    config = load_config(ctx.services)
    today = ctx.clock.today()
    inputs = health_repo.gather_inputs(ctx.session, account=account, today=today)
    return assess(inputs, tier=account.tier, today=today, thresholds=config.for_tier(account.tier))


@command("health", readonly=True, keys=())
def health(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    now = ctx.clock.now()
    result = _assess(ctx, account)
    th = load_config(ctx.services).for_tier(account.tier)
    previous = health_repo.last_snapshot(ctx.session, account_id=account.id)
    health_repo.save_snapshot(ctx.session, account_id=account.id, health=result, at=now)
    card = Section(title=t("scorecard.title", tier=t(f"tier.{account.tier}")),
                   items=[Item(line) for line in scorecard_items(t, result)])
    if not result.enough_data:
        counted = sum(1 for m in result.measures if m.counted)
        return Reply(title=t("scorecard.not_enough_title", account=account.name),
                     sections=[Section(text=t("scorecard.not_enough_text", count=counted,
                                              needed=th.min_measures)), card],
                     footer=t("health.footer"))
    explain = [colour_text(t, result, green_from=th.score_yellow_below,
                           red_below=th.score_red_below), drag_text(t, result)]
    card.text = "\n".join(x for x in explain if x)
    sections: list[Section] = [card]
    moved = moved_items(t, previous.measures if previous else None, result)
    if previous is not None and moved:
        sections.append(Section(
            title=t("scorecard.moved_title",
                    date=previous.at.astimezone(ctx.clock.tz).date().isoformat()),
            items=[Item(line) for line in moved]))
    if result.reasons:
        title = t("health.reasons_title") if result.color != Color.GREEN \
            else t("scorecard.watch_title")
        sections.append(Section(title=title,
                                items=[Item(reason_text(t, r)) for r in result.reasons]))
    else:
        sections.append(Section(text=t("health.all_good")))
    sections.append(Section(title=t("health.trend_title"), text=_trend(ctx, account.id, result),
                            items=_path(ctx, account.id)))
    if result.fixes:
        holders = repos.current_holders(ctx.session, account_id=account.id)
        who = {role: mention(p, ctx.incoming.platform) for role, p in holders.items()}
        title = t("health.fixes_title") if result.color != Color.GREEN \
            else t("scorecard.fixes_watch_title")
        sections.append(Section(title=title,
                                items=[Item(line) for line in fix_lines(t, result, who)]))
    return Reply(
        title=t("health.title", account=account.name, score=result.score,
                **color_values(t, result.color)),
        sections=sections,
        footer=t("health.footer"),
        tone=_TONE[result.color],
    )


def _trend(ctx: Context, account_id: int, now_health: Health) -> str:
    t = ctx.t
    month_ago = ctx.clock.now() - timedelta(days=30)
    then = health_repo.snapshot_at(ctx.session, account_id=account_id, at=month_ago)
    if then is None:
        first = health_repo.snapshots_of(ctx.session, account_id=account_id)
        if not first or first[0].at.astimezone(ctx.clock.tz).date() >= ctx.clock.today():
            return t("health.trend_first")
        return t("health.trend_none",
                 first_date=first[0].at.astimezone(ctx.clock.tz).date().isoformat())
    return t("health.trend_change", then_color=color_values(t, then.color)["color"],
             then_score=then.score,
             then_date=then.at.astimezone(ctx.clock.tz).date().isoformat(),
             score=now_health.score, delta=now_health.score - then.score,
             **color_values(t, now_health.color))


def _path(ctx: Context, account_id: int) -> list[Item]:
    """The last few colour changes in 90 days, oldest first: the trend at a glance (a
    score that drifts within one colour is one step)."""
    since = ctx.clock.now() - timedelta(days=90)
    rows = list(health_repo.snapshots_of(ctx.session, account_id=account_id, since=since))
    changes = [r for i, r in enumerate(rows) if i == 0 or rows[i - 1].color != r.color][-6:]
    if len(changes) < 2:
        return []
    steps = " → ".join(
        ctx.t("health.trend_step", score=r.score,
              date=r.at.astimezone(ctx.clock.tz).date().isoformat()[5:],
              **color_values(ctx.t, r.color))
        for r in changes)
    return [Item(ctx.t("health.trend_path", path=steps))]


def parse_day(raw: str, today: date) -> date | None:
    """A past day (a meeting): see :func:`commands.pastdates.parse_past_day`."""
    return parse_past_day(raw, today)


@command("signal", keys=METRICS)
def signal(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    if not args.options:
        raise CommandError("signal.missing")
    now = ctx.clock.now()
    today = ctx.clock.today()
    parsed: list[tuple[str, float | None, date | None]] = []
    for metric, raw in args.options.items():
        if metric not in METRICS:
            raise CommandError("signal.unknown_metric", metric=metric[:40])
        if metric == "exec_meeting":
            day = parse_day(raw, today)
            if day is not None and day < EARLIEST:
                check_date(day, what=metric)  # a year as written, outside the window
            if day is None or day > today:
                raise CommandError("signal.bad_value", metric=metric, raw=raw[:40],
                                   hint=t(f"signal.hint.{metric}"))
            parsed.append((metric, None, day))
            continue
        try:
            parsed.append((metric, parse_metric(metric, raw), None))
        except SignalValueError:
            raise CommandError("signal.bad_value", metric=metric, raw=raw[:40],
                               hint=t(f"signal.hint.{metric}")) from None
    items: list[str] = []
    recorded: list[int | None] = []
    for metric, value, day in parsed:
        row = health_repo.add_signal(ctx.session, account_id=account.id, metric=metric, at=now,
                                     value=value, value_date=day, recorded_by_id=ctx.person.id)
        recorded.append(row.id)
        shown = day.isoformat() if day is not None else _show(metric, value)
        items.append(t("signal.item", metric=t(f"signal.metric.{metric}"), value=shown))
    ctx.session.flush()
    audit.record(ctx, "signal", target="signals", signals=recorded,
                 values={m: (d.isoformat() if d else v) for m, v, d in parsed})
    result = _assess(ctx, account)
    now_text = t("signal.now", score=result.score, **color_values(t, result.color)) \
        if result.enough_data else t(
            "signal.now_not_enough", count=sum(1 for m in result.measures if m.counted),
            needed=load_config(ctx.services).for_tier(account.tier).min_measures)
    return Reply(
        title=t("signal.recorded", account=account.name, items=", ".join(items)),
        sections=[Section(text=now_text)],
        tone=Tone.SUCCESS,
    )


def _show(metric: str, value: float | None) -> str:
    if value is None:
        return ""
    if metric == "usage":
        return f"{round(value * 100)}%"
    return f"{value:g}"
