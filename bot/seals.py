"""Sealed button values and modal metadata: what kambot hands out, it can recognise.

A Slack button's value, a Telegram button's callback_data and a Slack modal's
private_metadata come back from the person's client, which can send anything. So kambot
never hands out a bare command or channel: it hands out a **seal**, a compact string with
an HMAC-SHA256 tag over everything the value stands for:

- its purpose (``button``, ``home``, ``modal:<callback id>``), the platform and the
  channel where it may be used;
- the account bound there when it was made (its id and its creation time, so a deleted
  account's id taken by a new one does not revive old buttons);
- for Home buttons and modals, the one person it was made for;
- the command (or, for a modal, the channel, thread and task it is about) and an expiry.

A value that was forged, altered, replayed into another channel or account, pressed by
someone else than its person, or too old, does not open (:class:`SealError`); the
dispatcher refuses it with a clear message and logs it (without the value). A seal only
proves where a request comes from: the acting person is still checked by commands.authz.

The key is KAMBOT_SECRET_KEY when set; otherwise one is made at first use and kept in the
database (table ``secret``), so every replica and restart shares it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.messages import Button, Reply
from storage import access_repo
from storage.db import SessionFactory
from storage.models import Account

VERSION = "k1"
SEP = "~"
TAG_BYTES = 12  # 96 bits: far beyond guessing, and short enough for Telegram's 64 bytes
KEY_NAME = "seal_key"

BUTTON = "button"  # a button on a message, in the channel where the message is
HOME = "home"  # a button on one person's Slack Home tab
MODAL = "modal"  # a modal's private_metadata: modal:<callback id>
# A modal's extra value "1": it was opened from inside the channel (a command, a button or
# the shortcut there), so its person is in the channel.
IN_CHANNEL = "in"

TTL: dict[str, timedelta] = {
    BUTTON: timedelta(days=60),
    HOME: timedelta(days=7),
    MODAL: timedelta(days=1),
}


class SealError(Exception):
    """A value that does not open. ``reason``: forged, expired or elsewhere."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Opened:
    """What a seal stands for (verified by :meth:`Seals.open`, or only read by :func:`peek`)."""

    channel: str
    account_id: int
    generation: int
    command: str
    extra: dict[str, str] = field(default_factory=dict)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _int36(text: str) -> int:
    return int(text, 36)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generation(account: Account | None) -> int:
    return int(account.created_at.timestamp()) if account is not None else 0


def is_sealed(value: str) -> bool:
    return value.startswith(VERSION + SEP)


def peek(value: str) -> Opened | None:
    """What a seal claims, unverified: only for routing (which channel, is it a modal);
    never act on it without :meth:`Seals.open`."""
    parts = value.split(SEP, 7)
    if len(parts) != 8 or parts[0] != VERSION:
        return None
    _, _, account, gen, _, channel, extra, command = parts
    try:
        decoded = json.loads(_unb64(extra)) if extra else {}
        if not isinstance(decoded, dict):
            return None
        return Opened(channel=channel, account_id=_int36(account), generation=_int36(gen),
                      command=command, extra={str(k): str(v) for k, v in decoded.items()})
    except ValueError:
        return None


