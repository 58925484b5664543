"""Slack Block Kit rendering of a Reply, always inside Slack's limits.

A Reply becomes one or more Slack messages (blocks plus a fallback text): a header for the
title, sections for prose (long prose is split at line breaks, 3000 characters a
section), fields ten to a section, list items grouped into sections unless they carry
buttons, actions for the buttons and a context line for the footer. A message never holds
more than 50 blocks; a reply too long for ``max_messages`` messages is cut with a line that
says how much was left out, so Slack never rejects what the bot sends.

A button's ``value`` is the Button's command text; the adapter dispatches it when pressed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Button, Item, Reply, Section, Style, Tone
from bot.render import markup

MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELDS_PER_SECTION = 10
FIELD_TEXT = 2000
BUTTONS_PER_ACTIONS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
CONTEXT_TEXT = 3000
FALLBACK_TEXT = 3000
MAX_MESSAGES = 4

OVERFLOW_OPTIONS = 5
OVERFLOW_VALUE = 150
ACTION_PREFIX = "kam.cmd."  # action_id of every command button: kam.cmd.<n>

_TONE_MARK = {Tone.ERROR: ":x: ", Tone.WARNING: ":warning: ", Tone.SUCCESS: ":white_check_mark: "}
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{1,20}")

Block = dict[str, Any]


@dataclass
class SlackMessage:
    """One chat.postMessage worth: Block Kit blocks and the notification / fallback text."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def escape(text: str) -> str:
    """Text as inert mrkdwn: ``& < >`` escaped and ``@word`` quietened, so nothing a person
    or a model wrote becomes a broadcast, a mention or a link; kambot's own mentions
    (:func:`bot.messages.person_mention`) become ``<@U123>``."""
    out: list[str] = []
    for piece in markup.pieces(text):
        if isinstance(piece, markup.MentionRef):
            if piece.platform == "slack" and _SLACK_USER_ID.fullmatch(piece.user_id):
                out.append(f"<@{piece.user_id}>")
            else:
                out.append(_escape_plain(markup.quiet_at(piece.label)))
        else:
            out.append(_escape_plain(markup.quiet_at(piece)))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Text for a plain_text object (header, button): shown as is, no mention possible."""
    return markup.plain_text(text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split at line breaks (or spaces, or hard) into chunks of at most ``limit`` chars."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def mrkdwn(text: str) -> Block:
    """A mrkdwn text object; ``verbatim`` so Slack does not turn bare words into links or
    ``@channel`` into a broadcast (what kambot means to link it writes as markup)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def mrkdwn_section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def button_element(button: Button, index: int) -> Block:
    element: Block = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}{index}",
        "text": {"type": "plain_text", "text": clip(plain(button.label or button.command) or "…",
                                                   BUTTON_TEXT), "emoji": True},
        "value": markup.scrub(button.command),
    }
    if button.style is Style.PRIMARY:
        element["style"] = "primary"
    elif button.style is Style.DANGER:
        element["style"] = "danger"
    return element


class _Numbering:
    """Action ids must be unique in a message; number every button of a reply."""

    def __init__(self) -> None:
        self.n = 0

    def elements(self, buttons: Iterable[Button]) -> list[Block]:
        out = []
        for b in buttons:
            if len(b.command) > BUTTON_VALUE:  # cannot be carried; a button that lies is worse
                continue
            out.append(button_element(b, self.n))
            self.n += 1
        return out


def _actions(elements: list[Block]) -> list[Block]:
    return [{"type": "actions", "elements": elements[i:i + BUTTONS_PER_ACTIONS]}
            for i in range(0, len(elements), BUTTONS_PER_ACTIONS)]


def _section_groups(section: Section, numbering: _Numbering) -> list[list[Block]]:
    """The blocks of one Section, in groups that must stay in the same message."""
    groups: list[list[Block]] = []
    if section.title:
        groups.append([mrkdwn_section(f"*{clip(escape(section.title), SECTION_TEXT - 2)}*")])
    for chunk in split_text(escape(section.text)):
        groups.append([mrkdwn_section(chunk)])
    if section.code:
        # A code block, so Slack neither formats nor links what is to be copied.
        code = clip(escape(section.code.replace("`", "'")), SECTION_TEXT - 6)
        groups.append([mrkdwn_section(f"```{code}```")])
    fields = [
        mrkdwn(clip(f"*{escape(label)}*\n{escape(value) or '–'}", FIELD_TEXT))
        for label, value in section.fields
    ]
    for i in range(0, len(fields), FIELDS_PER_SECTION):
        groups.append([{"type": "section", "fields": fields[i:i + FIELDS_PER_SECTION]}])
    plain_lines: list[str] = []

    def flush() -> None:
        for chunk in split_text("\n".join(plain_lines)):
            groups.append([mrkdwn_section(chunk)])
        plain_lines.clear()

    for item in section.items:
        if not item.buttons:
            plain_lines.append(f"• {escape(item.text)}")
            continue
        flush()
        groups.append(_item_blocks(item, numbering))
    flush()
    return groups


