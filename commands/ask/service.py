"""Answering a question: which account, what is asked, the record's answer, the model's.

The deterministic answer is always made first (it is cheap and it is the fallback). With a
model, the bounded context is built inside the unit of work, and the model call itself
needs no database: it runs inline, or, when a FollowUp service exists, after the ack, in
the thread. Whatever the model does, the reply is post-processed (citations, pings, links)
and any failure yields the record's answer with a short note.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.messages import Reply, Section
from commands.ask import across, portfolio
from commands.ask import context as ctxmod
from commands.ask.answers import Answer, Answerer, Asker, period_bounds
from commands.ask.facts import AccountFacts, gather, known_of
from commands.ask.intents import Kind, detect
from commands.ask.language import question_language
from commands.ask.port import LanguageModel, LLMUnavailable
from commands.ask.postprocess import clean, render_citations
from commands.ask.resolve import (
    accessible_accounts,
    name_forms,
    named_in,
    resolve,
    short_forms,
    strip_name,
)
from commands.ask.shorthand import expand
from commands.ask.understand import read
from commands.i18n import Translator
from commands.registry import CommandError, Context
from prompts import render
from storage import repos
from storage.models import Account

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese (简体中文)"}
MAX_ANSWER_CHARS = 2_500

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "citations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["task", "note"]},
                    "number": {"type": "integer"},
                },
                "required": ["kind", "number"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["answer", "citations"],
    "additionalProperties": False,
}


@dataclass(slots=True)
class Prepared:
    """Everything a model answer needs, made inside the unit of work; no session in here."""

    account_name: str
    system: str
    prompt: str
    context: ctxmod.PromptContext
    fallback: Answer
    lang: str


def readable_accounts(ctx: Context) -> list[Account]:
    """The accounts this person may ask about outside an account's channel (the one rule,
    kept in resolve.accessible_accounts): the whole portfolio for admins and in the
    management channel."""
    assert ctx.person.id is not None
    return accessible_accounts(ctx.session, person_id=ctx.person.id,
                               is_admin=ctx.is_admin or ctx.is_management)


@dataclass(slots=True)
class Target:
    """What a question is about: one account, or (portfolio questions) several."""

    account: Account | None = None
    portfolio: list[Account] | None = None
    # Set when the account was not named but is the only one the person works on.
    only: bool = False
    # The asker's own work on each of these accounts (a direct message naming none).
    mine: list[Account] | None = None
    # A portfolio question about overdue work asked in an account's channel: answered for
    # this channel's account only, with a line saying where the other accounts are answered.
    scoped: bool = False


def target_for(ctx: Context, question: str) -> Target:
    """The bound account in a channel (only it); in a direct message or the management
    channel, the account named, the person's only account, or the portfolio they see."""
    if ctx.account is not None:
        return Target(ctx.account, scoped=_refuse_other_account(ctx, question))
    if not (ctx.incoming.is_direct or ctx.is_management):
        raise CommandError("ask.unbound_channel")
    accounts = readable_accounts(ctx)
    if not accounts:
        raise CommandError("ask.no_accounts")
    found = resolve(question, accounts)
    if found.account is not None:
        return Target(found.account)
    if found.ambiguous:
        raise CommandError("ask.ambiguous", names=", ".join(found.ambiguous))
    if portfolio.detect(question, today=ctx.clock.today()) is not None:
        return Target(portfolio=accounts)
    if len(accounts) == 1:
        return Target(accounts[0], only=True)
    if across.about_own_work(question, today=ctx.clock.today()):
        # "What's on my list?": their own work on every account they may read.
        return Target(mine=accounts)
    names = ", ".join(a.name for a in accounts[:12]) + (" …" if len(accounts) > 12 else "")
    raise CommandError("ask.which_account", names=names, example=accounts[0].name)


def _refuse_other_account(ctx: Context, question: str) -> bool:
    """A question in an account's channel that names another account the person may read
    is told where to ask it, rather than answered for this channel's account. Accounts
    the person may not read are never named (nor told apart from unknown names).

    A portfolio question about overdue work ("every overdue task across all accounts") is
    answered for this channel's account alone (True: the answer says the other accounts
    are answered in a direct message); any other portfolio question is told where to ask."""
    assert ctx.account is not None and ctx.person.id is not None
    bound = ctx.account
    if named_in(question, [bound]):
        return False
    others = [a for a in readable_accounts(ctx) if a.id != bound.id]
    named = named_in(question, others)
    if len(named) == 1:
        raise CommandError("ask.other_account", account=bound.name, other=named[0].name)
    if portfolio.is_portfolio_question(question):
        wanted = portfolio.detect(question, today=ctx.clock.today())
        if wanted is not None and wanted.kind == "overdue":
            return True
        raise CommandError("ask.portfolio_here", account=bound.name)
    return False


def speak_language_of(ctx: Context, question: str) -> None:
    """Answer (and refuse) in the question's language when it is written in one; the
    account names it holds are no language."""
    accounts = [ctx.account] if ctx.account is not None else (
        readable_accounts(ctx) if ctx.incoming.is_direct or ctx.is_management else [])
    names = [form for a in accounts for form in [a.name, *name_forms(a.name), *short_forms(a.name)]]
    lang = question_language(question, names=names, default=ctx.lang)
    if lang != ctx.lang:
        ctx.t = Translator(lang)


def asker_of(ctx: Context) -> Asker:
    mentioned: dict[str, int] = {}
    for token, user in ctx.incoming.mentions.items():
        person = repos.person_by_user(ctx.session, platform=ctx.incoming.platform, user_id=user.id)
        if person is not None and person.id is not None:
            mentioned[token] = person.id
    return Asker(person_id=ctx.person.id, mentioned=mentioned)


