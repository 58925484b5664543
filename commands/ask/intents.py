"""What a question asks for, in English or Chinese: a pure function, no I/O.

:func:`detect` maps a question to an :class:`Intent` (a kind plus filters: a role, a
person, overdue only, a period). The kinds are the questions teams ask most; anything
else is ``UNKNOWN`` and gets the closest facts, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    OPEN_TASKS = "open_tasks"
    ROLE_HOLDER = "role_holder"
    HEALTH = "health"
    LAST_MEETING = "last_meeting"
    AGREEMENT = "agreement"
    RENEWAL = "renewal"
    STAKEHOLDERS = "stakeholders"
    SUMMARY = "summary"
    UNKNOWN = "unknown"


class Period(StrEnum):
    LAST_MONTH = "last_month"
    THIS_MONTH = "this_month"
    LAST_WEEK = "last_week"
    THIS_WEEK = "this_week"


@dataclass(frozen=True, slots=True)
class Intent:
    kind: Kind
    role: str | None = None
    # "mine" (the asker) or a mention token / name as typed; resolved by the answerer.
    person: str | None = None
    overdue: bool = False
    period: Period | None = None


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


# Role words -> role. Latin abbreviations need word boundaries; Chinese needs none.
_ROLES: list[tuple[re.Pattern[str], str]] = [
    (_rx(r"\bAR\b", r"account (?:manager|responsible|owner)", "客户经理"), "AR"),
    (_rx(r"\bSR\b", r"solution(?:s)? (?:manager|responsible|architect|lead)", "解决方案经理", "方案经理"), "SR"),
    (_rx(r"\bFR\b", r"(?:fulfil?ment|delivery) (?:manager|responsible|lead)", "交付经理"), "FR"),
    (_rx(r"\bsponsor\b", r"\bexec(?:utive)? sponsor", "高层负责人", "高层"), "SPONSOR"),
]

_OVERDUE = _rx(r"\boverdue\b", r"\blate\b", r"past due", r"\bslipp", "逾期", "超期", "过期", "延期", "拖期")
# Words that alone say "the list of open actions"; weaker words ("tasks") yield to others.
_OPEN = _rx(
    r"\bopen\b", r"\bpending\b", r"\boutstanding\b", r"\bto-?dos?\b", r"\bnot (?:yet )?done\b",
    r"\bon (?:my|his|her|their) plate\b", r"\bwhat(?:'s| is)? left\b", r"\bunfinished\b",
    r"\bbacklog\b", r"\bstill to do\b",
    "未完成", "没完成", "待办", "未结", "未关闭", "还有哪些", "要做", "没做",
)
_TASK_WORDS = _rx(r"\btasks?\b", r"\bactions?\b", r"\baction items?\b", "任务", "事项", "行动")
_TITLES = _rx(r"\bC[EIFTOM]O\b", r"\bVP\b", r"\bdirector\b", r"\bhead of\b", r"\bprocurement\b",
              "总裁", "总经理", "总监", "董事", "采购", "首席")
_WHO = _rx(r"\bwho(?:'s| is| are)?\b", r"\bwhich person\b", "谁", "哪位", "铁三角", r"\btriangle\b", r"\bteam\b")
_HEALTH = _rx(
    r"\bhealth", r"\bhow is\b.*\bdoing\b", r"\bhow'?s\b.*\bdoing\b", r"\b(?:red|yellow|green)\b",
    r"\bat risk\b", r"\bstatus\b", "健康", "红绿灯", "风险", "状态怎么样", "怎么样",
)
_LAST_MEETING = _rx(
    r"\blast (?:meeting|note|call|visit)", r"\blatest (?:meeting|note)", r"\brecent meeting",
    r"\bmeeting notes?\b", "上次会议", "上一次会议", "最近的会议", "最近一次会议", "最新纪要", "会议纪要",
    "上次开会", "最近会议",
)
_AGREEMENT = _rx(
    r"\bagree", r"\bdecid", r"\bdecision", r"\bdiscuss", r"\bpromis", r"\bcommit", r"\bsaid\b",
    r"\btalk(?:ed)? about\b", "达成", "共识", "约定", "决定", "同意", "讨论", "承诺", "谈了", "说了",
)
_RENEWAL = _rx(r"\brenew", r"\bcontract (?:end|expir)", r"\bexpir", "续约", "续签", "合同到期", "到期")
_STAKEHOLDERS = _rx(
    r"\bstakeholders?\b", r"\bcontacts?\b", r"\bdecision[- ]makers?\b", r"\bdecision chain\b",
    r"\bwho do we know\b", "干系人", "利益相关", "联系人", "决策链", "决策人", "关键人",
)
_SUMMARY = _rx(
    r"\bsummar", r"\boverview\b", r"\btell me about\b", r"\bbrief(?:ing)?\b", r"\b360\b",
    r"\bwhat do (?:we|i) know\b", r"\bstatus of\b", "概况", "总结", "摘要", "简介", "介绍一下", "整体情况", "概览",
)
_MINE = _rx(r"\bmy\b", r"\bmine\b", r"\bI have\b", r"\bon my plate\b", "我的", "我有", "我还有", "我负责")
_LAST_MONTH = _rx(r"\blast month\b", r"\bprevious month\b", "上个月", "上月")
_THIS_MONTH = _rx(r"\bthis month\b", "这个月", "本月")
_LAST_WEEK = _rx(r"\blast week\b", "上周", "上个星期", "上星期")
_THIS_WEEK = _rx(r"\bthis week\b", "本周", "这周", "这个星期")
_MENTION = re.compile(r"<@[A-Z0-9]{1,32}(?:\|[^<>]{0,200})?>|(?<![\w.])@[\w.\-]+")


def role_in(text: str) -> str | None:
    for pattern, role in _ROLES:
        if pattern.search(text):
            return role
    return None


def title_in(text: str) -> str | None:
    """A job title the question names (CIO, head of procurement, 总监), as typed."""
    match = _TITLES.search(text)
    return match.group(0) if match else None


def period_in(text: str) -> Period | None:
    for pattern, period in (
        (_LAST_MONTH, Period.LAST_MONTH),
        (_THIS_MONTH, Period.THIS_MONTH),
        (_LAST_WEEK, Period.LAST_WEEK),
        (_THIS_WEEK, Period.THIS_WEEK),
    ):
        if pattern.search(text):
            return period
    return None


def detect(question: str) -> Intent:
    """The intent of ``question``. Order matters: the most specific question wins."""
    text = question.strip()
    role = role_in(text)
    overdue = bool(_OVERDUE.search(text))
    mention = _MENTION.search(text)
    person = "mine" if _MINE.search(text) else (mention.group(0) if mention else None)
    period = period_in(text)
    who = _WHO.search(text)

    if overdue or _OPEN.search(text):
        return Intent(Kind.OPEN_TASKS, role=role, person=person, overdue=overdue)
    if _STAKEHOLDERS.search(text) or (who and _TITLES.search(text) and not role):
        return Intent(Kind.STAKEHOLDERS)
    if _RENEWAL.search(text):
        return Intent(Kind.RENEWAL)
    if who and (role or re.search(r"triangle|\bteam\b|铁三角|负责", text, re.I)):
        return Intent(Kind.ROLE_HOLDER, role=role)
    if _AGREEMENT.search(text):
        return Intent(Kind.AGREEMENT, period=period)
    if _LAST_MEETING.search(text):
        return Intent(Kind.LAST_MEETING)
    if _TASK_WORDS.search(text):
        return Intent(Kind.OPEN_TASKS, role=role, person=person)
    if _SUMMARY.search(text):
        return Intent(Kind.SUMMARY)
    if _HEALTH.search(text):
        return Intent(Kind.HEALTH)
    if role:
        return Intent(Kind.ROLE_HOLDER, role=role)
    return Intent(Kind.UNKNOWN, period=period)
