"""Cleaning one line of a note: control characters, emphasis, time stamps, list bullets,
check boxes, ``(shared)``; and tidying what is left into a title."""

from __future__ import annotations

import re

from commands.parsing import fold_width

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_EMPHASIS = re.compile(r"\*\*|__|`")
# "_Carol_ to …", "send the *final* list": single-character emphasis around words (a "* "
# bullet and snake_case are left alone).
_SOFT_EMPHASIS = re.compile(r"(?<![\w*_])([*_])(?=[^\s*_])([^*_\n]{1,80}?)(?<=[^\s*_])\1(?![\w*_])")
STRUCK = re.compile(r"^~~.*~~$")
_LIST = re.compile(
    r"^(?:>\s?)?(?:=>|-{1,2}>|[-*+•·▪◦‣►▶→➤➢➔●○■□◆◇・※]|\d{1,3}[.)、．]|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]"
    r"|[①-⑳]|[a-z][.)](?=\s))\s?"
)
_BOX = re.compile(r"^\[\s?\]\s?|^[☐□]\s?")
_DONE_BOX = re.compile(r"^\[[xX✓✔]\]|^[☑✅✔✓]")
_TIMESTAMP = re.compile(
    r"\s?[(\[]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[-–]\s?\d{1,2}:\d{2}(?::\d{2})?)?[)\]]"
    r"|^\d{1,2}:\d{2}(?::\d{2})?\s"
)
# "Priya Shah 10:02: …", "孙磊 10:02：…": a chat export's time between the name and the colon.
_CHAT_TIME = re.compile(r"^([^\d:：\s][^\d:：]{1,39}?)\s\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?(?=\s?[:：])")
SHARED = re.compile(r"\s?(?:[(（\[【]\s?(?:shared|share|共享|分享)\s?[)）\]】]|#shared)", re.I)
CJK = "\u3400-\u9fff"
_CJK_SPACE = re.compile(rf"(?<=[{CJK}，。、；：])\s+(?=[{CJK}])|(?<=[{CJK}])\s+(?=[，。、；：])")
DANGLING_ZH = re.compile(r"[，,]\s?(?:完成|到账|结束|搞定|落实|截止|为止|交付|完成即可|前完成)\s?[。.]?$")


def clean_line(line: str) -> str:
    """Control characters, emphasis and time stamps out; white space squeezed."""
    line = _CONTROL.sub(" ", line)
    line = re.sub(r"^\s?(?:>\s?)+", "", line)
    line = _EMPHASIS.sub("", line)
    line = _SOFT_EMPHASIS.sub(r"\2", line)
    line = _TIMESTAMP.sub(" ", line)
    line = _CHAT_TIME.sub(r"\1", line.strip())
    return re.sub(r"\s+", " ", line).strip()


def strip_list(text: str) -> tuple[str, bool, str]:
    """The text without its bullet / number / check box, whether it was a list item, and
    the box: ``"open"``, ``"done"`` or ``""``."""
    folded = fold_width(text)
    listed = False
    match = _LIST.match(folded)
    if match is not None and match.end() < len(text):
        text, folded, listed = text[match.end() :], folded[match.end() :], True
    if _DONE_BOX.match(folded):
        return text, listed, "done"
    box = _BOX.match(folded)
    if box is not None:
        return text[box.end() :], True, "open"
    return text, listed, ""


def tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = re.sub(r"\s?[(（\[【][\s,，;；:：]*[)）\]】]", "", title)  # "(DRI: Bob, due 12/11)" emptied
    title = _CJK_SPACE.sub("", title)
    title = re.sub(r"\s+([,.;:!?，。；：！？、)）])", r"\1", title)
    title = re.sub(r"^(?:to|please|then|and|并|请|再)\s(?=\S)", "", title, flags=re.I)
    return title.strip(" ,;:.-–—|→，。；：、*_~").strip()
