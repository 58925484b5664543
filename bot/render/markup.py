"""What every renderer does to text before it reaches a platform: make it safe to show.

Text in a Reply comes from people (titles, notes, names), from models and from kambot's
catalogs. Only kambot's own mentions (sealed by :func:`bot.messages.person_mention`) may
notify anyone; everything else is shown as the words it is:

- :func:`pieces` splits text into plain strings and :class:`MentionRef` s; a token that
  does not carry this process's key, and any stray token character, is shown as text;
- :func:`scrub` replaces lone surrogates (which no platform can encode) with U+FFFD;
- :func:`quiet_at` puts a word joiner after an ``@`` that starts a word, so ``@channel``,
  ``@here`` or ``@bob`` typed by someone never pings (the text reads the same).

Each function is one linear pass; the renderers apply their own escaping after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.messages import MENTION_CLOSE, MENTION_KEY, MENTION_OPEN, MENTION_SEP

WORD_JOINER = "\u2060"
_TOKEN = re.compile(f"{MENTION_OPEN}([^{MENTION_OPEN}{MENTION_CLOSE}]*){MENTION_CLOSE}")
_STRAY = re.compile(f"[{MENTION_OPEN}{MENTION_CLOSE}]")
# An @ at the start of a word (not inside an e-mail address) followed by a word character.
_AT = re.compile(r"(?<![\w@.+\-])@(?=\w)")


@dataclass(frozen=True, slots=True)
class MentionRef:
    platform: str
    user_id: str
    username: str
    name: str

    @property
    def label(self) -> str:
        """How to name the person where they cannot be mentioned (the console, a log, a
        header or button, a post on another platform): ``@`` and their username, else
        their name, else their id, the same on every surface. Never a live token: where an
        ``@`` could ping, the renderer quietens it (:func:`quiet_at`)."""
        return "@" + (self.username or self.name or self.user_id)


def scrub(text: str) -> str:
    """``text`` with lone surrogates replaced; surrogate pairs are joined into their character."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


_CODE = re.compile(r"`([^`\n]{1,500})`")


def drop_code_marks(text: str) -> str:
    """Backticks (`` `tasks` ``) are Slack's code marks; a plain-text surface (the console,
    Telegram's HTML) shows the words without them."""
    return _CODE.sub(r"\1", text) if "`" in text else text


def quiet_at(text: str) -> str:
    return _AT.sub("@" + WORD_JOINER, text)


def pieces(text: str) -> Iterator[str | MentionRef]:
    """Plain runs and kambot's own mentions, in order; plain runs are scrubbed, and text on
    both sides of a forged or stale token comes as one run (so an ``@`` typed before it
    and the name it leaves are quietened together)."""
    pos = 0
    run: list[str] = []
    for match in _TOKEN.finditer(text):
        run.append(text[pos:match.start()])
        pos = match.end()
        fields = match.group(1).split(MENTION_SEP)
        if len(fields) == 5 and fields[0] == MENTION_KEY:
            if "".join(run):
                yield _plain("".join(run))
            run = []
            _, platform, user_id, username, name = (scrub(f) for f in fields)
            yield MentionRef(platform, user_id, username, name)
        else:  # forged, or from another process: the name it carries, as text
            run.append(fields[-1] if len(fields) == 5 else "")
    run.append(text[pos:])
    if "".join(run):
        yield _plain("".join(run))


def _plain(text: str) -> str:
    return scrub(_STRAY.sub("", text)) if MENTION_OPEN in text or MENTION_CLOSE in text \
        else scrub(text)


def plain_text(text: str) -> str:
    """Text for a surface that cannot mention (a button, a header, the console, a log):
    kambot's own mentions as their :attr:`MentionRef.label`, ``@name``."""
    return "".join(piece.label if isinstance(piece, MentionRef) else piece
                   for piece in pieces(text))
