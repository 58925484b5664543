"""Posting the bot's own messages: paced per channel, 429-aware, retried, ledger-claimed.

:func:`deliver` is the one way a report, alert or reminder reaches a channel: it claims
the delivery in the ledger (so it happens once), posts through the platform's Sender with
retries, and records the outcome. A failure is recorded and left for the next run.

Exactly once around a crash: every post carries its delivery key (Slack message metadata).
A claim taken over from a run that died before recording its outcome is *in doubt*
(storage/ledger.py); before posting it again, :func:`deliver` asks the platform whether
the key is already there. Where the platform cannot tell (Telegram keeps no history a bot
can read; a Slack app without the history scopes), it does not post again: at most once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.clock import Clock
from bot.messages import Outgoing
from bot.outbox import CannotTell, Sender, SendError, Senders, Sent
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
    # SKIPPED because another run holds a fresh claim: it is posting (or died doing so and
    # will be recovered), so what follows a post (a record that it was made) is its to do.
    held: bool = False


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

    def next_free(self, platform: str, channel: str) -> float:
        """When (``monotonic``) the channel may next be posted in without waiting."""
        with self._lock:
            last = self._last.get((platform, channel))
        return self.monotonic() if last is None else last + self.min_interval

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


# Which work claims the deliveries made in this context: a job of the engine sets
# ``work:<its lock>`` (bot/tasks/definitions.py).
_claimant: ContextVar[str | None] = ContextVar("kambot_claimant", default=None)


@contextmanager
def claiming(name: str) -> Iterator[None]:
    """Claim the deliveries made inside under the work ``name`` (storage/ledger.py)."""
    token = _claimant.set(name)
    try:
        yield
    finally:
        _claimant.reset(token)


def delivery_key(kind: str, account_id: int, key: str) -> str:
    """The name a post carries; with the channel it is posted in, it names the delivery."""
    return f"{kind}:{account_id}:{key}"


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
                               platform=out.platform, channel=out.channel, at=clock.now(),
                               by=_claimant.get())
        delivery_id = claimed.id if claimed else None
        doubt = claimed is not None and ledger.in_doubt(claimed)
    if delivery_id is None:
        with sessions.begin() as session:
            row = ledger.find(session, kind=kind, account_id=account_id, key=key,
                              channel=out.channel)
            held = row is not None and row.status == "claimed"
        return Result(Outcome.SKIPPED, held=held)
    out = replace(out, delivery_key=delivery_key(kind, account_id, key))
    if doubt:
        found = _already_posted(sender, out)
        if found is not None:
            with sessions.begin() as session:
                if isinstance(found, Sent):
                    ledger.mark_posted(session, delivery_id=delivery_id, ref=found.ref,
                                       at=clock.now())
                else:
                    ledger.mark_unverified(session, delivery_id=delivery_id, reason=found,
                                           at=clock.now())
            if isinstance(found, Sent):
                log.info("%s %s for account %s: already in %s:%s, not posted again", kind,
                         key, account_id, out.platform, out.channel)
                return Result(Outcome.POSTED, sent=found)
            log.warning("%s %s for account %s in %s:%s may have been posted by a run that "
                        "died, and %s cannot tell (%s): not posted again", kind, key,
                        account_id, out.platform, out.channel, out.platform, found)
            return Result(Outcome.SKIPPED, error=f"not verified: {found}")
    try:
        sent = poster.send(sender, out)
    except SendError as exc:
        with sessions.begin() as session:
            ledger.mark_failed(session, delivery_id=delivery_id, error=str(exc))
        return Result(Outcome.FAILED, error=str(exc))
    with sessions.begin() as session:
        ledger.mark_posted(session, delivery_id=delivery_id, ref=sent.ref, at=clock.now())
    return Result(Outcome.POSTED, sent=sent)


def _already_posted(sender: Sender, out: Outgoing) -> Sent | str | None:
    """The post of ``out.delivery_key`` if the platform has it; None if it surely has not;
    a reason (text) when the platform cannot tell."""
    find = getattr(sender, "find", None)
    if find is None:
        return f"{out.platform} keeps no history the bot can search"
    try:
        found: Sent | None = find(out)
    except CannotTell as exc:
        return str(exc) or "cannot tell"
    except SendError as exc:
        return str(exc)
    return found
