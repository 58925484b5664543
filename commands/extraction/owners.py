"""Who a line names as its owner: leading the action (``Bob to …``, ``张伟负责…``,
``@bob …``, ``由张伟…``) or trailing it (``… (Alice)``, ``… — Alice``, ``… @alice``), and
someone we cannot place (``Jason to …``, ``马强负责…``), kept as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.extraction import vocab
from commands.extraction.roster import CUSTOMER, Owner, OwnerMatcher, fold_line
from commands.extraction.unplaced import unplaced_owner
from commands.extraction.wording import is_instruction

MENTION = re.compile(r"<@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@:：,，;；()（）<>\[\]]{1,64}")
BRACKET_OWNER = re.compile(r"^[\[【]\s?(?P<who>[^\[\]【】]{1,40})\s?[\]】]\s?")
_TRAIL_PAREN = re.compile(r"\s?[(（\[]\s?(?P<x>[^()（）\[\]]{1,80})\s?[)）\]]\s?[.。]?$")
_TRAIL_DASH = re.compile(r"\s?(?:--?|–|—{1,2}|→|->|\|)\s?(?P<x>[^-–—|→]{1,40})$")
_TRAIL_MENTION = re.compile(
    r"(?<![a-z])(?P<prep>to|with|for|from|cc|and|by|给|和|与|跟|向)?\s?"
    r"(?P<x><@[A-Za-z0-9]+(?:\|[^<>]{0,80})?>|@[^\s@,，;；()（）<>]{1,64})\s?[.。]?$"
)


@dataclass
class Lead:
    owner: Owner | None
    rest: str
    joined: str  # "modal" | "sep" | "bare" | "request" | "speech" | ""
    asked: bool = False  # a request put as a question: "@carol can you confirm …?"


# "Need to book the flights", "需要在月底前完成…": an instruction with no one named (ours).
_IMPLIED_WE = re.compile(
    r"(?:need|needs|have|has|got)\sto\s|must\s|(?:需要|需(?!求)|要(?![求点是不])|必须|务必)\s?", re.I
)
# A title or form of address after a name: "赵敏主任", "Li Wei (CIO)" is a paren.
_ZH_TITLE = re.compile(r"\s?(?:主任|总监|总经理|总|经理|工程师|工|老师|主管|部长|处长|科长|局长|院长|董事长|博士)")
# The customer's department: "Acme IT", "Acme's procurement", "客户信息中心", "对方财务部".
_EN_DEPARTMENT = re.compile(
    r"(?:['’]s)?\s(?:[A-Z]{2,6}|[A-Z][a-z]{2,20}|[a-z]{2,20})"
    r"(?:\s(?:team|department|dept|group|office|lead|manager|director|head|people|folks))?"
)
_ZH_DEPARTMENT = re.compile(r"[A-Za-z\u4e00-\u9fff]{0,6}?(?:部门|部|组|中心|团队|处|科|室|办公室)")
# "我这边", "孙磊那边": the owner's side, not part of the action.
_SIDE = re.compile(r"\s?(?:这边|那边|这里|那里|这块|方面)")
# "李娜 owner，POC review": the owner labelled after the name.
_OWNER_AFTER = re.compile(r"\s?(?:owner|dri)\s?[,，:：;；]\s?", re.I)
_THEIR_TEAM = re.compile(r"['’]s\s(?:team|people|folks|office|group|staff)|的?(?:团队|同事|下属|手下|部门)", re.I)
# An unnamed someone before "needs to": the action has no owner yet.
_ANYONE = re.compile(r"(?:someone|somebody|(?:需要|得|要)有人|有人)\s?", re.I)
_ANYONE_MODAL = re.compile(
    r"(?:needs?\sto|has\sto|have\sto|should|must|ought\sto|(?<=有人)(?:需要|要|得|来|负责)?)\s?", re.I
)
_ASKED = re.compile(r"\s?,?\s?(?:can|could|would|will)\syou\s(?:please\s|kindly\s)?", re.I)
# "I can send …", "Bob could take this": an offer from someone on the team.
_CAN = re.compile(r"\s(?:can|could)\s(?!you\b|we\b|i\b|be\b|not\b|also\b|only\b|still\b)", re.I)


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
        if owner.kind in ("person", "customer") and not owner.text.isascii():
            title = _ZH_TITLE.match(body, end)
            end = title.end() if title is not None else end
        if owner.kind == "customer" and owner.stakeholder is None:
            end = _department(body, end)
        team = _THEIR_TEAM.match(body, end)  # "Priya's team to …", "周建国的团队会…": theirs
        if team is not None and (vocab.EN_MODAL.match(body, team.end()) or vocab.ZH_CONNECT.match(body, team.end())):
            end = team.end()
    elif mention is not None:
        owner, end = mention_owner(mention.group(0), matcher), mention.end()
    if owner is None:
        unknown = unplaced_owner(body)
        if unknown is not None:
            owner, end = unknown
            # "Lisa from Acme IT": someone of the customer's is theirs.
            place = re.search(r"\s(?:from|at|of)\s(?:the\s)?", owner.text)
            theirs = matcher.match(fold_line(owner.text), place.end()) if place is not None else None
            if theirs is not None and theirs[0].kind == "customer":
                owner = Owner("customer", owner.text, role=CUSTOMER)
    if owner is None:
        anyone = _ANYONE.match(body)  # "Someone needs to update the runbook", "有人需要…"
        if anyone is not None:
            modal = _ANYONE_MODAL.match(body, anyone.end())
            after = body[modal.end() :].lstrip() if modal is not None else ""
            if modal is not None and (is_instruction(after) or vocab.ZH_PREPOSITIONS.match(after)):
                return Lead(Owner("team", anyone.group(0).strip()), after, "modal")
        implied = _IMPLIED_WE.match(body)
        after = body[implied.end() :].lstrip() if implied is not None else ""
        if implied is not None and (is_instruction(after) or vocab.ZH_PREPOSITIONS.match(after)):
            return Lead(Owner("team", implied.group(0).strip()), body[implied.end() :], "modal")
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
    side = _SIDE.match(body, end)
    end = side.end() if side is not None else end
    rest = body[end:]
    labelled = _OWNER_AFTER.match(rest)
    if labelled is not None:
        return Lead(owner, rest[labelled.end() :], "field")
    asked = _ASKED.match(rest)
    if asked is not None:
        return Lead(owner, rest[asked.end() :], "modal", asked=True)
    if owner.kind == "person" and vocab.EN_MODAL.match(rest) is None:
        offer = _CAN.match(rest)
        if offer is not None:
            return Lead(owner, rest[offer.end() :], "modal")
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


def _department(body: str, end: int) -> int:
    """Where the customer's department named after the customer ends ("Acme IT to …",
    "客户信息中心周五前…"); ``end`` when none is named or nothing joins an action to it."""
    if vocab.EN_MODAL.match(body, end) is not None:
        return end
    dept = _EN_DEPARTMENT.match(body, end)
    if dept is not None and vocab.EN_MODAL.match(body, dept.end()) is not None:
        return dept.end()
    dept = _ZH_DEPARTMENT.match(body, end)
    return dept.end() if dept is not None else end


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
