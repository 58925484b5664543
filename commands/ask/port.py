"""What the core needs from a language model, without importing one.

bot/llm.py's LLMClient satisfies :class:`LanguageModel`; tests may pass any object with
the same method. A model that fails in any way raises :class:`LLMUnavailable`, and every
caller answers from the record instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from bot.messages import Incoming, Reply


class LLMUnavailable(Exception):
    """The model could not answer; ``reason`` is timeout | rate_limited | error | bad_output."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class LanguageModel(Protocol):
    def complete_json(
        self, *, system: str, prompt: str, schema: dict[str, Any], schema_name: str
    ) -> dict[str, Any]:
        """One chat completion whose reply is a JSON object following ``schema``."""
        ...


class FollowUp(Protocol):
    """Runs slow work off the request path and posts its Reply in the asker's thread."""

    def later(self, incoming: Incoming, work: Callable[[], Reply | None]) -> None: ...
