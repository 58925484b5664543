"""The ``alert`` verb (预警): acknowledge or snooze the account's current health alert.

``alert ack`` (the Acknowledge button): no more reminders while the alert's reasons stay
the same; a new worsening, or a change of reasons, brings them back, and the next reminder
says who acknowledged. ``alert snooze 7d`` (the Snooze button): no reminders until then.
A button carries the alert's key (``red:2026-11-24``), so a press on an old alert does not
silence a newer one. ``alert`` alone says where the alert stands.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.messages import Reply, Section, Tone
from commands.episodes import Episode, episode, state_of
from commands.health import Color, assess, load_config
from commands.health_text import color_name, mention
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from commands.textfold import small_number
from storage import alert_repo, health_repo, repos

_ACK = {"ack", "acknowledge", "acknowledged", "ok", "确认", "收到", "知道了"}
_SNOOZE = {"snooze", "mute", "later", "暂停", "稍后", "静音"}
_KEY = re.compile(r"^(green|yellow|red):\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"^(\S{1,3}?)\s*(d|day|days|天|日|w|wk|week|weeks|周|星期|个星期)?$")
MAX_SNOOZE_DAYS = 90


def snooze_days(raw: str) -> int | None:
    """``7d`` / ``7`` / ``2w`` / ``7天`` / ``一周`` / ``两周`` -> days; None when not a length."""
    match = _DURATION.match(raw.strip().lower())
    if not match:
        return None
    count = small_number(match.group(1))
    if count is None or count <= 0:
        return None
    days = count * (7 if (match.group(2) or "d")[0] in "w周星个" else 1)
    return days if days <= MAX_SNOOZE_DAYS else None


@command("alert", aliases=("预警", "告警", "警报"), readonly=True, keys=())
def alert(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    t = ctx.t
    today = ctx.clock.today()
    words = [w for w in args.words]
    key = next((w for w in words if _KEY.match(w)), None)
    words = [w for w in words if w != key]
    sub = words[0].lower() if words else ""
    if sub and sub not in _ACK | _SNOOZE:
        raise CommandError("alertcmd.usage")
    inputs = health_repo.gather_inputs(ctx.session, account=account, today=today)
    health = assess(inputs, tier=account.tier, today=today,
                    thresholds=load_config(ctx.services).for_tier(account.tier))
    rows = list(reversed(health_repo.snapshots_of(ctx.session, account_id=account.id)))
    if not health.enough_data or not rows:
        return Reply(title=t("alertcmd.no_data", account=account.name))
    ep = episode([(r.color, r.at) for r in rows], ctx.clock.tz)
    color = color_name(t, ep.color)
    since = ep.since.isoformat()
    if ep.color == Color.GREEN:
        return Reply(title=t("alertcmd.none", account=account.name, color=color))
    if key is not None and key != ep.key:
        old_color, _, old_since = key.partition(":")
        raise CommandError("alertcmd.stale", old=f"{color_name(t, old_color)} {old_since}",
                           account=account.name, color=color, since=since)
    if not sub:
        return _status(ctx, account.id, account.name, ep)
    now = ctx.clock.now()
    assert ctx.person.id is not None
    if sub in _ACK:
        alert_repo.add_ack(ctx.session, account_id=account.id, episode=ep.key,
                           state=state_of(health), action="ack", person_id=ctx.person.id,
                           at=now)
        repos.audit(ctx.session, at=now, action="alert.ack", account_id=account.id,
                    person_id=ctx.person.id, episode=ep.key)
        return Reply(title=t("alertcmd.acked", account=account.name, color=color, since=since),
                     tone=Tone.SUCCESS)
    length = next((w for w in words[1:]), "7d")
    days = snooze_days(length)
    if days is None:
        raise CommandError("alertcmd.bad_duration", value=length[:20])
    until = today + timedelta(days=days)
    alert_repo.add_ack(ctx.session, account_id=account.id, episode=ep.key,
                       state=state_of(health), action="snooze", until=until,
                       person_id=ctx.person.id, at=now)
    repos.audit(ctx.session, at=now, action="alert.snooze", account_id=account.id,
                person_id=ctx.person.id, episode=ep.key, until=until.isoformat())
    return Reply(title=t("alertcmd.snoozed", account=account.name, color=color,
                         until=until.isoformat()), tone=Tone.SUCCESS)


def _status(ctx: Context, account_id: int, name: str, ep: Episode) -> Reply:
    t = ctx.t
    ack = alert_repo.latest_ack(ctx.session, account_id=account_id, episode=ep.key)
    if ack is None:
        text = t("alertcmd.status_none")
    else:
        who = mention(repos.persons_by_ids(ctx.session, ids={ack.person_id}).get(ack.person_id),
                      ctx.incoming.platform)
        text = (t("alertcmd.status_snoozed", who=who, date=(ack.until or ep.since).isoformat())
                if ack.action == "snooze" else
                t("alertcmd.status_acked", who=who, date=ack.at.date().isoformat()))
    return Reply(title=t("alertcmd.status", account=name, color=color_name(t, ep.color),
                         since=ep.since.isoformat()), sections=[Section(text=text)])
