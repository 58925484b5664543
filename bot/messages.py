"""The neutral message types that sit between the platform adapters and the core.

An adapter turns a platform event into an :class:`Incoming`; the dispatcher hands it to a
handler in ``commands/``, which answers with a :class:`Reply`; the adapter renders that
Reply natively (Block Kit, Telegram HTML, plain text). Nothing in here knows a platform.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from enum import StrEnum

# kambot's own mention of a person travels inside Reply text as a sealed token:
# OPEN key US platform US user id US username US name CLOSE. Renderers turn it into the
# platform's mention; anything else that looks like a mention (typed by a person, stored,
# or written by a model) is shown as text. The key is made per process, so no text from
# outside can forge one, and a token that outlives its process reads as the name.
MENTION_OPEN = "\ue000"
MENTION_CLOSE = "\ue001"
MENTION_SEP = "\x1f"
MENTION_KEY = secrets.token_hex(6)
_MENTION_JUNK = str.maketrans("", "", MENTION_OPEN + MENTION_CLOSE + MENTION_SEP)


# The most text kambot reads from one message, checked at the edges before any parsing: a
# note of 100,000 characters fits; anything longer is refused with a way to send it.
MAX_INPUT_CHARS = 100_000


def bounded(text: str) -> str:
    """``text`` cut one character past the limit: the dispatcher still sees it is too long,
    and no parser on the way reads more."""
    return text if len(text) <= MAX_INPUT_CHARS else text[: MAX_INPUT_CHARS + 1]


def person_mention(platform: str, user_id: str, *, username: str = "", name: str = "") -> str:
    """A mention of a person that kambot itself places in a reply (see MENTION_KEY)."""
    parts = [MENTION_KEY, platform, user_id, username, name]
    return MENTION_OPEN + MENTION_SEP.join(p.translate(_MENTION_JUNK) for p in parts) + MENTION_CLOSE


class Platform(StrEnum):
    SLACK = "slack"
    TELEGRAM = "telegram"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class User:
    """A person as the platform names them: a stable id plus the name people see."""

    id: str
    name: str = ""
    username: str = ""


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file that came with what a person did (a transcript posted in a channel).

    ``size`` is what the platform said; ``content`` is None when the adapter did not fetch
    it (too big to read, or the download failed), so the core can say which.
    """

    name: str
    size: int
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person said or did, translated out of its platform.

    ``mentions`` maps each mention token exactly as it stands in ``text`` (``<@U123>``,
    ``@bob``) to the user it names, so the core can resolve people without knowing the
    platform's markup. ``key`` is the idempotency key: the same event delivered twice
    carries the same key and has its effect once.

    ``via`` says which entry point it came through: ``typed`` (a command), ``question`` (a
    mention or a direct message), ``button`` (a message's button or a Telegram callback),
    ``home`` (a Slack Home tab button) or ``modal:<callback id>`` (a submitted modal).
    ``seal`` is the signed value that came with a button or modal (bot/seals.py): the
    dispatcher opens it, and a button's command is the one inside it, never ``text``.
    """

    platform: str
    workspace: str
    channel: str
    user: User
    text: str
    key: str
    thread: str | None = None
    mentions: dict[str, User] = field(default_factory=dict)
    is_direct: bool = False
    channel_name: str = ""
    language: str | None = None
    via: str = "typed"
    seal: str | None = None
    file: IncomingFile | None = None
    # The platform says people of another organisation are in this channel (Slack
    # Connect's is_ext_shared); None when it was not asked.
    external: bool | None = None


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button that, when pressed, is dispatched as the command text ``command``."""

    label: str
    command: str
    style: Style = Style.DEFAULT


@dataclass(slots=True)
class Item:
    """One line of a list, with optional buttons that act on it (done / reopen ...)."""

    text: str
    buttons: list[Button] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """A block of a reply: an optional heading, prose, label/value fields and a list.

    ``code`` is a line meant to be copied as it is (a command to change and send back);
    platforms that can show it as code (tap to copy on Telegram) do.
    """

    title: str = ""
    text: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    code: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with a reply: a PNG chart, a Markdown report."""

    filename: str
    content: bytes
    mime: str
    title: str = ""


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(slots=True)
class Reply:
    """What the core answers. Adapters render it; handlers never format for a platform.

    ``private`` asks the adapter to show the reply only to the person who asked where the
    platform can (Slack ephemeral messages); errors are private by default.
    ``confidential`` says it must never be shown in the channel at all (the team's answer
    asked in a channel shared with the customer): where the platform has no private reply
    in a channel (Telegram), it goes as a direct message, or not at all.
    """

    title: str = ""
    sections: list[Section] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    footer: str = ""
    tone: Tone = Tone.INFO
    private: bool = False
    confidential: bool = False

    @property
    def is_error(self) -> bool:
        return self.tone is Tone.ERROR

    def plain_text(self) -> str:
        """The reply as plain text; the console renderer and logs use it."""
        from bot.render.plain import render_plain

        return render_plain(self)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message the bot sends on its own (report, alert, reminder) to a channel."""

    platform: str
    workspace: str
    channel: str
    reply: Reply
    thread: str | None = None
    # The delivery ledger's name for this post (bot/posting.py); a platform that can carry
    # it on the message (Slack message metadata) does, so a recovery can find the post.
    delivery_key: str | None = None
