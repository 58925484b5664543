"""Posting to Slack: replies, files, button traces, App Home; and the outbox Sender.

One synchronous poster serves both the interactive path (run in a worker thread after the
ack) and the scheduler's reports and alerts (``bot.outbox.Sender``), so there is one way a
Reply reaches Slack. The Web API client retries a 429 after its Retry-After
(``RateLimitErrorRetryHandler``); a 429 that outlasts the retries, or any other refusal,
becomes a :class:`~bot.outbox.SendError` the caller can act on.
"""

from __future__ import annotations

import http.client
import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web.file_upload_v2_result import FileUploadV2Result
from slack_sdk.webhook import WebhookClient

from bot.messages import Button, Item, Outgoing, Reply, User
from bot.outbox import CannotTell, SendError, Sent
from bot.render.slack import SECTION_TEXT, SlackMessage, clip, render_slack
from bot.seals import ChannelSealer, seal_reply
from commands.i18n import Translator

log = logging.getLogger(__name__)

# Refusals that will not change by trying again.
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive",
    "token_revoked", "no_permission", "missing_scope", "user_not_found", "restricted_action",
    "msg_too_long", "invalid_blocks", "cannot_dm_bot", "user_not_in_channel",
}
# Where a slash command or button still can answer through its response_url.
UNREACHABLE = {"channel_not_found", "not_in_channel", "user_not_in_channel"}
# The message metadata event type that carries a post's delivery key (bot/posting.py).
DELIVERY_EVENT = "kambot_delivery"
# How far back a recovery looks for a post in doubt (messages, newest first).
FIND_LIMIT = 200


class KeepAliveWebClient(WebClient):
    """slack_sdk's WebClient, its requests sent over pooled keep-alive connections (httpx).

    The stock client opens a new connection (TCP, and TLS to slack.com) for every call,
    and a report is a dozen calls (messages, file uploads). Everything else is the stock
    client's: its parameters, retry handlers and errors (an answer of 400 or more is raised
    as the HTTPError it expects). Through a proxy it works as it always did. Safe to share
    between threads, as the pool is.
    """

    def __init__(self, *args: Any, max_connections: int = 16, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._http = httpx.Client(
            timeout=self.timeout, verify=self.ssl if self.ssl is not None else True,
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections))

    def close(self) -> None:
        self._http.close()

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None:
            return super()._perform_urllib_http_request_internal(url, req)
        if not url.lower().startswith("http"):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        headers = {k: str(v) for k, v in req.header_items() if k.lower() != "content-length"}
        body = req.data if isinstance(req.data, bytes | None) else bytes(req.data)  # type: ignore[arg-type]
        resp = self._http.request(req.get_method(), url, content=body, headers=headers)
        message = http.client.HTTPMessage()
        for name, value in resp.headers.multi_items():
            message[name] = value
        if resp.status_code >= 400:
            raise HTTPError(url, resp.status_code, resp.reason_phrase, message,
                            io.BytesIO(resp.content))
        if message.get_content_type() == "application/gzip":
            return {"status": resp.status_code, "headers": message, "body": resp.content}
        charset = message.get_content_charset() or "utf-8"
        return {"status": resp.status_code, "headers": message,
                "body": resp.content.decode(charset)}

    def _upload_file(self, *, url: str, data: bytes, logger: logging.Logger, timeout: int,
                     proxy: str | None, ssl: Any) -> FileUploadV2Result:
        if proxy is not None:
            return super()._upload_file(url=url, data=data, logger=logger, timeout=timeout,
                                        proxy=proxy, ssl=ssl)
        resp = self._http.post(url, content=data, timeout=timeout)
        return FileUploadV2Result(status=resp.status_code, body=resp.text)


def make_client(token: str, base_url: str, *, retries: int = 2) -> WebClient:
    client = KeepAliveWebClient(token=token, base_url=_slash(base_url))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=retries))
    return client


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def send_error(exc: SlackApiError) -> SendError:
    """A SlackApiError as the outbox understands it (never with the token in it)."""
    resp = exc.response
    error = str(resp.get("error", "")) if resp is not None else ""
    if resp is not None and resp.status_code == 429:
        retry = resp.headers.get("Retry-After") or resp.headers.get("retry-after") or "1"
        return SendError(f"slack: rate limited ({error})", retry_after=float(retry))
    return SendError(f"slack: {error or 'request failed'}", permanent=error in PERMANENT)


