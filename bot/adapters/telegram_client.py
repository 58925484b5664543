"""A small synchronous Bot API client and the Telegram :class:`~bot.outbox.Sender`.

Replies to commands and the bot's own posts (reports, alerts) go through here, from
worker threads: one code path that honours 429 ``retry_after``, retries transient
failures, and never lets the bot token reach a log line or an exception message (the
token is part of every Bot API URL).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bot.messages import Attachment, Outgoing, Reply
from bot.outbox import SendError, Sent
from bot.render.telegram import CallbackStore, TelegramMessage, caption_html, render_telegram
from bot.seals import ChannelSealer, seal_reply

log = logging.getLogger(__name__)

PHOTO_TYPES = {"image/png", "image/jpeg", "image/webp"}


def redact(text: str, token: str) -> str:
    """``text`` with the bot token (and its secret half on its own) blanked out."""
    if not token:
        return text
    text = text.replace(token, "<token>")
    _, _, secret = token.partition(":")
    return text.replace(secret, "<token>") if len(secret) >= 8 else text


class TokenFilter(logging.Filter):
    """Blanks the bot token out of every record that passes a handler it is attached to."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        redacted = redact(message, self.token)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # tracebacks can carry a request URL: format now, redacted, and drop the original
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.token)
        return True


def protect_logs(token: str) -> TokenFilter:
    """Keep the token out of logs: quiet httpx's URL lines, filter every root handler."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    token_filter = TokenFilter(token)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext", "bot.adapters"):
        logging.getLogger(name).addFilter(token_filter)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenFilter) and f.token == token for f in handler.filters):
            handler.addFilter(token_filter)
    return token_filter


class ApiCallError(Exception):
    """A Bot API call that failed; the message never holds the token."""

    def __init__(self, method: str, status: int, description: str,
                 retry_after: float | None = None) -> None:  # fmt: skip
        super().__init__(f"{method}: {status} {description}")
        self.method = method
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """400 / 401 / 403 / 404: the same call will fail again."""
        return self.status in (400, 401, 403, 404)


def file_url_base(api_url: str) -> str:
    """Where files are served, from the Bot API base: ``.../bot`` -> ``.../file/bot``.

    Only the trailing ``/bot`` is replaced, so a host whose name holds "/bot" survives.
    """
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"


class BotApi:
    """Synchronous calls to ``<api_url><token>/<method>``, retried the way Telegram asks.

    A 429 waits ``retry_after`` (up to ``max_wait``, else it raises so the caller can
    reschedule); 5xx and network errors back off and retry up to ``attempts`` times; other
    errors raise at once. ``sleep`` is injectable so tests need not wait.
    """

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.telegram.org/bot",
        *,
        attempts: int = 4,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = token
        self._base = f"{api_url}{token}/"
        self._files = f"{file_url_base(api_url)}{token}/"
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self._client = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """Call ``method``; returns the ``result``. Raises ApiCallError."""
        last: ApiCallError | None = None
        for attempt in range(self.attempts):
            try:
                return self._once(method, params or {}, files)
            except ApiCallError as exc:
                last = exc
                if exc.status == 429:
                    wait = exc.retry_after if exc.retry_after is not None else 1.0
                    if wait > self.max_wait:
                        raise
                    log.warning("telegram %s: 429, waiting %.0f s", method, wait)
                    self.sleep(wait)
                    continue
                if exc.permanent or attempt == self.attempts - 1:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("telegram %s failed (%s), retrying in %.1f s", method,
                            exc.description, delay)  # fmt: skip
                self.sleep(delay)
        assert last is not None
        raise last

    def _once(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]] | None
    ) -> Any:
        try:
            if files:
                data = {k: v if isinstance(v, str) else _json(v) for k, v in params.items()}
                response = self._client.post(self._base + method, data=data, files=files)
            else:
                response = self._client.post(self._base + method, json=params)
        except httpx.HTTPError as exc:
            raise network_error(method, exc, self._token) from None
        return api_result(method, response, self._token)

    def download(self, file_id: str, *, limit: int) -> bytes:
        """The bytes of a file people sent (getFile, then its file path); at most ``limit``.

        Telegram serves a relative ``file_path`` under ``/file/bot<token>/``; a local Bot
        API server in ``--local`` mode answers with an absolute path on its disk, read
        directly. Raises ApiCallError (never with the token in it).
        """
        info = self.call("getFile", {"file_id": file_id})
        path = str((info or {}).get("file_path") or "")
        size = int((info or {}).get("file_size") or 0)
        if not path:
            raise ApiCallError("getFile", 0, "no file path in the answer")
        if size > limit:
            raise ApiCallError("getFile", 0, f"file of {size} bytes is over {limit}")
        if path.startswith("/"):
            local = Path(path)
            try:
                if local.stat().st_size > limit:
                    raise ApiCallError("getFile", 0, f"file over {limit} bytes")
                return local.read_bytes()
            except OSError as exc:
                raise ApiCallError("getFile", 0, f"local file not readable: {exc.strerror}") from None
        chunks: list[bytes] = []
        total = 0
        try:
            with self._client.stream("GET", self._files + path) as response:
                if response.status_code != 200:
                    raise ApiCallError("file", response.status_code, "download refused")
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > limit:
                        raise ApiCallError("file", 0, f"file over {limit} bytes")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            # the URL holds the token: name only the kind of failure
            raise ApiCallError("file", 0, f"network error: {type(exc).__name__}") from None
        return b"".join(chunks)


def network_error(method: str, exc: Exception, token: str) -> ApiCallError:
    # httpx messages can carry the URL, and so the token
    return ApiCallError(method, 0, redact(f"network error: {type(exc).__name__}: {exc}", token))


def api_result(method: str, response: httpx.Response, token: str) -> Any:
    """The ``result`` of a Bot API answer; ApiCallError (token-free) for a refusal."""
    try:
        body = response.json()
    except ValueError:
        raise ApiCallError(method, response.status_code, "not a Bot API answer") from None
    if not isinstance(body, dict):
        raise ApiCallError(method, response.status_code, "not a Bot API answer")
    if body.get("ok"):
        return body.get("result")
    retry_after = (body.get("parameters") or {}).get("retry_after")
    raise ApiCallError(
        method,
        int(body.get("error_code") or response.status_code),
        redact(str(body.get("description", "")), token),
        float(retry_after) if retry_after is not None else None,
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class TelegramSender:
    """:class:`bot.outbox.Sender` for Telegram: the reply as HTML messages, then files."""

    platform = "telegram"

    def __init__(self, api: BotApi, callbacks: CallbackStore | None = None,
                 sealer: ChannelSealer | None = None) -> None:
        self.api = api
        self.callbacks = callbacks or CallbackStore()
        # Signs button commands for the chat they are sent to (bot/seals.py).
        self.sealer = sealer

    def send(self, out: Outgoing) -> Sent:
        first: str | None = None
        reply = out.reply
        if self.sealer is not None and (reply.buttons or any(
                item.buttons for section in reply.sections for item in section.items)):
            reply = seal_reply(reply, self.sealer.for_channel(out.channel))
        try:
            for message in render_telegram(reply, callbacks=self.callbacks):
                result = self.api.call("sendMessage", self._message(out, message))
                first = first or str(result["message_id"])
            for attachment in out.reply.attachments:
                result = self._attachment(out, attachment)
                first = first or str(result["message_id"])
        except ApiCallError as exc:
            raise SendError(str(exc), retry_after=exc.retry_after if exc.status == 429 else None,
                            permanent=exc.permanent) from None  # fmt: skip
        return Sent(channel=out.channel, ref=first or "")

    def reply_to(self, chat_id: int | str, reply: Reply, *, thread: str | None) -> Sent:
        """Answer a command in its chat (as a reply to the command's message)."""
        return self.send(
            Outgoing(
                platform=self.platform,
                workspace="telegram",
                channel=str(chat_id),
                reply=reply,
                thread=thread,
            )  # fmt: skip
        )

    @staticmethod
    def _thread(out: Outgoing) -> dict[str, Any]:
        if not out.thread:
            return {}
        return {
            "reply_parameters": {
                "message_id": int(out.thread),
                "allow_sending_without_reply": True,
            }
        }

    def _message(self, out: Outgoing, message: TelegramMessage) -> dict[str, Any]:
        params: dict[str, Any] = {
            "chat_id": _chat(out.channel),
            "text": message.html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
            **self._thread(out),
        }
        markup = message.reply_markup()
        if markup is not None:
            params["reply_markup"] = markup
        return params

    def _attachment(self, out: Outgoing, attachment: Attachment) -> Any:
        method, field = (
            ("sendPhoto", "photo")
            if attachment.mime in PHOTO_TYPES
            else ("sendDocument", "document")
        )
        params: dict[str, Any] = {"chat_id": str(_chat(out.channel)), **self._thread(out)}
        if attachment.title:
            params["caption"] = caption_html(attachment.title)
            params["parse_mode"] = "HTML"
        files = {field: (attachment.filename, attachment.content, attachment.mime)}
        return self.api.call(method, params, files=files)


def _chat(channel: str) -> int | str:
    try:
        return int(channel)
    except ValueError:
        return channel
