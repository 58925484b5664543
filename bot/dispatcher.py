"""The dispatcher: one Incoming in, one Reply out, inside one unit of work.

It resolves the account from the channel binding (never from what was typed), resolves the
person, checks permission, parses the verb and calls the handler. The idempotency key is
claimed in the same transaction as the handler's writes, so an event delivered twice has
its effect once, and a failed command leaves nothing half-written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from bot.clock import Clock
from bot.messages import Incoming, Reply, Section, Tone
from bot.settings import Settings
from commands.i18n import Translator, language_of, normalize_language
from commands.parsing import ParseError, parse_command, split_verb
from commands.registry import CommandError, Context, lookup
from storage import repos
from storage.db import SessionFactory
from storage.models import Account, ChannelBinding

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
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self.services = services if services is not None else {}
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
        """Run one command. None means this event was handled before (a duplicate)."""
        ctx: Context | None = None
        account_id: int | None = None
        readonly = True
        t = Translator(self.settings.KAMBOT_LANGUAGE)
        try:
            with self.sessions.begin() as session:
                now = self.clock.now()
                if not repos.claim_event(
                    session, platform=incoming.platform, key=incoming.key, at=now
                ):
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
                t = Translator(self.language_for(incoming, binding, account))
                person = repos.upsert_person(
                    session,
                    platform=incoming.platform,
                    user_id=incoming.user.id,
                    display_name=incoming.user.name,
                    username=incoming.user.username,
                )
                verb, _ = split_verb(incoming.text)
                if not verb:
                    verb = "help"
                cmd = lookup(verb)
                if cmd is None:
                    raise CommandError("error.unknown_verb", verb=verb[:40])
                is_admin = self.settings.is_admin(incoming.platform, incoming.user.id)
                is_management = self.is_management(incoming)
                if cmd.admin_only and not (is_admin or is_management):
                    raise CommandError("error.admin_only", verb=cmd.name)
                if cmd.needs_account and account is None:
                    raise CommandError("error.not_bound")
                args = parse_command(incoming.text or "help", free_text=cmd.free_text)
                args.verb = cmd.name
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
                )
                reply = cmd.handler(ctx, args)
                readonly = cmd.readonly
                account_id = ctx.account.id if ctx.account is not None else None
        except (CommandError, ParseError) as exc:
            self._remember(incoming)
            return error_reply(t, exc.key, **exc.values)
        except Exception:
            log.exception("command failed: platform=%s channel=%s", incoming.platform,
                          incoming.channel)
            return error_reply(t, "error.internal")
        assert ctx is not None
        for effect in ctx.after_commit:
            _safely(effect)
        if not readonly and account_id is not None:
            for listener in self._listeners:
                _safely(lambda listener=listener: listener(account_id))  # type: ignore[misc]
        return reply

    def _remember(self, incoming: Incoming) -> None:
        """A refused command is still an event seen: its retry must not answer twice."""
        try:
            with self.sessions.begin() as session:
                repos.claim_event(
                    session, platform=incoming.platform, key=incoming.key, at=self.clock.now()
                )
        except Exception:
            log.exception("could not record event %s:%s", incoming.platform, incoming.key)


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
