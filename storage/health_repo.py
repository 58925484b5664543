"""Queries for account health: signals, snapshots, and the facts the model needs.

Keyword-only, and the caller owns the transaction, like :mod:`storage.repos`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from commands.bounds import sane_date, sane_number
from commands.health import METRIC_RANGES, Health, HealthInputs
from commands.scorecard import OverdueTotal
from storage.models import Account, HealthSnapshot, Note, Signal, Task, TaskStatus
from storage.opportunity_repo import Receivables, receivables_many

MEETING = "meeting"  # Note.kind of a meeting note (commands.meeting_notes)

# A task counts as the renewal action when the rule made it or its title says so.
_RENEWAL_WORDS = re.compile(r"renew|续约|续签|续费|续订", re.I)
_RENEWAL_LIKE = ("renew", "续约", "续签", "续费", "续订")


# --- signals ------------------------------------------------------------------------------


def add_signal(
    session: Session, *, account_id: int, metric: str, at: datetime,
    value: float | None = None, value_date: date | None = None,
    recorded_by_id: int | None = None,
) -> Signal:
    signal = Signal(account_id=account_id, metric=metric, value=value, value_date=value_date,
                    at=at, recorded_by_id=recorded_by_id)
    session.add(signal)
    session.flush()
    return signal


def latest_signals(session: Session, *, account_id: int) -> dict[str, Signal]:
    """The newest signal per metric (for exec_meeting: the latest meeting date)."""
    rows = session.exec(
        select(Signal).where(Signal.account_id == account_id)
        .order_by(col(Signal.at), col(Signal.id))
    ).all()
    return _latest(rows)


def _latest(rows: Sequence[Signal]) -> dict[str, Signal]:
    """Signals in recording order -> the newest per metric (exec_meeting: latest date)."""
    out: dict[str, Signal] = {}
    for row in rows:
        if row.metric == "exec_meeting":
            best = out.get(row.metric)
            if best is None or (row.value_date or date.min) >= (best.value_date or date.min):
                out[row.metric] = row
        else:
            out[row.metric] = row
    return out


# --- tasks --------------------------------------------------------------------------------


def overdue_tasks(
    session: Session, *, today: date, account_id: int | None = None,
    older_than_days: int = 0,
) -> Sequence[Task]:
    """Open tasks due before ``today - older_than_days``, oldest first (of one account, or
    of every account that is not archived)."""
    query = select(Task).where(
        Task.status == TaskStatus.OPEN.value,
        col(Task.due_date).is_not(None),
        col(Task.due_date) < today - timedelta(days=older_than_days),
    )
    if account_id is not None:
        query = query.where(Task.account_id == account_id)
    else:
        query = query.join(Account, col(Account.id) == Task.account_id).where(
            col(Account.archived_at).is_(None))
    return session.exec(query.order_by(col(Task.due_date), col(Task.id))).all()


def due_tasks_by_person(session: Session, *, today: date) -> dict[int, list[tuple[Task, Account]]]:
    """Assignee id -> their open tasks due today or earlier, across accounts."""
    rows = session.exec(
        select(Task, Account).join(Account, col(Account.id) == Task.account_id).where(
            Task.status == TaskStatus.OPEN.value,
            col(Task.assignee_id).is_not(None),
            col(Task.due_date).is_not(None),
            col(Task.due_date) <= today,
            col(Account.archived_at).is_(None),
        ).order_by(col(Task.due_date), col(Account.name), col(Task.number))
    ).all()
    out: dict[int, list[tuple[Task, Account]]] = {}
    for task, account in rows:
        assert task.assignee_id is not None
        out.setdefault(task.assignee_id, []).append((task, account))
    return out


def has_renewal_task(session: Session, *, account_id: int, renewal_date: date) -> bool:
    """A task for this renewal: made by the rule for this date, or one that says "renew"."""
    rule_key = f"renewal:{renewal_date.isoformat()}"
    since = renewal_date - timedelta(days=365)
    if session.exec(select(Task.id).where(Task.account_id == account_id,
                                          Task.rule_key == rule_key).limit(1)).first() is not None:
        return True
    # Open tasks, and tasks made in the year before the renewal, are read for the word.
    titles = session.exec(select(Task.title).where(
        Task.account_id == account_id,
        col(Task.status) != TaskStatus.CANCELLED.value,
        sa.or_(col(Task.status) == TaskStatus.OPEN.value,
               col(Task.created_at) >= datetime.combine(since, time(), tzinfo=UTC)),
    )).all()
    return any(_RENEWAL_WORDS.search(title) for title in titles)


def latest_rule_task(session: Session, *, account_id: int, prefix: str) -> Task | None:
    """The newest task a rule made under ``prefix`` (``exec-visit:``)."""
    return session.exec(
        select(Task).where(Task.account_id == account_id, col(Task.rule_key).startswith(prefix))
        .order_by(col(Task.created_at).desc(), col(Task.id).desc()).limit(1)
    ).first()


# --- inputs -------------------------------------------------------------------------------


def gather_inputs(session: Session, *, account: Account, today: date) -> HealthInputs:
    """Everything :func:`commands.health.assess` looks at, for one account on ``today``."""
    assert account.id is not None
    return gather_inputs_many(session, accounts=[account], today=today)[account.id]


def gather_inputs_many(
    session: Session, *, accounts: Sequence[Account], today: date,
) -> dict[int, HealthInputs]:
    """:func:`gather_inputs` for many accounts at once, in a fixed number of queries however
    many, each an aggregate or a few rows per account (never every task or note)."""
    ids = [a.id for a in accounts if a.id is not None]
    if not ids:
        return {}
    signal_rows: dict[int, list[Signal]] = {}
    for row in session.exec(select(Signal).where(col(Signal.account_id).in_(ids))
                            .order_by(col(Signal.at), col(Signal.id))).all():
        signal_rows.setdefault(row.account_id, []).append(row)
    overdue, oldest_late = _overdue_many(session, ids=ids, today=today)
    # The meeting cadence counts meetings, not every note (an email is not a meeting).
    last_notes = dict(session.exec(
        select(Note.account_id, func.max(Note.created_at))
        .where(col(Note.account_id).in_(ids), Note.kind == MEETING)
        .group_by(col(Note.account_id))
    ).all())
    with_tasks = _with_tasks(session, ids=ids)
    renewal_tasks = _renewal_tasks_many(session, accounts=accounts)
    owed_by = receivables_many(session, account_ids=ids, today=today)
    out: dict[int, HealthInputs] = {}
    for account in accounts:
        if account.id is None:
            continue
        signals = _latest(signal_rows.get(account.id, []))
        totals = overdue.get(account.id, ())
        oldest = oldest_late.get(account.id)
        created = account.created_at.date()
        exec_row = signals.get("exec_meeting")
        # A date out of range in an old database reads as none rather than breaking the check.
        exec_date = sane_date(exec_row.value_date, where=f"signal {exec_row.id} exec_meeting") \
            if exec_row is not None else None
        renewal = sane_date(account.renewal_date, where=f"account {account.id} renewal")
        owed = owed_by.get(account.id) or Receivables()

        def number(metric: str, signals: dict[str, Signal] = signals) -> float | None:
            row = signals.get(metric)
            if row is None:
                return None
            low, high = METRIC_RANGES[metric]
            return sane_number(row.value, low=low, high=high, where=f"signal {row.id} {metric}")

        out[account.id] = HealthInputs(
            nps=number("nps"),
            csat=number("csat"),
            usage=number("usage"),
            response_hours=number("response_hours"),
            cis=number("cis"),
            overdue_count=sum(t.count for t in totals),
            oldest_overdue_days=(today - oldest.due_date).days if oldest and oldest.due_date else None,
            oldest_overdue_number=oldest.number if oldest else None,
            oldest_overdue_role=oldest.role if oldest else None,
            overdue_totals=totals,
            tasks_recorded=account.id in with_tasks,
            days_since_note=max(0, (today - _as_date(last_notes.get(account.id), created)).days),
            note_recorded=last_notes.get(account.id) is not None,
            days_since_exec_meeting=max(0, (today - (exec_date or created)).days),
            exec_meeting_recorded=exec_date is not None,
            renewal_date=renewal,
            has_renewal_task=renewal is not None and account.id in renewal_tasks,
            payments_recorded=account.id in owed_by,
            overdue_payments=owed.overdue_count,
            oldest_overdue_payment_days=owed.oldest_overdue_days,
            oldest_overdue_payment_number=owed.oldest_overdue_number,
        )
    return out


class _Late(NamedTuple):
    number: int
    due_date: date | None
    role: str


def _days_late(session: Session, today: date) -> Any:
    """``today - task.due_date`` in whole days, as SQL (per dialect)."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.cast(sa.func.julianday(today.isoformat()) - sa.func.julianday(col(Task.due_date)),
                       sa.Integer)
    return sa.literal(today, sa.Date) - col(Task.due_date)


