"""The monthly action report, its customer ("shared") version and the portfolio digest.

Two steps, kept apart so the composition is a pure function a test can hit directly:
:func:`gather_month` reads the record once into an :class:`AccountMonth` (plain values), and
``compose_*`` turn that into neutral Replies with their attachments (a PNG chart, a Markdown
file the account manager can forward). Health is read from HealthSnapshot rows (the health
check writes them); a report never computes health itself.

Month boundaries are midnight in the clock's time zone (KAMBOT_TIMEZONE). "Open at a
moment" is derived from created_at / closed_at: a task that was closed and later reopened
counts as open for the whole time before its reopening (the record keeps no reopen history).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from sqlmodel import Session

from bot.messages import Attachment, Item, Reply, Section
from commands.ask.narrative import CUSTOMER, TEAM, NarrativeFacts, draft_narrative
from commands.ask.port import LanguageModel
from commands.i18n import normalize_language, t
from commands.report_story import ColourStep, colour_steps, story_lines
from commands.strategy.scoring import normalize_weights, ratings_of, score_of
from storage import decisions as decision_repo
from storage import health_repo, repos, strategy_repo
from storage import report_repo as rr
from storage.models import Account, Note, Role, Task, TaskStatus

HISTORY_MONTHS = 6
TOP_NEXT = 5
LIST_LIMIT = 10
RENEWAL_HORIZON_DAYS = 90
DIGEST_ROWS = 25
# Worst first, as the `accounts` portfolio orders them: an account without health data last.
COLOR_RANK = {"red": 0, "yellow": 1, "green": 2, "": 3}
ROLE_ORDER = ("AR", "SR", "FR", "SPONSOR")


# --- months -------------------------------------------------------------------------------

_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """``2026-11``, ``2026/11``, ``2026.11``, ``2026年11月``; None when not a month."""
        match = _MONTH.match(text)
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 2000:
            return None
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime | date) -> Month:
        return cls(moment.year, moment.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def start(self, tz: tzinfo) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        return self.shift(1).start(tz)

    def label(self, lang: str) -> str:
        """``November 2026`` / ``2026年11月``."""
        return t(lang, "report.month_year", year=self.year,
                 month_name=t(lang, f"report.month_names.m{self.month}"))

    def __str__(self) -> str:
        return self.key


# --- the facts of one account-month -------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    number: int
    title: str
    role: str
    owner: str  # display name of the assignee, "" when nobody holds it
    due: date | None
    overdue: bool
    shared: bool
    done: date | None = None  # the day it was closed, in the report's zone

    @property
    def theirs(self) -> bool:
        """A commitment of the customer's side."""
        return self.role == Role.CUSTOMER.value

    @property
    def joint(self) -> bool:
        """On the joint plan the customer sees: shared, or the customer's own."""
        return self.shared or self.theirs


@dataclass
class Tally:
    closed: int = 0
    opened: int = 0
    overdue: int = 0

    @property
    def empty(self) -> bool:
        return not (self.closed or self.opened or self.overdue)


@dataclass(frozen=True)
class HealthPoint:
    color: str
    score: int
    at: datetime


@dataclass(frozen=True)
class HistoryPoint:
    month: Month
    color: str  # "" when no snapshot yet
    score: int | None
    open: int
    closed: int
    shared_open: int
    shared_closed: int


@dataclass(frozen=True)
class NoteLine:
    number: int
    kind: str
    summary: str


