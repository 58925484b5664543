"""`kambot import transcript FILE --account NAME`: a transcript file as a meeting note.

The same path as a file posted in the account's channel (commands.transcript_notes): the
note is stored and its actions and decisions are printed as proposals; nothing else is
created unless ``--create`` is given. Everything happens in one transaction, so a file
that cannot be read leaves nothing behind.
"""

from __future__ import annotations

import getpass
import uuid
from pathlib import Path
from typing import TextIO

from bot.app import Core
from bot.messages import Incoming, Reply, Section, User
from commands.i18n import Translator, normalize_language
from commands.registry import CommandError, Context
from commands.transcript_notes import accept_all, import_transcript, imported_reply
from storage import repos
from storage.models import Person

PLATFORM = "cli"


def _operator() -> str:
    try:
        return getpass.getuser() or "operator"
    except Exception:  # noqa: BLE001 - no user name in a bare container: still an operator
        return "operator"


def import_transcript_file(
    core: Core,
    path: Path,
    *,
    account: str,
    lang: str | None = None,
    create: bool = False,
    out: TextIO,
) -> int:
    """Store ``path`` as a note of ``account``; print what it proposes. Returns the exit code."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.write(f"kambot: cannot read {path}: {exc.strerror or exc}\n")
        return 2
    who = _operator()
    t = Translator(core.settings.KAMBOT_LANGUAGE)
    replies: list[Reply] = []
    try:
        with core.sessions.begin() as session:
            found = repos.account_by_name(session, name=account)
            if found is None:
                out.write(f"kambot: there is no account called {account!r} "
                          "(kambot export accounts lists them)\n")
                return 2
            t = Translator(normalize_language(lang or found.language
                                              or core.settings.KAMBOT_LANGUAGE))
            ctx = Context(
                session=session,
                incoming=Incoming(platform=PLATFORM, workspace="", channel="",
                                  user=User(id=who, name=who), text="transcript",
                                  key=f"cli:{uuid.uuid4().hex}"),
                # The operator is no chat user: a person only in memory, never stored.
                person=Person(platform=PLATFORM, user_id=who, display_name=who),
                account=found,
                clock=core.clock,
                t=t,
                is_admin=True,
                settings=core.settings,
                services=core.services,
            )
            imported = import_transcript(ctx, filename=path.name, data=data)
            replies.append(imported_reply(ctx, imported))
            if create:
                replies.append(accept_all(ctx, imported.note))
            else:
                replies[0].sections.append(
                    Section(text=t("transcript.cli_hint", number=imported.note.number)))
    except CommandError as exc:  # nothing was stored: the unit of work rolled back
        out.write("kambot: " + t(exc.key, **exc.values).replace("\n", "\n  ") + "\n")
        return 1
    for reply in replies:
        out.write(reply.plain_text() + "\n\n")
    return 0