def _overdue_many(
    session: Session, *, ids: list[int], today: date,
) -> tuple[dict[int, tuple[OverdueTotal, ...]], dict[int, _Late]]:
    """Per account: its overdue open tasks summed (shared and internal apart), and the oldest
    one (by due date, then age): two queries, whatever the number of tasks."""
    late = (col(Task.account_id).in_(ids), col(Task.status) == TaskStatus.OPEN.value,
            col(Task.due_date).is_not(None), col(Task.due_date) < today)
    totals: dict[int, list[OverdueTotal]] = {}
    for aid, shared, count, days in session.execute(
            sa.select(col(Task.account_id), col(Task.shared), func.count(),
                      func.sum(_days_late(session, today)))
            .where(*late).group_by(col(Task.account_id), col(Task.shared))
            .order_by(col(Task.account_id), col(Task.shared))).all():
        totals.setdefault(int(aid), []).append(
            OverdueTotal(shared=bool(shared), count=int(count), days=int(days or 0)))
    oldest: dict[int, _Late] = {}
    if len(ids) == 1:
        row = session.execute(
            sa.select(col(Task.account_id), col(Task.number), col(Task.due_date), col(Task.role))
            .where(*late).order_by(col(Task.due_date), col(Task.id)).limit(1)).first()
        rows = [row] if row is not None else []
    else:
        ranked = sa.select(
            col(Task.account_id), col(Task.number), col(Task.due_date), col(Task.role),
            func.row_number().over(partition_by=col(Task.account_id),
                                   order_by=(col(Task.due_date), col(Task.id))).label("rank"),
        ).where(*late).subquery()
        rows = list(session.execute(
            sa.select(ranked.c.account_id, ranked.c.number, ranked.c.due_date, ranked.c.role)
            .where(ranked.c.rank == 1)).all())
    for aid, number, due, role in rows:
        oldest[int(aid)] = _Late(number, _as_day(due), role)
    return {aid: tuple(t) for aid, t in totals.items()}, oldest