@dataclass
class AccountMonth:
    """Everything a report says about one account and one month, as plain values."""

    account_id: int
    account_name: str
    tier: str
    month: Month
    as_of: datetime  # the month's end, or "now" while the month runs
    partial: bool
    closed: list[TaskLine] = field(default_factory=list)
    opened: list[TaskLine] = field(default_factory=list)
    overdue: list[TaskLine] = field(default_factory=list)
    open_count: int = 0
    by_role: dict[str, Tally] = field(default_factory=dict)
    by_person: dict[str, Tally] = field(default_factory=dict)
    notes: list[NoteLine] = field(default_factory=list)
    # What meetings decided this month (internal: never in the customer's version).
    decisions: list[str] = field(default_factory=list)
    meetings: int = 0  # notes of kind "meeting"
    exec_meetings: int = 0  # days with an executive meeting (signal exec_meeting=)
    health_now: HealthPoint | None = None
    health_before: HealthPoint | None = None
    renewal_date: date | None = None
    next_actions: list[TaskLine] = field(default_factory=list)
    # On the joint plan (shared or the customer's), open now, first due first.
    shared_next: list[TaskLine] = field(default_factory=list)
    # The customer's own open commitments (the internal report's "their side").
    theirs_open: list[TaskLine] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)
    # Every colour of the month and why it changed (commands.report_story).
    story: list[ColourStep] = field(default_factory=list)
    # The account score now (commands.strategy.scoring), internal: None until rated.
    account_score: int | None = None
    suggested_tier: str = ""

    @property
    def quiet(self) -> bool:
        return not (self.closed or self.opened or self.notes or self.exec_meetings)

    @property
    def color(self) -> str:
        return self.health_now.color if self.health_now else ""

    @property
    def renewal_days(self) -> int | None:
        if self.renewal_date is None:
            return None
        return (self.renewal_date - self.as_of.date()).days


_DONE = TaskStatus.DONE.value


def _closed_at(task: Task) -> datetime | None:
    if task.status != _DONE:
        return None
    return task.closed_at or task.created_at


def _open_at(task: Task, moment: datetime) -> bool:
    if task.created_at >= moment:
        return False
    closed = _closed_at(task)
    return closed is None or closed >= moment


def _health(points: Sequence[HealthPoint], moment: datetime) -> HealthPoint | None:
    """The newest point before ``moment``; ``points`` are oldest first."""
    index = bisect_left([p.at for p in points], moment)
    return points[index - 1] if index else None


def _summary(note: Note, width: int = 80) -> str:
    first = next((line.strip() for line in note.text.splitlines() if line.strip()), "")
    return first if len(first) <= width else first[: width - 1] + "…"


