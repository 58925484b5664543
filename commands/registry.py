"""The verb registry and what a handler is given.

A handler is a plain function ``(ctx: Context, args: Args) -> Reply`` registered with
:func:`command`. Handler modules live in ``commands/handlers/`` and are discovered there,
so a new area adds a module and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from commands.i18n import Translator
from commands.parsing import Args

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.clock import Clock
    from bot.messages import Incoming, Reply
    from storage.models import Account, Person


class CommandError(Exception):
    """A refusal the person should read: a catalog key and its values.

    Raised anywhere inside a handler; the dispatcher rolls the unit of work back and
    answers with the message, privately, in the person's language.
    """

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass
class Context:
    """Everything a handler may use; nothing in it knows a platform."""

    session: Session
    incoming: Incoming
    person: Person
    account: Account | None
    clock: Clock
    t: Translator
    is_admin: bool = False
    is_management: bool = False
    settings: Any = None
    # Optional collaborators the composition root supplies (an LLM client, say).
    services: dict[str, Any] = field(default_factory=dict)
    # The request came from a channel shared with the customer (commands/customer_side.py):
    # handlers that answer there show the joint plan only.
    shared_channel: bool = False
    # Run after the unit of work commits (e.g. "health may have changed").
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # Set by a verb that can write but only read this time (`account` showing the card):
    # the after-write checks (the health re-assessment) are then not run for it.
    only_read: bool = False

    @property
    def lang(self) -> str:
        return self.t.lang

    def require_account(self) -> Account:
        if self.account is None:
            raise CommandError("error.not_bound")
        return self.account


Handler = Callable[[Context, Args], "Reply"]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    needs_account: bool = True
    admin_only: bool = False
    # Free-text verbs keep their text as typed (no quote rules): note, ask, plan.
    free_text: bool = False
    # Read-only verbs do not trigger "the account changed" listeners.
    readonly: bool = False
    # Catalog keys: one-line summary and usage, shown by `help`.
    summary_key: str = ""
    usage_key: str = ""
    # The ``key=value`` options the verb takes (English names; Chinese forms come from
    # commands.parsing.KEY_ALIASES and ``key_aliases``); a free-text verb takes none.
    # Any other key is refused before the handler runs, with these listed (and a "did you
    # mean" for a near miss): see commands/options.py.
    keys: tuple[str, ...] = ()
    # Keys of the verb's own (Chinese forms only it uses), to their English names.
    key_aliases: dict[str, str] = field(default_factory=dict)
    # Keys that are not a fixed list (roles in `triangle`): accepted when this says so.
    accepts: Callable[[str], bool] | None = None


REGISTRY: dict[str, Command] = {}
_ALIASES: dict[str, str] = {}


def command(
    name: str,
    *,
    aliases: tuple[str, ...] = (),
    needs_account: bool = True,
    admin_only: bool = False,
    free_text: bool = False,
    readonly: bool = False,
    keys: tuple[str, ...] | None = None,
    key_aliases: dict[str, str] | None = None,
    accepts: Callable[[str], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``name``. Help texts are ``help.<name>.summary`` / ``.usage``.

    Every verb declares the ``keys`` it takes (``()`` for none); a free-text verb takes
    none and declares nothing. tests/test_verbs_declared.py checks this, and that each verb
    and key has a Chinese form.
    """
    if keys is None and not free_text:
        raise RuntimeError(f"verb {name!r} must declare the keys it takes (keys=() for none)")

    def register(fn: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"verb {name!r} registered twice")
        REGISTRY[name] = Command(
            name=name,
            handler=fn,
            aliases=aliases,
            needs_account=needs_account,
            admin_only=admin_only,
            free_text=free_text,
            readonly=readonly,
            summary_key=f"help.{name}.summary",
            usage_key=f"help.{name}.usage",
            keys=keys if keys is not None else (),
            key_aliases=dict(key_aliases or {}),
            accepts=accepts,
        )
        for alias in aliases:
            _ALIASES[alias] = name
        return fn

    return register


_loaded = False


def load_handlers() -> dict[str, Command]:
    """Import every module in commands/handlers once; returns the registry."""
    global _loaded
    if not _loaded:
        import commands.handlers as pkg

        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
        _loaded = True
    return REGISTRY


def lookup(verb: str) -> Command | None:
    load_handlers()
    return REGISTRY.get(_ALIASES.get(verb, verb))


def verb_forms() -> list[str]:
    """Every word that names a verb: its name, its aliases, its Chinese forms."""
    from commands.parsing import VERB_ALIASES

    load_handlers()
    return sorted({*REGISTRY, *_ALIASES, *VERB_ALIASES} - {"?", "h"})
