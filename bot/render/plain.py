"""Plain-text rendering of a Reply, for the console and for logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.messages import Reply

_MARK = {"error": "✖ ", "warning": "⚠ ", "success": "✔ ", "info": ""}


def render_plain(reply: Reply) -> str:
    """The reply as text; kambot's own mentions as ``@username``, nothing else changed."""
    from bot.render.markup import plain_text

    return plain_text(_render(reply))


def _text(text: str) -> str:
    from bot.render.markup import drop_code_marks

    return drop_code_marks(text)


def _render(reply: Reply) -> str:
    lines: list[str] = []
    if reply.title:
        lines.append(f"{_MARK.get(reply.tone.value, '')}{_text(reply.title)}")
    for section in reply.sections:
        if lines:
            lines.append("")
        if section.title:
            lines.append(f"== {_text(section.title)} ==")
        if section.text:
            lines.append(_text(section.text))
        if section.code:
            lines.append(section.code)
        width = max((len(label) for label, _ in section.fields), default=0)
        for label, value in section.fields:
            lines.append(f"{_text(label).ljust(width)} : {_text(value)}")
        for item in section.items:
            lines.append(f"  • {_text(item.text)}")
            if item.buttons:
                lines.append("    [" + "] [".join(b.command for b in item.buttons) + "]")
    if reply.buttons:
        lines.append("")
        lines.append("[" + "] [".join(f"{b.label}: {b.command}" for b in reply.buttons) + "]")
    for att in reply.attachments:
        lines.append(f"(attachment: {att.filename}, {len(att.content)} bytes)")
    if reply.footer:
        lines.append("")
        lines.append(_text(reply.footer))
    return "\n".join(lines)
