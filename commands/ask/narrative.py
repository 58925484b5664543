"""The narrative paragraph of the monthly report: drafted by a model, or written by rules.

The reports module computes the figures (:class:`NarrativeFacts`) and calls
:func:`draft_narrative` once per audience. For the customer version only what the customer
may read is given to the model or the rules at all (counts of shared actions and the shared
actions closed: no health, overdue work, renewal date or names); the caller passes shared-
only figures. A model's paragraph is kept only if it passes the same cleaning as answers
and every number in it is one of the figures given; otherwise the rules' paragraph is used.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from commands.ask.context import defuse
from commands.ask.port import LanguageModel, LLMUnavailable
from commands.ask.postprocess import clean
from commands.i18n import Translator
from prompts import render

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "integer"}},
    },
    "required": ["answer", "citations"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class NarrativeFacts:
    """What happened on one account in one period, as the report counts it."""

    account: str
    period: str  # "2026-11"
    closed: int
    opened: int
    open_now: int
    overdue: int
    # role -> (closed in the period, open now)
    by_role: dict[str, tuple[int, int]] = field(default_factory=dict)
    health: str | None = None  # green | yellow | red
    previous_health: str | None = None
    renewal_date: date | None = None
    # Closed shared actions worth naming: (task number, title).
    highlights: list[tuple[int, str]] = field(default_factory=list)


TEAM = "team"
CUSTOMER = "customer"
_AUDIENCE = {
    TEAM: "It is read by the account team: be factual and name risks and overdue work plainly.",
    CUSTOMER: "It is read by the customer: keep it factual and positive in tone, with no internal "
              "remarks, health ratings, risks, overdue work, renewal dates or people's names.",
}


def data_lines(facts: NarrativeFacts, audience: str = TEAM) -> list[str]:
    lines = [
        f"ACCOUNT: {facts.account}",
        f"PERIOD: {facts.period}",
        f"ACTIONS CLOSED IN PERIOD: {facts.closed}",
        f"ACTIONS OPENED IN PERIOD: {facts.opened}",
        f"ACTIONS OPEN NOW: {facts.open_now}",
    ]
    if audience == CUSTOMER:
        lines += [f"[task {number}] closed: {title}" for number, title in facts.highlights[:8]]
        return [defuse(line) for line in lines]
    lines.append(f"ACTIONS OVERDUE NOW: {facts.overdue}")
    for role, (closed, open_) in sorted(facts.by_role.items()):
        lines.append(f"ROLE {role}: closed {closed}, open {open_}")
    if facts.health:
        lines.append(f"HEALTH: {facts.health}" + (f" (before: {facts.previous_health})"
                                                  if facts.previous_health else ""))
    if facts.renewal_date:
        lines.append(f"RENEWAL DATE: {facts.renewal_date.isoformat()}")
    for number, title in facts.highlights[:8]:
        lines.append(f"[task {number}] closed: {title}")
    return [defuse(line) for line in lines]


def fallback_narrative(facts: NarrativeFacts, t: Translator, audience: str = TEAM) -> str:
    # The customer reads "we and you", never "the <their name> team".
    parts = [t("ask.narrative.work_joint" if audience == CUSTOMER else "ask.narrative.work",
               account=facts.account, period=facts.period,
               closed=facts.closed, opened=facts.opened, open=facts.open_now)]
    if facts.highlights:
        named = t("ask.list_sep").join(f"{title} (#{n})" for n, title in facts.highlights[:3])
        parts.append(t("ask.narrative.highlights", items=named))
    if audience == CUSTOMER:
        return t("ask.narrative.join").join(parts)
    if facts.overdue:
        parts.append(t("ask.narrative.overdue", count=facts.overdue))
    if facts.health:
        color = t(f"color.{facts.health}") if facts.health in {"green", "yellow", "red"} else facts.health
        if facts.previous_health and facts.previous_health != facts.health:
            before = (t(f"color.{facts.previous_health}")
                      if facts.previous_health in {"green", "yellow", "red"} else facts.previous_health)
            parts.append(t("ask.narrative.health_changed", before=before, now=color))
        else:
            parts.append(t("ask.narrative.health", now=color))
    if facts.renewal_date:
        parts.append(t("ask.narrative.renewal", date=facts.renewal_date.isoformat()))
    return t("ask.narrative.join").join(parts)


def draft_narrative(
    facts: NarrativeFacts, llm: LanguageModel | None, *, lang: str = "en", audience: str = TEAM,
) -> str:
    """One paragraph for the report (``audience`` team or customer): the model's if it is
    clean and invents no figure, else the rules'."""
    if audience not in _AUDIENCE:
        raise ValueError(f"audience must be {TEAM!r} or {CUSTOMER!r}")
    t = Translator(lang)
    if llm is None:
        return fallback_narrative(facts, t, audience)
    from commands.ask.service import LANGUAGE_NAMES

    data = "\n".join(data_lines(facts, audience))
    nonce = secrets.token_hex(8)
    language = LANGUAGE_NAMES.get(t.lang, "English")
    try:
        raw = llm.complete_json(
            system=render("system", nonce=nonce, max_sentences=5, language=language),
            prompt=render("narrative", period=facts.period, nonce=nonce, data=data, language=language,
                          audience=_AUDIENCE[audience]),
            schema=_SCHEMA, schema_name="report_narrative")
        text = raw.get("answer")
        if not isinstance(text, str) or not text.strip():
            raise LLMUnavailable("bad_output", "empty")
    except LLMUnavailable as exc:
        log.warning("LLM narrative unavailable (%s); using the rules", exc.reason)
        return fallback_narrative(facts, t, audience)
    except Exception:
        log.exception("LLM narrative failed; using the rules")
        return fallback_narrative(facts, t, audience)
    tasks = {n for n, _ in facts.highlights}
    cleaned = clean(text[:1500], tasks=tasks, notes=set(), sources=data)
    body = re.sub(r"\[task (\d+)\]", r"#\1", cleaned.text)
    allowed = set(_NUMBER.findall(data))
    invented = [n for n in _NUMBER.findall(body) if n not in allowed]
    if invented or not body:
        log.warning("LLM narrative dropped: figures not in the facts %s", invented[:5])
        return fallback_narrative(facts, t, audience)
    return body