def gather_month(
    session: Session, *, account: Account, month: Month, tz: tzinfo, now: datetime
) -> AccountMonth:
    """Read what the report of ``account`` for ``month`` needs (a fixed handful of queries)."""
    assert account.id is not None
    start, end = month.start(tz), month.end(tz)
    as_of = min(end, now)
    as_of_day = as_of.astimezone(tz).date()
    # "Overdue" at the end of a finished month means due on or before its last day.
    overdue_before = end.date() if as_of == end else as_of_day
    tasks = rr.all_tasks_of(session, account_id=account.id)
    people = repos.persons_by_ids(
        session, ids={task.assignee_id for task in tasks if task.assignee_id is not None}
    )

    def owner_of(task: Task) -> str:
        owner = people.get(task.assignee_id) if task.assignee_id is not None else None
        return owner.display_name if owner else (
            task.owner_text or "" if task.role == Role.CUSTOMER.value else "")

    def line(task: Task, overdue: bool = False) -> TaskLine:
        closed = _closed_at(task)
        # As it stood at the month's end: a task finished later was still open then.
        closed = closed if closed is not None and closed < as_of else None
        return TaskLine(task.number, task.title, task.role, owner_of(task), task.due_date,
                        overdue, task.shared,
                        closed.astimezone(tz).date() if closed else None)

    facts = AccountMonth(
        account_id=account.id, account_name=account.name, tier=account.tier, month=month,
        as_of=as_of, partial=now < end, renewal_date=account.renewal_date,
    )
    score = score_of(ratings_of(account), normalize_weights(
        strategy_repo.setting(session, name=strategy_repo.SCORE_WEIGHTS)))
    if score is not None:
        facts.account_score, facts.suggested_tier = score.total, score.suggested
    open_now: list[TaskLine] = []
    for task in tasks:
        if task.status == TaskStatus.CANCELLED.value:
            continue  # withdrawn: neither opened, closed nor overdue work
        role_tally = facts.by_role.setdefault(task.role, Tally())
        person_tally = facts.by_person.setdefault(owner_of(task), Tally())
        closed = _closed_at(task)
        owner_line: TaskLine | None = None  # made only for the tasks the report lists
        if start <= task.created_at < end and task.created_at < as_of:
            owner_line = line(task)
            facts.opened.append(owner_line)
            role_tally.opened += 1
            person_tally.opened += 1
        if closed is not None and start <= closed < as_of:
            facts.closed.append(owner_line or line(task))
            role_tally.closed += 1
            person_tally.closed += 1
        if _open_at(task, as_of):
            overdue = task.due_date is not None and task.due_date < overdue_before
            open_now.append(line(task, overdue))
            if overdue:
                facts.overdue.append(open_now[-1])
                role_tally.overdue += 1
                person_tally.overdue += 1
    facts.by_role = {role: tally for role, tally in facts.by_role.items() if not tally.empty}
    facts.by_person = {who: tally for who, tally in facts.by_person.items() if not tally.empty}
    facts.open_count = len(open_now)
    open_now.sort(key=lambda x: (not x.overdue, x.due is None, x.due or date.max, x.number))
    facts.next_actions = open_now[:TOP_NEXT]
    facts.shared_next = [x for x in open_now if x.joint][:TOP_NEXT]
    facts.theirs_open = [x for x in open_now if x.theirs]

    notes = rr.notes_between(session, account_id=account.id, start=start, end=as_of)
    facts.notes = [NoteLine(n.number, n.kind, _summary(n)) for n in notes]
    facts.meetings = sum(1 for n in notes if n.kind == "meeting")
    facts.decisions = [d.text for d in reversed(decision_repo.decisions_of(
        session, account_id=account.id, since=start, until=as_of))]
    facts.exec_meetings = len(rr.exec_meeting_days(
        session, account_id=account.id, start=start.date(),
        end=end.date() if as_of == end else as_of_day + timedelta(days=1)))

    first = month.shift(1 - HISTORY_MONTHS)
    history_start = first.start(tz)
    earlier = rr.health_point_before(session, account_id=account.id, at=history_start)
    rows = rr.health_points_between(session, account_id=account.id, start=history_start,
                                    end=as_of)
    snapshots = [HealthPoint(color, score, at) for at, color, score in
                 ([earlier] if earlier else []) + rows]
    facts.health_now = _health(snapshots, as_of)
    facts.health_before = _health(snapshots, start)
    facts.story = colour_steps(
        health_repo.snapshots_between(session, account_id=account.id, start=start, end=as_of),
        start=start, tz=tz)

    # (created, closed, joint) of every task, worked out once for the six months: the
    # monthly job does this for every account, some with thousands of tasks.
    customer = Role.CUSTOMER.value
    spans = [(task.created_at, _closed_at(task), bool(task.shared or task.role == customer))
             for task in tasks]
    for i in range(HISTORY_MONTHS):
        m = first.shift(i)
        m_start, m_end = m.start(tz), min(m.end(tz), as_of)
        point = _health(snapshots, m_end)
        opened = closed_n = shared_open = shared_closed = 0
        for created, closed_at, joint in spans:
            if created < m_end and (closed_at is None or closed_at >= m_end):  # _open_at
                opened += 1
                shared_open += joint
            if closed_at is not None and m_start <= closed_at < m_end:
                closed_n += 1
                shared_closed += joint
        facts.history.append(HistoryPoint(
            month=m, color=point.color if point else "", score=point.score if point else None,
            open=opened, closed=closed_n, shared_open=shared_open, shared_closed=shared_closed,
        ))
    return facts


# --- composition --------------------------------------------------------------------------


def _lang(lang: str) -> str:
    return normalize_language(lang)


def slug(name: str) -> str:
    """A file-name-safe form of an account name (CJK kept; most platforms allow it)."""
    text = re.sub(r"[^\w]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-")
    return text or "account"


