"""The ``reminders`` verb (提醒): a person's morning digest, on or off and at which hour.

``reminders`` shows the setting; ``reminders off`` / ``提醒 关闭`` stops the digest,
``reminders on`` / ``提醒 开启`` starts it again, ``reminders at 8`` / ``提醒 8点`` moves
it (an hour of the day in KAMBOT_TIMEZONE). Kept per person (bot.reminders reads it).
"""

from __future__ import annotations

import re

from bot.messages import Reply, Tone
from commands.parsing import Args
from commands.registry import CommandError, Context, command
from storage import alert_repo

_OFF = {"off", "stop", "no", "disable", "关闭", "关", "停止", "停", "不要"}
_ON = {"on", "start", "yes", "enable", "开启", "打开", "开"}
_HOUR = re.compile(r"^(?:at\s*)?(\d{1,2})(?::00)?\s*(?:am|点|点钟|时|h)?$")
_PM = re.compile(r"^(?:at\s*)?(\d{1,2})(?::00)?\s*pm$")


def parse_hour(text: str) -> int | None:
    """``8`` / ``at 8`` / ``8:00`` / ``8am`` / ``5pm`` / ``8点`` -> the hour; None otherwise."""
    text = text.strip().lower()
    match = _PM.match(text)
    if match:
        hour = int(match.group(1))
        return hour + 12 if 1 <= hour <= 11 else (12 if hour == 12 else None)
    match = _HOUR.match(text)
    if match and 0 <= int(match.group(1)) <= 23:
        return int(match.group(1))
    return None


@command("reminders", aliases=("reminder", "digest", "提醒", "早报"), needs_account=False,
         readonly=True, keys=("at", "hour", "time"))
def reminders(ctx: Context, args: Args) -> Reply:
    t = ctx.t
    assert ctx.person.id is not None
    tz = str(getattr(ctx.settings, "KAMBOT_TIMEZONE", "UTC"))
    now = ctx.clock.now()
    words = [w.lower() for w in args.words]
    given = args.option("at", "hour", "time", "时间")
    if not words and given is None:
        pref = alert_repo.preference_of(ctx.session, person_id=ctx.person.id)
        if pref is not None and not pref.enabled:
            return Reply(title=t("remind.status_off"))
        hour = pref.hour if pref is not None else alert_repo.DEFAULT_HOUR
        return Reply(title=t("remind.status_on", hour=f"{hour:02d}", tz=tz))
    if len(words) == 1 and words[0] in _OFF and given is None:
        alert_repo.set_preference(ctx.session, person_id=ctx.person.id, at=now, enabled=False)
        return Reply(title=t("remind.turned_off"), tone=Tone.SUCCESS)
    if len(words) == 1 and words[0] in _ON and given is None:
        pref = alert_repo.set_preference(ctx.session, person_id=ctx.person.id, at=now,
                                         enabled=True)
        return Reply(title=t("remind.turned_on", hour=f"{pref.hour:02d}", tz=tz),
                     tone=Tone.SUCCESS)
    chosen = parse_hour(given if given is not None else " ".join(w for w in words if w != "at"))
    if chosen is None:
        raise CommandError("remind.usage")
    alert_repo.set_preference(ctx.session, person_id=ctx.person.id, at=now, enabled=True,
                              hour=chosen)
    return Reply(title=t("remind.hour_set", hour=f"{chosen:02d}", tz=tz), tone=Tone.SUCCESS)