def _with_tasks(session: Session, *, ids: list[int]) -> set[int]:
    """The accounts with any task that is not withdrawn: overdue work has data there."""
    alive = (col(Task.account_id).in_(ids), col(Task.status) != TaskStatus.CANCELLED.value)
    if len(ids) == 1:
        return {ids[0]} if session.exec(
            select(Task.id).where(*alive).limit(1)).first() is not None else set()
    return set(session.exec(
        select(Task.account_id).where(*alive).group_by(col(Task.account_id))).all())


def _renewal_tasks_many(session: Session, *, accounts: Sequence[Account]) -> set[int]:
    """The accounts (of those with a renewal date) that have a task for it, as
    :func:`has_renewal_task` decides, in two aggregate queries."""
    dated: dict[int, date] = {}
    for a in accounts:
        renewal = sane_date(a.renewal_date, where=f"account {a.id} renewal")
        if a.id is not None and renewal is not None:
            dated[a.id] = renewal
    if not dated:
        return set()
    keys = {f"renewal:{d.isoformat()}" for d in dated.values()}
    found = {int(aid) for aid, key in session.exec(
        select(Task.account_id, Task.rule_key).where(col(Task.account_id).in_(list(dated)),
                                                     col(Task.rule_key).in_(keys))).all()
             if key == f"renewal:{dated[aid].isoformat()}"}
    rest = [a for a in dated if a not in found]
    if not rest:
        return found
    words = sa.or_(*[sa.func.lower(col(Task.title)).like(f"%{word}%") for word in _RENEWAL_LIKE])
    if len(rest) == 1:
        # One account (a re-assessment): the first such task found is enough.
        aid = rest[0]
        since = datetime.combine(dated[aid] - timedelta(days=365), time(), tzinfo=UTC)
        if session.exec(select(Task.id).where(
                Task.account_id == aid, col(Task.status) != TaskStatus.CANCELLED.value, words,
                sa.or_(col(Task.status) == TaskStatus.OPEN.value, col(Task.created_at) >= since),
        ).limit(1)).first() is not None:
            found.add(aid)
        return found
    # Per account, of the tasks whose title has one of the words (case-folded as the regex
    # does): is any open, and when was the newest made.
    is_open = sa.case((col(Task.status) == TaskStatus.OPEN.value, 1), else_=0)
    for aid, any_open, newest in session.execute(
            sa.select(col(Task.account_id), func.max(is_open), func.max(col(Task.created_at)))
            .where(col(Task.account_id).in_(rest),
                   col(Task.status) != TaskStatus.CANCELLED.value, words)
            .group_by(col(Task.account_id))).all():
        since = datetime.combine(dated[aid] - timedelta(days=365), time(), tzinfo=UTC)
        made = _as_datetime(newest)
        if any_open or (made is not None and made >= since):
            found.add(int(aid))
    return found


