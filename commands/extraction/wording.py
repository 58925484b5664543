"""Whether the words of a line read as an instruction, past work, a question or a state."""

from __future__ import annotations

import re

from commands.extraction import vocab
from commands.extraction.cleaning import CJK

QUESTION = re.compile(r"[?？]\s?$|^(?:是否|能否|要不要|是不是)")
AGREED = re.compile(
    r"^(?:we|everyone|all|the\steam|both\ssides)\s(?:have\s)?(?:agreed|decided)\s(?:that\s)?"
    r"|^(?:双方|大家)?(?:一致)?(?:同意|决定)[，,]?\s?(?=\S)",
    re.I,
)
WILL_BE = re.compile(r"^be\s(?!\w+ing\b)", re.I)
_EN_WORD = re.compile(r"[a-z][a-z'-]*")


def first_word(text: str) -> str:
    match = _EN_WORD.match(text.strip().lower())
    return match.group(0) if match else ""


def is_past(title: str, *, ahead: bool = False) -> bool:
    """Reads as work done. ``ahead``: the line gives a date still to come, so a 了 is the
    particle of a request ("周一前把报销单交了"), not the past."""
    word = first_word(title)
    if word in vocab.PAST_EN:
        return True
    if word.endswith("ed") and len(word) >= 5 and word not in vocab.NOT_PAST_ED:
        return True
    return bool(vocab.PAST_ZH.search(title)) or (not ahead and bool(vocab.PAST_ZH_LE.search(title)))


_ZH_LEAD_TIME = re.compile(r"(?:一起|共同|协同|配合|下个?月|下周|本周|本月|这周|月底|年底|明年|今年|近期|后续|马上|立即|随后|会后"
                           r"|当面|亲自|重新|尽快|再次|单独|正式|分别|继续|去年|上周|上个?月)?")


def is_instruction(title: str, *, strict: bool = True) -> bool:
    """Reads like an instruction: a Chinese verb first (after a time word), or an English
    verb first (``strict``) or at least no pronoun, article or reply word first."""
    text = title.strip()
    if not text:
        return False
    if re.match(rf"[{CJK}]", text):
        lead = _ZH_LEAD_TIME.match(text)
        start = lead.end() if lead else 0
        if vocab.ZH_VERB_RE.match(text, start) is not None:
            return True
        # "重新刷…": the lead word is itself a verb of the list
        return start > 0 and vocab.ZH_VERB_RE.fullmatch(text[:start]) is not None
    word = first_word(text)
    if word in vocab.EN_VERBS or word == "owes":
        return True
    return not strict and bool(word) and word not in vocab.EN_NOT_VERBS and not is_past(text)


def not_work(title: str) -> bool:
    """Where someone is or will be, not work to do: "出差，不在公司", "retire next year";
    or what someone else is asked to do: "(孙磊那边要)我们补一份资质文件"."""
    text = title.strip()
    if vocab.ZH_STATES.match(text) or first_word(text) in vocab.EN_STATES:
        return True
    if re.match(r"(?:去|到|赴|在)[\u3400-\u9fff]{1,6}?(?:出差|休假)", text):
        return True  # "去北京出差"
    return re.match(r"(?:我们|我|你们|你|他们|他|她们|她)(?![方司])", text) is not None
