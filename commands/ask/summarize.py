"""A meeting note as decisions and proposed actions, with or without a model.

Actions are proposed, never created: each carries a button whose command is a `task`
line (``task "Send the quote" owner=SR due=2026-12-05``) that creates it through the
dispatcher when a person presses it. Without a model (or when it fails) decisions are the
note's decision lines and actions come from commands.extract.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.messages import Button, Item, Reply, Section, Style
from commands.ask.context import build_context
from commands.ask.facts import gather
from commands.ask.port import LanguageModel, LLMUnavailable
from commands.ask.postprocess import clean
from commands.parsing import Args, quote_arg
from commands.registry import CommandError, Context
from prompts import render
from storage import repos
from storage.models import Note

log = logging.getLogger(__name__)

MAX_ACTIONS = 10
_ROLES = {"AR", "SR", "FR", "SPONSOR"}
_DECISION = re.compile(
    r"\b(?:decided|decision|agreed|agreement|approved|confirmed|will go with|signed off)\b|"
    r"决定|决议|同意|确认|达成|批准|敲定|一致",
    re.I,
)
# No white space: the owner is put into a command line unquoted.
_OWNER_MENTION = re.compile(r"^(?:@[\w.\-]{1,64}|<@[A-Z0-9]{1,20}(?:\|[^>\s]{0,80})?>)$")

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "decisions": {"type": "array", "items": {"type": "string"}},
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "owner": {"type": "string"},
                    "due": {"type": "string"},
                },
                "required": ["title", "owner", "due"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["summary", "decisions", "actions"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class ProposedAction:
    title: str
    owner: str | None
    due: date | None

    def command(self) -> str:
        """The `task` command that creates this action when its button is pressed."""
        parts = ["task", quote_arg(self.title)]
        if self.owner:
            owner = " ".join(self.owner.split())
            plain = owner and not any(c in owner for c in "\"'“”‘’「」『』«»＂＇")
            parts.append(f"owner={owner}" if plain and " " not in owner else f"owner={quote_arg(owner)}")
        if self.due:
            parts.append(f"due={self.due.isoformat()}")
        return " ".join(parts)


@dataclass(slots=True)
class NoteSummary:
    summary: str
    decisions: list[str]
    actions: list[ProposedAction]
    by_model: bool
    fallback_reason: str | None = None


def decision_lines(text: str) -> list[str]:
    lines = [re.sub(r"^[\s\-*•\d.)、]+", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line and _DECISION.search(line)][:MAX_ACTIONS]


def extracted_actions(text: str, *, today: date) -> list[ProposedAction]:
    try:
        from commands.extract import extract_actions
    except ImportError:  # the extractor lands from another branch; until then, none
        log.warning("commands.extract is not available; no actions extracted")
        return []
    return [ProposedAction(a.title, a.owner, a.due) for a in extract_actions(text, today=today)][:MAX_ACTIONS]


def deterministic(note: Note, *, today: date, reason: str | None = None) -> NoteSummary:
    return NoteSummary(summary="", decisions=decision_lines(note.text),
                       actions=extracted_actions(note.text, today=today), by_model=False,
                       fallback_reason=reason)


def _owner(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.upper() in _ROLES:
        return value.upper()
    return value if _OWNER_MENTION.match(value) else None


def _due(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def from_model(raw: dict[str, Any], *, note: Note) -> NoteSummary:
    """The model's summary with every string cleaned (no pings, no foreign links)."""
    def safe(text: object) -> str:
        if not isinstance(text, str):
            return ""
        return clean(text[:1000], tasks=set(), notes={note.number}, sources=note.text).text

    decisions = [d for d in (safe(x) for x in raw.get("decisions") or []) if d][:MAX_ACTIONS]
    actions = []
    for item in raw.get("actions") or []:
        if not isinstance(item, dict):
            continue
        title = safe(item.get("title"))[:200]
        if title:
            owner = _owner(item.get("owner"))
            if owner and owner.startswith(("@", "<@")) and owner.casefold() not in note.text.casefold():
                owner = None  # a mention the note does not contain is not an owner
            actions.append(ProposedAction(title, owner, _due(item.get("due"))))
    return NoteSummary(summary=safe(raw.get("summary")), decisions=decisions,
                       actions=actions[:MAX_ACTIONS], by_model=True)


