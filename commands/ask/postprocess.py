"""What a model wrote, made safe to post: citations checked, pings and foreign links removed.

- A citation (``[task 3]``, ``[note 12]``) of an item that was not in the context is removed,
  as is a bare ``#n`` that names no task shown.
- Broadcast mentions (``<!channel>``, ``<!here>``, ``@here``, ``@channel``, ``@everyone``)
  are always removed; user mentions and links survive only if the sources contain them.
- The passes repeat until the text no longer changes (a fixed point), so a token that
  only appears once another is taken out (``<!chan<@UX>nel>``) is taken out too. The
  renderers then escape the result like any text a person wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_CITE = re.compile(r"\[\s*(task|note|任务|纪要|action|事项)\s*#?\s*(\d+)\s*\]", re.I)
_BARE_TASK = re.compile(r"(?<![\w#&])#(\d+)\b")
# Repetitions inside angle brackets are bounded and an e-mail address starts where a word
# starts: on hostile text (many "<@U1|" with no ">", a long run of letters) unbounded ones
# rescan the rest of the text from every position, quadratic.
_BROADCAST = re.compile(r"<!(?:channel|here|everyone)(?:\|[^<>]{0,200})?>|<!subteam\^[^<>]{0,200}>|(?<![\w.])@(?:here|channel|everyone|all)\b", re.I)
_SLACK_USER = re.compile(r"<@[A-Z0-9]{1,32}(?:\|[^<>]{0,200})?>")
_AT_NAME = re.compile(r"(?<![\w.])@([\w][\w.\-]*)")
_SLACK_LINK = re.compile(r"<((?:https?|mailto|ftp):[^|<>\s]{1,2000})(?:\|([^<>]{0,500}))?>", re.I)
_MD_LINK = re.compile(r"\[([^\[\]]{0,500})\]\(((?:https?|mailto|ftp):[^)\s]{1,2000})\)", re.I)
_URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]]+|mailto:[^\s<>()]+|\bwww\.[^\s<>()\[\]]+", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,255}\.[\w.-]{1,255}")

_KINDS = {"task": "task", "action": "task", "任务": "task", "事项": "task", "note": "note", "纪要": "note"}


@dataclass(slots=True)
class Cleaned:
    text: str
    tasks: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)
    removed_citations: int = 0
    removed_mentions: int = 0
    removed_links: int = 0


MAX_ROUNDS = 12


def clean(text: str, *, tasks: set[int], notes: set[int], sources: str) -> Cleaned:
    """``text`` with only citations of ``tasks`` / ``notes`` and only links found in ``sources``,
    cleaned again and again until a round changes nothing."""
    out = Cleaned(text="")
    folded_sources = sources.casefold()
    for _ in range(MAX_ROUNDS):
        before = text
        text = _clean_once(text, out, tasks=tasks, notes=notes, folded_sources=folded_sources)
        if text == before:
            break
    else:  # still changing: keep the words, drop every character markup is made of
        text = re.sub(r"[<>@!|\[\]]", " ", text)
        text = re.sub(r"[ \t]{2,}", " ", text)
    out.text = text.strip()
    return out


def _clean_once(text: str, out: Cleaned, *, tasks: set[int], notes: set[int],
                folded_sources: str) -> str:

    def cite(match: re.Match[str]) -> str:
        kind = _KINDS[match.group(1).lower()]
        number = int(match.group(2))
        allowed = tasks if kind == "task" else notes
        if number in allowed:
            (out.tasks if kind == "task" else out.notes).add(number)
            return f"[{kind} {number}]"
        out.removed_citations += 1
        return ""

    text = _CITE.sub(cite, text)

    def bare(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number in tasks:
            out.tasks.add(number)
            return f"[task {number}]"
        out.removed_citations += 1
        return ""

    text = _BARE_TASK.sub(bare, text)

    def drop_mention(_: re.Match[str]) -> str:
        out.removed_mentions += 1
        return ""

    text = _BROADCAST.sub(drop_mention, text)

    def user(match: re.Match[str]) -> str:
        if match.group(0).casefold() in folded_sources:
            return match.group(0)
        out.removed_mentions += 1
        return ""

    text = _SLACK_USER.sub(user, text)

    def known(url: str) -> bool:
        return url.casefold().rstrip(".,;:") in folded_sources

    def slack_link(match: re.Match[str]) -> str:
        if known(match.group(1)):
            return match.group(0)
        out.removed_links += 1
        return match.group(2) or ""

    def md_link(match: re.Match[str]) -> str:
        if known(match.group(2)):
            return match.group(0)
        out.removed_links += 1
        return match.group(1)

    def url(match: re.Match[str]) -> str:
        if known(match.group(0)):
            return match.group(0)
        out.removed_links += 1
        return ""

    def email(match: re.Match[str]) -> str:
        if known(match.group(0)):
            return match.group(0)
        out.removed_links += 1
        return ""

    text = _SLACK_LINK.sub(slack_link, text)
    text = _MD_LINK.sub(md_link, text)
    text = _URL.sub(url, text)
    text = _EMAIL.sub(email, text)

    def at_name(match: re.Match[str]) -> str:
        if match.group(0).casefold() in folded_sources:
            return match.group(0)
        out.removed_mentions += 1
        return match.group(1)  # the name stays readable, it just does not ping

    text = _AT_NAME.sub(at_name, text)
    # Tidy what removal left behind: doubled spaces, a space before punctuation.
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"(?<! ) +([,.;:!?,。;:!?)])", r"\1", text).strip()


def defang(text: str) -> str:
    """Stored text quoted back to a channel: broadcast mentions lose their power."""
    return _BROADCAST.sub(lambda m: re.sub(r"[<>!@]", "", m.group(0)).split("|")[0], text)


def render_citations(text: str, *, note_ref: Callable[[int], str]) -> str:
    """``[task 3]`` -> ``#3``; ``[note 12]`` -> ``(note 12)`` in the reader's language."""
    text = re.sub(r"\[task (\d+)\]", r"#\1", text)
    return re.sub(r"\[note (\d+)\]", lambda m: "(" + note_ref(int(m.group(1))) + ")", text)
