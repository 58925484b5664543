"""Markers and fields in a line: ``ACTION:`` / ``待办：`` / ``【待办】`` at the start or
inside, ``owner=SR`` / ``Owner: Alice`` / ``负责人：王芳`` anywhere, ``Task:`` labels."""

from __future__ import annotations

import re

from commands.extraction import vocab
from commands.extraction.owners import mention_owner
from commands.extraction.roster import Owner, OwnerMatcher, fold_line

_MARKER_WORDS = "|".join(
    re.escape(w) for w in sorted(vocab.COLON_MARKERS + vocab.LOOSE_MARKERS, key=len, reverse=True)
)
_MARKER = re.compile(
    rf"^[\[【(（]?\s?(?P<word>{_MARKER_WORDS})\s?[\]】)）]?"
    r"(?:\s?[(（](?P<paren>[^()（）]{1,40})[)）]|\s(?P<mention><@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@:：,，;()<>]{1,64})"
    r"|\s(?:for|给)\s?(?P<forwho>[^:：\s][^:：]{0,39}?)(?=\s?[:：]))?"
    r"(?P<sep>\s?[:：]\s?|\s|(?<=[\]】])|$)"
)
_INLINE_MARKER = re.compile(
    r"(?:^|[\s,，;；。.]|(?=[(（]))(?P<open>[(（])?\s?(?:action\s?items?|action|todo|待办事项|待办|行动项)\s?[:：]\s?"
)
_OWNER_KEY = re.compile(r"(?<![a-z0-9_])(?:owner|assignee|assigned\sto|dri|responsible|accountable|负责人|责任人|执行人|跟进人|对接人)\s?[=:：]\s?")
_OWNER_VALUE = re.compile(
    r"<@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s,;，；)）]{1,64}|[^\s,;，；|)）—–]{1,40}"
)
FIELD_LABELS = re.compile(r"(?:^|(?<=[\s;；|,，]))(?:事项|任务|内容|task|action|item)\s?[:：]\s?", re.I)


def explicit_owner(text: str, matcher: OwnerMatcher) -> tuple[Owner, int, int] | None:
    """``owner=SR``, ``Owner: Alice Wong``, ``负责人：王芳`` anywhere: who, and the span."""
    folded = fold_line(text)
    key = _OWNER_KEY.search(folded)
    if key is None:
        return None
    before = matcher.find(text[: key.start()])
    if before is not None and before.kind in ("person", "role", "customer"):
        return None  # "王芳 owner：门店巡检": the name before the label is the owner
    found = matcher.match(folded, key.end())
    if found is not None and not text[key.end() : found[1]].startswith(("@", "<@")):
        return found[0], key.start(), found[1]
    value = _OWNER_VALUE.match(text, key.end())
    if value is None:
        return None
    who = value.group(0)
    owner = mention_owner(who, matcher) if who.startswith(("@", "<@")) else (matcher.find(who) or Owner("text", who))
    return owner, key.start(), value.end()


def marker(text: str, matcher: OwnerMatcher) -> tuple[str, Owner | None] | None:
    """The text after an action marker at the start (or inside) a line, and its owner."""
    folded = fold_line(text)
    match = _MARKER.match(folded)
    if match is not None:
        word = match.group("word")
        sep = match.group("sep")
        colon = ":" in sep or "：" in sep
        bracketed = folded[:1] in "[【(（"
        if colon or bracketed or (word in vocab.LOOSE_MARKERS and sep):
            if word in ("ai", "a.i.", "task") and not colon:
                return None
            owner = None
            if match.group("paren"):
                owner = matcher.find(text[match.start("paren") : match.end("paren")])
            elif match.group("mention"):
                owner = mention_owner(text[match.start("mention") : match.end("mention")], matcher)
            elif match.group("forwho"):
                owner = matcher.find(text[match.start("forwho") : match.end("forwho")])
            rest = text[match.end() :]
            if folded[:1] in "(（" and rest.rstrip().endswith((")", "）")):
                rest = rest.rstrip()[:-1]
            return rest, owner
    inline = _INLINE_MARKER.search(folded)
    if inline is not None and inline.start() > 0:
        rest = text[inline.end() :]
        if inline.group("open"):
            close = re.search(r"[)）]", rest)
            if close is not None:
                rest = rest[: close.start()]
        return rest, None
    return None