def parent_title(facts: AccountMonth, lang: str) -> str:
    return t(lang, "report.parent_title", account=facts.account_name,
             month=facts.month.label(lang))


def _color_text(lang: str, point: HealthPoint | None) -> str:
    if point is None:
        return t(lang, "report.health.none")
    # The colour names are the core catalog's (``🟢 green``), as `account` and `health` show them.
    color = t(lang, f"color.{point.color}") if _known(point.color) != "unknown" else point.color
    return t(lang, "report.health.point", color=color, score=point.score)


def _known(color: str) -> str:
    return color if color in {"green", "yellow", "red"} else "unknown"


def _health_text(facts: AccountMonth, lang: str) -> str:
    now, before = facts.health_now, facts.health_before
    if now is None:
        return t(lang, "report.health.none")
    text = _color_text(lang, now)
    if before is None:
        # "The first reading" only when it was: a month that went green, yellow, red says so.
        changes = sum(1 for step in facts.story if not step.carried)
        return text + t(lang, "report.health.first" if changes <= 1
                        else "report.health.first_in_month")
    if before.color == now.color and before.score == now.score:
        return text + t(lang, "report.health.unchanged")
    rank_now, rank_before = COLOR_RANK.get(now.color, 3), COLOR_RANK.get(before.color, 3)
    if rank_now != rank_before:
        change = "better" if rank_now > rank_before else "worse"
    else:
        change = "better" if now.score > before.score else "worse"
    return text + t(lang, f"report.health.{change}", was=_color_text(lang, before))


def _renewal_text(facts: AccountMonth, lang: str) -> str:
    days = facts.renewal_days
    if facts.renewal_date is None or days is None:
        return t(lang, "report.renewal.none")
    when = facts.renewal_date.isoformat()
    if days < 0:
        return t(lang, "report.renewal.past", date=when, days=-days)
    if days <= RENEWAL_HORIZON_DAYS:
        return t(lang, "report.renewal.soon", date=when, days=days)
    return t(lang, "report.renewal.later", date=when, days=days)


def _task_text(task: TaskLine, lang: str, *, customer: bool = False) -> str:
    if task.theirs:
        # The customer's own: "your side (Li Wei)" to them, "customer · Li Wei" to us.
        side = t(lang, "report.joint.yours" if customer else "report.joint.theirs")
        owner = f"{side} · {task.owner}" if task.owner else side
    elif customer:
        owner = t(lang, f"report.role_name.{task.role}") if task.role in ROLE_ORDER else task.role
    else:
        owner = f"{task.role} · {task.owner}" if task.owner else task.role
    text = t(lang, "report.task", number=task.number, title=task.title, owner=owner)
    if task.done is not None:
        text += t(lang, "report.task_done", date=task.done.isoformat())
    elif task.due is not None:
        # The customer version gives the date only; "overdue" is the team's business.
        key = "report.task_overdue" if task.overdue and not customer else "report.task_due"
        text += t(lang, key, date=task.due.isoformat())
    return text


def _items(lines: Sequence[TaskLine], lang: str, *, customer: bool = False,
           limit: int = LIST_LIMIT) -> list[Item]:
    items = [Item(_task_text(x, lang, customer=customer)) for x in lines[:limit]]
    if len(lines) > limit:
        items.append(Item(t(lang, "report.more", count=len(lines) - limit)))
    return items


def _tally_text(tally: Tally, lang: str) -> str:
    return t(lang, "report.tally", closed=tally.closed, opened=tally.opened,
             overdue=tally.overdue)


def _role_key(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)


def headline(facts: AccountMonth, lang: str) -> str:
    """One line under the parent message: the month at a glance."""
    if facts.quiet:
        return t(lang, "report.headline_quiet", overdue=len(facts.overdue),
                 open=facts.open_count, health=_color_text(lang, facts.health_now))
    return t(lang, "report.headline", closed=len(facts.closed), opened=len(facts.opened),
             overdue=len(facts.overdue), notes=len(facts.notes),
             health=_color_text(lang, facts.health_now))


