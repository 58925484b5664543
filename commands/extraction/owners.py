"""Who a line names as its owner: leading the action (``Bob to …``, ``张伟负责…``,
``@bob …``, ``由张伟…``) or trailing it (``… (Alice)``, ``… — Alice``, ``… @alice``), and
someone we cannot place (``Jason to …``, ``马强负责…``), kept as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.extraction import vocab
from commands.extraction.roster import Owner, OwnerMatcher, fold_line

MENTION = re.compile(r"<@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@:：,，;；()（）<>\[\]]{1,64}")
BRACKET_OWNER = re.compile(r"^[\[【]\s?(?P<who>[^\[\]【】]{1,40})\s?[\]】]\s?")
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


@dataclass
class Lead:
    owner: Owner | None
    rest: str
    joined: str  # "modal" | "sep" | "bare" | "request" | ""


def mention_owner(token: str, matcher: OwnerMatcher) -> Owner:
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


def leading_owner(text: str, matcher: OwnerMatcher) -> Lead:
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
    mention = MENTION.match(body)
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
        owner, end = mention_owner(mention.group(0), matcher), mention.end()
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
        return Lead(None, text, "")
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
        return Lead(owner, rest, "speech")
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
        return Lead(owner, rest[join.end() :], "modal" if request else joined)
    if request:
        return Lead(owner, rest, "request")
    if rest[:1] in ("", " ") or not rest[:1].isascii():
        return Lead(owner, rest, "bare")
    return Lead(None, text, "")


def trailing_owner(text: str, matcher: OwnerMatcher) -> tuple[Owner | None, str]:
    """An owner written after the action: "(Alice)", "— Alice", "@alice", "(负责人：王芳)"."""
    paren = _TRAIL_PAREN.search(text)
    if paren is not None:
        owner = None
        keep = []
        for part in re.split(r"[,，;；/]", paren.group("x")):
            part = re.sub(r"^\s?(?:owner|assignee|负责人|责任人)\s?[:：=]?\s?", "", part.strip(), flags=re.I)
            found = (mention_owner(part, matcher) if MENTION.fullmatch(part) else matcher.find(part)) if part else None
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
        return mention_owner(mention.group("x"), matcher), text[: mention.start("x")]
    return None, text
