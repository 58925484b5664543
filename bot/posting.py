"""Posting the bot's own messages: paced per channel, 429-aware, retried, ledger-claimed.

:func:`deliver` is the one way a report, alert or reminder reaches a channel: it claims
the delivery in the ledger (so it happens once), posts through the platform's Sender with
retries, and records the outcome. A failure is recorded and left for the next run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.messages import Outgoing
from bot.outbox import Sender, SendError, Senders, Sent
from storage import ledger
from storage.db import SessionFactory

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    POSTED = "posted"
    SKIPPED = "skipped"  # posted before, or another run holds the claim
    FAILED = "failed"
    NO_SENDER = "no_sender"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    sent: Sent | None = None
    error: str = ""


class Poster:
    """Sends through a Sender with per-channel pacing and retries.

    ``min_interval`` keeps to the platforms' one-message-a-second-per-channel pace; a 429
    waits for Retry-After; other failures back off. ``sleep`` and ``monotonic`` are
    injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        min_interval: float = 1.0,
        attempts: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_interval = min_interval
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.monotonic = monotonic
        self._last: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def _pace(self, platform: str, channel: str) -> None:
        with self._lock:
            key = (platform, channel)
            last = self._last.get(key)
            now = self.monotonic()
            wait = 0.0 if last is None else self.min_interval - (now - last)
            self._last[key] = now + max(wait, 0.0)
        if wait > 0:
            self.sleep(wait)

    def send(self, sender: Sender, out: Outgoing) -> Sent:
        """Post once it is this channel's turn; raise the last SendError if all tries fail."""
        error: SendError | None = None
        for attempt in range(self.attempts):
            self._pace(out.platform, out.channel)
            try:
                return sender.send(out)
            except SendError as exc:
                error = exc
                if exc.permanent:
                    break
                wait = exc.retry_after if exc.retry_after is not None else self.backoff * 2**attempt
                log.warning("post to %s:%s failed (%s); retry in %.1fs", out.platform,
                            out.channel, exc, wait)
                if attempt + 1 < self.attempts:
                    self.sleep(min(wait, self.max_wait))
        assert error is not None
        raise error


def shared_poster(services: dict[str, object]) -> Poster:
    """The process's one Poster (``services["poster"]``), so per-channel pacing spans every
    job that posts (reports, alerts, reminders), not one run at a time."""
    poster = services.get("poster")
    if not isinstance(poster, Poster):
        poster = Poster()
        services["poster"] = poster
    return poster


def deliver(
    *,
    sessions: SessionFactory,
    senders: Senders,
    poster: Poster,
    clock: Clock,
    kind: str,
    account_id: int,
    key: str,
    out: Outgoing,
    dry_run: bool = False,
) -> Result:
    """Post ``out`` once for (kind, account_id, key, channel); see the module docstring."""
    sender = senders.get(out.platform)
    if sender is None:
        return Result(Outcome.NO_SENDER, error=f"no sender for {out.platform}")
    if dry_run:
        with sessions.begin() as session:
            row = ledger.find(session, kind=kind, account_id=account_id, key=key,
                              channel=out.channel)
            posted = row is not None and row.status == "posted"
        return Result(Outcome.SKIPPED if posted else Outcome.POSTED)
    with sessions.begin() as session:
        claimed = ledger.claim(session, kind=kind, account_id=account_id, key=key,
                               platform=out.platform, channel=out.channel, at=clock.now())
        delivery_id = claimed.id if claimed else None
    if delivery_id is None:
        return Result(Outcome.SKIPPED)
    try:
        sent = poster.send(sender, out)
    except SendError as exc:
        with sessions.begin() as session:
            ledger.mark_failed(session, delivery_id=delivery_id, error=str(exc))
        return Result(Outcome.FAILED, error=str(exc))
    with sessions.begin() as session:
        ledger.mark_posted(session, delivery_id=delivery_id, ref=sent.ref, at=clock.now())
    return Result(Outcome.POSTED, sent=sent)