@dataclass(slots=True)
class SummaryJob:
    """A model call prepared inside the unit of work; running it needs no database."""

    note: Note
    today: date
    system: str
    prompt: str


def prepare_summary(session: Session, *, note: Note, lang: str, today: date) -> SummaryJob:
    from commands.ask.service import LANGUAGE_NAMES

    assert note.id is not None
    facts = gather(session, account_id=note.account_id, today=today)
    context = build_context(session, facts=facts, question="", note_ids=[note.id])
    language = LANGUAGE_NAMES.get(lang, "English")
    return SummaryJob(
        note=note,
        today=today,
        system=render("system", nonce=context.nonce, max_sentences=8, language=language),
        prompt=render("summarize", note_ref=f"[note {note.number}]", today=today.isoformat(),
                      nonce=context.nonce, data=context.data, language=language),
    )


def run_summary(llm: LanguageModel, job: SummaryJob) -> NoteSummary:
    """The model's summary, or the rules' when the model fails in any way."""
    try:
        raw = llm.complete_json(system=job.system, prompt=job.prompt, schema=SUMMARY_SCHEMA,
                                schema_name="note_summary")
        result = from_model(raw, note=job.note)
        if not (result.summary or result.decisions or result.actions):
            raise LLMUnavailable("bad_output", "empty summary")
        return result
    except LLMUnavailable as exc:
        return deterministic(job.note, today=job.today, reason=exc.reason)
    except Exception:
        log.exception("LLM summary failed; using the rules")
        return deterministic(job.note, today=job.today, reason="error")


def summarize_note(
    session: Session, *, note: Note, llm: LanguageModel | None, lang: str, today: date,
) -> NoteSummary:
    """Decisions and proposed actions of one note; the model's when it can, else the rules'."""
    if llm is None:
        return deterministic(note, today=today)
    return run_summary(llm, prepare_summary(session, note=note, lang=lang, today=today))


def summary_reply(result: NoteSummary, *, note: Note, t: Callable[..., str]) -> Reply:
    ref = t("ask.note_ref", number=note.number)
    reply = Reply(title=t("ask.summarize.title", ref=ref, date=note.created_at.date().isoformat()))
    if result.summary:
        reply.sections.append(Section(text=result.summary))
    reply.sections.append(Section(
        title=t("ask.summarize.decisions"),
        items=[Item(d) for d in result.decisions] or [Item(t("ask.summarize.no_decisions"))]))
    items = []
    for action in result.actions:
        bits = [action.title, action.owner or t("ask.summarize.owner_auto")]
        if action.due:
            bits.append(action.due.isoformat())
        items.append(Item(" — ".join(bits), buttons=[
            Button(t("ask.summarize.create"), action.command(), Style.PRIMARY)]))
    reply.sections.append(Section(title=t("ask.summarize.actions"),
                                  items=items or [Item(t("ask.summarize.no_actions"))]))
    notes = [t("ask.sources", refs=ref)]
    if result.by_model:
        notes.append(t("ask.llm_note"))
    elif result.fallback_reason:
        notes.append(t("ask.fallback_note", reason=t(f"ask.reason.{result.fallback_reason}")))
    else:
        notes.append(t("ask.summarize.fallback"))
    reply.footer = "\n".join(notes)
    return reply


def summarize_verb(ctx: Context, args: Args) -> Reply:
    account = ctx.require_account()
    assert account.id is not None
    number = args.rest.strip().lstrip("#")
    if not number.isdigit():
        raise CommandError("ask.note_number")
    note = repos.note_by_number(ctx.session, account_id=account.id, number=int(number))
    if note is None:
        raise CommandError("ask.not_found_note", number=int(number), account=account.name)
    llm: LanguageModel | None = ctx.services.get("llm")
    followup = ctx.services.get("followup")
    if llm is None or followup is None:
        result = summarize_note(ctx.session, note=note, llm=llm, lang=ctx.lang, today=ctx.clock.today())
        return summary_reply(result, note=note, t=ctx.t)
    # A model is slow: answer at once, post the summary in the thread when it is ready.
    job = prepare_summary(ctx.session, note=note, lang=ctx.lang, today=ctx.clock.today())
    incoming, t = ctx.incoming, ctx.t
    ctx.after_commit.append(lambda: followup.later(
        incoming, lambda: summary_reply(run_summary(llm, job), note=note, t=t)))
    return Reply(title=t("ask.thinking"))
