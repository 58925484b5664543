"""One line of a note: is it an action, whose, what and by when.

:func:`parse_line` takes a line (and what the note around it says: inside an "Action
items" block, under a person's name) and returns a :class:`LineAction` or None. Pure and
total on any string; every pattern is bounded or anchored, so a line is read in time
linear in its length. The parts it reads by: ``cleaning`` (bullets, boxes, emphasis, time
stamps, ``(shared)``), ``fields`` (markers and ``Owner:`` fields), ``owners`` (who leads or
trails the action) and ``wording`` (instruction, past work, question, state).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.dates import DueScan, scan_due
from commands.extraction import vocab
from commands.extraction.cleaning import (
    CJK,
    DANGLING_ZH,
    SHARED,
    STRUCK,
    clean_line,
    strip_list,
    tidy,
)
from commands.extraction.fields import FIELD_LABELS, explicit_owner, marker
from commands.extraction.lexicon import starts_with_verb
from commands.extraction.owners import BRACKET_OWNER, Lead, leading_owner, trailing_owner
from commands.extraction.roster import Owner, OwnerMatcher
from commands.extraction.wording import (
    AGREED,
    QUESTION,
    WILL_BE,
    first_word,
    is_instruction,
    is_past,
    not_work,
)

__all__ = ["LineAction", "parse_line", "strip_list", "clean_line"]


@dataclass(frozen=True)
class LineAction:
    title: str
    owner: Owner | None
    due: DueScan
    shared: bool = False


# A verb that reports a plan, then who or when, then a modal: a fact told, not a task.
_REPORTED_ZH = re.compile(
    r"(?:确认|同意|表示|透露|说明|告知|答应)了?[^，。,]{1,6}?(?:需要|要(?![求点素])|会(?![议谈面后上])|将(?![来军]))(?=[\u4e00-\u9fff])"
)
_RESCHEDULE_EN = re.compile(
    r"\b(?:move|postpone|push|delay|defer|extend|reschedule|shift|slip|bring|pull)(?:s|ed|ing)?\b", re.I
)
_RESCHEDULE_ZH = re.compile(r"推迟|延期|延后|延长|顺延|改到|改期|调整到|提前到|挪到|推到|移到|延到")


def _rescheduled_to(text: str, due: DueScan) -> bool:
    """The date is where something is moved ("postpone the workshop until Jan 5",
    "上线推迟到12月10日"), so it stays in the title."""
    if due.day is None or not due.phrase:
        return False
    at = text.find(due.phrase)
    if at <= 0:
        return False
    before = text[:at]
    if re.search(r"\b(?:to|until|till|through)\s(?:the\s)?$", before, re.I):
        return bool(_RESCHEDULE_EN.search(before))
    if re.search(r"(?:到|至)\s?$", before):
        return bool(_RESCHEDULE_ZH.search(before))
    return False


def _deadline(text: str, due: DueScan) -> bool:
    """The line sets a deadline ("… by Dec 2", "周五前…"): with a verb first and no owner,
    an instruction to whoever takes it ("Follow up with Li Wei … by Dec 2")."""
    if due.day is None or not due.phrase:
        return False
    phrase = re.escape(due.phrase)
    return bool(re.search(rf"(?:\bby|\bbefore|\bdue(?:\sby)?|no\slater\sthan)\s(?:the\s)?{phrase}", text, re.I)
                or re.search(rf"{phrase}\s?(?:之前|以前|前)", text))


def _dated_order(text: str, due: DueScan, today: date) -> bool:
    """A date that opens or closes a verb-first line ("下周约孙磊沟通返利", "Schedule a call
    with Priya next week"): when to do it, so an instruction to whoever takes it."""
    if due.day is None or not due.phrase or due.day <= today:
        return False  # "Fix deployed on 11/22", "Call with Acme procurement, 24 Nov": a record
    body = text.strip().rstrip("。.!！")
    if not (body.startswith(due.phrase) or body.endswith(due.phrase)):
        return False
    words = due.rest.split()
    # "Call with Priya tomorrow" names a meeting; "Schedule a call …" asks for one.
    return not re.match(r"[A-Za-z]", body) or (
        len(words) > 2 and not re.fullmatch(r"with|for|on|at|about|from|to|\w+ed", words[1], re.I)
    )


_STATE_ZH = re.compile(r"(?<!有)(?:还没|尚未|还未|仍然|依然|仍未)")


_SEP_MODAL = re.compile(r"(?:will|shall|needs?\sto|has\sto|is\sgoing\sto|to)\s(?=[a-z])", re.I)


def _dated_lead(text: str, body: str, lead: Lead, due: DueScan) -> bool:
    """The owner is followed right away by the due date: "客户经理下周一前就需求澄清…"."""
    owner_part = body[: len(body) - len(lead.rest)].strip()
    if not owner_part or not due.phrase or not text.startswith(owner_part):
        return False
    after = re.sub(r"^\s?(?:在|于)?\s?", "", text[len(owner_part) :])
    return after.startswith(due.phrase)


def _bare_action(title: str, lead: Lead, text: str, body: str, due: DueScan, *, chinese: bool) -> bool:
    """A name and then the action with no joining word ("张伟跟进…", "王芳 follow up …")."""
    if chinese:
        if due.day is None and vocab.ZH_REPORTS.match(title.strip()):
            return False  # "客户反馈APP的登录速度有明显提升": a report
        if _REPORTED_ZH.match(title.strip()):
            return False  # "赵敏确认明年要在两个新城市开店": what they said will happen
        if is_instruction(title):
            return True
        ours = lead.owner is not None and lead.owner.kind in ("person", "role")
        if ours and vocab.ZH_CIRCUMSTANCE.match(title.strip()) and not is_past(title):
            return True  # "刘洋在招标前给周建国打电话", "张伟跟财务一起设置里程碑开票"
        # Owner, date, then the action: a verb the word list lacks, or its object first.
        return _dated_lead(text, body, lead, due) and (
            vocab.ZH_PREPOSITIONS.match(title.strip()) is not None or starts_with_verb(title.strip())
            or (vocab.ZH_PLACE.match(title.strip()) is not None and _deadline(text, due))
        )
    word = first_word(title)
    # "owes them …"; an English verb after a name, as mixed notes write ("Lina send …").
    return word == "owes" or (
        word in vocab.EN_VERBS and lead.owner is not None and lead.owner.kind in ("person", "role")
    )


def parse_line(
    line: str,
    *,
    today: date,
    matcher: OwnerMatcher,
    in_block: bool = False,
    block_owner: Owner | None = None,
    descriptive: bool = False,
    spoken: bool = False,
    title_line: bool = False,
) -> LineAction | None:
    """The action ``line`` states, or None.

    ``in_block``: the line is under an "Action items" / "待办" header; ``block_owner``: the
    person whose name headed the lines above (a notetaker's "**Alice Wong**" group);
    ``descriptive``: under a "Summary" / "Discussion" header, where a name and a verb
    with no date or modal describe the meeting rather than assign work; ``spoken``: a
    line of a transcript, where "Alice: welcome and agenda" is said, not assigned;
    ``title_line``: the first line of a longer note, which names the meeting ("Exec
    sponsor call - Dana / Li Wei"): a name and a word with nothing joining them is no action.
    """
    text = clean_line(line)
    if not text or STRUCK.match(text):
        return None
    text, listed, box = strip_list(text)
    if box == "done":
        return None
    marked = in_block or box == "open"
    owner: Owner | None = None
    found = marker(text, matcher)
    if found is not None:
        text, owner = found
        marked = True
    if "~~" in text and not re.sub(r"~~[^~]{1,500}~~", "", text).strip():
        return None
    agreed = AGREED.match(text)
    if agreed is not None:
        text = text[agreed.end() :]
    shared = bool(SHARED.search(text))
    text = SHARED.sub(" ", text)
    explicit = explicit_owner(text, matcher)
    if explicit is not None:
        owner, start, end = explicit
        text = text[:start] + " " + text[end:]
        text = re.sub(r"^\s?[;；|,，—–-]\s?", "", text.strip())
        marked = marked or start == 0
    text = FIELD_LABELS.sub(" ", text)
    due = scan_due(text, today=today)
    if _rescheduled_to(text, due):
        due = DueScan(None, text)  # "move the go-live to Dec 10": the new date, not a deadline
    body = re.sub(r"\s+", " ", due.rest).strip()
    if due.day is not None and DANGLING_ZH.search(body):
        body = DANGLING_ZH.sub("", body)
    bracket = BRACKET_OWNER.match(body)
    lead = Lead(None, body, "")
    if bracket is not None:
        who = matcher.find(bracket.group("who"))
        if who is not None:
            lead = Lead(who, body[bracket.end() :], "sep")
            # "[Robert Chen] Roadmap session: Robert Chen will run ...": the sentence wins.
            label = re.match(r"[^:：]{1,60}[:：]\s?", lead.rest)
            if label is not None:
                inner = leading_owner(lead.rest[label.end() :], matcher)
                if inner.owner is not None and inner.joined == "modal":
                    lead = inner
    if lead.owner is None:
        lead = leading_owner(body, matcher)
    if lead.owner is None or lead.joined == "":
        # "Review support SLAs: Carol will review ..." (a label, then the sentence).
        label = re.match(r"(?P<label>[^:：]{1,60})[:：]\s?", body)
        if label is not None:
            inner = leading_owner(body[label.end() :], matcher)
            if inner.owner is not None and inner.joined == "modal":
                lead = inner
    if lead.joined == "speech":
        return None
    title = lead.rest if lead.owner is not None else body
    joined = lead.joined
    if joined == "sep":
        modal = _SEP_MODAL.match(title)  # "Li Wei: will send the list …"
        if modal is not None:
            title, joined = title[modal.end() :], "modal"
    if joined == "" and explicit is not None:
        joined = "field"  # "Prepare the guide — Assignee: Carol Diaz — Due: …"
    if lead.owner is not None:
        owner = owner or lead.owner
    if owner is None or lead.owner is None:
        trailing, rest = trailing_owner(title, matcher)
        if trailing is not None:
            if owner is None:
                owner = trailing
            title = rest
            if joined == "":
                joined = "trailing"
    elif owner is not None:
        # The owner repeated as a trailing mention ("李娜 … @李娜") is not part of the title.
        trailing, rest = trailing_owner(title, matcher)
        if trailing is not None and (trailing == owner or trailing.kind == "mention"):
            title = rest
    title = tidy(title)
    if lead.asked:
        title = tidy(re.sub(r"\s?[?？]+\s?$", "", title))
    if not re.search(r"[^\W_]", title):
        return None
    if in_block and not listed and box == "" and found is None and owner is None and block_owner is None:
        return None  # a plain line under the list, with no owner: prose, not an item
    if not lead.asked and (QUESTION.search(title) or QUESTION.search(body)):
        return None
    if joined == "modal" and WILL_BE.match(title):
        return None
    if is_past(title, ahead=due.day is not None and due.day >= today) or not_work(title):
        return None
    chinese = bool(re.match(rf"[{CJK}]", title.strip()))
    if joined == "sep" and not chinese and not listed and first_word(title) in vocab.EN_NOT_VERBS:
        # "[12:14] Priya: We need the price to come down": a statement, even under the
        # action items (a list item "- Carol: the SSO guide" stays an item).
        return None
    if not marked:
        if chinese and due.day is None and _STATE_ZH.search(title):
            return None  # "李娜：报价还没定", "赵敏：模板仍然有效": how things stand
        if lead.owner is None and joined not in ("trailing", "field") and not (
            not spoken and (_deadline(text, due) or _dated_order(text, due, today)) and is_instruction(title)
            and not is_past(title)
        ):
            return None
        if joined == "trailing" and not is_instruction(title):
            return None
        strict = spoken or lead.owner is None or lead.owner.kind not in ("person", "role")
        if joined == "sep" and not (
            is_instruction(title, strict=strict)
            or (chinese and not spoken and starts_with_verb(title.strip()))
            # "客户：12月2日前为我方工程师开通VPN账号": a deadline, then for whom or where.
            or (chinese and _deadline(text, due) and (vocab.ZH_PREPOSITIONS.match(title.strip()) is not None
                                                      or vocab.ZH_PLACE.match(title.strip()) is not None))
        ):
            return None
        if joined == "bare" and not _bare_action(title, lead, text, body, due, chinese=chinese):
            return None
        if joined == "bare" and descriptive and chinese and due.day is None:
            return None
        if joined == "bare" and title_line and due.day is None:
            return None
    return LineAction(title=title, owner=owner, due=due, shared=shared)
