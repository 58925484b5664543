"""Telegram rendering of a Reply: HTML messages under 4096 characters, with inline keyboards.

Telegram's HTML mode knows a handful of tags and four named entities; every piece of text
from the core is escaped with :func:`html.escape`, and tags are only ever opened and closed
around one escaped piece, so a split can never cut a tag or an entity in half. Lengths are
counted the way Telegram counts them (UTF-16 code units of the text after parsing).

Buttons become inline keyboard buttons whose ``callback_data`` is the button's command
itself when it fits Telegram's 64 bytes, else a short token kept in a :class:`CallbackStore`.
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.messages import Button, Reply, Tone
from bot.render import markup

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
MAX_BUTTONS = 100  # per message
MAX_ROW = 8  # buttons per keyboard row
_TOKEN_PREFIX = "#k"
_MARK = {Tone.ERROR: "✖ ", Tone.WARNING: "⚠ ", Tone.SUCCESS: "✔ ", Tone.INFO: ""}


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def shown(text: str) -> str:
    """Text as Telegram should show it: kambot's own mentions as ``@username`` (the person
    is notified), everything else quietened so no ``@name`` typed by someone or written by
    a model pings, and lone surrogates replaced. Escaping for HTML comes after."""
    out: list[str] = []
    for piece in markup.pieces(text):
        if isinstance(piece, markup.MentionRef):
            out.append(f"@{piece.username}" if piece.platform == "telegram" and piece.username
                       else markup.quiet_at(piece.label))
        else:
            out.append(markup.quiet_at(markup.drop_code_marks(piece)))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class InlineButton:
    text: str
    callback_data: str


@dataclass(slots=True)
class TelegramMessage:
    """One message to send: HTML text (parse_mode=HTML) and its inline keyboard rows."""

    html: str
    keyboard: list[list[InlineButton]] = field(default_factory=list)

    def reply_markup(self) -> dict[str, object] | None:
        """The keyboard as the Bot API's InlineKeyboardMarkup, or None."""
        if not self.keyboard:
            return None
        return {
            "inline_keyboard": [
                [{"text": b.text, "callback_data": b.callback_data} for b in row]
                for row in self.keyboard
            ]
        }


class CallbackStore:
    """Maps button commands to callback_data and back.

    A command that fits in 64 bytes travels as itself, so it survives restarts; a longer
    one is replaced by a token remembered here (bounded, most recent kept). A token this
    process does not know (after a restart) decodes to None and the adapter says so.
    """

    def __init__(self, capacity: int = 5000) -> None:
        self._capacity = capacity
        self._tokens: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, command: str) -> str:
        command = markup.scrub(command)
        if len(command.encode()) <= CALLBACK_DATA_LIMIT and not command.startswith(_TOKEN_PREFIX):
            return command
        token = _TOKEN_PREFIX + hashlib.sha256(command.encode()).hexdigest()[:24]
        with self._lock:
            self._tokens[token] = command
            self._tokens.move_to_end(token)
            while len(self._tokens) > self._capacity:
                self._tokens.popitem(last=False)
        return token

    def decode(self, data: str) -> str | None:
        if not data.startswith(_TOKEN_PREFIX):
            return data
        with self._lock:
            return self._tokens.get(data)


@dataclass(slots=True)
class _Piece:
    text: str  # raw, unescaped
    tag: str | None = None  # "b", "i", "code" or None


@dataclass(slots=True)
class _Line:
    pieces: list[_Piece]
    buttons: list[Button] = field(default_factory=list)

    @property
    def length(self) -> int:
        return sum(tg_len(p.text) for p in self.pieces)


def _html(pieces: Iterable[_Piece]) -> str:
    out = []
    for piece in pieces:
        text = html.escape(piece.text, quote=False)
        out.append(f"<{piece.tag}>{text}</{piece.tag}>" if piece.tag else text)
    return "".join(out)


def _lines(reply: Reply) -> list[_Line]:
    lines: list[_Line] = []

    def blank() -> None:
        if lines and lines[-1].pieces:
            lines.append(_Line([]))

    def prose(text: str, tag: str | None = None) -> None:
        for raw in shown(text).splitlines() or [""]:
            lines.append(_Line([_Piece(raw, tag)] if raw else []))

    if reply.title:
        lines.append(_Line([_Piece(_MARK.get(reply.tone, "")), _Piece(shown(reply.title), "b")]))
    for section in reply.sections:
        blank()
        if section.title:
            lines.append(_Line([_Piece(shown(section.title), "b")]))
        if section.text:
            prose(section.text)
        if section.code:
            prose(section.code, "code")
        for label, value in section.fields:
            lines.append(_Line([_Piece(shown(label), "b"), _Piece(f": {shown(value)}")]))
        for item in section.items:
            first, *rest = shown(item.text).splitlines() or [""]
            lines.append(_Line([_Piece(f"• {first}")], buttons=list(item.buttons)))
            for more in rest:
                lines.append(_Line([_Piece(f"  {more}")]))
    if reply.footer:
        blank()
        prose(reply.footer, "i")
    while lines and not lines[-1].pieces:
        lines.pop()
    return lines


