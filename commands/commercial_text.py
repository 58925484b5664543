"""The commercial record in words: opportunity and payment lines, playbook runs, and the
account card's commercial part, in the reader's language with amounts as 万 / 亿 in Chinese.

Shared by the opportunity, payment and playbook verbs, the account card, the portfolio
views and the jobs' posts, so a line reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlmodel import Session

from bot.messages import Item, Section
from commands.format import fmt_date, fmt_percent, role_short, task_line
from commands.i18n import Translator
from commands.pipeline import fmt_money, probability_of, stalled_days, summarise
from commands.playbooks.engine import Progress, Started, running
from commands.playbooks.loader import PlaybookError
from storage import opportunity_repo, repos
from storage.models import Account, Opportunity, Payment, Person


def stage_name(t: Translator, stage: str) -> str:
    return t(f"stage.{stage}")


def opportunity_line(
    t: Translator, opp: Opportunity, *, currency: str, now: datetime, stale_days: int,
) -> str:
    """``#3 Line 3 upgrade · opportunity · CNY 1,800,000 (30%) · close 2027-03-31``."""
    parts = [f"#{opp.number} {opp.name}"]
    if opp.status == "open":
        parts.append(stage_name(t, opp.stage))
    else:
        parts.append(t(f"opportunity.status_{opp.status}", stage=stage_name(t, opp.stage)))
    probability = fmt_percent(probability_of(opp.stage, opp.probability))
    parts.append(t("opportunity.value", value=fmt_money(t.lang, opp.value, currency),
                   probability=probability))
    if opp.close_date is not None:
        parts.append(t("opportunity.close", date=fmt_date(t.lang, opp.close_date, weekday=False)))
    if opp.kind != "new":
        parts.append(t(f"kind.{opp.kind}"))
    if opp.status == "open":
        stuck = stalled_days(opp.stage_changed_at, now, stale_days)
        if stuck is not None:
            parts.append(t("opportunity.stalled", days=stuck))
    return " · ".join(parts)


def payment_line(
    t: Translator, payment: Payment, opp: Opportunity | None, *, currency: str, today: date,
) -> str:
    """``#2 CNY 960,000 · #3 Sensor network · due 2026-11-14 · ⚠ overdue 10 day(s)``."""
    parts = [f"#{payment.number} {fmt_money(t.lang, payment.amount, currency)}"]
    if opp is not None:
        parts.append(f"#{opp.number} {opp.name}")
    parts.append(t("payment.due", date=fmt_date(t.lang, payment.due_date, weekday=False)))
    if payment.received_on is not None:
        parts.append(t("payment.received_mark",
                       date=fmt_date(t.lang, payment.received_on, weekday=False)))
    elif payment.due_date < today:
        parts.append(t("payment.overdue_mark", days=(today - payment.due_date).days))
    return " · ".join(parts)


def run_line(t: Translator, progress: Progress) -> str:
    """``Renewal · 2/4 steps done (50%) · next: #12 Prepare the proposal (AR, due ...)``."""
    title = progress.run.title.get(t.lang) or progress.run.title.get("en") or progress.run.playbook
    text = t("playbook.run_line", title=title, done=progress.done, total=progress.counted,
             percent=progress.percent,
             started=fmt_date(t.lang, progress.run.started_at.date(), weekday=False))
    task = progress.next_open
    if task is not None:
        text += " · " + t("playbook.run_next", number=task.number, title=task.title,
                          role=role_short(t, task.role),
                          due=fmt_date(t.lang, task.due_date, weekday=False))
    elif not progress.running:
        text += " · " + t("playbook.run_done")
    return text


def started_lines(
    t: Translator, started: Sequence[Started], people: Mapping[int, Person], today: date,
) -> list[tuple[str, list[str], list[str]]]:
    """Per run just started: its heading, its task lines, and what to know about its owners
    (vacant roles, customer steps)."""
    out = []
    for item in started:
        heading = t("playbook.started", title=item.playbook.title_in(t.lang),
                    count=len(item.tasks))
        lines = [task_line(t, task, people, today) for task in item.tasks]
        notes = [t("playbook.vacant", role=role_short(t, role), role_key=role.lower())
                 for role in item.vacant]
        if any(task.role == "CUSTOMER" for task in item.tasks):
            notes.append(t("playbook.customer_steps"))
        out.append((heading, lines, notes))
    return out


def started_sections(
    session: Session, t: Translator, started: Sequence[Started], today: date,
) -> list[Section]:
    """What a playbook start adds to a reply: its tasks, who owns them, what is vacant."""
    ids = {task.assignee_id for s in started for task in s.tasks if task.assignee_id is not None}
    people = repos.persons_by_ids(session, ids=ids)
    return [Section(title=heading, items=[Item(line) for line in lines], text="\n".join(notes))
            for heading, lines, notes in started_lines(t, started, people, today)]


def error_text(t: Translator, err: PlaybookError) -> str:
    """``playbooks/acme.toml, line 12, steps[2].owner: "boss" is not an owner ...``."""
    where = ", ".join(x for x in (
        err.file, t("playbook.error_line", line=err.line) if err.line else "", err.field) if x)
    return t("playbook.error_where", where=where,
             problem=t(f"playbook.error.{err.code}", **err.values))


def card_fields(
    session: Session, t: Translator, account: Account, *, currency: str, today: date,
) -> list[tuple[str, str]]:
    """The account card's commercial lines: receivables, open pipeline, running playbooks."""
    assert account.id is not None
    owed = opportunity_repo.receivables(session, account_id=account.id, today=today)
    pipeline = summarise(opportunity_repo.opportunities_of(session, account_id=account.id))
    runs = running(session, account_id=account.id)
    return [
        (t("card.outstanding"), fmt_money(t.lang, owed.outstanding, currency)),
        (t("card.overdue_payments"),
         t("card.overdue_amount", amount=fmt_money(t.lang, owed.overdue, currency),
           count=owed.overdue_count) if owed.overdue_count else t("card.none")),
        (t("card.pipeline"),
         t("card.pipeline_value", count=int(pipeline["count"]),
           value=fmt_money(t.lang, pipeline["value"], currency),
           weighted=fmt_money(t.lang, pipeline["weighted"], currency))
         if pipeline["count"] else t("card.none")),
        (t("card.playbooks"),
         ", ".join(t("card.playbook_item",
                     title=p.run.title.get(t.lang) or p.run.playbook, percent=p.percent)
                   for p in runs) if runs else t("card.none")),
    ]