def compose_parent(facts: AccountMonth, lang: str) -> Reply:
    """The message the report's thread hangs under."""
    lang = _lang(lang)
    return Reply(title=parent_title(facts, lang), sections=[Section(text=headline(facts, lang))])


def _footer(facts: AccountMonth, lang: str) -> str:
    if facts.partial:
        return t(lang, "report.partial", date=facts.as_of.date().isoformat())
    return ""


def narrative_facts(facts: AccountMonth, *, shared: bool) -> NarrativeFacts:
    """The figures the narrative paragraph may speak of; the customer's are shared ones only."""
    if shared:
        done = [x for x in facts.closed if x.joint]
        return NarrativeFacts(
            account=facts.account_name, period=facts.month.key,
            closed=len(done), opened=sum(1 for x in facts.opened if x.joint),
            open_now=len(facts.shared_next), overdue=0,
            highlights=[(x.number, x.title) for x in done[:5]],
        )
    return NarrativeFacts(
        account=facts.account_name, period=facts.month.key,
        closed=len(facts.closed), opened=len(facts.opened), open_now=facts.open_count,
        overdue=len(facts.overdue),
        health=facts.health_now.color if facts.health_now else None,
        previous_health=facts.health_before.color if facts.health_before else None,
        renewal_date=facts.renewal_date,
        highlights=[(x.number, x.title) for x in facts.closed if x.shared][:5],
    )


def narrative(facts: AccountMonth, lang: str, llm: LanguageModel | None, *,
              shared: bool = False) -> str:
    """The report's opening paragraph: the model's draft when one is configured and its
    draft invents nothing, else the rules' (commands.ask.narrative)."""
    return draft_narrative(narrative_facts(facts, shared=shared), llm, lang=_lang(lang),
                           audience=CUSTOMER if shared else TEAM)


def _score_text(facts: AccountMonth, lang: str) -> str:
    tier, suggested = t(lang, f"tier.{facts.tier}"), t(lang, f"tier.{facts.suggested_tier}")
    key = "strategy.report.agrees" if facts.tier == facts.suggested_tier \
        else "strategy.report.disagrees"
    return t(lang, key, total=facts.account_score, tier=tier, suggested=suggested)


