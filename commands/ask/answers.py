"""Deterministic answers: an intent plus the account's facts -> a short, sourced Reply.

No model is involved; every line comes from the record and names its source (task
``#n``, ``note n``, a signal and its date, the plan or the account card). A question this
cannot answer gets the closest facts and says so. The answers themselves live by topic in
``answer_tasks`` (work), ``answer_health`` (health and signals), ``answer_account`` (the
card, people, plan) and ``answer_notes`` (what was said, meetings); this module holds
what they share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.messages import Item, Reply
from commands.ask.facts import AccountFacts, NoteFact, TaskFact, reason_line, task_fact
from commands.ask.intents import Intent, Kind, Period
from commands.ask.postprocess import defang
from commands.format import fmt_date
from commands.format import task_line as format_task_line
from commands.i18n import Translator
from storage import ask_repo, repos
from storage.models import Person, Task

MAX_ITEMS = 15
SNIPPET = 280


@dataclass(slots=True)
class Answer:
    """A reply and the record items it cites (task and note numbers, signals, sections)."""

    reply: Reply
    tasks: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)
    # Other sources, already in words: "NPS 2026-11-02", "plan: goals", "account card".
    refs: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks, for "mine": their person id and the people their mentions name."""

    person_id: int | None
    mentioned: dict[str, int] = field(default_factory=dict)  # mention token -> person id


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(defang(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def period_bounds(period: Period, today: date) -> tuple[datetime, datetime]:
    """[start, end) of a period relative to ``today``, as UTC datetimes."""
    if period in (Period.LAST_MONTH, Period.THIS_MONTH):
        first = today.replace(day=1)
        if period is Period.THIS_MONTH:
            start, end = first, (first + timedelta(days=32)).replace(day=1)
        else:
            start, end = (first - timedelta(days=1)).replace(day=1), first
    else:
        monday = today - timedelta(days=today.weekday())
        start, end = (monday - timedelta(days=7), monday) if period is Period.LAST_WEEK else (
            monday, monday + timedelta(days=7))
    return (datetime.combine(start, datetime.min.time(), UTC),
            datetime.combine(end, datetime.min.time(), UTC))


class Answerer:
    """Answers one question about one account; holds what every answer needs."""

    def __init__(self, session: Session, *, facts: AccountFacts, t: Translator, asker: Asker) -> None:
        self.session = session
        self.facts = facts
        self.t = t
        self.asker = asker
        self.rows = ask_repo.TaskRows(session, account_id=facts.account_id, loaded=facts.task_rows,
                                      numbers=[x.number for x in facts.open_tasks])
        self.people: dict[int, Person] = dict(facts.people)

    # --- formatting helpers ---------------------------------------------------------

    def task_line(self, task: TaskFact) -> str:
        """The line `open` and `tasks` print: ``#3 Send the quote · SR · bob · due ...``."""
        line = format_task_line(self.t, self.rows[task.number], self.people, self.facts.today)
        row = self.rows[task.number]
        if row.owner_text and row.assignee_id is None:
            line = line.replace(self.t("task.unassigned"), row.owner_text, 1)
        return line

    def day(self, day: date) -> str:
        return fmt_date(self.t.lang, day, weekday=False)

    def note_ref(self, number: int) -> str:
        return self.t("ask.note_ref", number=number)

    def note_line(self, note: NoteFact) -> str:
        author = self.t("ask.note.by", author=note.author) if note.author else ""
        return self.t("ask.note.line", ref=self.note_ref(note.number), date=self.day(note.at.date()),
                      author=author, text=snippet(note.text))

    def color(self, color: str) -> str:
        return self.t(f"color.{color}") if color in {"green", "yellow", "red"} else color

    def tier(self, tier: str | None) -> str:
        return self.t(f"tier.{tier}") if tier in {"core", "important", "potential"} else (tier or "—")

    def sources(self, answer: Answer) -> str:
        refs = ([f"#{n}" for n in sorted(answer.tasks)] + [self.note_ref(n) for n in sorted(answer.notes)]
                + list(dict.fromkeys(answer.refs)))
        return self.t("ask.sources", refs=self.t("ask.list_sep").join(refs)) if refs else ""

    def finish(self, answer: Answer) -> Answer:
        answer.reply.footer = self.sources(answer)
        return answer

    def task_items(self, tasks: list[TaskFact], answer: Answer, *, limit: int = MAX_ITEMS) -> list[Item]:
        ordered = sorted(tasks, key=lambda x: (not x.is_overdue, x.due or date.max, x.number))
        self.rows.prefetch(x.number for x in ordered[:limit])
        items = [Item(self.task_line(x)) for x in ordered[:limit]]
        answer.tasks.update(x.number for x in ordered[:limit])
        if len(ordered) > limit:
            items.append(Item(self.t("ask.more", count=len(ordered) - limit)))
        return items

    def reasons(self, reasons: list[dict[str, object]]) -> list[str]:
        return [reason_line(self.t, r) for r in reasons]

    def facts_of(self, tasks: list[Task], note_numbers: dict[int, int] | None = None) -> list[TaskFact]:
        """Task rows as facts, remembering them (and their people) for task lines."""
        self.people.update(repos.persons_by_ids(
            self.session, ids={x.assignee_id for x in tasks if x.assignee_id} - self.people.keys()))
        self.rows.update({x.number: x for x in tasks})
        names = {pid: p.display_name for pid, p in self.people.items()}
        return [task_fact(x, today=self.facts.today, names=names, note_numbers=note_numbers or {})
                for x in tasks]

    def person_name(self, person_id: int) -> str:
        person = self.people.get(person_id)
        if person is None:
            self.people.update(repos.persons_by_ids(self.session, ids={person_id}))
            person = self.people.get(person_id)
        return (person.display_name or person.username or person.user_id) if person else "?"

    # --- dispatch ---------------------------------------------------------------------

    def answer(self, intent: Intent, question: str) -> Answer:
        from commands.ask import answer_account, answer_health, answer_notes, answer_tasks

        handlers: dict[Kind, Callable[[Answerer, Intent, str], Answer]] = {
            Kind.OPEN_TASKS: answer_tasks.open_tasks,
            Kind.DONE_TASKS: answer_tasks.done_tasks,
            Kind.CANCELLED_TASKS: answer_tasks.cancelled_tasks,
            Kind.CUSTOMER_TASKS: answer_tasks.customer_tasks,
            Kind.ROLE_HOLDER: answer_account.role_holder,
            Kind.HEALTH: answer_health.health,
            Kind.SIGNALS: answer_health.signals,
            Kind.RENEWAL: answer_account.renewal,
            Kind.MONEY: answer_account.money,
            Kind.TIER: answer_account.tier,
            Kind.INDUSTRY: answer_account.industry,
            Kind.SCORE: answer_account.score,
            Kind.STAKEHOLDERS: answer_account.stakeholders,
            Kind.PLAN: answer_account.plan,
            Kind.AGREEMENT: answer_notes.agreement,
            Kind.LAST_MEETING: answer_notes.last_meeting,
            Kind.SUMMARY: answer_account.summary,
            Kind.UNKNOWN: answer_notes.unknown,
        }
        return self.finish(handlers[intent.kind](self, intent, question))
