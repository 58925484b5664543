"""The LLM client: the only module that imports ``openai``.

Any OpenAI-compatible server works (OpenAI, Azure's compatible endpoint, Ollama, vLLM):
OPENAI_BASE_URL and OPENAI_API_KEY pick it, KAMBOT_LLM_MODEL the model. The SDK's own
retries are off (``max_retries=0``): a slow or failing model is not retried on the
request path, the caller answers from the record instead (commands.ask.port.LLMUnavailable).
The key is never logged: it lives in a SecretStr until handed to the SDK.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import openai

from bot.settings import Settings
from commands.ask.port import LLMUnavailable

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
# A local server (Ollama, vLLM) needs no key, but the SDK insists on one.
_NO_KEY = "not-needed"


class LLMClient:
    """Chat completions with structured output; satisfies commands.ask.port.LanguageModel."""

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_tokens: int = 800,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.max_tokens = max_tokens
        # Cleared when the server turns out not to support json_schema response formats.
        self._structured = True
        self._client = openai.OpenAI(
            api_key=api_key or _NO_KEY, base_url=base_url or None, timeout=timeout, max_retries=0
        )

    def __repr__(self) -> str:  # never show the key
        return f"LLMClient(model={self.model!r}, base_url={str(self._client.base_url)!r})"

    def complete_json(
        self, *, system: str, prompt: str, schema: dict[str, Any], schema_name: str
    ) -> dict[str, Any]:
        """One completion whose content is a JSON object following ``schema``.

        Structured output (``json_schema``) first; a server that rejects it (HTTP 400 naming
        response_format: older Ollama / vLLM builds) is asked in JSON mode from then on,
        with the schema spelled out in the system message.
        """
        if self._structured:
            try:
                return self._complete(system, prompt, {
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "schema": schema, "strict": True},
                })
            except _StructuredUnsupported:
                log.info("the LLM server has no structured output; using JSON mode")
                self._structured = False
        system = f"{system}\n\nReply with one JSON object following this JSON schema:\n{json.dumps(schema)}"
        try:
            return self._complete(system, prompt, {"type": "json_object"})
        except _StructuredUnsupported as exc:
            raise LLMUnavailable("error", "HTTP 400") from exc

    def _complete(self, system: str, prompt: str, response_format: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.chat.completions.create(  # type: ignore[call-overload]
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": prompt},
                ],
                response_format=response_format,
                temperature=0.1,
                max_tokens=self.max_tokens,
            )
        except openai.APITimeoutError as exc:
            raise LLMUnavailable("timeout") from exc
        except openai.RateLimitError as exc:
            raise LLMUnavailable("rate_limited") from exc
        except openai.BadRequestError as exc:
            if "response_format" in str(exc) or "json_schema" in str(exc):
                raise _StructuredUnsupported() from exc
            raise LLMUnavailable("error", "HTTP 400") from exc
        except openai.APIStatusError as exc:
            raise LLMUnavailable("error", f"HTTP {exc.status_code}") from exc
        except openai.OpenAIError as exc:  # connection refused, bad response...
            raise LLMUnavailable("error", type(exc).__name__) from exc
        try:
            content = response.choices[0].message.content or ""
            data = json.loads(content)
        except (IndexError, AttributeError, ValueError) as exc:
            raise LLMUnavailable("bad_output", "not JSON") from exc
        if not isinstance(data, dict):
            raise LLMUnavailable("bad_output", "not an object")
        return data


class _StructuredUnsupported(Exception):
    """The server rejected the json_schema response format."""


def build_llm(settings: Settings, *, timeout: float = DEFAULT_TIMEOUT) -> LLMClient | None:
    """The client when OPENAI_API_KEY or OPENAI_BASE_URL is set, else None (no LLM)."""
    if not settings.llm_enabled:
        return None
    key = settings.OPENAI_API_KEY.get_secret_value() if settings.OPENAI_API_KEY else None
    client = LLMClient(model=settings.KAMBOT_LLM_MODEL, api_key=key,
                       base_url=settings.OPENAI_BASE_URL, timeout=timeout)
    log.info("LLM on: %r", client)
    return client


def probe(settings: Settings, *, timeout: float = 10.0) -> tuple[str, str]:
    """Whether the configured server takes the key and knows the model (``kambot doctor``).

    Lists the models (free, unlike a completion). Returns ``(outcome, detail)``: outcome is
    ``ok``, ``model_missing`` (detail: a few models it has), ``refused`` (HTTP 401 / 403),
    ``no_list`` (the server has no model list: nothing more can be checked) or
    ``unreachable`` (detail: what failed, never the key).
    """
    key = settings.OPENAI_API_KEY.get_secret_value() if settings.OPENAI_API_KEY else None
    client = openai.OpenAI(api_key=key or _NO_KEY, base_url=settings.OPENAI_BASE_URL or None,
                           timeout=timeout, max_retries=0)
    try:
        models = [m.id for m in client.models.list()]
    except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
        return "refused", f"HTTP {exc.status_code}"
    except openai.NotFoundError:
        return "no_list", ""
    except openai.APIStatusError as exc:
        return "unreachable", f"HTTP {exc.status_code}"
    except openai.OpenAIError as exc:
        return "unreachable", type(exc).__name__
    if settings.KAMBOT_LLM_MODEL not in models:
        return "model_missing", ", ".join(sorted(models)[:8])
    return "ok", ""