def _item_blocks(item: Item, numbering: _Numbering) -> list[Block]:
    """One block per list line: its button beside it, or a ⋯ menu when it has several."""
    text = clip(f"• {escape(item.text)}", SECTION_TEXT)
    elements = numbering.elements(item.buttons)
    if len(elements) == 1:
        return [{**mrkdwn_section(text), "accessory": elements[0]}]
    if 1 < len(elements) <= OVERFLOW_OPTIONS and all(
        len(e["value"]) <= OVERFLOW_VALUE for e in elements
    ):
        menu = {
            "type": "overflow",
            "action_id": elements[0]["action_id"],
            "options": [{"text": {"type": "plain_text", "text": e["text"]["text"], "emoji": True},
                         "value": e["value"]} for e in elements],
        }
        return [{**mrkdwn_section(text), "accessory": menu}]
    return [mrkdwn_section(text), *_actions(elements)] if elements else [mrkdwn_section(text)]


def action_command(action: dict[str, Any]) -> tuple[str, str]:
    """(command, label) of a pressed button or a chosen ⋯ menu option."""
    option = action.get("selected_option")
    if option:
        return str(option.get("value", "")), str((option.get("text") or {}).get("text", ""))
    return str(action.get("value", "")), str((action.get("text") or {}).get("text", ""))


def reply_groups(reply: Reply) -> list[list[Block]]:
    """The Reply as block groups; a group (an item and its buttons) is never split."""
    numbering = _Numbering()
    groups: list[list[Block]] = []
    if reply.title:
        mark = _TONE_MARK.get(reply.tone, "")
        groups.append([{"type": "header",
                        "text": {"type": "plain_text",
                                 "text": clip(mark + plain(reply.title), HEADER_TEXT) or "…",
                                 "emoji": True}}])
    for i, section in enumerate(reply.sections):
        if i and (section.title or reply.sections[i - 1].items):
            groups.append([{"type": "divider"}])
        groups.extend(_section_groups(section, numbering))
    if reply.buttons:
        groups.extend([block] for block in _actions(numbering.elements(reply.buttons)))
    if reply.footer:
        groups.append([{"type": "context",
                        "elements": [mrkdwn(clip(escape(reply.footer), CONTEXT_TEXT))]}])
    if not groups:
        groups.append([mrkdwn_section("…")])
    return groups


def fallback_text(blocks: list[Block]) -> str:
    """Plain words of the blocks, for notifications and clients without Block Kit."""
    parts: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            # The fallback is mrkdwn: a header's plain text must be escaped to stay inert.
            parts.append(_escape_plain(markup.quiet_at(text["text"]))
                         if text.get("type") == "plain_text" else text["text"])
        for f in block.get("fields", []):
            parts.append(f["text"].replace("*", "").replace("\n", ": "))
        for e in block.get("elements", []) if block["type"] == "context" else []:
            parts.append(e.get("text", ""))
    return clip("\n".join(p for p in parts if p), FALLBACK_TEXT) or "…"


def render_slack(
    reply: Reply,
    *,
    omitted: Callable[[int], str] | None = None,
    max_blocks: int = MAX_BLOCKS,
    max_messages: int = MAX_MESSAGES,
) -> list[SlackMessage]:
    """The Reply as Slack messages of at most ``max_blocks`` blocks each.

    ``omitted(n)`` words the line that replaces ``n`` blocks cut from a reply longer than
    ``max_messages`` messages (the caller translates it; this module holds no wording).
    """
    messages: list[list[Block]] = [[]]
    groups = reply_groups(reply)
    for g, group in enumerate(groups):
        current = messages[-1]
        if len(current) + len(group) > max_blocks:
            if len(messages) == max_messages:
                left = sum(len(rest) for rest in groups[g:])
                note = omitted(left) if omitted else f"… (+{left})"
                while len(current) >= max_blocks:
                    current.pop()
                current.append({"type": "context", "elements": [mrkdwn(escape(note))]})
                break
            current = []
            messages.append(current)
        current.extend(group[:max_blocks])
    return [SlackMessage(text=fallback_text(blocks), blocks=blocks) for blocks in messages if blocks]
