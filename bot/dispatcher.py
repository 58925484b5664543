"""The dispatcher: one Incoming in, one Reply out, inside one unit of work.

It resolves the account from the channel binding (never from what was typed), resolves the
person, checks permission, parses the verb and calls the handler. The idempotency key is
claimed in the same transaction as the handler's writes, so an event delivered twice has
its effect once, and a failed command leaves nothing half-written.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.messages import MAX_INPUT_CHARS, Incoming, Reply, Section, Tone
from bot.render.markup import scrub
from bot.seals import BUTTON, HOME, IN_CHANNEL, MODAL, Opened, SealError, Seals, generation
from bot.settings import Settings
from commands import authz, customer_side
from commands.i18n import Translator, language_of, normalize_language
from commands.options import check_options, nearest_verb
from commands.parsing import ParseError, parse_command, split_verb
from commands.registry import CommandError, Context, lookup, verb_forms
from storage import access_repo, repos
from storage.db import SessionFactory, is_transient, reset_busy_timeout, set_busy_timeout
from storage.models import Account, ChannelBinding, Person

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Parts of a command that are grammar, not language: option keys, mentions, role codes.
# Linear on any input: a key starts only where a run of letters starts (the lookbehind),
# is taken whole (possessive), and a mention token is bounded; a long run of letters is
# otherwise rescanned from each of its positions, quadratic.
_GRAMMAR = re.compile(
    r"(?<![A-Za-z_])[A-Za-z_]++\s*+[=＝]|<@[^>\s]{0,80}>|@\S+|\b(?:AR|SR|FR)\b")
AccountListener = Callable[[int], None]
# Entry points where the person is in the channel they act in: seeing them there makes
# them a member of it (commands/authz.py). Home buttons and modals act from elsewhere.
_PRESENT = {"typed", "question", BUTTON}


def written_in_chinese(text: str) -> bool:
    """Mostly Chinese, ignoring the verb and the grammar around the words people wrote."""
    _, rest = split_verb(text)
    rest = _GRAMMAR.sub(" ", rest or text)
    cjk = len(_CJK.findall(rest))
    latin = len(_LATIN.findall(rest))
    if cjk == 0:
        first = text.split(maxsplit=1)[0] if text.strip() else ""
        return bool(_CJK.search(first))
    # A Chinese character carries about a word; a Latin word about five letters.
    return cjk >= latin / 5


class Dispatcher:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        settings: Settings,
        clock: Clock,
        services: dict[str, Any] | None = None,
        seals: Seals | None = None,
        busy_budget: float = 2.5,
    ) -> None:
        self.sessions = sessions
        # Seconds a command may spend waiting for a busy database (Slack wants an answer in 3).
        self.busy_budget = busy_budget
        self.settings = settings
        self.clock = clock
        self.services = services if services is not None else {}
        secret = settings.KAMBOT_SECRET_KEY
        self.seals = seals or Seals.from_settings(
            clock=clock, secret=secret.get_secret_value() if secret else None, sessions=sessions)
        self._listeners: list[AccountListener] = []

    def add_listener(self, listener: AccountListener) -> None:
        """Called with the account id after every committed command that may change it."""
        self._listeners.append(listener)

    def is_management(self, incoming: Incoming) -> bool:
        target = self.settings.KAMBOT_MANAGEMENT_CHANNEL
        if not target:
            return False
        return target in {incoming.channel, f"{incoming.platform}:{incoming.channel}"}

    def language_for(self, incoming: Incoming, binding: ChannelBinding | None,
                     account: Account | None) -> str:
        """Chinese text is answered in Chinese; otherwise the channel's language."""
        if incoming.language:
            return normalize_language(incoming.language)
        if written_in_chinese(incoming.text):
            return "zh"
        return language_of(binding, account, self.settings.KAMBOT_LANGUAGE)

    def handle(self, incoming: Incoming) -> Reply | None:
        """Run one command. None means this event was handled before (a duplicate).

        Input over the size limit is refused before anything reads it. A busy or briefly
        unavailable database is retried with backoff within ``busy_budget`` seconds (inside
        Slack's 3 s), then the person is told it is busy. Whatever fails, the answer says
        truthfully whether the command was saved: the event's key is claimed in the same
        transaction as its effect, so its presence after a failed commit tells.
        """
        if len(incoming.text) > MAX_INPUT_CHARS:
            return self._too_long(incoming)
        # Lone surrogates cannot be stored (nor sent back): U+FFFD in their place.
        clean, name = scrub(incoming.text), scrub(incoming.user.name)
        if clean != incoming.text or name != incoming.user.name:
            incoming = replace(incoming, text=clean, user=replace(incoming.user, name=name))
        deadline = time.monotonic() + self.busy_budget
        delay = 0.05
        attempt = _Attempt(Translator(self.settings.KAMBOT_LANGUAGE))
        while True:
            try:
                return self._handle_once(incoming, attempt, deadline)
            except _Failed as failed:
                if not failed.transient or attempt.phase == "commit":
                    return self._after_failure(incoming, attempt, failed.cause)
                left = deadline - time.monotonic()
                if left <= delay:
                    log.warning("database busy; command refused: platform=%s channel=%s (%s)",
                                incoming.platform, incoming.channel, _brief(failed.cause))
                    return error_reply(attempt.t, "error.busy")
                time.sleep(delay)
                delay = min(delay * 2, 0.8)

    def _handle_once(self, incoming: Incoming, attempt: _Attempt, deadline: float) -> Reply | None:
        ctx: Context | None = None
        account_id: int | None = None
        readonly = True
        member: dict[str, Any] | None = None
        attempt.phase = "work"
        session = self.sessions()
        try:
            # SQLite waits for another writer's lock no longer than the answer budget allows.
            set_busy_timeout(session, int(max(deadline - time.monotonic(), 0.05) * 1000))
            now = self.clock.now()
            if not repos.claim_event(
                session, platform=incoming.platform, key=incoming.key, at=now
            ):
                session.rollback()
                if attempt.maybe_saved:
                    # An earlier try's commit did land: say so rather than nothing.
                    return error_reply(attempt.t, "error.saved_but_failed")
                log.info("duplicate event %s:%s ignored", incoming.platform, incoming.key)
                return None
            binding = repos.binding_for(
                session,
                platform=incoming.platform,
                workspace=incoming.workspace,
                channel=incoming.channel,
            )
            account = None
            if binding is not None and not binding.archived:
                account = repos.account_by_id(session, account_id=binding.account_id)
            t = attempt.t = Translator(self.language_for(incoming, binding, account))
            person = repos.upsert_person(
                session,
                platform=incoming.platform,
                user_id=incoming.user.id,
                display_name=incoming.user.name,
                username=incoming.user.username,
            )
            opened = self._unseal(incoming, account)
            text = (opened.command or incoming.text) if opened is not None else incoming.text
            member = self._presence(session, incoming, person, opened)
            verb, _ = split_verb(text)
            if not verb:
                verb = "help"
            cmd = lookup(verb)
            if cmd is None:
                near = nearest_verb(verb, verb_forms())
                if near is not None:
                    raise CommandError("options.unknown_verb_near", verb=verb[:40], near=near)
                raise CommandError("error.unknown_verb", verb=verb[:40])
            is_admin = self.settings.is_admin(incoming.platform, incoming.user.id)
            is_management = self.is_management(incoming)
            if cmd.admin_only and not (is_admin or is_management):
                raise CommandError("error.admin_only", verb=cmd.name)
            if cmd.needs_account and account is None:
                raise CommandError("error.not_bound")
            args = parse_command(text or "help", free_text=cmd.free_text)
            args.verb = cmd.name
            check_options(cmd, args, t.lang)
            ctx = Context(
                session=session,
                incoming=incoming,
                person=person,
                account=account,
                clock=self.clock,
                t=t,
                is_admin=is_admin,
                is_management=is_management,
                settings=self.settings,
                services=self.services,
                shared_channel=account is not None and binding is not None and binding.shared,
            )
            public = True
            if ctx.shared_channel:
                # A channel the customer is in: only customer-safe verbs answer there
                # (showing the joint plan to anyone in it); the rest is the team's, answered
                # privately, and refused to the customer's people.
                public = customer_side.answers_in_channel(ctx, cmd.name)
            if not (ctx.shared_channel and public):
                # One authorisation for every entry point (commands/authz.py).
                authz.check(ctx, authz.rule_for(cmd.name, args, readonly=cmd.readonly))
            reply = cmd.handler(ctx, args)
            if ctx.shared_channel:
                reply = customer_side.finish(reply, public=public)
            readonly = cmd.readonly or ctx.only_read
            account_id = ctx.account.id if ctx.account is not None else None
            attempt.phase = "commit"
            session.commit()
            attempt.phase = "done"
        except (CommandError, ParseError) as exc:
            _rollback(session)
            self._remember(incoming, member)
            if exc.key.startswith("authz."):
                log.info("refused %s %s by %s:%s in %s (%s)", incoming.via,
                         (incoming.text or "").split(maxsplit=1)[0][:40] if not incoming.seal
                         else "(sealed)", incoming.platform, incoming.user.id,
                         incoming.channel, exc.key)
            # A handler may have learnt the person's language from their words (ask).
            refusal = error_reply(ctx.t if ctx is not None else attempt.t, exc.key, **exc.values)
            if ctx is not None and ctx.shared_channel and not exc.key.startswith("customer."):
                # A team member's mistake may name internal things: never in the channel.
                refusal.confidential = True
            return refusal
        except Exception as exc:
            _rollback(session)
            raise _Failed(exc, transient=is_transient(exc)) from exc
        finally:
            reset_busy_timeout(session)
            session.close()
        assert ctx is not None
        for effect in ctx.after_commit:
            _safely(effect)
        if not readonly and account_id is not None:
            for listener in self._listeners:
                _safely(lambda listener=listener: listener(account_id))  # type: ignore[misc]
        return reply

    def _after_failure(self, incoming: Incoming, attempt: _Attempt, cause: BaseException) -> Reply:
        """The notice after a failed command: "nothing was saved" only when that is true."""
        if attempt.phase != "commit":
            log.error("command failed: platform=%s channel=%s", incoming.platform,
                      incoming.channel, exc_info=cause)
            return error_reply(attempt.t, "error.internal")
        attempt.maybe_saved = True
        try:
            with self.sessions() as session:
                saved = repos.event_seen(session, platform=incoming.platform, key=incoming.key)
        except Exception:
            log.error("commit outcome unknown: platform=%s channel=%s", incoming.platform,
                      incoming.channel, exc_info=cause)
            return error_reply(attempt.t, "error.outcome_unknown")
        log.error("commit failed (saved=%s): platform=%s channel=%s", saved, incoming.platform,
                  incoming.channel, exc_info=cause)
        return error_reply(attempt.t, "error.saved_but_failed" if saved else "error.internal")

    def _too_long(self, incoming: Incoming) -> Reply:
        head = incoming.text[:2000]
        lang = (normalize_language(incoming.language) if incoming.language
                else "zh" if written_in_chinese(head) else self.settings.KAMBOT_LANGUAGE)
        log.info("input over the limit refused: platform=%s channel=%s chars>%d",
                 incoming.platform, incoming.channel, MAX_INPUT_CHARS)
        self._remember(incoming)
        return error_reply(Translator(lang), "error.input_too_long", max=f"{MAX_INPUT_CHARS:,}")

    def _unseal(self, incoming: Incoming, account: Account | None) -> Opened | None:
        """What a button or modal stands for, from its seal (bot/seals.py); None for what
        came without one (typed commands, questions).

        A button or modal whose value kambot did not make for this place, this person and
        this account is refused, and the refusal is logged without the value.
        """
        kind = incoming.via.split(":", 1)[0]
        if kind not in (BUTTON, HOME, MODAL):
            return None
        reason = "missing"
        if incoming.seal is not None:
            try:
                opened = self.seals.open(incoming.seal, purpose=incoming.via,
                                         platform=incoming.platform, channel=incoming.channel,
                                         user=incoming.user.id)
            except SealError as exc:
                reason = exc.reason
            else:
                if (opened.account_id == (account.id if account is not None else 0)
                        and opened.generation == generation(account)):
                    return opened
                reason = "elsewhere"
        log.warning("refused a %s value (%s) from %s:%s in %s", incoming.via, reason,
                    incoming.platform, incoming.user.id, incoming.channel)
        raise CommandError(f"authz.seal_{'forged' if reason == 'missing' else reason}")

    def _presence(self, session: Session, incoming: Incoming, person: Person,
                  opened: Opened | None) -> dict[str, Any] | None:
        """Someone acting in a channel is in it: record them as a member (of the channel,
        so they are a member of whatever account it is bound to, now or later). A modal
        counts when its sealed metadata says it was opened in the channel."""
        present = incoming.via in _PRESENT or (
            opened is not None and opened.extra.get(IN_CHANNEL) == "1")
        if (incoming.is_direct or not present
                or person.id is None or person.removed_at is not None):
            return None
        member: dict[str, Any] = {"platform": incoming.platform, "workspace": incoming.workspace,
                  "channel": incoming.channel, "person_id": person.id}
        access_repo.observe_member(session, at=self.clock.now(), **member)
        return member

    def _remember(self, incoming: Incoming, member: dict[str, Any] | None = None) -> None:
        """A refused command is still an event seen: its retry must not answer twice. The
        person seen in the channel stays a member even when their command was refused."""
        try:
            with self.sessions.begin() as session:
                repos.claim_event(
                    session, platform=incoming.platform, key=incoming.key, at=self.clock.now()
                )
                if member is not None:
                    access_repo.observe_member(session, at=self.clock.now(), **member)
        except Exception:
            log.exception("could not record event %s:%s", incoming.platform, incoming.key)

class _Attempt:
    """What the retries of one command share: its language and how far the last try got."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.phase = "work"  # "work", "commit" (outcome unknown if it fails), "done"
        self.maybe_saved = False


class _Failed(Exception):
    def __init__(self, cause: BaseException, *, transient: bool) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.transient = transient


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # the connection is gone; the pool discards it
        log.debug("rollback failed", exc_info=True)


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def _safely(fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:
        log.exception("after-commit work failed")


def error_reply(t: Translator, key: str, /, **values: object) -> Reply:
    """A refusal, in the person's language, shown to them only, with a way to do it right."""
    text = t(key, **values)
    title, _, body = text.partition("\n")
    return Reply(
        title=title,
        sections=[Section(text=body.strip())] if body.strip() else [],
        tone=Tone.ERROR,
        private=True,
    )
