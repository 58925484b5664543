"""Deterministic answers: an intent plus the account's facts -> a short, sourced Reply.

No model is involved; every line comes from the record and names its source (task
``#n``, ``note n``). A question this cannot answer gets the closest facts and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.messages import Item, Reply, Section, Tone
from commands.ask.context import relevant_note_ids
from commands.ask.facts import AccountFacts, NoteFact, TaskFact, note_fact, reason_line, task_fact
from commands.ask.intents import Intent, Kind, Period, title_in
from commands.ask.postprocess import defang
from commands.format import fmt_date
from commands.format import task_line as format_task_line
from commands.i18n import Translator
from storage import ask_repo, repos
from storage.models import Note, Person, Task

MAX_ITEMS = 15
SNIPPET = 280
_RENEWAL_WORDS = re.compile(r"renew|contract|续约|续签|合同", re.I)


@dataclass(slots=True)
class Answer:
    """A reply and the record items it cites (task numbers, note numbers)."""

    reply: Reply
    tasks: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)


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
        self.rows: dict[int, Task] = dict(facts.task_rows)
        self.people: dict[int, Person] = dict(facts.people)

    # --- formatting helpers ---------------------------------------------------------

    def task_line(self, task: TaskFact) -> str:
        """The line `open` and `tasks` print: ``#3 Send the quote · SR · bob · due ...``."""
        return format_task_line(self.t, self.rows[task.number], self.people, self.facts.today)

    def day(self, day: date) -> str:
        return fmt_date(self.t.lang, day, weekday=False)

    def note_ref(self, number: int) -> str:
        return self.t("ask.note_ref", number=number)

    def note_line(self, note: NoteFact) -> str:
        author = self.t("ask.note.by", author=note.author) if note.author else ""
        return self.t("ask.note.line", ref=self.note_ref(note.number), date=self.day(note.at.date()),
                      author=author, text=snippet(note.text))

    def sources(self, answer: Answer) -> str:
        refs = [f"#{n}" for n in sorted(answer.tasks)] + [self.note_ref(n) for n in sorted(answer.notes)]
        return self.t("ask.sources", refs=self.t("ask.list_sep").join(refs)) if refs else ""

    def finish(self, answer: Answer) -> Answer:
        answer.reply.footer = self.sources(answer)
        return answer

    def task_items(self, tasks: list[TaskFact], answer: Answer) -> list[Item]:
        ordered = sorted(tasks, key=lambda x: (not x.is_overdue, x.due or date.max, x.number))
        items = [Item(self.task_line(x)) for x in ordered[:MAX_ITEMS]]
        answer.tasks.update(x.number for x in ordered[:MAX_ITEMS])
        if len(ordered) > MAX_ITEMS:
            items.append(Item(self.t("ask.more", count=len(ordered) - MAX_ITEMS)))
        return items

    def reasons(self, reasons: list[dict[str, object]]) -> list[str]:
        return [reason_line(self.t, r) for r in reasons]

    # --- the intents ------------------------------------------------------------------

    def answer(self, intent: Intent, question: str) -> Answer:
        handlers: dict[Kind, Callable[[Intent, str], Answer]] = {
            Kind.OPEN_TASKS: self.open_tasks,
            Kind.ROLE_HOLDER: self.role_holder,
            Kind.HEALTH: self.health,
            Kind.LAST_MEETING: self.last_meeting,
            Kind.AGREEMENT: self.agreement,
            Kind.RENEWAL: self.renewal,
            Kind.STAKEHOLDERS: self.stakeholders,
            Kind.SUMMARY: self.summary,
            Kind.UNKNOWN: self.unknown,
        }
        return self.finish(handlers[intent.kind](intent, question))

    def _person_filter(self, intent: Intent, question: str) -> tuple[int | None, str | None]:
        """(person id, name) the question is about, or (None, None)."""
        if intent.person == "mine":
            return self.asker.person_id, self.t("ask.you")
        if intent.person:
            pid = self.asker.mentioned.get(intent.person)
            return (pid if pid is not None else -1), intent.person
        folded = question.casefold()
        for pid, name in self.facts.holders.values():
            if not name:
                continue
            key = name.casefold()
            # Chinese names stand inside words (张伟还有哪些待办); Latin names stand alone.
            if (key in folded if re.search(r"[\u4e00-\u9fff]", key)
                    else re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded)):
                return pid, name
        return None, None

    def open_tasks(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        tasks = f.open_tasks
        scope: list[str] = []
        if intent.overdue:
            tasks = [x for x in tasks if x.is_overdue]
        if intent.role:
            tasks = [x for x in tasks if x.role == intent.role]
            scope.append(intent.role)
        pid, who = self._person_filter(intent, question)
        if pid is not None:
            tasks = [x for x in tasks if x.assignee_id == pid]
            scope.append(who or "")
        key = "ask.open.overdue_title" if intent.overdue else "ask.open.title"
        scope_text = self.t("ask.open.scope", scope=" · ".join(scope)) if scope else ""
        reply = Reply(title=self.t(key, account=f.name, count=len(tasks), scope=scope_text))
        answer = Answer(reply)
        if not tasks:
            reply.tone = Tone.SUCCESS
            empty = "ask.open.none_overdue" if intent.overdue else "ask.open.none"
            reply.sections.append(Section(text=self.t(empty)))
            if intent.overdue and f.open_tasks:
                reply.sections[0].text += " " + self.t("ask.open.still_open", count=len(f.open_tasks))
            return answer
        reply.sections.append(Section(items=self.task_items(tasks, answer)))
        overdue = sum(1 for x in tasks if x.is_overdue)
        if overdue and not intent.overdue:
            reply.tone = Tone.WARNING
            reply.sections.append(Section(text=self.t("ask.open.overdue_count", count=overdue)))
        return answer

    def role_holder(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        roles = [intent.role] if intent.role else ["AR", "SR", "FR", "SPONSOR"]
        fields = []
        for role in roles:
            holder = f.holders.get(role)
            fields.append((self.t(f"role.{role}"), holder[1] if holder else self.t("ask.role.vacant")))
        if intent.role:
            holder = f.holders.get(intent.role)
            text = (self.t("ask.role.holder", role=self.t(f"role.{intent.role}"), account=f.name,
                           who=holder[1]) if holder else
                    self.t("ask.role.none", role=self.t(f"role.{intent.role}"), account=f.name))
            reply = Reply(title=text)
            if holder:
                mine = [x for x in f.open_tasks if x.role == intent.role]
                if mine:
                    reply.sections.append(Section(text=self.t("ask.role.open", count=len(mine))))
            return Answer(reply)
        return Answer(Reply(title=self.t("ask.role.triangle", account=f.name), sections=[Section(fields=fields)]))

    def health(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        if f.health is None:
            reply = Reply(title=self.t("ask.health.none", account=f.name))
            reply.sections.append(Section(fields=self.operational_fields()))
            return Answer(reply)
        h = f.health
        color = self.t(f"color.{h.color}") if h.color in {"green", "yellow", "red"} else h.color
        title = self.t("ask.health.title", account=f.name, color=color, score=h.score,
                       date=self.day(h.on))
        # Never Tone.ERROR: that marks a refusal (shown privately); a red account is not one.
        tone = {"green": Tone.SUCCESS, "yellow": Tone.WARNING, "red": Tone.WARNING}.get(h.color, Tone.INFO)
        reply = Reply(title=title, tone=tone)
        reasons = self.reasons(h.reasons)
        answer_tasks = {int(r["values"]["number"]) for r in h.reasons
                        if isinstance(r.get("values"), dict) and isinstance(r["values"].get("number"), int)}
        reply.sections.append(Section(title=self.t("ask.health.why"),
                                      items=[Item(r) for r in reasons] or [Item(self.t("ask.health.no_reasons"))]))
        if h.previous_color and h.previous_color != h.color:
            prev = self.t(f"color.{h.previous_color}") if h.previous_color in {"green", "yellow", "red"} else h.previous_color
            reply.sections.append(Section(text=self.t("ask.health.trend", before=prev, now=color)))
        reply.sections.append(Section(fields=self.operational_fields()))
        return Answer(reply, tasks=answer_tasks)

    def operational_fields(self) -> list[tuple[str, str]]:
        f = self.facts
        fields = [(self.t("ask.field.open"), str(len(f.open_tasks))),
                  (self.t("ask.field.overdue"), str(len(f.overdue_tasks)))]
        if f.last_note is not None:
            days = (f.today - f.last_note.at.date()).days
            fields.append((self.t("ask.field.last_note"),
                           self.t("ask.days_ago", ref=self.note_ref(f.last_note.number), days=days)))
        if f.renewal_date is not None:
            fields.append((self.t("ask.field.renewal"),
                           self.t("ask.renewal.in_days", date=self.day(f.renewal_date),
                                  days=f.days_to_renewal)))
        return fields

    def last_meeting(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        if f.last_note is None:
            return Answer(Reply(title=self.t("ask.meeting.none", account=f.name)))
        note = f.last_note
        reply = Reply(title=self.t("ask.meeting.title", account=f.name, ref=self.note_ref(note.number),
                                   date=self.day(note.at.date())))
        answer = Answer(reply, notes={note.number})
        reply.sections.append(Section(text=snippet(note.text, 800)))
        found = repos.note_by_number(self.session, account_id=f.account_id, number=note.number)
        actions = self._tasks_of_notes([found] if found else [])
        if actions:
            reply.sections.append(Section(title=self.t("ask.meeting.actions"),
                                          items=self.task_items(actions, answer)))
        return answer

    def _tasks_of_notes(self, notes: list[Note]) -> list[TaskFact]:
        ids = [n.id for n in notes if n.id is not None]
        tasks = ask_repo.tasks_from_notes(self.session, account_id=self.facts.account_id, note_ids=ids)
        self.people.update(repos.persons_by_ids(
            self.session, ids={x.assignee_id for x in tasks if x.assignee_id} - self.people.keys()))
        self.rows.update({x.number: x for x in tasks})
        names = {pid: p.display_name for pid, p in self.people.items()}
        numbers = {n.id: n.number for n in notes if n.id is not None}
        return [task_fact(x, today=self.facts.today, names=names, note_numbers=numbers) for x in tasks]

    def relevant_notes(self, question: str, *, period: Period | None = None, limit: int = 3) -> list[Note]:
        window = period_bounds(period, self.facts.today) if period else None
        ids = relevant_note_ids(self.session, account_id=self.facts.account_id, question=question,
                                ignore=self.facts.name.split(), window=window, limit=limit,
                                with_recent=False)
        notes = ask_repo.notes_by_ids(self.session, account_id=self.facts.account_id, ids=ids)
        ordered = [notes[i] for i in ids if i in notes]
        if window is not None:
            ordered = [n for n in ordered if window[0] <= n.created_at < window[1]]
        return ordered[:limit]

    def agreement(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        notes = self.relevant_notes(question, period=intent.period)
        note_in_period = True
        if not notes and intent.period is not None:
            notes = self.relevant_notes(question)
            note_in_period = False
        if not notes:
            return self.unknown(intent, question)
        reply = Reply(title=self.t("ask.agreement.title", account=f.name))
        answer = Answer(reply, notes={n.number for n in notes})
        if not note_in_period:
            reply.sections.append(Section(text=self.t("ask.agreement.not_in_period")))
        reply.sections.append(Section(items=[Item(self.note_line(note_fact(n))) for n in notes]))
        actions = self._tasks_of_notes(notes)
        if actions:
            reply.sections.append(Section(title=self.t("ask.meeting.actions"),
                                          items=self.task_items(actions, answer)))
        reply.sections.append(Section(text=self.t("ask.agreement.read_notes")))
        return answer

    def renewal(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        if f.renewal_date is None:
            reply = Reply(title=self.t("ask.renewal.unknown", account=f.name))
        else:
            days = f.days_to_renewal or 0
            key = "ask.renewal.past" if days < 0 else "ask.renewal.title"
            reply = Reply(title=self.t(key, account=f.name, date=self.day(f.renewal_date), days=abs(days)))
        answer = Answer(reply)
        related = [x for x in f.open_tasks if _RENEWAL_WORDS.search(x.title)]
        if related:
            reply.sections.append(Section(title=self.t("ask.renewal.tasks"), items=self.task_items(related, answer)))
        elif f.renewal_date is not None:
            reply.sections.append(Section(text=self.t("ask.renewal.no_task")))
        return answer

    def stakeholders(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        people = f.stakeholders
        title = title_in(question)
        note = ""
        if title:
            matching = [s for s in people if s.title and title.casefold() in s.title.casefold()]
            if matching:
                people = matching
            elif people:
                note = self.t("ask.stakeholders.no_title", title=title, account=f.name)
        if not people:
            return Answer(Reply(title=self.t("ask.stakeholders.none", account=f.name)))
        items = []
        for s in people[:MAX_ITEMS]:
            bits = [b for b in (s.title, s.role) if b]
            if s.power is not None or s.interest is not None:
                bits.append(self.t("ask.stakeholders.power", power=s.power if s.power is not None else "-",
                                   interest=s.interest if s.interest is not None else "-"))
            if s.stance:
                bits.append(self.t("ask.stakeholders.stance", stance=s.stance))
            items.append(Item(s.name + (" — " + ", ".join(bits) if bits else "")))
        sections = ([Section(text=note)] if note else []) + [Section(items=items)]
        return Answer(Reply(title=self.t("ask.stakeholders.title", account=f.name, count=len(people)),
                            sections=sections))

    def summary(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        reply = Reply(title=self.t("ask.summary.title", account=f.name))
        answer = Answer(reply)
        fields = [(self.t("ask.field.tier"), self.t(f"tier.{f.tier}") if f.tier in {"core", "important", "potential"} else f.tier)]
        if f.industry:
            fields.append((self.t("ask.field.industry"), f.industry))
        if f.health is not None:
            color = self.t(f"color.{f.health.color}") if f.health.color in {"green", "yellow", "red"} else f.health.color
            fields.append((self.t("ask.field.health"), f"{color} ({f.health.score})"))
        triangle = ", ".join(f"{role} {f.holders[role][1]}" for role in ("AR", "SR", "FR", "SPONSOR")
                             if role in f.holders)
        fields.append((self.t("ask.field.triangle"), triangle or self.t("ask.role.vacant")))
        fields.extend(self.operational_fields())
        fields.append((self.t("ask.field.done"), str(f.done_count)))
        fields.append((self.t("ask.field.stakeholders"), str(len(f.stakeholders))))
        reply.sections.append(Section(fields=fields))
        if f.last_note is not None:
            answer.notes.add(f.last_note.number)
        urgent = sorted(f.open_tasks, key=lambda x: (not x.is_overdue, x.due or date.max, x.number))[:5]
        if urgent:
            items = [Item(self.task_line(x)) for x in urgent]
            answer.tasks.update(x.number for x in urgent)
            reply.sections.append(Section(title=self.t("ask.summary.next"), items=items))
        return answer

    def unknown(self, intent: Intent, question: str) -> Answer:
        f = self.facts
        notes = self.relevant_notes(question)
        reply = Reply(title=self.t("ask.unknown.title", account=f.name))
        answer = Answer(reply, notes={n.number for n in notes})
        if notes:
            reply.sections.append(Section(title=self.t("ask.unknown.notes"),
                                          items=[Item(self.note_line(note_fact(n))) for n in notes]))
        reply.sections.append(Section(title=self.t("ask.unknown.facts"), fields=self.operational_fields()))
        reply.sections.append(Section(text=self.t("ask.unknown.hint")))
        return answer