class Seals:
    """Makes and opens seals with one key (see the module text)."""

    def __init__(self, *, clock: Clock, key: Callable[[], bytes]) -> None:
        self.clock = clock
        self._key_source = key
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, *, clock: Clock, secret: str | None,
                      sessions: SessionFactory) -> Seals:
        """KAMBOT_SECRET_KEY when given, else the key kept in the database."""
        if secret:
            derived = hmac.new(secret.encode(), b"kambot seal key v1", hashlib.sha256).digest()
            return cls(clock=clock, key=lambda: derived)

        def stored() -> bytes:
            with sessions.begin() as session:
                value = access_repo.secret(session, name=KEY_NAME, at=clock.now(),
                                           make=lambda: _b64(secrets.token_bytes(32)))
            return _unb64(value)

        return cls(clock=clock, key=stored)

    def key(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._key_source()
            return self._key

    def _tag(self, *, purpose: str, platform: str, channel: str, user: str, account: str,
             gen: str, expires: str, extra: str, command: str) -> str:
        message = "\x1f".join((VERSION, purpose, platform, channel, user, account, gen,
                               expires, extra, command))
        digest = hmac.new(self.key(), message.encode(), hashlib.sha256).digest()
        return _b64(digest[:TAG_BYTES])

    def seal(self, *, purpose: str, platform: str, channel: str, command: str = "",
             account_id: int = 0, generation: int = 0, user: str = "",
             extra: dict[str, str] | None = None, carry_channel: bool = False,
             ttl: timedelta | None = None, now: datetime | None = None) -> str:
        """A seal for ``command`` in ``channel``, for the account bound there (its id and
        :func:`generation`; 0 and 0 for none). ``carry_channel`` writes the channel into the
        value (Home buttons and modals, whose requests do not say where they act)."""
        kind = purpose.split(":", 1)[0]
        moment = now or self.clock.now()
        expires = _b36(int((moment + (ttl or TTL[kind])).timestamp()) // 3600 + 1)
        account_text = _b36(account_id)
        gen = _b36(generation)
        extra_text = _b64(json.dumps(extra, separators=(",", ":")).encode()) if extra else ""
        tag = self._tag(purpose=purpose, platform=platform, channel=channel, user=user,
                        account=account_text, gen=gen, expires=expires, extra=extra_text,
                        command=command)
        shown = channel if carry_channel else ""
        return SEP.join((VERSION, tag, account_text, gen, expires, shown, extra_text, command))

    def open(self, value: str, *, purpose: str, platform: str, channel: str,
             user: str = "") -> Opened:
        """The verified content of ``value`` used in ``channel`` by ``user``; raises
        SealError. ``user`` is checked only for purposes bound to a person."""
        parts = value.split(SEP, 7)
        if len(parts) != 8 or parts[0] != VERSION:
            raise SealError("forged")
        _, tag, account, gen, expires, shown, extra, command = parts
        if shown and shown != channel:
            raise SealError("elsewhere")
        bound_user = user if purpose.split(":", 1)[0] in (HOME, MODAL) else ""
        want = self._tag(purpose=purpose, platform=platform, channel=channel, user=bound_user,
                         account=account, gen=gen, expires=expires, extra=extra,
                         command=command)
        if not hmac.compare_digest(want, tag):
            raise SealError("forged")
        try:
            expiry_hour = _int36(expires)
        except ValueError:
            raise SealError("forged") from None
        if self.clock.now().timestamp() // 3600 >= expiry_hour:
            raise SealError("expired")
        opened = peek(value)
        if opened is None:
            raise SealError("forged")
        return Opened(channel=channel, account_id=opened.account_id,
                      generation=opened.generation, command=command, extra=opened.extra)


class ChannelSealer:
    """Seals for the buttons of messages posted in channels: it looks up the account bound
    to the channel at the moment of posting."""

    def __init__(self, seals: Seals, sessions: SessionFactory, platform: str) -> None:
        self.seals = seals
        self.sessions = sessions
        self.platform = platform

    def account_of(self, channel: str) -> tuple[int, int]:
        """(id, generation) of the account bound to ``channel`` now; (0, 0) for none."""
        with self.sessions() as session:
            account = access_repo.account_of_channel(session, platform=self.platform,
                                                     channel=channel)
            return (account.id or 0, generation(account)) if account is not None else (0, 0)

    def for_channel(self, channel: str) -> Callable[[str], str]:
        """``command -> value`` for buttons posted in ``channel``."""
        account_id, gen = self.account_of(channel)
        return lambda command: self.seals.seal(purpose=BUTTON, platform=self.platform,
                                               channel=channel, command=command,
                                               account_id=account_id, generation=gen)


def seal_reply(reply: Reply, seal: Callable[[str], str]) -> Reply:
    """The reply with every button's command replaced by its seal (the renderers put a
    button's command in its value / callback_data as it is)."""

    def sealed(buttons: list[Button]) -> list[Button]:
        return [replace(b, command=seal(b.command)) for b in buttons]

    sections = [replace(s, items=[replace(i, buttons=sealed(i.buttons)) for i in s.items])
                for s in reply.sections]
    return replace(reply, sections=sections, buttons=sealed(reply.buttons))