def compose_report(facts: AccountMonth, lang: str, *, chart: bool = True,
                   narrative: str = "") -> Reply:
    """The team's report: figures by role and person, notes, health, renewal, next actions."""
    lang = _lang(lang)
    title = t(lang, "report.title", account=facts.account_name, month=facts.month.label(lang))
    counts = Section(
        title=t(lang, "report.section.actions"),
        fields=[
            (t(lang, "report.field.closed"), str(len(facts.closed))),
            (t(lang, "report.field.opened"), str(len(facts.opened))),
            (t(lang, "report.field.overdue"), str(len(facts.overdue))),
            (t(lang, "report.field.open"), str(facts.open_count)),
        ],
    )
    health = Section(title=t(lang, "report.section.health"), text=_health_text(facts, lang))
    if len(facts.story) > 1:
        health.items = [Item(line) for line in story_lines(facts.story, lang)]
    renewal = Section(title=t(lang, "report.section.renewal"), text=_renewal_text(facts, lang))
    next_up = Section(
        title=t(lang, "report.section.next"),
        text="" if facts.next_actions else t(lang, "report.next_none"),
        items=_items(facts.next_actions, lang),
    )
    if facts.quiet:
        sections = [Section(text=t(lang, "report.quiet")), counts, health, renewal, next_up]
    else:
        unassigned = t(lang, "report.unassigned")
        sections = [
            counts,
            Section(
                title=t(lang, "report.section.by_role"),
                fields=[(role, _tally_text(tally, lang))
                        for role, tally in sorted(facts.by_role.items(),
                                                  key=lambda kv: _role_key(kv[0]))],
            ),
            Section(
                title=t(lang, "report.section.by_person"),
                fields=[(who or unassigned, _tally_text(tally, lang))
                        for who, tally in sorted(facts.by_person.items(),
                                                 key=lambda kv: (kv[0] == "", kv[0].casefold()))],
            ),
        ]
        if facts.closed:
            sections.append(Section(title=t(lang, "report.section.closed"),
                                    items=_items(facts.closed, lang)))
        notes = Section(
            title=t(lang, "report.section.notes"),
            text=t(lang, "report.notes_count", notes=len(facts.notes), meetings=facts.meetings,
                   executive=facts.exec_meetings),
            items=[Item(t(lang, "report.note", number=n.number, summary=n.summary))
                   for n in facts.notes[:LIST_LIMIT]],
        )
        if len(facts.notes) > LIST_LIMIT:
            notes.items.append(Item(t(lang, "report.more", count=len(facts.notes) - LIST_LIMIT)))
        sections.append(notes)
        if facts.decisions:
            sections.append(Section(
                title=t(lang, "capture.report_decisions", count=len(facts.decisions)),
                items=[Item(d) for d in facts.decisions[:LIST_LIMIT]]
                + ([Item(t(lang, "report.more", count=len(facts.decisions) - LIST_LIMIT))]
                   if len(facts.decisions) > LIST_LIMIT else []),
            ))
        sections += [health, renewal, next_up]
    their_side = _their_side(facts, lang)
    if their_side is not None:
        sections.insert(sections.index(next_up) + 1, their_side)
    if facts.account_score is not None:
        sections.append(Section(title=t(lang, "strategy.report.title"), text=_score_text(
            facts, lang)))
    if narrative:
        sections.insert(0, Section(text=narrative))
    reply = Reply(title=title, sections=sections, footer=_footer(facts, lang))
    if chart:
        reply.attachments.append(chart_attachment(facts, lang, shared=False))
    return reply


def _their_side(facts: AccountMonth, lang: str) -> Section | None:
    """The internal report's short section on the customer's side of the plan."""
    done = sum(1 for x in facts.closed if x.theirs)
    opened = sum(1 for x in facts.opened if x.theirs)
    if not (done or opened or facts.theirs_open):
        return None
    late = [x for x in facts.theirs_open if x.overdue]
    return Section(title=t(lang, "report.joint.their_section"),
                   text=t(lang, "report.joint.their_counts", closed=done, opened=opened,
                          open=len(facts.theirs_open), overdue=len(late)),
                   items=_items(late, lang))


def compose_shared(facts: AccountMonth, lang: str, *, chart: bool = True,
                   narrative: str = "", for_customer: bool = False) -> Reply:
    """The joint report: both sides' actions on the joint plan (shared ones and the
    customer's own), and nothing internal (no notes, no health, no stakeholders, no names
    of ours), plus the same as a Markdown file. ``narrative`` must be the customer's
    (``narrative(..., shared=True)``). ``for_customer``: posted where the customer reads
    it (a shared channel): no word to the team and no file; otherwise the team's footer
    and the file to forward."""
    lang = _lang(lang)
    done = [x for x in facts.closed if x.joint]
    done_numbers = {x.number for x in done}
    # Opened and done in the same month: listed once, as done.
    started = [x for x in facts.opened if x.joint and x.number not in done_numbers]
    title = t(lang, "report.shared.title", account=facts.account_name,
              month=facts.month.label(lang))
    sections: list[Section] = [Section(text=t(lang, "report.shared.intro"))]
    if narrative:
        sections.append(Section(text=narrative))
    if not (done or started or facts.shared_next):
        sections.append(Section(text=t(lang, "report.shared.quiet")))
    if done:
        sections.append(Section(title=t(lang, "report.shared.done"),
                                items=_items(done, lang, customer=True)))
    if started:
        sections.append(Section(title=t(lang, "report.shared.started"),
                                items=_items(started, lang, customer=True)))
    if facts.shared_next:
        sections.append(Section(title=t(lang, "report.shared.next"),
                                items=_items(facts.shared_next, lang, customer=True)))
    reply = Reply(title=title, sections=sections,
                  footer="" if for_customer else t(lang, "report.shared.footer"))
    # No chart of nothing: an account that has shared no action in six months gets none.
    chart = chart and any(p.shared_open or p.shared_closed for p in facts.history)
    if for_customer:
        if chart:
            reply.attachments.append(chart_attachment(facts, lang, shared=True))
        return reply
    stem = f"{slug(facts.account_name)}-{facts.month.key}"
    chart_name = f"{stem}-shared.png" if chart else None
    reply.attachments.append(Attachment(
        filename=f"{stem}.md", content=shared_markdown(
            replace(reply, footer=t(lang, "report.joint.file_footer")), chart_name).encode(),
        mime="text/markdown", title=title,
    ))
    if chart:
        reply.attachments.append(chart_attachment(facts, lang, shared=True))
    return reply


