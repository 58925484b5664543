"""One line of a note: is it an action, whose, what and by when.

:func:`parse_line` takes a line (and what the note around it says: inside an "Action
items" block, under a person's name) and returns a :class:`LineAction` or None. Pure and
total on any string; every pattern is bounded or anchored, so a line is read in time
linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.dates import DueScan, scan_due
from commands.extraction import vocab
from commands.extraction.roster import Owner, OwnerMatcher, fold_line
from commands.parsing import fold_width

__all__ = ["LineAction", "parse_line", "strip_list", "clean_line"]


@dataclass(frozen=True)
class LineAction:
    title: str
    owner: Owner | None
    due: DueScan
    shared: bool = False


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_EMPHASIS = re.compile(r"\*\*|__|`")
_STRUCK = re.compile(r"^~~.*~~$")
_LIST = re.compile(
    r"^(?:>\s?)?(?:[-*+•·▪◦‣►▶]|\d{1,3}[.)、．]|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]"
    r"|[①-⑳]|[a-z][.)](?=\s))\s?"
)
_BOX = re.compile(r"^\[\s?\]\s?|^[☐□]\s?")
_DONE_BOX = re.compile(r"^\[[xX✓✔]\]|^[☑✅✔✓]")
_TIMESTAMP = re.compile(
    r"\s?[(\[]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[-–]\s?\d{1,2}:\d{2}(?::\d{2})?)?[)\]]"
    r"|^\d{1,2}:\d{2}(?::\d{2})?\s"
)
_SHARED = re.compile(r"\s?(?:[(（\[【]\s?(?:shared|share|共享|分享)\s?[)）\]】]|#shared)", re.I)
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
    r"(?:^|[\s,，;；。.])(?P<open>[(（])?\s?(?:action\s?items?|action|todo|待办事项|待办|行动项)\s?[:：]\s?"
)
_OWNER_KEY = re.compile(r"(?<![a-z0-9_])(?:owner|assignee|assigned\sto|负责人|责任人|执行人)\s?[=:：]\s?")
_OWNER_VALUE = re.compile(
    r"<@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s,;，；)）]{1,64}|[^\s,;，；|)）—–]{1,40}"
)
_FIELD_LABELS = re.compile(r"(?:^|(?<=[\s;；|,，]))(?:事项|任务|内容|task|action|item)\s?[:：]\s?", re.I)
_MENTION = re.compile(r"<@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@:：,，;；()（）<>\[\]]{1,64}")
_BRACKET_OWNER = re.compile(r"^[\[【]\s?(?P<who>[^\[\]【】]{1,40})\s?[\]】]\s?")
_TRAIL_PAREN = re.compile(r"\s?[(（\[]\s?(?P<x>[^()（）\[\]]{1,80})\s?[)）\]]\s?[.。]?$")
_TRAIL_DASH = re.compile(r"\s?(?:--?|–|—{1,2}|→|->|\|)\s?(?P<x>[^-–—|→]{1,40})$")
_TRAIL_MENTION = re.compile(
    r"(?<![a-z])(?P<prep>to|with|for|from|cc|and|by|给|和|与|跟|向)?\s?"
    r"(?P<x><@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@,，;；()（）<>]{1,64})\s?[.。]?$"
)
_EN_UNKNOWN = re.compile(
    r"(?P<who>(?:The\s[a-z][a-z-]{1,20}|[A-Z][A-Za-z'’.-]{1,20}(?:\s[A-Z][A-Za-z'’.-]{1,20}){0,2})"
    r"(?:\s(?:from|at|in|of|on)\s(?:the\s)?[A-Za-z][\w'’-]{1,20}(?:\s[a-z][\w-]{1,20}){0,2})?)"
    r"(?=\s(?:to|will|should|must|needs\sto|need\sto|has\sto|is\sgoing\sto|owes)\s)"
)
_EN_NOT_OWNERS = frozenset("""
it this that there these those he she which what who whoever someone somebody nobody
each both any some no our their his her its my your if when once then also please
next action todo phase step item items
""".split())
_ZH_ORG = re.compile(
    r"(?P<who>[\u4e00-\u9fff]{1,8}?(?:部门|部|组|中心|团队|处|科|室|公司|厂商|供应商|厂家|集团|办公室))"
)
_ZH_PERSON = re.compile(rf"(?P<who>[{vocab.COMMON_SURNAMES}][\u4e00-\u9fff]{{1,2}})")
_CJK = "\u3400-\u9fff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}，。、；：])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=[，。、；：])")
_DANGLING_ZH = re.compile(r"[，,]\s?(?:完成|到账|结束|搞定|落实|截止|为止|交付|完成即可|前完成)\s?[。.]?$")
_QUESTION = re.compile(r"[?？]\s?$|^(?:是否|能否|要不要|是不是)")
_AGREED = re.compile(
    r"^(?:we|everyone|all|the\steam|both\ssides)\s(?:have\s)?(?:agreed|decided)\s(?:that\s)?"
    r"|^(?:双方|大家)?(?:一致)?(?:同意|决定)[，,]?\s?(?=\S)",
    re.I,
)
_WILL_BE = re.compile(r"^be\s(?!\w+ing\b)", re.I)
_EN_WORD = re.compile(r"[a-z][a-z'-]*")


def clean_line(line: str) -> str:
    """Control characters, emphasis and time stamps out; white space squeezed."""
    line = _CONTROL.sub(" ", line)
    line = re.sub(r"^\s?(?:>\s?)+", "", line)
    line = _EMPHASIS.sub("", line)
    line = _TIMESTAMP.sub(" ", line)
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


def _tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = _CJK_SPACE.sub("", title)
    title = re.sub(r"\s+([,.;:!?，。；：！？、)）])", r"\1", title)
    title = re.sub(r"^(?:to|please|then|and|并|请|再)\s(?=\S)", "", title, flags=re.I)
    return title.strip(" ,;:.-–—|→，。；：、*_~").strip()


def _first_word(text: str) -> str:
    match = _EN_WORD.match(text.strip().lower())
    return match.group(0) if match else ""


def _is_past(title: str) -> bool:
    word = _first_word(title)
    if word in vocab.PAST_EN:
        return True
    if word.endswith("ed") and len(word) >= 5 and word not in vocab.NOT_PAST_ED:
        return True
    return bool(vocab.PAST_ZH.search(title))


_ZH_LEAD_TIME = re.compile(r"(?:一起|共同|协同|配合|下个?月|下周|本周|本月|这周|月底|年底|明年|今年|近期|后续|马上|立即|随后|会后)?")


def _is_instruction(title: str, *, strict: bool = True) -> bool:
    """Reads like an instruction: a Chinese verb first (after a time word), or an English
    verb first (``strict``) or at least no pronoun, article or reply word first."""
    text = title.strip()
    if not text:
        return False
    if re.match(rf"[{_CJK}]", text):
        lead = _ZH_LEAD_TIME.match(text)
        start = lead.end() if lead else 0
        return vocab.ZH_VERB_RE.match(text, start) is not None
    word = _first_word(text)
    if word in vocab.EN_VERBS or word == "owes":
        return True
    return not strict and bool(word) and word not in vocab.EN_NOT_VERBS and not _is_past(text)


@dataclass
class _Lead:
    owner: Owner | None
    rest: str
    joined: str  # "modal" | "sep" | "bare" | "request" | ""


def _mention_owner(token: str, matcher: OwnerMatcher) -> Owner:
    return matcher.find(token) or Owner("mention", token)


def _role_code_ok(owner: Owner, typed: str) -> bool:
    # A two-letter role code must be written in capitals: "ar will be fine" is prose.
    if owner.kind == "role" and len(typed) == 2 and typed.isascii():
        return typed.isupper()
    return True


_SURNAME = re.compile(r"\s([A-Z][a-z'’-]{1,20})(?=[\s:：,，(（-])")
_NOT_SURNAMES = frozenset(
    "will to should must needs need has have is shall owes and or from at of on in the".split()
)


def _with_surname(owner: Owner, body: str, end: int, matcher: OwnerMatcher) -> tuple[Owner, int]:
    """A first name followed by a surname ("Carol Zhang will ..."): the same person when the
    roster knows no other surname for them; someone else, kept as written, when it does."""
    tail = _SURNAME.match(body, end)
    if (tail is None or body[:1] in "@<" or tail.group(1).casefold() in _NOT_SURNAMES
            or tail.group(1).casefold() in vocab.EN_VERBS):
        return owner, end
    person = matcher.person(owner.person)
    known = fold_line(person.name).split() if person is not None else []
    if len(known) > 1 and tail.group(1).casefold() not in known:
        return Owner("text", body[: tail.end()]), tail.end()
    return owner, tail.end()


def _lead(text: str, matcher: OwnerMatcher) -> _Lead:
    """An owner leading ``text`` and how the action is joined to it."""
    request = ""
    body = text
    prefix = re.match(r"(?:please\s|请|由)", body, re.I)
    if prefix is not None:
        request = prefix.group(0).strip().lower()
        body = body[prefix.end() :].lstrip()
    folded = fold_line(body)
    owner: Owner | None = None
    end = 0
    mention = _MENTION.match(body)
    found = matcher.match(folded, 0)
    if found is not None and _role_code_ok(found[0], body[: found[1]]):
        owner, end = found
        if owner.kind == "person":
            owner, end = _with_surname(owner, body, end, matcher)
        # "Acme's procurement": the customer's team.
        poss = re.match(r"['’]s\s[a-z][a-z-]{1,20}", folded[end:])
        if poss is not None and owner.kind == "customer":
            end += poss.end()
    elif mention is not None:
        owner, end = _mention_owner(mention.group(0), matcher), mention.end()
    if owner is None:
        unknown = _EN_UNKNOWN.match(body)
        if unknown is not None and unknown.group("who").split()[0].lower() not in _EN_NOT_OWNERS:
            owner, end = Owner("text", unknown.group("who")), unknown.end()
        else:
            for regex, size in ((_ZH_ORG, 0), (_ZH_PERSON, 2), (_ZH_PERSON, 3)):
                hit = regex.match(body)
                if hit is None:
                    continue
                stop = hit.end() if not size else size
                if size and (stop > hit.end()):
                    continue
                after = body[stop:]
                if vocab.ZH_CONNECT.match(after) or vocab.ZH_SEP.match(after) or (
                    regex is _ZH_ORG and vocab.ZH_VERB_RE.match(after.lstrip())
                ):
                    owner, end = Owner("text", body[:stop]), stop
                    break
    if owner is None:
        return _Lead(None, text, "")
    # Co-owners and team words after the first owner: "Bob and Carol", "张伟和李娜", "Carol and team".
    while True:
        more = re.match(r"\s?(?:and|&|/|,|和|与|及|、|跟)\s?", folded[end:])
        if more is None:
            break
        nxt = end + more.end()
        again = matcher.match(folded, nxt)
        if again is not None and again[0].kind in ("person", "role"):
            end = again[1]
            continue
        team = re.match(r"(?:the\s)?(?:team|others|co\.?)(?![a-z])", folded[nxt:])
        if team is not None:
            end = nxt + team.end()
            continue
        break
    paren = re.match(r"\s?[(（][^()（）]{1,30}[)）]", body[end:])
    if paren is not None:
        end += paren.end()
    rest = body[end:]
    modal = vocab.EN_MODAL.match(rest)
    if modal is None and (vocab.EN_SPEECH.match(rest) or (rest[:1] not in " :：" and vocab.ZH_SPEECH.match(rest))):
        return _Lead(owner, rest, "speech")
    for regex, joined in (
        (vocab.EN_MODAL, "modal"),
        (vocab.ZH_CONNECT, "modal"),
        (vocab.EN_SEP, "sep"),
        (vocab.ZH_SEP, "sep"),
    ):
        join = regex.match(rest)
        if join is None or (joined == "modal" and regex is vocab.ZH_CONNECT and rest[:1] == " "
                            and rest[1:2].isascii()):
            continue
        if regex is vocab.EN_SEP and joined == "sep" and rest[:1] not in ":-–—→=" and not rest.startswith(" "):
            continue
        return _Lead(owner, rest[join.end() :], "modal" if request else joined)
    if request:
        return _Lead(owner, rest, "request")
    if rest[:1] in ("", " ") or not rest[:1].isascii():
        return _Lead(owner, rest, "bare")
    return _Lead(None, text, "")


def _trailing_owner(text: str, matcher: OwnerMatcher) -> tuple[Owner | None, str]:
    """An owner written after the action: "(Alice)", "— Alice", "@alice", "(负责人：王芳)"."""
    paren = _TRAIL_PAREN.search(text)
    if paren is not None:
        owner = None
        keep = []
        for part in re.split(r"[,，;；/]", paren.group("x")):
            part = re.sub(r"^\s?(?:owner|assignee|负责人|责任人)\s?[:：=]?\s?", "", part.strip(), flags=re.I)
            found = (_mention_owner(part, matcher) if _MENTION.fullmatch(part) else matcher.find(part)) if part else None
            if found is not None and found.kind in ("person", "role", "customer", "mention") and owner is None:
                owner = found
            elif part and not re.fullmatch(r"(?:due|截止)?\s?", part, re.I):
                keep.append(part)
        if owner is not None:
            rest = text[: paren.start()]
            if keep:
                rest += " (" + ", ".join(keep) + ")"
            return owner, rest
    dash = _TRAIL_DASH.search(text)
    if dash is not None:
        found = matcher.find(dash.group("x"))
        if found is not None and found.kind in ("person", "role", "customer"):
            return found, text[: dash.start()]
    mention = _TRAIL_MENTION.search(text)
    if mention is not None and not mention.group("prep"):
        return _mention_owner(mention.group("x"), matcher), text[: mention.start("x")]
    return None, text


def _explicit_owner(text: str, matcher: OwnerMatcher) -> tuple[Owner, int, int] | None:
    """``owner=SR``, ``Owner: Alice Wong``, ``负责人：王芳`` anywhere: who, and the span."""
    folded = fold_line(text)
    key = _OWNER_KEY.search(folded)
    if key is None:
        return None
    found = matcher.match(folded, key.end())
    if found is not None and not text[key.end() : found[1]].startswith(("@", "<@")):
        return found[0], key.start(), found[1]
    value = _OWNER_VALUE.match(text, key.end())
    if value is None:
        return None
    who = value.group(0)
    owner = _mention_owner(who, matcher) if who.startswith(("@", "<@")) else (matcher.find(who) or Owner("text", who))
    return owner, key.start(), value.end()


def _marker(text: str, matcher: OwnerMatcher) -> tuple[str, Owner | None] | None:
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
                owner = _mention_owner(text[match.start("mention") : match.end("mention")], matcher)
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


def parse_line(
    line: str,
    *,
    today: date,
    matcher: OwnerMatcher,
    in_block: bool = False,
    block_owner: Owner | None = None,
    descriptive: bool = False,
) -> LineAction | None:
    """The action ``line`` states, or None.

    ``in_block``: the line is under an "Action items" / "待办" header; ``block_owner``: the
    person whose name headed the lines above (a notetaker's "**Alice Wong**" group);
    ``descriptive``: under a "Summary" / "Discussion" header, where a name and a verb
    with no date or modal describe the meeting rather than assign work.
    """
    text = clean_line(line)
    if not text or _STRUCK.match(text):
        return None
    text, listed, box = strip_list(text)
    if box == "done":
        return None
    marked = in_block or box == "open"
    owner: Owner | None = None
    found = _marker(text, matcher)
    if found is not None:
        text, owner = found
        marked = True
    if "~~" in text and not re.sub(r"~~[^~]{1,500}~~", "", text).strip():
        return None
    agreed = _AGREED.match(text)
    if agreed is not None:
        text = text[agreed.end() :]
    shared = bool(_SHARED.search(text))
    text = _SHARED.sub(" ", text)
    explicit = _explicit_owner(text, matcher)
    if explicit is not None:
        owner, start, end = explicit
        text = text[:start] + " " + text[end:]
        text = re.sub(r"^\s?[;；|,，—–-]\s?", "", text.strip())
        marked = marked or start == 0
    text = _FIELD_LABELS.sub(" ", text)
    due = scan_due(text, today=today)
    body = re.sub(r"\s+", " ", due.rest).strip()
    if due.day is not None and _DANGLING_ZH.search(body):
        body = _DANGLING_ZH.sub("", body)
    bracket = _BRACKET_OWNER.match(body)
    lead = _Lead(None, body, "")
    if bracket is not None:
        who = matcher.find(bracket.group("who"))
        if who is not None:
            lead = _Lead(who, body[bracket.end() :], "sep")
            # "[Robert Chen] Roadmap session: Robert Chen will run ...": the sentence wins.
            label = re.match(r"[^:：]{1,60}[:：]\s?", lead.rest)
            if label is not None:
                inner = _lead(lead.rest[label.end() :], matcher)
                if inner.owner is not None and inner.joined == "modal":
                    lead = inner
    if lead.owner is None:
        lead = _lead(body, matcher)
    if lead.owner is None or lead.joined == "":
        # "Review support SLAs: Carol will review ..." (a label, then the sentence).
        label = re.match(r"(?P<label>[^:：]{1,60})[:：]\s?", body)
        if label is not None:
            inner = _lead(body[label.end() :], matcher)
            if inner.owner is not None and inner.joined == "modal":
                lead = inner
    if lead.joined == "speech":
        return None
    title = lead.rest if lead.owner is not None else body
    joined = lead.joined
    if lead.owner is not None:
        owner = owner or lead.owner
    if owner is None or lead.owner is None:
        trailing, rest = _trailing_owner(title, matcher)
        if trailing is not None:
            if owner is None:
                owner = trailing
            title = rest
            if joined == "":
                joined = "trailing"
    elif owner is not None:
        # The owner repeated as a trailing mention ("李娜 … @李娜") is not part of the title.
        trailing, rest = _trailing_owner(title, matcher)
        if trailing is not None and (trailing == owner or trailing.kind == "mention"):
            title = rest
    title = _tidy(title)
    if not re.search(r"[^\W_]", title):
        return None
    if in_block and not listed and box == "" and found is None and owner is None and block_owner is None:
        return None  # a plain line under the list, with no owner: prose, not an item
    if _QUESTION.search(title) or _QUESTION.search(body):
        return None
    if joined == "modal" and _WILL_BE.match(title):
        return None
    if _is_past(title):
        return None
    if not marked:
        if lead.owner is None and joined != "trailing":
            return None
        if joined == "trailing" and not _is_instruction(title):
            return None
        if joined == "sep" and not _is_instruction(title, strict=lead.owner is None or lead.owner.kind not in ("person", "role")):
            return None
        if joined == "bare":
            chinese = bool(re.match(rf"[{_CJK}]", title.strip()))
            owes = _first_word(title) == "owes"
            if not owes and not (chinese and _is_instruction(title)):
                return None
            if descriptive and chinese and due.day is None:
                return None
    return LineAction(title=title, owner=owner, due=due, shared=shared)