def _split_long(line: _Line, limit: int) -> list[_Line]:
    """Cut one over-long line into lines of at most ``limit``, at spaces where possible."""
    out: list[_Line] = []
    current: list[_Piece] = []
    room = limit
    for piece in line.pieces:
        text = piece.text
        while text:
            if tg_len(text) <= room:
                current.append(_Piece(text, piece.tag))
                room -= tg_len(text)
                break
            cut = _cut_at(text, room)
            if cut == 0:  # nothing fits on this line any more
                out.append(_Line(current))
                current, room = [], limit
                continue
            current.append(_Piece(text[:cut], piece.tag))
            text = text[cut:].lstrip(" ")
            out.append(_Line(current))
            current, room = [], limit
    if current:
        out.append(_Line(current))
    out[-1].buttons = line.buttons
    return out


def _cut_at(text: str, room: int) -> int:
    """The largest index whose prefix fits in ``room`` units, preferring a space."""
    end, used = 0, 0
    for index, char in enumerate(text):
        used += tg_len(char)
        if used > room:
            break
        end = index + 1
    space = text.rfind(" ", 0, end)
    return space if space > end // 2 else end


def _label(button: Button, duplicate: bool) -> str:
    label = markup.plain_text(button.label)
    if not duplicate:
        return label
    _, _, args = markup.scrub(button.command).partition(" ")
    return f"{label} {args}".strip()


def _keyboard(
    buttons: list[list[Button]], encode: Callable[[str], str]
) -> list[list[InlineButton]]:
    labels = [b.label for row in buttons for b in row]
    rows: list[list[InlineButton]] = []
    for row in buttons:
        converted = [
            InlineButton(_label(b, labels.count(b.label) > 1), encode(b.command)) for b in row
        ]
        for start in range(0, len(converted), MAX_ROW):
            rows.append(converted[start : start + MAX_ROW])
    return rows


def render_telegram(
    reply: Reply,
    *,
    callbacks: CallbackStore | None = None,
    limit: int = TEXT_LIMIT,
) -> list[TelegramMessage]:
    """The reply as Telegram messages, each under ``limit`` and MAX_BUTTONS buttons.

    A list item's buttons go with the message that shows the item; the reply's own
    buttons go with the last message. A reply with no text and no buttons (only
    attachments) renders to no message.
    """
    encode = (callbacks or CallbackStore()).encode
    lines: list[_Line] = []
    for line in _lines(reply):
        lines.extend(_split_long(line, limit) if line.length > limit else [line])
    if not lines and reply.buttons:
        lines = [_Line([_Piece("⋯")])]

    chunks: list[list[_Line]] = []
    current: list[_Line] = []
    size = buttons = 0
    for line in lines:
        extra = line.length + (1 if current else 0)
        if current and (size + extra > limit or buttons + len(line.buttons) > MAX_BUTTONS):
            chunks.append(current)
            current, size, buttons = [], 0, 0
            if not line.pieces:
                continue  # a blank line does not start a message
            extra = line.length
        current.append(line)
        size += extra
        buttons += len(line.buttons)
    if current:
        chunks.append(current)

    messages: list[TelegramMessage] = []
    for chunk in chunks:
        while chunk and not chunk[-1].pieces:
            chunk.pop()
        text = "\n".join(_html(line.pieces) for line in chunk)
        rows = [line.buttons for line in chunk if line.buttons]
        messages.append(TelegramMessage(text, _keyboard(rows, encode)))
    if messages and reply.buttons:
        last = messages[-1]
        extra_rows = _keyboard([reply.buttons], encode)
        if sum(len(r) for r in last.keyboard) + len(reply.buttons) <= MAX_BUTTONS:
            last.keyboard.extend(extra_rows)
        else:
            messages.append(TelegramMessage("⋯", extra_rows))
    return messages


def caption_html(text: str, limit: int = CAPTION_LIMIT) -> str:
    """An attachment's caption, escaped and cut to Telegram's caption limit."""
    text = shown(text)
    if tg_len(text) > limit:
        text = text[: _cut_at(text, limit - 1)] + "…"
    return html.escape(text, quote=False)