def shared_markdown(reply: Reply, chart_filename: str | None) -> str:
    """The shared Reply as a Markdown document to forward (it says exactly what the message
    says, so the two can never disagree on what is shown to the customer)."""
    lines = [f"# {reply.title}", ""]
    for section in reply.sections:
        if section.title:
            lines += [f"## {section.title}", ""]
        if section.text:
            lines += [section.text, ""]
        if section.items:
            lines += [f"- {item.text}" for item in section.items] + [""]
    if chart_filename:
        lines += [f"![]({chart_filename})", ""]
    if reply.footer:
        lines += [f"_{reply.footer}_", ""]
    return "\n".join(lines)


# --- charts -------------------------------------------------------------------------------


def chart_attachment(facts: AccountMonth, lang: str, *, shared: bool) -> Attachment:
    from bot import charts

    cl = charts.account_label_lang(_lang(lang))
    history = facts.history
    png = charts.account_chart(
        months=[p.month.key for p in history],
        opened=[p.shared_open if shared else p.open for p in history],
        closed=[p.shared_closed if shared else p.closed for p in history],
        scores=None if shared else [p.score for p in history],
        labels=charts.AccountChartLabels(
            title=t(cl, "report.chart.shared_title" if shared else "report.chart.title",
                    months=len(history)),
            opened=t(cl, "report.chart.open"), closed=t(cl, "report.chart.closed"),
            score=t(cl, "report.chart.score"), count_axis=t(cl, "report.chart.actions"),
            score_axis=t(cl, "report.chart.score"),
        ),
    )
    suffix = "-shared" if shared else ""
    return Attachment(filename=f"{slug(facts.account_name)}-{facts.month.key}{suffix}.png",
                      content=png, mime="image/png",
                      title=t(_lang(lang), "report.chart.shared_title" if shared
                              else "report.chart.file_title", months=len(history)))


# --- portfolio digest ---------------------------------------------------------------------


def worst_first(rows: Sequence[AccountMonth]) -> list[AccountMonth]:
    return sorted(rows, key=lambda f: (
        COLOR_RANK.get(f.color, 3), -len(f.overdue),
        f.health_now.score if f.health_now else 101, f.account_name.casefold(),
    ))


def _digest_row(f: AccountMonth, lang: str) -> tuple[str, str, str, str, str, str]:
    return (
        f.account_name,
        t(lang, f"tier.{f.tier}") if f.tier in {"core", "important", "potential"}
        else f.tier,
        _color_text(lang, f.health_now),
        str(len(f.overdue)),
        str(len(f.closed)),
        str(f.open_count),
    )


def gather_portfolio(session: Session, *, month: Month, tz: tzinfo,
                     now: datetime) -> list[AccountMonth]:
    return [gather_month(session, account=account, month=month, tz=tz, now=now)
            for account in repos.all_accounts(session)]