def answer(ctx: Context, question: str) -> Reply:
    """The reply to ``question`` (the `ask` verb)."""
    question = question.strip()
    if not question:
        raise CommandError("ask.empty")
    speak_language_of(ctx, question)
    target = target_for(ctx, question)
    if target.mine is not None:
        return across.answer(ctx, target.mine, question, asker_of(ctx))
    if target.portfolio is not None:
        return portfolio.answer(ctx.session, accounts=target.portfolio, question=question,
                                today=ctx.clock.today(), t=ctx.t, services=ctx.services)
    account = target.account
    assert account is not None and account.id is not None
    facts = gather(ctx.session, account_id=account.id, today=ctx.clock.today(), services=ctx.services)
    # Chat shorthand written out ("tmrw", "啥时候") for the answer's own topic matching too.
    plain = expand(question)
    asked = strip_name(plain, name_forms(account.name) + short_forms(account.name) + [account.name]) or plain
    intent = detect(read(asked, known_of(facts)), today=facts.today)
    record = Answerer(ctx.session, facts=facts, t=ctx.t, asker=asker_of(ctx)).answer(intent, asked)
    if target.only:
        record.reply.sections.insert(0, Section(text=ctx.t("ask.only_account", account=account.name)))
    if target.scoped:
        # Nothing of another account here: this account's answer and where to ask the rest.
        record.reply.sections.append(Section(text=ctx.t("ask.portfolio_scoped", account=account.name)))
        return record.reply
    llm: LanguageModel | None = ctx.services.get("llm")
    if llm is None:
        return record.reply
    window = intent.window.bounds() if intent.window is not None and intent.kind is not Kind.OPEN_TASKS else (
        period_bounds(intent.period, facts.today) if intent.period else None)
    prepared = prepare(ctx, facts=facts, question=question, fallback=record, window=window)
    followup = ctx.services.get("followup")
    if followup is None:
        return ask_model(llm, prepared, t=ctx.t)
    incoming = ctx.incoming
    t = ctx.t
    ctx.after_commit.append(lambda: followup.later(incoming, lambda: ask_model(llm, prepared, t=t)))
    return Reply(title=t("ask.thinking"))


def prepare(
    ctx: Context, *, facts: AccountFacts, question: str, fallback: Answer,
    window: tuple[datetime, datetime] | None = None,
) -> Prepared:
    context = ctxmod.build_context(ctx.session, facts=facts, question=question, window=window)
    system = render("system", nonce=context.nonce, max_sentences=6,
                    language=LANGUAGE_NAMES.get(ctx.lang, "English"))
    # The asker's name and question are people's text too: no forged markers, bounded.
    asker = " ".join((ctx.person.display_name or "a team member").split())[:80]
    prompt = render("ask", asker=ctxmod.defuse(asker),
                    today=facts.today.isoformat(), question=ctxmod.defuse(question[:2000]),
                    nonce=context.nonce, data=context.data)
    return Prepared(facts.name, system, prompt, context, fallback, ctx.lang)


def fallback_reply(prepared: Prepared, reason: str, t: Callable[..., str]) -> Reply:
    reply = prepared.fallback.reply
    note = t("ask.fallback_note", reason=t(f"ask.reason.{reason}"))
    reply.footer = f"{reply.footer}\n{note}" if reply.footer else note
    return reply


def ask_model(llm: LanguageModel, prepared: Prepared, *, t: Callable[..., str]) -> Reply:
    """The model's answer, checked and cleaned; the record's answer when anything fails."""
    try:
        raw = llm.complete_json(system=prepared.system, prompt=prepared.prompt,
                                schema=ANSWER_SCHEMA, schema_name="account_answer")
        text = raw.get("answer")
        if not isinstance(text, str) or not text.strip():
            raise LLMUnavailable("bad_output", "empty answer")
    except LLMUnavailable as exc:
        log.warning("LLM unavailable (%s); answering from the record", exc.reason)
        return fallback_reply(prepared, exc.reason, t)
    except Exception:  # a model must never break a question
        log.exception("LLM answer failed; answering from the record")
        return fallback_reply(prepared, "error", t)
    ctx = prepared.context
    cleaned = clean(text[:MAX_ANSWER_CHARS], tasks=ctx.tasks, notes=ctx.notes, sources=ctx.data)
    for item in raw.get("citations") or []:
        if not isinstance(item, dict) or not isinstance(item.get("number"), int):
            continue
        if item.get("kind") == "task" and item["number"] in ctx.tasks:
            cleaned.tasks.add(item["number"])
        elif item.get("kind") == "note" and item["number"] in ctx.notes:
            cleaned.notes.add(item["number"])
    if cleaned.removed_citations or cleaned.removed_mentions or cleaned.removed_links:
        log.info("LLM answer cleaned: %d citations, %d mentions, %d links removed",
                 cleaned.removed_citations, cleaned.removed_mentions, cleaned.removed_links)
    if not cleaned.text:
        return fallback_reply(prepared, "bad_output", t)
    body = render_citations(cleaned.text, note_ref=lambda n: t("ask.note_ref", number=n))
    refs = [f"#{n}" for n in sorted(cleaned.tasks)] + [t("ask.note_ref", number=n) for n in sorted(cleaned.notes)]
    footer = t("ask.sources", refs=t("ask.list_sep").join(refs)) + "\n" if refs else ""
    return Reply(title=prepared.account_name, sections=[Section(text=body)], footer=footer + t("ask.llm_note"))
