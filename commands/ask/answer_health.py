"""Answers about health (colour, reasons, trend, what would turn it green) and about the
signals behind it (NPS, CSAT, usage, response time, CIS, the last executive meeting),
each with the date it was recorded."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.messages import Item, Reply, Section, Tone
from commands.ask.facts import SignalFact
from commands.ask.intents import Intent
from commands.health import METRICS
from commands.health_text import fix_text
from storage import health_repo

if TYPE_CHECKING:
    from commands.ask.answers import Answer, Answerer

# Which health reasons speak about which signal.
_REASON_OF = {"nps": "nps_low", "csat": "csat_low", "usage": "usage_low",
              "response_hours": "response_slow", "cis": "cis_low",
              "exec_meeting": ("exec_stale", "exec_none")}


def signal_value(a: Answerer, fact: SignalFact) -> str:
    if fact.metric == "exec_meeting" and fact.day is not None:
        return a.t("ask.signal.meeting", date=a.day(fact.day), days=(a.facts.today - fact.day).days)
    value = fact.value if fact.value is not None else 0.0
    if fact.metric == "usage":
        return f"{value * 100:.0f}%"
    text = f"{value:g}"
    return a.t(f"ask.signal.unit.{fact.metric}", value=text)


def signal_ref(a: Answerer, fact: SignalFact) -> str:
    return a.t("ask.signal.ref", metric=a.t(f"signal.metric.{fact.metric}"), date=a.day(fact.recorded))


def health(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    f = a.facts
    if f.health is None:
        reply = Reply(title=a.t("ask.health.none", account=f.name))
        return Answer(reply)
    h = f.health
    if not h.enough_data:
        # A new account is not green 100: say what is missing, as `health` does.
        return Answer(Reply(title=a.t("scorecard.not_enough_title", account=f.name),
                            sections=[Section(text=a.t("scorecard.not_enough_text",
                                                       count=h.measured, needed=h.needed))]))
    color = a.color(h.color)
    title = a.t("ask.health.title", account=f.name, color=color, score=h.score, date=a.day(h.on))
    # Never Tone.ERROR: that marks a refusal (shown privately); a red account is not one.
    tone = {"green": Tone.SUCCESS, "yellow": Tone.WARNING, "red": Tone.WARNING}.get(h.color, Tone.INFO)
    reply = Reply(title=title, tone=tone)
    answer = Answer(reply, tasks={int(r["values"]["number"]) for r in h.reasons
                                  if isinstance(r.get("values"), dict)
                                  and isinstance(r["values"].get("number"), int) and r["values"]["number"]})
    if intent.color and intent.color != h.color:
        reply.sections.append(Section(text=a.t("ask.health.actually", asked=a.color(intent.color), now=color)))
    reasons = [Item(r) for r in a.reasons(h.reasons)]
    why = Section(title=a.t("ask.health.why"), items=reasons or [Item(a.t("ask.health.all_good"))])
    fixes = _fixes(a)
    if intent.aspect == "fix":
        reply.sections.append(fixes or Section(text=a.t("ask.health.already_green")))
        reply.sections.append(why)
    elif intent.aspect == "trend":
        reply.sections.append(_trend(a))
        reply.sections.append(why)
    else:
        reply.sections.append(why)
        if fixes and intent.aspect == "why":
            reply.sections.append(fixes)
        if h.previous_color and h.previous_color != h.color:
            reply.sections.append(Section(text=a.t("ask.health.trend", before=a.color(h.previous_color),
                                                   now=color)))
        if intent.aspect is None and fixes:
            reply.sections.append(fixes)
    _cite_signals(a, answer, [str(r.get("code", "")) for r in h.reasons])
    return answer


def _fixes(a: Answerer) -> Section | None:
    f = a.facts
    if f.health is None or not f.health.fixes:
        return None
    who = {role: name for role, (_, name) in f.holders.items()}
    items = [Item(fix_text(a.t, fix, who.get(fix.role))) for fix in f.health.fixes]
    return Section(title=a.t("health.fixes_title"), items=items)


def _trend(a: Answerer) -> Section:
    """The colour a month ago against now, and the recorded changes of the last 90 days."""
    f = a.facts
    assert f.health is not None
    moment = datetime.combine(f.health.on, time.max, UTC)
    then = health_repo.snapshot_at(a.session, account_id=f.account_id, at=moment - timedelta(days=30))
    if then is None:
        text = a.t("ask.health.no_history")
    else:
        text = a.t("health.trend_change", then_color=a.color(then.color), then_score=then.score,
                   then_date=a.day(then.at.date()), color=a.color(f.health.color),
                   score=f.health.score, delta=f.health.score - then.score)
    rows = list(health_repo.snapshots_of(a.session, account_id=f.account_id,
                                         since=moment - timedelta(days=90)))[-6:]
    items = []
    if rows:
        path = " → ".join(a.t("health.trend_step", color=a.color(r.color), score=r.score,
                                date=a.day(r.at.date())) for r in rows)
        items.append(Item(a.t("health.trend_path", path=path)))
    return Section(title=a.t("health.trend_title"), text=text, items=items)


def _cite_signals(a: Answerer, answer: Answer, codes: list[str]) -> None:
    for metric, fact in a.facts.signal_facts.items():
        reason = _REASON_OF.get(metric)
        wanted = reason if isinstance(reason, tuple) else (reason,)
        if any(code in wanted for code in codes):
            answer.refs.append(signal_ref(a, fact))


def signals(a: Answerer, intent: Intent, question: str) -> Answer:
    from commands.ask.answers import Answer

    f = a.facts
    metrics = [intent.aspect] if intent.aspect else list(METRICS)
    reply = Reply()
    answer = Answer(reply)
    fields: list[tuple[str, str]] = []
    missing: list[str] = []
    for metric in metrics:
        fact = f.signal_facts.get(metric)
        name = a.t(f"signal.metric.{metric}")
        if fact is None:
            missing.append(name)
            continue
        fields.append((name, a.t("ask.signal.value", value=signal_value(a, fact), date=a.day(fact.recorded))))
        answer.refs.append(signal_ref(a, fact))
    if intent.aspect:
        metric = intent.aspect
        fact = f.signal_facts.get(metric)
        name = a.t(f"signal.metric.{metric}")
        if fact is None:
            reply.title = a.t("ask.signal.missing", metric=name, account=f.name)
            reply.sections.append(Section(text=a.t("ask.signal.how", example=a.t(f"ask.signal.example.{metric}"))))
        else:
            reply.title = a.t("ask.signal.one", metric=name, account=f.name, value=signal_value(a, fact),
                              date=a.day(fact.recorded))
    else:
        reply.title = a.t("ask.signal.title", account=f.name, count=len(fields))
        if fields:
            reply.sections.append(Section(fields=fields))
        if missing:
            reply.sections.append(Section(text=a.t("ask.signal.not_recorded", metrics=a.t("ask.list_sep").join(missing))))
    # The health reasons that speak about these signals, in words.
    if f.health is not None:
        codes: set[str | None] = set()
        for metric in metrics:
            reason = _REASON_OF.get(metric)
            codes.update(reason if isinstance(reason, tuple) else (reason,))
        related = [r for r in f.health.reasons if r.get("code") in codes]
        if related:
            reply.sections.append(Section(title=a.t("ask.signal.health"), items=[Item(x) for x in a.reasons(related)]))
    return answer
