"""What the health jobs share: the run summary, a post waiting to go out, delivering posts
once through the ledger, and the business calendar of an account.

Used by bot.alerts (alerts, recoveries), bot.rules (KAM rules), bot.escalations (the
overdue chain) and bot.reminders (the morning digest).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Reply
from bot.posting import Outcome, Poster, Result, deliver, shared_poster
from commands.health import HealthConfig, load_config
from commands.i18n import Translator
from commands.workdays import BusinessCalendar, calendar_for
from storage.models import Account, ChannelBinding

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """What a run did (or, dry, would do); ``lines`` are for the CLI."""

    dry_run: bool = False
    accounts: int = 0
    alerts: int = 0
    reminders: int = 0
    recoveries: int = 0
    management: int = 0
    rules: int = 0
    escalations: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    def text(self, t: Translator) -> str:
        out = t("alerts.summary", accounts=self.accounts, alerts=self.alerts,
                reminders=self.reminders, recoveries=self.recoveries,
                management=self.management, rules=self.rules,
                escalations=self.escalations, failed=self.failed)
        return out + ("\n" + t("alerts.dry_run") if self.dry_run else "")


@dataclass
class Post:
    """One message to deliver once: ledger (kind, account, key, channel)."""

    kind: str
    account_id: int
    key: str
    out: Outgoing
    counter: str | None  # which Summary field a successful post adds to


def poster_for(core: Core, given: Poster | None = None) -> Poster:
    """The scheduler's Poster when it passes one; else one kept per core (so per-channel
    pacing spans runs), which tests replace with a non-sleeping one."""
    return given if given is not None else shared_poster(core.services)


def config_of(core: Core) -> HealthConfig:
    return load_config(core.services)


def calendar_of(core: Core, account: Account | None) -> BusinessCalendar:
    """The account's business calendar: its country, else KAMBOT_COUNTRY's."""
    country = (account.country if account is not None else None) \
        or core.settings.KAMBOT_COUNTRY
    return calendar_for(country)


def out_to(binding: ChannelBinding, reply: Reply) -> Outgoing:
    return Outgoing(platform=binding.platform, workspace=binding.workspace,
                    channel=binding.channel, reply=reply)


def management_target(value: str | None, platforms: Sequence[str]) -> tuple[str, str] | None:
    """KAMBOT_MANAGEMENT_CHANNEL as (platform, channel): ``slack:C123`` or a bare id.

    A bare id goes to the one chat platform running; with several, a number is a Telegram
    chat and anything else a Slack channel.
    """
    if not value:
        return None
    platform, sep, channel = value.partition(":")
    if sep and platform in {"slack", "telegram", "console"} and channel:
        return platform, channel
    chats = [p for p in platforms if p != "console"]
    if len(chats) == 1:
        return chats[0], value
    if not chats:
        return "console", value
    return ("telegram" if value.lstrip("-").isdigit() else "slack"), value


def management_out(core: Core, reply: Reply) -> Outgoing | None:
    target = management_target(core.settings.KAMBOT_MANAGEMENT_CHANNEL, core.senders.platforms())
    if target is None:
        return None
    return Outgoing(platform=target[0], workspace="", channel=target[1], reply=reply)


def deliver_post(core: Core, post: Post, *, dry_run: bool, poster: Poster | None = None
                 ) -> Result:
    return deliver(sessions=core.sessions, senders=core.senders,
                   poster=poster_for(core, poster), clock=core.clock, kind=post.kind,
                   account_id=post.account_id, key=post.key, out=post.out, dry_run=dry_run)


def deliver_all(core: Core, posts: list[Post], summary: Summary,
                poster: Poster | None = None) -> list[tuple[Post, Result]]:
    """Each post once; counted once per occasion however many channels it went to."""
    counted: set[tuple[str, int, str, str | None]] = set()
    results: list[tuple[Post, Result]] = []
    for post in posts:
        occasion = (post.kind, post.account_id, post.key, post.counter)
        result = deliver_post(core, post, dry_run=summary.dry_run, poster=poster)
        results.append((post, result))
        if result.outcome is Outcome.POSTED and occasion not in counted:
            counted.add(occasion)
            if post.counter is not None:
                setattr(summary, post.counter, getattr(summary, post.counter) + 1)
            summary.lines.append(
                f"{post.kind} {post.account_id} {post.key} -> {post.out.platform}:{post.out.channel}")
        elif result.outcome in {Outcome.FAILED, Outcome.NO_SENDER}:
            summary.failed += 1
            log.warning("%s %s for account %s to %s:%s: %s", post.kind, post.key,
                        post.account_id, post.out.platform, post.out.channel, result.error)
    return results