@dataclass
class Posted:
    channel: str
    ts: str


class SlackPoster:
    """Everything the bot posts to Slack goes through here."""

    platform = "slack"

    def __init__(self, client: WebClient, *, language: str = "en",
                 sealer: ChannelSealer | None = None) -> None:
        self.client = client
        self.language = language
        # Signs button values for the channel they are posted in (bot/seals.py).
        self.sealer = sealer

    # -- the outbox Sender -----------------------------------------------------------
    def send(self, out: Outgoing) -> Sent:
        metadata = None
        if out.delivery_key:
            metadata = {"event_type": DELIVERY_EVENT,
                        "event_payload": {"delivery_key": out.delivery_key}}
        try:
            posted = self.post(out.channel, out.reply, thread=out.thread, metadata=metadata)
        except SlackApiError as exc:
            raise send_error(exc) from None
        return Sent(channel=posted.channel, ref=posted.ts)

    def find(self, out: Outgoing) -> Sent | None:
        """The message carrying ``out.delivery_key`` among the channel's (or the thread's)
        latest FIND_LIMIT, by its metadata; CannotTell when Slack will not show the history
        (the channels:history / groups:history scopes, a DM by user id)."""
        try:
            if out.thread:
                resp = self.client.conversations_replies(
                    channel=out.channel, ts=out.thread, include_all_metadata=True,
                    limit=FIND_LIMIT)
            else:
                resp = self.client.conversations_history(
                    channel=out.channel, include_all_metadata=True, limit=FIND_LIMIT)
        except SlackApiError as exc:
            error = exc.response.get("error", "") if exc.response is not None else ""
            raise CannotTell(f"slack: conversations history: {error or 'request failed'}") \
                from None
        for message in resp.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (metadata.get("event_type") == DELIVERY_EVENT
                    and payload.get("delivery_key") == out.delivery_key):
                return Sent(channel=out.channel, ref=str(message.get("ts", "")))
        return None

    # -- replies ---------------------------------------------------------------------
    def messages(self, reply: Reply, t: Translator | None = None,
                 channel: str | None = None) -> list[SlackMessage]:
        t = t or Translator(self.language)
        if self.sealer is not None and channel and (reply.buttons or any(
                item.buttons for section in reply.sections for item in section.items)):
            reply = seal_reply(reply, self.sealer.for_channel(channel))
        return render_slack(reply, omitted=lambda n: t("slack.render.omitted", count=n))

    def post(self, channel: str, reply: Reply, *, thread: str | None = None,
             t: Translator | None = None, metadata: dict[str, Any] | None = None) -> Posted:
        """Post in ``channel`` (a thread when given), then the attachments. Raises SlackApiError.

        ``metadata`` (Slack message metadata) goes on the first message."""
        first: Posted | None = None
        for msg in self.messages(reply, t, channel):
            kwargs: dict[str, Any] = {"channel": channel, "text": msg.text, "blocks": msg.blocks,
                                      "unfurl_links": False}
            if thread:
                kwargs["thread_ts"] = thread
            if metadata is not None and first is None:
                kwargs["metadata"] = metadata
            resp = self.client.chat_postMessage(**kwargs)
            if first is None:
                first = Posted(channel=str(resp["channel"]), ts=str(resp["ts"]))
        assert first is not None
        if reply.attachments:
            self.client.files_upload_v2(
                channel=first.channel,
                thread_ts=thread,
                file_uploads=[{"content": a.content, "filename": a.filename,
                               "title": a.title or a.filename} for a in reply.attachments],
            )
        return first

    def post_ephemeral(self, channel: str, user: str, reply: Reply, *, thread: str | None = None,
                       t: Translator | None = None) -> None:
        """Only ``user`` sees it. Files cannot be ephemeral, so attachments are left out."""
        for msg in self.messages(reply, t, channel):
            kwargs: dict[str, Any] = {"channel": channel, "user": user, "text": msg.text,
                                      "blocks": msg.blocks}
            if thread:
                kwargs["thread_ts"] = thread
            self.client.chat_postEphemeral(**kwargs)

    def respond(self, response_url: str, reply: Reply, *, public: bool,
                replace_original: bool = False, t: Translator | None = None,
                channel: str | None = None) -> None:
        """Answer through a response_url: works where the bot is not a channel member.
        ``channel`` is where the answer shows (its buttons act there)."""
        webhook = WebhookClient(response_url)
        for i, msg in enumerate(self.messages(reply, t, channel)):
            sent = webhook.send(text=msg.text, blocks=msg.blocks,
                                response_type="in_channel" if public else "ephemeral",
                                replace_original=replace_original and i == 0)
            if sent.status_code != 200:  # expired (30 min, 5 uses) or refused
                raise SlackApiError(f"response_url: HTTP {sent.status_code}",
                                    {"ok": False, "error": sent.body or "response_url_failed"})

    def answer(self, *, channel: str, user: str, reply: Reply, thread: str | None = None,
               response_url: str | None = None, t: Translator | None = None) -> None:
        """Reply to a person: errors and private replies to them only, the rest in the channel.

        When the bot may not post in the channel (a slash command in a channel it was not
        invited to, or a DM between two people) the response_url still reaches them.
        """
        private = reply.private or reply.is_error
        try:
            if private:
                self.post_ephemeral(channel, user, reply, thread=thread, t=t)
            else:
                self.post(channel, reply, thread=thread, t=t)
        except SlackApiError as exc:
            error = exc.response.get("error", "") if exc.response is not None else ""
            if response_url and error in UNREACHABLE:
                self.respond(response_url, reply, public=not private, t=t, channel=channel)
                return
            raise

    def direct(self, user: str, reply: Reply, *, t: Translator | None = None) -> None:
        """A message in the person's DM with the app (its Messages tab)."""
        self.post(user, reply, t=t)

    # -- buttons and home ------------------------------------------------------------
    def mark_pressed(self, channel: str, message: dict[str, Any], action_id: str, note: str) -> bool:
        """Leave a trace on the message whose button was pressed: who did what, once."""
        blocks = pressed_blocks(message.get("blocks") or [], action_id, note)
        if blocks is None:
            return False
        self.client.chat_update(channel=channel, ts=message["ts"], blocks=blocks,
                                text=message.get("text") or note)
        return True

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self.client.views_publish(user_id=user_id, view=view)


