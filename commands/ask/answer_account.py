"""Answers from the account card and its people: who holds a role, the renewal, revenue /
margin / gross profit, tier and score, the customer's stakeholders, the account plan,
and the summary of it all."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Item, Reply, Section
from commands.ask import lexicon as lx
from commands.ask.facts import StakeholderFact
from commands.ask.intents import Intent, title_in
from commands.format import fmt_number, fmt_percent
from commands.textfold import fold
from storage import opportunity_repo

if TYPE_CHECKING:
    from commands.ask.answers import Answer, Answerer

_RENEWAL_WORDS = re.compile(r"renew|contract|续约|续签|合同", re.I)
PLAN_SECTIONS = ("goals", "challenges", "opportunities", "competition", "relationships", "actions")
_STANCE_GROUPS = {"champion": ("champion", "supporter"), "blocker": ("blocker", "skeptic"), "neutral": ("neutral",)}


def _new(a: Answerer, title: str, **kw: object) -> Answer:
    from commands.ask.answers import Answer

    return Answer(Reply(title=title), **kw)  # type: ignore[arg-type]


def card_ref(a: Answerer) -> str:
    return a.t("ask.card_ref")


def role_holder(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    if intent.who is not None and intent.role is None:
        pid = intent.who.id
        roles = [role for role, (holder, _) in f.holders.items() if holder == pid]
        mine = [x for x in f.open_tasks if x.assignee_id == pid]
        names = a.t("ask.list_sep").join(a.t(f"role.{r}") for r in roles)
        key = "ask.person.roles" if roles else "ask.person.no_role"
        answer = _new(a, a.t(key, who=intent.who.name, roles=names, account=f.name),
                      refs=[card_ref(a)] if roles else [])
        if mine and intent.aspect == "role":
            # "What role does carol have?": the role, and only how much work it carries.
            answer.reply.sections.append(Section(text=a.t("ask.person.open", count=len(mine))))
        elif mine:
            answer.reply.sections.append(Section(title=a.t("ask.person.open", count=len(mine)),
                                                 items=a.task_items(mine, answer, limit=5)))
        return answer
    if intent.aspect == "topic":
        from commands.ask.answer_tasks import on_topic

        # "Who is handling the POS fault?": whoever holds the open action about it.
        working = on_topic(a, question, [x for x in f.open_tasks])
        if working:
            answer = _new(a, a.t("ask.role.on_it", account=f.name))
            answer.reply.sections.append(Section(items=a.task_items(working, answer, limit=5)))
            return answer
    if intent.role:
        holder = f.holders.get(intent.role)
        role = a.t(f"role.{intent.role}")
        text = (a.t("ask.role.holder", role=role, account=f.name, who=holder[1]) if holder
                else a.t("ask.role.none", role=role, account=f.name))
        answer = _new(a, text, refs=[card_ref(a)])
        if holder:
            mine = [x for x in f.open_tasks if x.role == intent.role]
            if mine:
                answer.reply.sections.append(Section(text=a.t("ask.role.open", count=len(mine))))
        return answer
    fields = [(a.t(f"role.{role}"), f.holders[role][1] if role in f.holders else a.t("ask.role.vacant"))
              for role in ("AR", "SR", "FR", "SPONSOR")]
    answer = _new(a, a.t("ask.role.triangle", account=f.name), refs=[card_ref(a)])
    answer.reply.sections.append(Section(fields=fields))
    return answer


def renewal(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    if f.renewal_date is None:
        answer = _new(a, a.t("ask.renewal.unknown", account=f.name))
    else:
        days = f.days_to_renewal or 0
        key = "ask.renewal.past" if days < 0 else "ask.renewal.title"
        answer = _new(a, a.t(key, account=f.name, date=a.day(f.renewal_date), days=abs(days)),
                      refs=[card_ref(a)])
    related = [x for x in f.open_tasks if _RENEWAL_WORDS.search(x.title)]
    if related:
        answer.reply.sections.append(Section(title=a.t("ask.renewal.tasks"),
                                             items=a.task_items(related, answer)))
    elif f.renewal_date is not None:
        answer.reply.sections.append(Section(text=a.t("ask.renewal.no_task")))
    if f.revenue is not None:
        answer.reply.sections.append(Section(fields=money_fields(a)))
    return answer


def money_fields(a: Answerer) -> list[tuple[str, str]]:
    f = a.facts
    lang = a.t.lang
    return [(a.t("field.revenue"), fmt_number(lang, f.revenue)),
            (a.t("field.margin"), fmt_percent(f.margin)),
            (a.t("ask.money.gross_profit"), fmt_number(lang, f.gross_profit))]


def money(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    lang = a.t.lang
    values = {"revenue": (f.revenue, fmt_number(lang, f.revenue)),
              "margin": (f.margin, fmt_percent(f.margin)),
              "gross_profit": (f.gross_profit, fmt_number(lang, f.gross_profit))}
    aspect = intent.aspect if intent.aspect in values else "all"
    if aspect == "all":
        answer = _new(a, a.t("ask.money.title", account=f.name), refs=[card_ref(a)])
    elif values[aspect][0] is None:
        answer = _new(a, a.t(f"ask.money.missing_{aspect}", account=f.name))
    else:
        key = {"revenue": "ask.money.revenue", "margin": "ask.money.margin",
               "gross_profit": "ask.money.gross_profit_value"}[aspect]
        answer = _new(a, a.t(key, account=f.name, value=values[aspect][1],
                             revenue=fmt_number(lang, f.revenue), margin=fmt_percent(f.margin)),
                      refs=[card_ref(a)])
    answer.reply.sections.append(Section(fields=money_fields(a)))
    return answer


def tier(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    answer = _new(a, a.t("ask.tier.title", account=f.name, tier=a.tier(f.tier)), refs=[card_ref(a)])
    if f.suggested_tier:
        answer.reply.sections.append(Section(text=a.t("score.suggest", tier=a.tier(f.suggested_tier),
                                                      current=a.tier(f.tier))))
    return answer


def industry(a: Answerer, intent: Intent, question: str) -> Answer:
    """The account's basic card fields: industry first, with the tier beside it."""
    f = a.facts
    if not f.industry:
        answer = _new(a, a.t("ask.industry.none", account=f.name))
        answer.reply.sections.append(Section(text=a.t("ask.industry.how")))
        return answer
    answer = _new(a, a.t("ask.industry.title", account=f.name, industry=f.industry), refs=[card_ref(a)])
    answer.reply.sections.append(Section(fields=[(a.t("ask.field.industry"), f.industry),
                                                 (a.t("ask.field.tier"), a.tier(f.tier))]))
    return answer