def compose_digest(rows: Sequence[AccountMonth], month: Month, lang: str, *,
                   chart: bool = True) -> Reply:
    """Every account in one table, worst first, with the portfolio chart; the full table
    also goes as a Markdown file, since a chat message only shows the first rows."""
    lang = _lang(lang)
    ordered = worst_first(rows)
    colors = [f.color for f in ordered]
    title = t(lang, "report.digest.title", month=month.label(lang))
    summary = Section(fields=[
        (t(lang, "report.digest.accounts"), str(len(ordered))),
        (t(lang, "color.red"), str(colors.count("red"))),
        (t(lang, "color.yellow"), str(colors.count("yellow"))),
        (t(lang, "color.green"), str(colors.count("green"))),
        (t(lang, "report.digest.no_health"),
         str(sum(1 for c in colors if _known(c) == "unknown"))),
        (t(lang, "report.field.closed"), str(sum(len(f.closed) for f in ordered))),
        (t(lang, "report.field.overdue"), str(sum(len(f.overdue) for f in ordered))),
    ])
    table = Section(title=t(lang, "report.digest.table"))
    if not ordered:
        table.text = t(lang, "report.digest.empty")
    for f in ordered[:DIGEST_ROWS]:
        name, tier, health, overdue, closed, _ = _digest_row(f, lang)
        table.items.append(Item(t(lang, "report.digest.row", account=name, tier=tier,
                                  health=health, overdue=overdue, closed=closed)))
    if len(ordered) > DIGEST_ROWS:
        table.items.append(Item(t(lang, "report.digest.more", count=len(ordered) - DIGEST_ROWS)))
    reply = Reply(title=title, sections=[summary, table])
    head = [t(lang, f"report.digest.col.{c}")
            for c in ("account", "tier", "health", "overdue", "closed", "open")]
    md = [f"# {title}", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    md += ["| " + " | ".join(cell.replace("|", "\\|") for cell in _digest_row(f, lang)) + " |"
           for f in ordered]
    reply.attachments.append(Attachment(filename=f"portfolio-{month.key}.md",
                                        content=("\n".join(md) + "\n").encode(),
                                        mime="text/markdown", title=title))
    if chart:
        reply.attachments.append(portfolio_chart_attachment(ordered, month, lang))
    return reply


def portfolio_chart_attachment(rows: Sequence[AccountMonth], month: Month,
                               lang: str) -> Attachment:
    from bot import charts

    cl = charts.label_lang(_lang(lang))
    months = [month.shift(i - HISTORY_MONTHS + 1) for i in range(HISTORY_MONTHS)]
    per_month: dict[Month, dict[str, int]] = {m: {} for m in months}
    closed = dict.fromkeys(months, 0)
    for f in rows:
        for point in f.history:
            if point.month in per_month:
                bucket = per_month[point.month]
                bucket[_known(point.color)] = bucket.get(_known(point.color), 0) + 1
                closed[point.month] += point.closed
    png = charts.portfolio_chart(
        months=[m.key for m in months],
        green=[per_month[m].get("green", 0) for m in months],
        yellow=[per_month[m].get("yellow", 0) for m in months],
        red=[per_month[m].get("red", 0) for m in months],
        unknown=[per_month[m].get("unknown", 0) for m in months],
        closed=[closed[m] for m in months],
        labels=charts.PortfolioChartLabels(
            title=t(cl, "report.chart.portfolio_title", months=HISTORY_MONTHS),
            # Plain words: chart fonts have no colour emoji.
            green=t(cl, "report.chart.green"), yellow=t(cl, "report.chart.yellow"),
            red=t(cl, "report.chart.red"), unknown=t(cl, "report.chart.unknown"),
            closed=t(cl, "report.chart.closed"), accounts_axis=t(cl, "report.chart.accounts"),
            closed_axis=t(cl, "report.chart.closed"),
        ),
    )
    return Attachment(filename=f"portfolio-{month.key}.png", content=png, mime="image/png",
                      title=t(_lang(lang), "report.chart.portfolio_title",
                              months=HISTORY_MONTHS))
