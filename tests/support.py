"""Test helpers: a conversation that plays a channel against the real dispatcher."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from bot.adapters.console import mentions_in
from bot.app import Core
from bot.messages import Incoming, Reply, User

_keys = itertools.count(1)


@dataclass
class Conversation:
    """errbot-style: ``chat.say("task x")`` sends a line as ``user`` in ``channel``."""

    core: Core
    channel: str
    user: str
    platform: str = "console"
    workspace: str = "local"
    history: list[tuple[str, Reply | None]] = field(default_factory=list)

    def incoming(
        self,
        text: str,
        *,
        user: str | None = None,
        key: str | None = None,
        mentions: dict[str, User] | None = None,
        **kw: object,
    ) -> Incoming:
        who = user or self.user
        found = {**mentions_in(text), **(mentions or {})}
        return Incoming(
            platform=self.platform,
            workspace=self.workspace,
            channel=kw.pop("channel", self.channel),  # type: ignore[arg-type]
            user=User(id=who, name=who, username=who),
            text=text,
            key=key or f"test-{next(_keys)}",
            mentions=found,
            **kw,  # type: ignore[arg-type]
        )

    def send(self, incoming: Incoming) -> Reply | None:
        reply = self.core.dispatcher.handle(incoming)
        self.history.append((incoming.text, reply))
        return reply

    def say(self, text: str, **kw: object) -> Reply:
        reply = self.send(self.incoming(text, **kw))  # type: ignore[arg-type]
        assert reply is not None, f"no reply to {text!r} (treated as a duplicate?)"
        return reply

    def text(self, text: str, **kw: object) -> str:
        """The reply to ``text`` as plain text (what the console prints)."""
        return self.say(text, **kw).plain_text()


def flat(text: str) -> str:
    """Console fields pad their labels ("Account score     : 90/100"): fold the padding."""
    return re.sub(r" +([:：])", r"\1", text)