def score(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    fields = [(a.t(f"score.{k}"), str(f.score.get(k) or "—")) for k in ("value", "potential", "fit", "cost")]
    if not any(f.score.values()):
        answer = _new(a, a.t("ask.score.none", account=f.name))
        answer.reply.sections.append(Section(text=a.t("ask.score.how")))
        return answer
    text = (a.t("score.suggest", tier=a.tier(f.suggested_tier), current=a.tier(f.tier))
            if f.suggested_tier else a.t("score.incomplete"))
    answer = _new(a, a.t("score.title", account=f.name), refs=[card_ref(a)])
    answer.reply.sections.append(Section(fields=fields, text=text))
    return answer


def stakeholder_line(a: Answerer, s: StakeholderFact) -> str:
    bits = [b for b in (s.title, s.role) if b]
    if s.power is not None or s.interest is not None:
        bits.append(a.t("ask.stakeholders.power", power=s.power if s.power is not None else "-",
                        interest=s.interest if s.interest is not None else "-"))
    if s.stance:
        stance = a.t(f"stance.{s.stance}") if s.stance in _STANCES else s.stance
        bits.append(a.t("ask.stakeholders.stance", stance=stance))
    if s.relationship is not None:
        bits.append(a.t("ask.stakeholders.relationship", value=s.relationship))
    return s.name + (" — " + ", ".join(bits) if bits else "")


_STANCES = ("champion", "supporter", "neutral", "skeptic", "blocker")


def _in_group(s: StakeholderFact, group: str) -> bool:
    if group in _STANCE_GROUPS:
        return (s.stance or "") in _STANCE_GROUPS[group]
    pattern = lx.STAKEHOLDER_ROLES.get(group)
    return pattern is not None and any(pattern.search(fold(v)) for v in (s.role, s.title) if v)


def stakeholders(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    people = f.stakeholders
    note = ""
    if intent.who is not None and intent.who.kind == "stakeholder":
        people = [s for s in people if s.id == intent.who.id]
    elif intent.aspect:
        matching = [s for s in people if _in_group(s, intent.aspect)]
        label = a.t(f"ask.stakeholders.group.{intent.aspect}")
        if matching:
            people = matching
        elif people:
            note = a.t("ask.stakeholders.no_group", group=label, account=f.name)
    else:
        title = title_in(question)
        if title:
            matching = [s for s in people if s.title and fold(title) in fold(s.title)]
            if matching:
                people = matching
            elif people:
                note = a.t("ask.stakeholders.no_title", title=title, account=f.name)
    if not people:
        return _new(a, a.t("ask.stakeholders.none", account=f.name))
    if len(people) == 1 and not note:
        answer = _new(a, stakeholder_line(a, people[0]))
        if intent.who is not None:
            _their_actions(a, answer, intent.who.id, intent.who.name)
    else:
        answer = _new(a, a.t("ask.stakeholders.title", account=f.name, count=len(people)))
        sections = ([Section(text=note)] if note else []) + [
            Section(items=[Item(stakeholder_line(a, s)) for s in people[:15]])]
        answer.reply.sections.extend(sections)
    answer.refs.append(a.t("ask.stakeholders.ref"))
    return answer


def _their_actions(a: Answerer, answer: Answer, stakeholder_id: int, name: str) -> None:
    """Beside a customer person's card, what they are to do for us (their customer actions)."""
    from commands.ask.answer_tasks import customer_items, person_customer_tasks

    rows = person_customer_tasks(a, stakeholder_id, name)
    if rows:
        answer.reply.sections.append(Section(title=a.t("ask.customer.person_title", who=name, account=a.facts.name,
                                                       count=len(rows)), items=customer_items(a, answer, rows)))


def _open_opportunities(a: Answerer, answer: Answer) -> None:
    """Beside the plan's opportunities, the open opportunities of the pipeline, when recorded."""
    rows = opportunity_repo.opportunities_of(a.session, account_id=a.facts.account_id)
    if not rows:
        return
    items = [Item(a.t("ask.plan.opportunity_line", number=o.number, name=o.name, stage=a.t(f"stage.{o.stage}"),
                      kind=a.t(f"kind.{o.kind}"), value=fmt_number(a.t.lang, o.value))) for o in rows[:10]]
    answer.reply.sections.append(Section(title=a.t("ask.plan.open_opportunities", count=len(rows)), items=items))
    answer.refs.append(a.t("ask.plan.pipeline_ref"))


def plan(a: Answerer, intent: Intent, question: str) -> Answer:
    f = a.facts
    if intent.aspect in PLAN_SECTIONS:
        section = str(intent.aspect)
        name = a.t(f"plan.{section}")
        text = f.plan.get(section)
        if not text:
            answer = _new(a, a.t("ask.plan.blank", section=name, account=f.name))
            answer.reply.sections.append(Section(text=a.t("ask.plan.how", section=section)))
            if section == "opportunities":
                _open_opportunities(a, answer)
            return answer
        answer = _new(a, a.t("ask.plan.section", section=name, account=f.name),
                      refs=[a.t("ask.plan.ref", section=name)])
        answer.reply.sections.append(Section(text=text))
        if section == "opportunities":
            _open_opportunities(a, answer)
        return answer
    if not f.plan:
        answer = _new(a, a.t("ask.plan.empty", account=f.name))
        answer.reply.sections.append(Section(text=a.t("ask.plan.how", section="goals")))
        return answer
    answer = _new(a, a.t("plan.title", account=f.name))
    for section in PLAN_SECTIONS:
        if section in f.plan:
            answer.reply.sections.append(Section(title=a.t(f"plan.{section}"), text=f.plan[section]))
            answer.refs.append(a.t("ask.plan.ref", section=a.t(f"plan.{section}")))
    blank = [a.t(f"plan.{s}") for s in PLAN_SECTIONS if s not in f.plan]
    if blank:
        answer.reply.sections.append(Section(text=a.t("ask.plan.blank_list", sections=a.t("ask.list_sep").join(blank))))
    return answer


def summary(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answer_health import signal_value

    f = a.facts
    answer = _new(a, a.t("ask.summary.title", account=f.name), refs=[card_ref(a)])
    fields = [(a.t("ask.field.tier"), a.tier(f.tier))]
    if f.industry:
        fields.append((a.t("ask.field.industry"), f.industry))
    if f.health is not None:
        fields.append((a.t("ask.field.health"), f"{a.color(f.health.color)} ({f.health.score})"
                       if f.health.enough_data else a.t("color.unknown")))
    triangle = ", ".join(f"{role} {f.holders[role][1]}" for role in ("AR", "SR", "FR", "SPONSOR")
                         if role in f.holders)
    fields.append((a.t("ask.field.triangle"), triangle or a.t("ask.role.vacant")))
    if f.revenue is not None:
        fields.extend(money_fields(a))
    fields.extend(operational_fields(a))
    fields.append((a.t("ask.field.done"), str(f.done_count)))
    fields.append((a.t("ask.field.stakeholders"), str(len(f.stakeholders))))
    for metric in ("nps", "csat"):
        if metric in f.signal_facts:
            fields.append((a.t(f"signal.metric.{metric}"), signal_value(a, f.signal_facts[metric])))
    answer.reply.sections.append(Section(fields=fields))
    if f.health is not None and f.health.reasons:
        answer.reply.sections.append(Section(title=a.t("ask.health.why"),
                                             items=[Item(x) for x in a.reasons(f.health.reasons[:3])]))
    if f.last_note is not None:
        answer.notes.add(f.last_note.number)
    urgent = sorted(f.open_tasks, key=lambda x: (not x.is_overdue, x.due or date.max, x.number))[:5]
    if urgent:
        answer.tasks.update(x.number for x in urgent)
        a.rows.prefetch(x.number for x in urgent)
        answer.reply.sections.append(Section(title=a.t("ask.summary.next"),
                                             items=[Item(a.task_line(x)) for x in urgent]))
    return answer


def operational_fields(a: Answerer) -> list[tuple[str, str]]:
    f = a.facts
    fields = [(a.t("ask.field.open"), str(len(f.open_tasks))),
              (a.t("ask.field.overdue"), str(len(f.overdue_tasks)))]
    if f.last_note is not None:
        days = (f.today - f.last_note.at.date()).days
        fields.append((a.t("ask.field.last_note"),
                       a.t("ask.days_ago", ref=a.note_ref(f.last_note.number), days=days)))
    if f.renewal_date is not None:
        fields.append((a.t("ask.field.renewal"),
                       a.t("ask.renewal.in_days", date=a.day(f.renewal_date), days=f.days_to_renewal)))
    return fields
