"""What a question asks for, in English or Chinese: a pure function, no I/O.

:func:`detect` maps a question to an :class:`Intent`: a kind plus its slots (a role, a
person, a due window, a health aspect, a metric, a plan section ...). Cues come from
:mod:`.lexicon` and are matched anywhere in the (mended) text, so word order, filler and
a mix of languages do not matter; the rules below are ordered from the most specific
question to the most general. Anything else is ``UNKNOWN`` and gets the closest facts,
never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from commands.ask import lexicon as lx
from commands.ask.periods import Window, due_window, past_window
from commands.ask.understand import Known, PersonRef, Reading, read
from commands.routing import route_task
from commands.textfold import fold


class Kind(StrEnum):
    OPEN_TASKS = "open_tasks"
    DONE_TASKS = "done_tasks"
    CANCELLED_TASKS = "cancelled_tasks"
    CUSTOMER_TASKS = "customer_tasks"
    ROLE_HOLDER = "role_holder"
    HEALTH = "health"
    SIGNALS = "signals"
    RENEWAL = "renewal"
    MONEY = "money"
    TIER = "tier"
    INDUSTRY = "industry"
    SCORE = "score"
    STAKEHOLDERS = "stakeholders"
    PLAN = "plan"
    AGREEMENT = "agreement"
    LAST_MEETING = "last_meeting"
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
    # "mine" (the asker) or a mention token as typed; resolved by the answerer.
    person: str | None = None
    overdue: bool = False
    period: Period | None = None
    # A team member or customer person named in the question.
    who: PersonRef | None = None
    # Tasks: when they are due; done / notes: when it happened.
    window: Window | None = None
    # health: why | fix | trend; money: revenue | margin | gross_profit;
    # signals: a metric; plan: a section; stakeholders: a role group or a stance.
    aspect: str | None = None
    color: str | None = None


# A question of filler alone ("anything for Acme Labs?") is short.
FILLER_MAX_CHARS = 120


def role_in(text: str) -> str | None:
    """The first role the (folded) text names, by its name or abbreviation."""
    found = [(m.start(), role) for role, rx in lx.ROLE_CUES.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def area_role(text: str) -> str | None:
    """A role named by its area of work ("delivery" -> FR, "交付" -> FR)."""
    found = [(m.start(), role) for role, rx in lx.ROLE_AREAS.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def title_in(text: str) -> str | None:
    """A job title the question names (CIO, head of procurement, 总监), as typed."""
    match = lx.TITLES.search(fold(text))
    return text[match.start():match.end()] if match else None


def period_in(text: str) -> Period | None:
    for rx, period in ((r"last month|previous month|上个月|上月", Period.LAST_MONTH),
                       (r"this month|这个月|本月", Period.THIS_MONTH),
                       (r"last week|上周|上个星期|上星期", Period.LAST_WEEK),
                       (r"this week|本周|这周|这个星期", Period.THIS_WEEK)):
        if re.search(rx, text, re.I):
            return period
    return None


def _first(patterns: dict[str, re.Pattern[str]], text: str) -> str | None:
    found = [(m.start(), key) for key, rx in patterns.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def _money_aspect(text: str) -> str | None:
    if lx.MARGIN.search(text):
        return "margin"
    if lx.GROSS_PROFIT.search(text):
        return "gross_profit"
    if lx.REVENUE.search(text):
        return "revenue"
    if lx.MONEY.search(text):
        return "all"
    return None


_ROLE_SUBJECT = re.compile(r"(?:^|[\s,])(?:any(?:thing)?|something|stuff|what(?:'s| is)?|whats|news|updates?)"
                           r" (?:new )?(?:on|with|from) (?:the |our )?$")


def _role_as_subject(text: str, role: str) -> bool:
    """"anything on the SR?", "what's with the FR": the role word right after the filler."""
    match = lx.ROLE_CUES[role].search(text)
    return match is not None and _ROLE_SUBJECT.search(text[:match.start()]) is not None \
        and not text[match.end():].strip(" ?!.。？！")


def _has(rx: re.Pattern[str], text: str) -> bool:
    return rx.search(text) is not None


def detect(question: str | Reading, known: Known | None = None, *, today: date | None = None) -> Intent:
    """The intent of ``question``. Order matters: the most specific question wins."""
    reading = question if isinstance(question, Reading) else read(question, known)
    text = reading.without_person()
    # Callers pass the clock's day; the fallback only serves interactive use of this function.
    today = today or datetime.now(UTC).date()
    role = role_in(text)
    area = area_role(text)
    # "When does the contract expire / 合同什么时候过期": the renewal, not late work.
    contract_end = _has(lx.CONTRACT_END, text)
    overdue = _has(lx.OVERDUE, text) and not contract_end
    renewal = _has(lx.RENEWAL, text) or contract_end
    person = "mine" if _has(lx.MINE, text) else reading.mentioned
    who = reading.person
    team_person = who if who is not None and who.kind == "team" else None
    past = past_window(text, today)
    period = period_in(reading.text)
    is_who = _has(lx.WHO, text)
    color = _first(lx.COLOR_WORDS, text)
    metric = _first(lx.METRICS, text)
    plan_section = _first(lx.PLAN_SECTIONS, text)
    money = _money_aspect(text)
    said = _has(lx.AGREE, text) or _has(lx.SAID, text)
    open_cue = _has(lx.OPEN, text) or _has(lx.NOT_DONE, text)
    task_cue = _has(lx.TASKS, text)
    due = due_window(text, today)
    due_cue = _has(lx.DUE, text)
    health_cue = _has(lx.HEALTH, text) or color is not None
    stakeholder_role = _first(lx.STAKEHOLDER_ROLES, text)
    stance = _first(lx.STANCES, text)
    customer_person = who if who is not None and who.kind == "stakeholder" else None
    work_of = _has(lx.WORK_OF, text)
    # "expected to provide" is owed, not said: what was said is looked for beside it.
    owed = _has(lx.OWED, text) and not _has(lx.SAID, lx.OWED.sub(" ", text))

    if _has(lx.UNASSIGNED, text):
        person = "nobody"
    if overdue and _has(lx.OPEN, text) and re.search(r"(?<![a-z])and(?![a-z])|以及|并且|同时", text):
        # "the open actions, and which are late": the whole list (overdue ones are marked).
        overdue = False

    def tasks(kind: Kind = Kind.OPEN_TASKS, window: Window | None = None) -> Intent:
        # An area of work filters open work ("交付还有哪些待办"); for closed work the same
        # words are verbs ("what did we deliver", "交付了什么").
        return Intent(kind, role=role or (area if kind is Kind.OPEN_TASKS else None), person=person,
                      overdue=overdue, who=team_person, window=window, period=period)

    # 0. A role word as the subject of a bare "anything on the SR?": that role's open work.
    if role is not None and _role_as_subject(text, role):
        return tasks(window=due)
    # 1. Someone's work ("anything on Bob's list", "what is Li Wei supposed to deliver?",
    # "陈总那边要提供什么"): a customer person's is the customer's side; what role someone
    # has is their card. Work of the customer's side, cancelled work, work done.
    if customer_person is not None and (work_of or owed):
        return Intent(Kind.CUSTOMER_TASKS, who=customer_person)
    if (team_person is not None or person) and (work_of or (owed and not said)):
        return tasks(window=due)
    if _has(lx.ROLE_OF, text) and not (open_cue or overdue or due_cue):
        if team_person is not None:
            return Intent(Kind.ROLE_HOLDER, who=team_person, aspect="role")
        if customer_person is not None:
            return Intent(Kind.STAKEHOLDERS, who=customer_person)
    if _has(lx.CUSTOMER_OWES, text):
        return Intent(Kind.CUSTOMER_TASKS, who=customer_person)
    if _has(lx.CANCELLED, text) and not said:
        return tasks(Kind.CANCELLED_TASKS, past)
    done = _has(lx.DONE, text) and not _has(lx.NOT_DONE, text) and not overdue
    if done and not said and metric is None:
        return tasks(Kind.DONE_TASKS, past)
    # 2. Why an account has its colour, what would turn it green, how it changed.
    if _has(lx.WHY, text) and (health_cue or not (said or metric or money)):
        return Intent(Kind.HEALTH, aspect="why", color=color)
    if _has(lx.FIX, text) and (health_cue or color or not (metric or money or said)):
        return Intent(Kind.HEALTH, aspect="fix", color=color)
    if _has(lx.TREND, text) and health_cue and metric is None:
        return Intent(Kind.HEALTH, aspect="trend", color=color)
    # 3. How a customer person stands towards us is their card; what was said, with whom,
    # about what, comes before topics that share words.
    if who is not None and who.kind == "stakeholder" and _has(lx.STANCE_WORDS, text):
        return Intent(Kind.STAKEHOLDERS, who=who)
    last_meeting = _has(lx.LAST_MEETING, text)
    if said and open_cue and not _has(lx.AGREE, text):
        said = False
    if plan_section == "goals" and lx.GOALS_STRONG.search(text):
        return Intent(Kind.PLAN, aspect="goals")
    # No action is about competitors: "还有哪些友商" asks for the plan, not open work.
    if plan_section == "competition" and not (task_cue or overdue or due_cue or _has(lx.SAID, text)):
        return Intent(Kind.PLAN, aspect="competition")
    # A problem that is an action's title ("the dashboard login problem") is that action,
    # not the customer's challenges.
    if plan_section == "challenges" and reading.task_hits and not _has(lx.PLAN, text):
        plan_section = None
    # How a piece of work stands ("has the quote been sent?", "验收进展如何"): its actions.
    if reading.task_hits and _has(lx.STATUS, text) and not (
            metric or money or is_who or stakeholder_role or plan_section or overdue or due
            or renewal):
        return Intent(Kind.OPEN_TASKS, aspect="topic", role=role, who=team_person)
    if said and not (last_meeting and who is None and not _has(lx.AGREE, text)):
        if not (is_who and (stakeholder_role or (role and not _has(lx.AGREE, text)))):
            return Intent(Kind.AGREEMENT, who=who, window=past, period=period)
    if (last_meeting or (_has(lx.NOTES, text) and not said)) and metric != "exec_meeting":
        return Intent(Kind.LAST_MEETING)
    # 4. The record's figures: signals, money, tier, score.
    if metric is not None:
        return Intent(Kind.SIGNALS, aspect=metric)
    if _has(lx.SIGNALS, text) and not task_cue:
        return Intent(Kind.SIGNALS)
    if money is not None:
        return Intent(Kind.MONEY, aspect=money)
    if _has(lx.INDUSTRY, text) and not task_cue:
        return Intent(Kind.INDUSTRY)
    if _has(lx.SCORE, text) and not health_cue:
        return Intent(Kind.SCORE)
    if _has(lx.TIER, text):
        return Intent(Kind.TIER)
    # 5. The account plan, by section.
    plan = _has(lx.PLAN, text) and not _has(lx.NOT_PLAN, text)
    if plan_section == "relationships" or plan_section == "actions":
        if plan or _has(lx.PLAN, text):
            return Intent(Kind.PLAN, aspect=plan_section)
        plan_section = None
    if plan_section == "goals" and lx.GOALS_STRONG.search(text):
        return Intent(Kind.PLAN, aspect="goals")
    if plan_section is not None and not (open_cue or overdue or due_cue or (is_who and role)):
        return Intent(Kind.PLAN, aspect=plan_section)
    if plan and not (open_cue or task_cue or overdue):
        return Intent(Kind.PLAN)
    # 6. Renewal (before due windows: "when does the contract expire").
    owner_question = is_who and _has(lx.RESPONSIBLE, text)
    if renewal and not (overdue or open_cue or owner_question or (due and not due_cue)):
        return Intent(Kind.RENEWAL)
    # 7. The customer's people: by role, stance, title or name.
    if stakeholder_role is not None and (is_who or _has(lx.STAKEHOLDERS, text)):
        return Intent(Kind.STAKEHOLDERS, aspect=stakeholder_role, who=who if who and who.kind == "stakeholder" else None)
    if stance is not None and is_who and not role:
        return Intent(Kind.STAKEHOLDERS, aspect=stance)
    if _has(lx.STAKEHOLDERS, text) and not (open_cue or overdue):
        return Intent(Kind.STAKEHOLDERS, who=who if who and who.kind == "stakeholder" else None)
    if who is not None and who.kind == "stakeholder" and not (open_cue or task_cue):
        return Intent(Kind.STAKEHOLDERS, who=who)
    if who is not None and who.kind == "stakeholder":
        return Intent(Kind.CUSTOMER_TASKS, who=who)
    if is_who and lx.TITLES.search(text) and not role:
        return Intent(Kind.STAKEHOLDERS)
    # 8. Who holds a role, who is responsible for an area, who someone is.
    if is_who and not (open_cue or overdue or due or task_cue):
        if role:
            return Intent(Kind.ROLE_HOLDER, role=role)
        if _has(lx.RESPONSIBLE, text) or reading.task_hits:
            route = route_task(text)
            routed = area or (route.role if route else None)
            return Intent(Kind.ROLE_HOLDER, role=routed, aspect="topic")
        if _has(lx.TEAM, text) or area:
            return Intent(Kind.ROLE_HOLDER, role=area)
        if team_person is not None:
            return Intent(Kind.ROLE_HOLDER, who=team_person)
    # 9. Work: open, overdue, due in a window, by role, by person.
    if overdue or open_cue or (due and (due_cue or task_cue or is_who or _has(lx.PORTFOLIO, text)
                                        or re.search(r"what|哪些|什么|有没有|any", text))):
        return tasks(window=due)
    if due_cue and not renewal:
        return tasks(window=due)
    if task_cue and (not _has(lx.SUMMARY, text) or team_person is not None or person):
        return tasks(window=due)
    if renewal and not owner_question:
        return Intent(Kind.RENEWAL)
    # 10. Health, then the whole picture.
    if _has(lx.SUMMARY, text):
        return Intent(Kind.SUMMARY)
    if health_cue or _has(lx.TREND, text):
        return Intent(Kind.HEALTH, aspect="trend" if _has(lx.TREND, text) else None, color=color)
    if due is not None:
        return tasks(window=due)
    # 11. A name or a role on its own.
    if team_person is not None or person in ("mine", "nobody"):
        return tasks()
    if role and not is_who and (_has(lx.RESPONSIBLE, lx.ROLE_CUES[role].sub(" ", text)) or _has(lx.HAS_WORK, text)):
        # "what is the SR handling?", "what has the sponsor got?": the role's work ("负责人" is
        # the role's name).
        return tasks()
    if role:
        return Intent(Kind.ROLE_HOLDER, role=role)
    if _has(lx.TEAM, text) and is_who:
        return Intent(Kind.ROLE_HOLDER)
    if stakeholder_role is not None:
        return Intent(Kind.STAKEHOLDERS, aspect=stakeholder_role)
    if (len(text) <= FILLER_MAX_CHARS and reading.text.strip() and reading.person is None
            and not re.sub(r"[\W_]+", "", lx.FILLER.sub(" ", text))):
        return tasks()  # "anything for Acme Labs?": what is open there
    return Intent(Kind.UNKNOWN, window=past, period=period)
