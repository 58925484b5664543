"""The handover brief: what the new holder of a role needs on day one, in sections added to
the ``handover`` reply (in the account's channel): the role's open tasks, the last three
meetings and their decisions, the stakeholders they now own and their stance, health and
why, open opportunities, and the plan's goals."""

from __future__ import annotations

from datetime import tzinfo

from sqlmodel import Session

from bot.messages import Item, Reply, Section
from commands.format import fmt_date
from commands.health_text import color_name, reason_text
from commands.i18n import Translator
from storage import decisions as decision_repo
from storage import health_repo, opportunity_repo, repos, strategy_repo
from storage.models import Account, Person

LIST = 8


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _reasons(t: Translator, reasons: list[object]) -> list[Item]:
    out = []
    for r in reasons[:4]:
        try:
            out.append(Item(reason_text(t, r)))  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            continue  # a reason this version cannot word: the colour says enough
    return out


def brief_sections(session: Session, t: Translator, tz: tzinfo, account: Account, role: str,
                   person: Person) -> list[Section]:
    assert account.id is not None
    out: list[Section] = []
    tasks = repos.tasks_of(session, account_id=account.id, role=role)
    out.append(Section(title=t("strategy.brief.tasks", count=len(tasks)),
                       items=[Item(t("strategy.brief.task", number=x.number, title=x.title,
                                     due=fmt_date(t.lang, x.due_date, weekday=False)
                                     if x.due_date else "—")) for x in tasks[:LIST]],
                       text="" if tasks else t("strategy.brief.none")))
    meetings = strategy_repo.recent_meetings(session, account_id=account.id, limit=3)
    items = []
    for note in meetings:
        first = note.text.strip().splitlines()[0] if note.text.strip() else ""
        items.append(Item(t("strategy.brief.meeting", number=note.number,
                            date=fmt_date(t.lang, note.created_at.astimezone(tz).date(),
                                          weekday=False), text=_clip(first, 100))))
        for d in decision_repo.decisions_of_note(session, account_id=account.id,
                                                 note_id=note.id or 0)[:3]:
            items.append(Item(t("strategy.brief.decision", text=_clip(d.text, 120))))
    out.append(Section(title=t("strategy.brief.meetings"), items=items,
                       text="" if items else t("strategy.brief.none")))
    owned = [s for s in strategy_repo.stakeholders_of(session, account_id=account.id)
             if s.owner_id == person.id]
    out.append(Section(title=t("strategy.brief.stakeholders", count=len(owned)),
                       items=[Item(t("strategy.brief.stakeholder", name=s.name,
                                     stance=t(f"stance.{s.stance}") if s.stance else "—"))
                              for s in owned[:LIST]],
                       text="" if owned else t("strategy.brief.none")))
    snap = health_repo.last_snapshot(session, account_id=account.id)
    out.append(Section(title=t("strategy.brief.health"),
                       text=color_name(t, snap.color) if snap else t("card.no_health"),
                       items=_reasons(t, list(snap.reasons) if snap else [])))
    opps = opportunity_repo.opportunities_of(session, account_id=account.id)
    if opps:
        out.append(Section(title=t("strategy.brief.opportunities", count=len(opps)),
                           items=[Item(t("strategy.brief.opportunity", number=o.number,
                                         name=o.name, stage=o.stage)) for o in opps[:LIST]]))
    goals = strategy_repo.plan_sections(session, account_id=account.id).get("goals")
    out.append(Section(title=t("strategy.brief.goals"),
                       text=_clip(goals.text, 600) if goals else t("strategy.brief.none")))
    return out


def brief_reply(session: Session, t: Translator, tz: tzinfo, account: Account, role: str,
                person: Person) -> Reply:
    """The brief on its own, as the new holder gets it by direct message."""
    from commands.format import person_name

    return Reply(title=t("strategy.brief.dm_title", person=person_name(person),
                         account=account.name),
                 sections=brief_sections(session, t, tz, account, role, person))
