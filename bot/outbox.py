"""Messages the bot sends on its own: the sender protocol that each platform implements.

Reports, alerts and reminders build an :class:`~bot.messages.Outgoing` and hand it to the
sender of its platform. Senders are synchronous (the scheduler runs jobs in threads);
a platform whose client is async bridges inside its sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.messages import Outgoing


class SendError(Exception):
    """A post that did not go through. ``retry_after`` is set when the platform said 429."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a message landed: ``ref`` is the platform's message id (Slack ts, Telegram id)."""

    channel: str
    ref: str


class CannotTell(Exception):
    """The platform cannot say whether a post went out (no history to read, no scope)."""


class Sender(Protocol):
    platform: str

    def send(self, out: Outgoing) -> Sent:
        """Post ``out`` (its text, then its attachments); raise SendError on failure.

        ``out.thread`` set: post as a reply in that thread (Slack thread_ts, Telegram
        reply_to_message_id). ``out.channel`` may be a user id for a direct message.
        ``out.delivery_key`` set: carry it on the message where the platform can.
        """
        ...


class FindsPosts(Protocol):
    """A Sender that can look for a post by its delivery key (Slack: message metadata)."""

    def find(self, out: Outgoing) -> Sent | None:
        """The post of ``out.delivery_key`` in ``out.channel`` (and ``out.thread``), or None
        when it is not there; raise CannotTell when the platform cannot say."""
        ...


@dataclass
class RecordingSender:
    """A sender that keeps what it was given; the console and dry runs use it."""

    platform: str = "console"
    sent: list[Outgoing] = field(default_factory=list)

    def send(self, out: Outgoing) -> Sent:
        self.sent.append(out)
        return Sent(channel=out.channel, ref=str(len(self.sent)))

    def find(self, out: Outgoing) -> Sent | None:
        """What it was given under ``out.delivery_key`` in that channel (see FindsPosts)."""
        for i, given in enumerate(self.sent, start=1):
            if given.delivery_key == out.delivery_key and given.channel == out.channel:
                return Sent(channel=given.channel, ref=str(i))
        return None


class Senders:
    """The senders of the platforms this process runs, looked up by platform name."""

    def __init__(self, *senders: Sender) -> None:
        self._by_platform: dict[str, Sender] = {s.platform: s for s in senders}

    def add(self, sender: Sender) -> None:
        self._by_platform[sender.platform] = sender

    def get(self, platform: str) -> Sender | None:
        return self._by_platform.get(platform)

    def platforms(self) -> list[str]:
        return sorted(self._by_platform)