def pressed_blocks(blocks: list[dict[str, Any]], action_id: str, note: str) -> list[dict[str, Any]] | None:
    """``blocks`` with the pressed button replaced by ``note``; None if it is not there."""
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(note, SECTION_TEXT)}]}
    for i, block in enumerate(blocks):
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            section = {k: v for k, v in block.items() if k != "accessory"}
            text = dict(section.get("text") or {"type": "mrkdwn", "text": ""})
            text["text"] = clip(f"{text.get('text', '')}\n{note}".strip(), SECTION_TEXT)
            section["text"] = text
            return [*blocks[:i], section, *blocks[i + 1:]]
        if block.get("type") == "actions":
            elements = block.get("elements") or []
            rest = [e for e in elements if e.get("action_id") != action_id]
            if len(rest) == len(elements):
                continue
            middle = [{**block, "elements": rest}, context] if rest else [context]
            out = [*blocks[:i], *middle, *blocks[i + 1:]]
            return out if len(out) <= 50 else [*blocks[:i], *middle[:1], *blocks[i + 1:]]
    return None


def with_reassign(reply: Reply, t: Translator) -> Reply:
    """Add a Reassign button beside every open task's Done button (a Slack nicety)."""
    def extend(buttons: list[Button]) -> list[Button]:
        out = list(buttons)
        for b in buttons:
            verb, _, rest = b.command.partition(" ")
            if verb == "done" and rest.strip().isdigit():
                out.append(Button(t("slack.button.reassign", number=rest.strip()),
                                  f"reassign {rest.strip()}"))
        return out

    sections = [replace(s, items=[Item(i.text, extend(i.buttons)) for i in s.items])
                for s in reply.sections]
    return replace(reply, sections=sections, buttons=extend(reply.buttons))


class Directory:
    """Display names by user id, fetched with users.info and kept for ``ttl`` seconds."""

    def __init__(self, client: WebClient, *, ttl: float = 3600.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self._now = now
        self._cache: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()

    def user(self, user_id: str) -> User:
        with self._lock:
            hit = self._cache.get(user_id)
            if hit and self._now() - hit[0] < self.ttl:
                return hit[1]
        try:
            info = self.client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user_id,
                        exc.response.get("error") if exc.response is not None else "?")
            return User(id=user_id)
        profile = info.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name") or info.get("real_name")
                or info.get("name") or user_id)
        user = User(id=user_id, name=name, username=info.get("name", ""))
        with self._lock:
            self._cache[user_id] = (self._now(), user)
        return user