def _as_day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> datetime | None:
    """MAX() over a datetime column: a datetime, or a string on SQLite; aware, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return _aware(value)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _as_date(value: Any, default: date) -> date:
    """MAX() over an aware column comes back as a datetime, or a string on SQLite."""
    if value is None:
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.fromisoformat(value).date()
    return default


# --- snapshots ----------------------------------------------------------------------------


def last_snapshot(session: Session, *, account_id: int) -> HealthSnapshot | None:
    return session.exec(
        select(HealthSnapshot).where(HealthSnapshot.account_id == account_id)
        .order_by(col(HealthSnapshot.at).desc(), col(HealthSnapshot.id).desc()).limit(1)
    ).first()


def snapshot_at(session: Session, *, account_id: int, at: datetime) -> HealthSnapshot | None:
    """The state the account was in at ``at``: the newest snapshot taken at or before it."""
    return session.exec(
        select(HealthSnapshot).where(HealthSnapshot.account_id == account_id,
                                     col(HealthSnapshot.at) <= at)
        .order_by(col(HealthSnapshot.at).desc(), col(HealthSnapshot.id).desc()).limit(1)
    ).first()


def snapshots_between(
    session: Session, *, account_id: int, start: datetime, end: datetime,
) -> Sequence[HealthSnapshot]:
    """Snapshots taken in [start, end), oldest first, plus the last one before ``start``
    (the state the period began in) first when there is one."""
    before = snapshot_at(session, account_id=account_id, at=start - timedelta(microseconds=1))
    rows = session.exec(
        select(HealthSnapshot).where(HealthSnapshot.account_id == account_id,
                                     col(HealthSnapshot.at) >= start,
                                     col(HealthSnapshot.at) < end)
        .order_by(col(HealthSnapshot.at), col(HealthSnapshot.id))
    ).all()
    return ([before] if before is not None else []) + list(rows)


def snapshots_of(
    session: Session, *, account_id: int, since: datetime | None = None,
) -> Sequence[HealthSnapshot]:
    """Snapshots oldest first (for trends and colour episodes). Their JSON (reasons, scorecard)
    is read only when a row's is asked for: a history is hundreds of rows."""
    query = select(HealthSnapshot).where(HealthSnapshot.account_id == account_id).options(
        defer(HealthSnapshot.reasons), defer(HealthSnapshot.measures))  # type: ignore[arg-type]
    if since is not None:
        query = query.where(col(HealthSnapshot.at) >= since)
    return session.exec(query.order_by(col(HealthSnapshot.at), col(HealthSnapshot.id))).all()


def save_snapshot(
    session: Session, *, account_id: int, health: Health, at: datetime,
) -> tuple[HealthSnapshot | None, HealthSnapshot | None]:
    """Keep ``health`` when its colour or score changed (day counts alone do not count).

    Returns (the previous snapshot, the current one); the current one is the previous
    when nothing changed, or when there is not enough data for a colour (nothing is kept:
    a report then says "no health data", not "green").
    """
    previous = last_snapshot(session, account_id=account_id)
    if not health.enough_data:
        return previous, previous
    if previous is not None and previous.color == health.color.value \
            and previous.score == health.score:
        return previous, previous
    row = HealthSnapshot(account_id=account_id, color=health.color.value, score=health.score,
                         reasons=health.reasons_json(), measures=health.measures_json(), at=at)
    session.add(row)
    session.flush()
    return previous, row

