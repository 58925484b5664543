"""Answers about work: open, overdue and due work by role, person and window; work done
recently; cancelled work; what the customer's side owes us."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.messages import Item, Reply, Section, Tone
from commands.ask.facts import TaskFact
from commands.ask.intents import Intent
from commands.ask.periods import Window
from commands.format import fmt_date
from commands.textfold import fold
from storage import record_repo
from storage.models import Role, Task, TaskStatus

if TYPE_CHECKING:
    from commands.ask.answers import Answer, Answerer

RECENT_LIMIT = 10


def window_text(a: Answerer, window: Window) -> str:
    month = ""
    if window.start is not None:
        month = (f"{window.start.month}月" if a.t.lang == "zh"
                 else window.start.strftime("%B %Y"))
    return a.t(f"ask.window.{window.kind}", days=window.days, month=month,
               date=fmt_date(a.t.lang, window.end, weekday=False) if window.end else "")


def person_filter(a: Answerer, intent: Intent) -> tuple[int | None, str | None]:
    """(person id, name) the question is about, or (None, None); -1 for a mention of
    someone unknown (nothing is theirs)."""
    if intent.person == "mine":
        return a.asker.person_id, a.t("ask.you")
    if intent.person == "nobody":
        return 0, a.t("ask.nobody")
    if intent.person:
        pid = a.asker.mentioned.get(intent.person)
        return (pid if pid is not None else -1), intent.person
    if intent.who is not None and intent.who.kind == "team":
        return intent.who.id, intent.who.name
    return None, None


def _scope_text(a: Answerer, scope: list[str], window: Window | None) -> str:
    """" for SR" / "（SR）", then " due next week" / "（下周到期）"."""
    text = a.t("ask.open.scope", scope=" · ".join(scope)) if scope else ""
    if window is not None:
        text += a.t("ask.window.scope", window=window_text(a, window))
    return text


def _scope(a: Answerer, intent: Intent, tasks: list[TaskFact]) -> tuple[list[TaskFact], list[str]]:
    scope: list[str] = []
    if intent.role:
        tasks = [x for x in tasks if x.role == intent.role]
        scope.append(intent.role)
    pid, who = person_filter(a, intent)
    if pid is not None:
        # 0 stands for "nobody": the tasks no person holds.
        tasks = [x for x in tasks if (x.assignee_id or 0) == pid]
        scope.append(who or "")
    return tasks, scope


def on_topic(a: Answerer, question: str, tasks: list[TaskFact]) -> list[TaskFact]:
    """The tasks whose title speaks about what the question names ("what's left on the
    installation?"); none when no title does, so a stray word never empties a list."""
    from commands.ask.topics import titles_about

    wanted = set(titles_about(question, [(x.number, x.title) for x in tasks]))
    return [x for x in tasks if x.number in wanted]


def about_topic(a: Answerer, question: str) -> list[TaskFact]:
    """Open and recently closed tasks whose titles speak about the question's topic."""
    from commands.ask.topics import titles_about

    closed = a.facts_of([x for x in a.facts.closed_rows if x.number not in a.rows])
    every = [x for x in a.facts.open_tasks] + closed
    wanted = set(titles_about(question, [(x.number, x.title) for x in every]))
    return [x for x in every if x.number in wanted]


def topic_answer(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    tasks = about_topic(a, question)
    reply = Reply(title=a.t("ask.topic.title", account=a.facts.name, count=len(tasks)))
    answer = Answer(reply, tasks={x.number for x in tasks})
    ordered = sorted(tasks, key=lambda x: (x.status != TaskStatus.OPEN.value, not x.is_overdue, x.number))
    a.rows.prefetch(x.number for x in ordered[:15])
    reply.sections.append(Section(items=[Item(_closed_line(a, x)) for x in ordered[:15]]))
    return answer


def open_tasks(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    if intent.aspect == "topic":
        return topic_answer(a, intent, question)

    f = a.facts
    ours = [x for x in f.open_tasks if x.role != Role.CUSTOMER.value]
    tasks, scope = _scope(a, intent, ours)
    topical = on_topic(a, question, tasks)
    if topical:
        tasks = topical
    if intent.overdue:
        tasks = [x for x in tasks if x.is_overdue]
    window = intent.window if not intent.overdue else None
    if window is not None:
        tasks = [x for x in tasks if window.holds(x.due)]
    key = "ask.open.overdue_title" if intent.overdue else "ask.open.title"
    scope_text = _scope_text(a, scope, window)
    reply = Reply(title=a.t(key, account=f.name, count=len(tasks), scope=scope_text))
    answer = Answer(reply)
    if not tasks:
        reply.tone = Tone.SUCCESS
        empty = "ask.open.none_overdue" if intent.overdue else (
            "ask.window.none" if window is not None else "ask.open.none")
        reply.sections.append(Section(text=a.t(empty)))
        if (intent.overdue or window is not None or scope) and ours:
            reply.sections[0].text += " " + a.t("ask.open.still_open", count=len(ours))
        return answer
    reply.sections.append(Section(items=a.task_items(tasks, answer)))
    overdue = sum(1 for x in tasks if x.is_overdue)
    if overdue and not intent.overdue:
        reply.tone = Tone.WARNING
        reply.sections.append(Section(text=a.t("ask.open.overdue_count", count=overdue)))
    customer = len(f.open_tasks) - len(ours)
    if customer and not scope:
        reply.sections.append(Section(text=a.t("ask.customer.also", count=customer)))
    return answer


def _closed(a: Answerer, intent: Intent, status: str) -> tuple[list[TaskFact], bool]:
    """Closed tasks in the intent's window (most recent first) and whether the window held
    any; without one in it, the most recently closed."""
    since = None
    if intent.window is not None and intent.window.start is not None:
        since = intent.window.bounds()[0]
    rows = list(record_repo.closed_tasks(a.session, account_id=a.facts.account_id, status=status,
                                         since=since, limit=RECENT_LIMIT * 3))
    in_window = True
    if intent.window is not None:
        rows = [r for r in rows if r.closed_at is None or intent.window.holds(r.closed_at.date())]
    facts, _ = _scope(a, intent, a.facts_of(rows))
    if not facts and since is not None:
        rows = list(record_repo.closed_tasks(a.session, account_id=a.facts.account_id, status=status,
                                             limit=RECENT_LIMIT * 3))
        facts, _ = _scope(a, intent, a.facts_of(rows))
        in_window = False
    order = {r.number: i for i, r in enumerate(rows)}
    return sorted(facts, key=lambda x: order.get(x.number, 0))[:RECENT_LIMIT], in_window


def _closed_line(a: Answerer, task: TaskFact) -> str:
    row = a.rows[task.number]
    line = a.task_line(task)
    if row.closed_at is not None:
        line += " · " + a.t("ask.done.on", date=a.day(row.closed_at.date()))
    if row.cancel_reason:
        line += " · " + a.t("ask.cancelled.reason", reason=row.cancel_reason)
    return line


def done_tasks(a: Answerer, intent: Intent, question: str) -> Answer:
    return _closed_answer(a, intent, TaskStatus.DONE.value, "done")


def cancelled_tasks(a: Answerer, intent: Intent, question: str) -> Answer:
    return _closed_answer(a, intent, TaskStatus.CANCELLED.value, "cancelled")


def _closed_answer(a: Answerer, intent: Intent, status: str, key: str) -> Answer:
    from commands.ask.answers import Answer

    tasks, in_window = _closed(a, intent, status)
    _, scope = _scope(a, intent, [])
    scope_text = _scope_text(a, scope, intent.window if in_window else None)
    reply = Reply(title=a.t(f"ask.{key}.title", account=a.facts.name, count=len(tasks), scope=scope_text))
    answer = Answer(reply, tasks={x.number for x in tasks})
    if not tasks:
        reply.sections.append(Section(text=a.t(f"ask.{key}.none")))
        return answer
    if not in_window:
        reply.sections.append(Section(text=a.t("ask.done.not_in_window")))
    reply.sections.append(Section(items=[Item(_closed_line(a, x)) for x in tasks]))
    return answer


def customer_tasks(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    f = a.facts
    rows = list(record_repo.customer_tasks(a.session, account_id=f.account_id))
    title = a.t("ask.customer.title", account=f.name, count=len(rows))
    note = ""
    if intent.who is not None and intent.who.kind == "stakeholder":
        theirs = [r for r in rows if is_theirs(r, intent.who.id, intent.who.name)]
        if theirs or not rows:
            rows = theirs
            title = a.t("ask.customer.person_title", who=intent.who.name, account=f.name, count=len(rows))
        else:
            note = a.t("ask.customer.person_none", who=intent.who.name)
    reply = Reply(title=title)
    answer = Answer(reply)
    if note:
        reply.sections.append(Section(text=note))
    items = customer_items(a, answer, rows)
    if not items:
        reply.sections.append(Section(text=a.t("ask.customer.none")))
        return answer
    reply.sections.append(Section(items=items))
    return answer


def is_theirs(row: Task, stakeholder_id: int, name: str) -> bool:
    """A customer action of this person: linked to them, or with one of their name forms
    ("Maria", "Maria Lopez", "陈总") as the owner written on the task."""
    from commands.ask.understand import name_forms

    if row.stakeholder_id == stakeholder_id:
        return True
    owner = " ".join(fold(row.owner_text or "").split())
    return bool(owner) and (owner in name_forms(name) or fold(name) in name_forms(owner))


def person_customer_tasks(a: Answerer, stakeholder_id: int, name: str) -> list[Task]:
    rows = record_repo.customer_tasks(a.session, account_id=a.facts.account_id)
    return [r for r in rows if is_theirs(r, stakeholder_id, name)]


def customer_items(a: Answerer, answer: Answer, rows: list[Task]) -> list[Item]:
    """The lines of the customer's actions, each with its owner on their side."""
    f = a.facts
    names = {s.id: s.name for s in f.stakeholders if s.id is not None}
    facts = a.facts_of(rows)
    answer.tasks.update(x.number for x in facts)
    items = []
    for task in sorted(facts, key=lambda x: (not x.is_overdue, x.due or f.today, x.number)):
        row = a.rows[task.number]
        owner = names.get(row.stakeholder_id or -1) or row.owner_text or a.t("ask.customer.them")
        bits = [f"#{task.number} {task.title}", owner]
        if task.due:
            bits.append(a.t("task.due", date=fmt_date(a.t.lang, task.due)))
        if task.is_overdue:
            bits.append(a.t("task.overdue_days", days=task.overdue_days))
        items.append(Item(" · ".join(bits)))
    return items
