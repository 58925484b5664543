"""The ``health`` and ``signal`` verbs (健康 / 信号).

``health`` assesses the bound account now (keeping a snapshot when it changed) and shows
the colour, score, reasons, the change since last month and what would turn it green.
``signal`` records dated health inputs; the dispatcher's listener then re-checks the
account and alerts at once if the colour worsened.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.messages import Item, Reply, Section, Tone
from commands.bounds import EARLIEST
from commands.dates import DateParseError, parse_date
from commands.health import (
    METRICS,
    Color,
    Health,
    SignalValueError,
    assess,
    load_config,
    parse_metric,
)
from commands.health_text import color_values, fix_lines, mention, reason_text
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from storage import health_repo, repos
from storage.models import Account

# Never Tone.ERROR: that marks a refusal (shown privately), and a red account is not one.
_TONE = {Color.GREEN: Tone.SUCCESS, Color.YELLOW: Tone.WARNING, Color.RED: Tone.WARNING}
_RELATIVE = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1, "前天": 2}
_AGO = re.compile(r"^-(\d{1,4})d$|^(\d{1,4})\s*天前$")
_YEAR = re.compile(r"\d{4}")


def _assess(ctx: Context, account: Account) -> Health:
    config = load_config(ctx.services)
    today = ctx.clock.today()
    inputs = health_repo.gather_inputs(ctx.session, account=account, today=today)
    return assess(inputs, tier=account.tier, today=today, thresholds=config.for_tier(account.tier))


@command("health", readonly=True)
def health(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    now = ctx.clock.now()
    result = _assess(ctx, account)
    health_repo.save_snapshot(ctx.session, account_id=account.id, health=result, at=now)

    sections: list[Section] = [
        Section(title=t("health.reasons_title"),
                items=[Item(reason_text(t, r)) for r in result.reasons])
        if result.reasons else Section(text=t("health.all_good")),
        Section(title=t("health.trend_title"), text=_trend(ctx, account.id, result),
                items=_path(ctx, account.id)),
    ]
    if result.fixes:
        holders = repos.current_holders(ctx.session, account_id=account.id)
        who = {role: mention(p, ctx.incoming.platform) for role, p in holders.items()}
        sections.append(Section(title=t("health.fixes_title"),
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
    """The last few changes in 90 days, oldest first: the trend at a glance."""
    since = ctx.clock.now() - timedelta(days=90)
    rows = list(health_repo.snapshots_of(ctx.session, account_id=account_id, since=since))[-6:]
    if len(rows) < 2:
        return []
    steps = " → ".join(
        ctx.t("health.trend_step", score=r.score,
              date=r.at.astimezone(ctx.clock.tz).date().isoformat()[5:],
              **color_values(ctx.t, r.color))
        for r in rows)
    return [Item(ctx.t("health.trend_path", path=steps))]


def parse_day(raw: str, today: date) -> date | None:
    """A past day (a meeting): today / yesterday / 昨天 / 前天, ``-3d`` / ``3天前``, or any
    date :func:`commands.dates.parse_date` reads. A day without a year that would fall in
    the future (``11月20日`` read as next year) means this year's."""
    text = raw.strip().lower()
    if text in _RELATIVE:
        return today - timedelta(days=_RELATIVE[text])
    match = _AGO.match(text)
    if match:
        return today - timedelta(days=int(match.group(1) or match.group(2)))
    try:
        day = parse_date(raw, today=today)
    except DateParseError:
        return None
    if day > today and not _YEAR.search(text):
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return None
    return day


@command("signal")
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
            if day is None or day > today or day < EARLIEST:
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
    for metric, value, day in parsed:
        health_repo.add_signal(ctx.session, account_id=account.id, metric=metric, at=now,
                               value=value, value_date=day, recorded_by_id=ctx.person.id)
        shown = day.isoformat() if day is not None else _show(metric, value)
        items.append(t("signal.item", metric=t(f"signal.metric.{metric}"), value=shown))
    repos.audit(ctx.session, at=now, action="signal", account_id=account.id,
                person_id=ctx.person.id, **{m: (d.isoformat() if d else v) for m, v, d in parsed})
    ctx.session.flush()
    result = _assess(ctx, account)
    return Reply(
        title=t("signal.recorded", account=account.name, items=", ".join(items)),
        sections=[Section(text=t("signal.now", score=result.score,
                                 **color_values(t, result.color)))],
        tone=Tone.SUCCESS,
    )


def _show(metric: str, value: float | None) -> str:
    if value is None:
        return ""
    if metric == "usage":
        return f"{round(value * 100)}%"
    return f"{value:g}"
