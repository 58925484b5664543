"""The quarterly tier review: on the first day of each quarter, management gets the accounts
that scored below their tier for a quarter (candidates to move down), the potential
accounts scoring like core ones (candidates to move up) and the tier counts against the
5-25 guideline. Claimed in the delivery ledger (``tier-review``, the portfolio's account 0,
the quarter's key), so it is posted once however often it runs, on however many replicas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.health_posts import management_out
from bot.posting import Poster, Result, deliver, shared_poster
from commands.i18n import Translator
from commands.portfolio_strategy import quarter_key, review_reply

if TYPE_CHECKING:
    from bot.app import Core
    from bot.scheduler import JobSpec

KIND = "tier-review"
PORTFOLIO = 0


def run_tier_review(core: Core, *, poster: Poster | None = None,
                    dry_run: bool = False) -> Result | None:
    """Post this quarter's review to the management channel (None when none is set)."""
    today = core.clock.today()
    t = Translator(core.settings.KAMBOT_LANGUAGE)
    with core.sessions.begin() as session:
        reply = review_reply(session, t, now=core.clock.now(), today=today)
    out = management_out(core, reply)
    if out is None:
        return None
    return deliver(sessions=core.sessions, senders=core.senders,
                   poster=poster or shared_poster(core.services), clock=core.clock, kind=KIND,
                   account_id=PORTFOLIO, key=quarter_key(today), out=out, dry_run=dry_run)


def tier_review_jobs(core: Core, poster: Poster) -> list[JobSpec]:
    from apscheduler.triggers.cron import CronTrigger

    from bot.scheduler import JobSpec

    tz = core.settings.KAMBOT_TIMEZONE
    return [JobSpec("quarterly-tier-review",
                    CronTrigger(month="1,4,7,10", day=1, hour=9, minute=30, timezone=tz),
                    lambda: run_tier_review(core, poster=poster), catch_up=True)]
