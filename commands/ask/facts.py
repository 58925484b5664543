"""The structured facts of one account, read once: what answers and prompts are made of.

Everything here is read from the database for exactly one account id; nothing here
formats for a person (see answers.py) or for a model (see context.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from commands.ask.understand import Known
from commands.health import Fix, assess, load_config
from commands.health_text import reason_text
from commands.i18n import CatalogError, Translator
from commands.textfold import fold
from storage import ask_repo, health_repo, record_repo, repos
from storage.models import Account, Note, Person, Task, TaskStatus


@dataclass(frozen=True, slots=True)
class TaskFact:
    number: int
    title: str
    role: str
    assignee: str | None
    assignee_id: int | None
    due: date | None
    status: str
    overdue_days: int = 0
    source_note: int | None = None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass(frozen=True, slots=True)
class NoteFact:
    number: int
    at: datetime
    text: str
    author: str | None = None


@dataclass(frozen=True, slots=True)
class StakeholderFact:
    name: str
    title: str | None
    role: str | None
    power: int | None
    interest: int | None
    stance: str | None
    id: int | None = None
    relationship: int | None = None


@dataclass(frozen=True, slots=True)
class HealthFact:
    color: str
    score: int
    reasons: list[dict[str, Any]]
    on: date
    # The last recorded colour, when it differs from now's.
    previous_color: str | None = None
    # What would clear each reason, and which role can act (commands.health.Fix).
    fixes: list[Fix] = field(default_factory=list)
    # False: too little on record to give a colour (commands.health.Health.enough_data);
    # ``measured`` of ``needed`` measures have data.
    enough_data: bool = True
    measured: int = 0
    needed: int = 0


@dataclass(frozen=True, slots=True)
class SignalFact:
    metric: str
    value: float | None
    day: date | None  # the meeting's date, for exec_meeting
    recorded: date


def reason_line(t: Translator, reason: dict[str, object]) -> str:
    """A stored health reason in words: commands.health's coded reasons as `health` prints
    them; anything else (older snapshots) by its text."""
    if "code" in reason and "severity" in reason:
        try:
            return reason_text(t, reason)
        except (CatalogError, KeyError, ValueError):
            pass
    for name in ("text", "reason", "message", "detail"):
        if isinstance(reason.get(name), str):
            return str(reason[name])
    return ", ".join(f"{k}={v}" for k, v in reason.items())



@dataclass(slots=True)
class AccountFacts:
    account_id: int
    name: str
    tier: str
    today: date
    industry: str | None = None
    renewal_date: date | None = None
    revenue: float | None = None
    margin: float | None = None
    holders: dict[str, tuple[int, str]] = field(default_factory=dict)  # role -> (person id, name)
    open_tasks: list[TaskFact] = field(default_factory=list)
    done_count: int = 0
    health: HealthFact | None = None
    last_note: NoteFact | None = None
    note_count: int = 0
    stakeholders: list[StakeholderFact] = field(default_factory=list)
    signals: dict[str, float | str] = field(default_factory=dict)
    signal_facts: dict[str, SignalFact] = field(default_factory=dict)
    # account score, four dimensions 1-5 (value, potential, fit, cost); None when unset.
    score: dict[str, int | None] = field(default_factory=dict)
    suggested_tier: str | None = None
    plan: dict[str, str] = field(default_factory=dict)
    # The most recently closed (done or cancelled) tasks, for questions about a piece of work.
    closed_rows: list[Task] = field(default_factory=list)
    # Rows behind open_tasks already read, and the assignees, for commands.format's task
    # lines (answers.Answerer reads the others when it shows them).
    task_rows: dict[int, Task] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)

    @property
    def overdue_tasks(self) -> list[TaskFact]:
        return [t for t in self.open_tasks if t.is_overdue]

    @property
    def days_to_renewal(self) -> int | None:
        return None if self.renewal_date is None else (self.renewal_date - self.today).days

    @property
    def gross_profit(self) -> float | None:
        return None if self.revenue is None or self.margin is None else self.revenue * self.margin


def suggested_tier(account: Account) -> str | None:
    """The tier the four-dimension score suggests (default weights: the facts carry no
    session to read the admin's)."""
    from commands.strategy.scoring import suggested_tier as suggest

    return suggest(account)


def known_of(facts: AccountFacts) -> Known:
    """The names a question about this account may use: its team (holders and assignees,
    by name, handle or first name) and the customer's people (by name, and by title when
    only one of them holds it)."""
    known = Known()
    for pid, person in facts.people.items():
        known.add_team(pid, person.display_name or person.username or person.user_id, person.username)
    titles = [fold(s.title).strip() for s in facts.stakeholders if s.title]
    for s in facts.stakeholders:
        if s.id is None:
            continue
        title = fold(s.title).strip() if s.title else ""
        unique = title if title and titles.count(title) == 1 and len(title) >= 2 else None
        known.add_stakeholder(s.id, s.name, unique)
    known.tasks = [(x.number, x.title) for x in facts.open_tasks] + [
        (x.number, x.title) for x in facts.closed_rows]
    return known


def task_fact(task: Task | ask_repo.OpenTask, *, today: date, names: dict[int, str], note_numbers: dict[int, int]) -> TaskFact:
    overdue = 0
    if task.status == TaskStatus.OPEN.value and task.due_date is not None and task.due_date < today:
        overdue = (today - task.due_date).days
    return TaskFact(
        number=task.number,
        title=task.title,
        role=task.role,
        assignee=names.get(task.assignee_id) if task.assignee_id is not None else None,
        assignee_id=task.assignee_id,
        due=task.due_date,
        status=task.status,
        overdue_days=overdue,
        source_note=note_numbers.get(task.source_note_id) if task.source_note_id else None,
    )


def note_fact(note: Note, *, names: dict[int, str] | None = None) -> NoteFact:
    author = (names or {}).get(note.author_id) if note.author_id is not None else None
    return NoteFact(number=note.number, at=note.created_at, text=note.text, author=author)


def gather(
    session: Session, *, account_id: int, today: date, services: dict[str, Any] | None = None,
) -> AccountFacts:
    """Every structured fact of one account the questions use.

    ``services`` may carry the composition root's ``health_config``."""
    account = repos.account_by_id(session, account_id=account_id)
    if account is None:
        raise LookupError(f"account {account_id} does not exist")
    facts = AccountFacts(
        account_id=account_id,
        name=account.name,
        tier=account.tier,
        today=today,
        industry=account.industry,
        renewal_date=account.renewal_date,
        revenue=account.revenue,
        margin=account.margin,
    )
    holders = repos.current_holders(session, account_id=account_id)
    for role, person in holders.items():
        if person.id is not None:
            facts.holders[str(role)] = (person.id, person.display_name or person.username or person.user_id)

    # Columns, not rows: the rows behind the few tasks an answer shows are read then
    # (answers.Answerer.rows).
    tasks = ask_repo.open_tasks(session, account_id=account_id)
    people = repos.persons_by_ids(session, ids={t.assignee_id for t in tasks if t.assignee_id})
    names = {pid: p.display_name or p.username or p.user_id for pid, p in people.items()}
    note_numbers = record_repo.note_numbers(
        session, account_id=account_id, note_ids={t.source_note_id for t in tasks if t.source_note_id})
    facts.open_tasks = [task_fact(t, today=today, names=names, note_numbers=note_numbers) for t in tasks]
    facts.people = dict(people)
    for person in holders.values():
        if person.id is not None:
            facts.people.setdefault(person.id, person)
    facts.done_count = ask_repo.task_counts(session, account_id=account_id)[TaskStatus.DONE.value]

    # Health as the `health` verb assesses it now (nothing is saved: asking changes nothing),
    # compared with the last recorded state for the trend.
    thresholds = load_config(services).for_tier(account.tier)
    result = assess(health_repo.gather_inputs(session, account=account, today=today),
                    tier=account.tier, today=today, thresholds=thresholds)
    last_state = health_repo.last_snapshot(session, account_id=account_id)
    facts.health = HealthFact(
        color=result.color.value,
        score=result.score,
        reasons=result.reasons_json(),
        on=today,
        previous_color=last_state.color if last_state and last_state.color != result.color.value else None,
        fixes=list(result.fixes),
        enough_data=result.enough_data,
        measured=sum(1 for m in result.measures if m.counted),
        needed=thresholds.min_measures,
    )
    facts.score = {"value": account.score_value, "potential": account.score_potential,
                   "fit": account.score_fit, "cost": account.score_cost}
    facts.suggested_tier = suggested_tier(account)
    facts.closed_rows = list(record_repo.recently_closed(session, account_id=account_id))
    facts.plan = {name: row.text for name, row in record_repo.plan_of(session, account_id=account_id).items()
                  if row.text.strip()}
    last = repos.notes_of(session, account_id=account_id, limit=1)
    if last:
        author_names = repos.persons_by_ids(session, ids={last[0].author_id} if last[0].author_id else set())
        facts.last_note = note_fact(
            last[0], names={pid: p.display_name for pid, p in author_names.items()}
        )
    facts.note_count = ask_repo.note_count(session, account_id=account_id)
    facts.stakeholders = [
        StakeholderFact(s.name, s.title, s.role, s.power, s.interest, s.stance, s.id, s.relationship)
        for s in ask_repo.stakeholders_of(session, account_id=account_id)
    ]
    for metric, signal in health_repo.latest_signals(session, account_id=account_id).items():
        value = signal.value if signal.value is not None else signal.value_date
        if value is not None:
            facts.signals[metric] = value if isinstance(value, float) else value.isoformat()
            facts.signal_facts[metric] = SignalFact(metric, signal.value, signal.value_date, signal.at.date())
    return facts
