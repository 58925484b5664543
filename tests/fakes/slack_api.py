"""A fake Slack on 127.0.0.1: the Web API the bot calls, checked against Slack's own spec.

The real bolt app and slack_sdk clients talk to it through ``SLACK_API_URL``. Every call
is recorded (method, params, files) and validated: the method must exist in
``specs/slack/web-api-openapi-v2.json`` (or the allow-list of newer methods), its required
parameters must be present, and any Block Kit it carries must stay inside Slack's limits.
A violation is answered like Slack answers it (``ok: false``) *and* kept in
``violations``; the ``fake_slack`` fixture fails the test on any. Tests can queue a 429
with Retry-After or an ``{ok: false, error: ...}`` for a method.

Files people share (:meth:`FakeSlack.add_file`) are described by ``files.info`` (the
``objs_file`` shape of the spec) and served at their ``url_private_download`` only to a
request with a bearer token; without one Slack answers 200 with its sign-in web page, and
so does the fake. Every download is recorded in ``downloads``.

Posted messages are kept per channel (``messages``) with their message metadata
(``chat.postMessage`` ``metadata``: ``event_type`` and an ``event_payload`` object, as
Slack requires) and served back newest first by ``conversations.history`` and oldest first
by ``conversations.replies``; the metadata only with ``include_all_metadata``, as Slack
does. :meth:`FakeSlack.forget_history` plays an app without the history scopes.

:meth:`FakeSlack.rate_limit` turns on Slack's pace for ``chat.postMessage``: about one
message a second per channel (a short burst allowed), a 429 with Retry-After beyond it;
``rate_limited`` counts them per channel. ``connections`` counts the TCP connections the
clients opened (a client that reuses its connections opens few).

:class:`FakeSocketMode` is the websocket that ``apps.connections.open`` hands out: tests
push envelopes through it and read the acks the app sends back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tests.fakes.loopback import LoopbackServer

SPEC = Path(__file__).resolve().parents[3] / "shared" / "specs" / "slack" / "web-api-openapi-v2.json"
if not SPEC.exists():  # the worktrees sit next to /work/shared
    SPEC = Path("/work/shared/specs/slack/web-api-openapi-v2.json")

# Newer than the 2020 spec (specs/README.md): known, not errors.
ALLOWED_METHODS = {
    "apps.connections.open": ["token"],  # the app-level token, as a bearer header
    "files.getUploadURLExternal": ["token", "filename", "length"],
    "files.completeUploadExternal": ["token", "files"],
}
# Parameters Bolt / slack_sdk add that the old spec does not list.
ALLOWED_EXTRA = {"team_id"}

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELDS = 10
FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
OVERFLOW_OPTIONS = 5
OPTION_TEXT = 75
OPTION_VALUE = 150
BLOCK_ID = 255
MESSAGE_TEXT = 40_000
VIEW_TITLE = 24
PRIVATE_METADATA = 3000


@cache
def _spec_methods() -> dict[str, list[str]]:
    """Method name -> required parameter names, from the OpenAPI document."""
    spec = json.loads(SPEC.read_text())
    out: dict[str, list[str]] = {}
    for path, verbs in spec["paths"].items():
        required: list[str] = []
        for op in verbs.values():
            for param in op.get("parameters", []):
                if param.get("required") and param["name"] not in required:
                    required.append(param["name"])
        out[path.lstrip("/")] = required
    return out


def known_methods() -> dict[str, list[str]]:
    return {**_spec_methods(), **ALLOWED_METHODS}


@dataclass
class Call:
    """One request the app made: method, decoded params, bearer token present, raw files."""

    method: str
    params: dict[str, Any]
    authorized: bool
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def json(self, name: str) -> Any:
        """A parameter that Slack takes as JSON text (blocks, view) or already decoded."""
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) else value


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")


def check_blocks(blocks: Any, *, limit: int, where: str) -> list[str]:
    """Block Kit limits Slack enforces (and the 2020 spec does not carry)."""
    problems: list[str] = []
    if not isinstance(blocks, list):
        return [f"{where}: blocks must be a list, got {type(blocks).__name__}"]
    if len(blocks) > limit:
        problems.append(f"{where}: {len(blocks)} blocks, more than {limit}")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        at = f"{where}[{i}]"
        kind = block.get("type")
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > BLOCK_ID:
                problems.append(f"{at}: block_id longer than {BLOCK_ID}")
            if block_id in block_ids:
                problems.append(f"{at}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        if kind == "section":
            text = _text_of(block.get("text"))
            fields = block.get("fields") or []
            if not text and not fields:
                problems.append(f"{at}: section without text or fields")
            if len(text) > SECTION_TEXT:
                problems.append(f"{at}: section text {len(text)} > {SECTION_TEXT}")
            if len(fields) > FIELDS:
                problems.append(f"{at}: {len(fields)} fields > {FIELDS}")
            for f in fields:
                if len(_text_of(f)) > FIELD_TEXT:
                    problems.append(f"{at}: field text > {FIELD_TEXT}")
            if "accessory" in block:
                problems += _check_element(block["accessory"], f"{at}.accessory")
        elif kind == "header":
            text = block.get("text") or {}
            if text.get("type") != "plain_text":
                problems.append(f"{at}: header text must be plain_text")
            if not _text_of(text) or len(_text_of(text)) > HEADER_TEXT:
                problems.append(f"{at}: header text length {len(_text_of(text))} not in 1..{HEADER_TEXT}")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= CONTEXT_ELEMENTS:
                problems.append(f"{at}: context with {len(elements)} elements")
            for e in elements:
                if len(_text_of(e)) > SECTION_TEXT:
                    problems.append(f"{at}: context text > {SECTION_TEXT}")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= ACTIONS_ELEMENTS:
                problems.append(f"{at}: actions with {len(elements)} elements")
            action_ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(action_ids) != len(set(action_ids)):
                problems.append(f"{at}: duplicate action_id in one block")
            for j, e in enumerate(elements):
                problems += _check_element(e, f"{at}.elements[{j}]")
        elif kind == "input":
            if not _text_of(block.get("label")):
                problems.append(f"{at}: input without label")
            if "element" not in block:
                problems.append(f"{at}: input without element")
            else:
                problems += _check_element(block["element"], f"{at}.element")
        elif kind in {"divider", "image", "file", "rich_text", "video"}:
            pass
        else:
            problems.append(f"{at}: unknown block type {kind!r}")
    return problems


def _check_element(element: dict[str, Any], at: str) -> list[str]:
    problems: list[str] = []
    if len(str(element.get("action_id", ""))) > ACTION_ID:
        problems.append(f"{at}: action_id longer than {ACTION_ID}")
    if element.get("type") == "button":
        text = _text_of(element.get("text"))
        if not text or len(text) > BUTTON_TEXT:
            problems.append(f"{at}: button text length {len(text)} not in 1..{BUTTON_TEXT}")
        if len(str(element.get("value", ""))) > BUTTON_VALUE:
            problems.append(f"{at}: button value longer than {BUTTON_VALUE}")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{at}: bad button style {element.get('style')!r}")
    elif element.get("type") == "overflow":
        options = element.get("options") or []
        if not 2 <= len(options) <= OVERFLOW_OPTIONS:
            problems.append(f"{at}: overflow with {len(options)} options (2..{OVERFLOW_OPTIONS})")
        for option in options:
            if not 1 <= len(_text_of(option.get("text"))) <= OPTION_TEXT:
                problems.append(f"{at}: overflow option text not in 1..{OPTION_TEXT}")
            if len(str(option.get("value", ""))) > OPTION_VALUE:
                problems.append(f"{at}: overflow option value longer than {OPTION_VALUE}")
    return problems


def check_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view must be an object"]
    problems: list[str] = []
    kind = view.get("type")
    if kind not in {"modal", "home"}:
        problems.append(f"view type {kind!r}")
    if kind == "modal":
        for name in ("title", "submit", "close"):
            if name in view and len(_text_of(view[name])) > VIEW_TITLE:
                problems.append(f"view {name} longer than {VIEW_TITLE}")
        if not _text_of(view.get("title")):
            problems.append("modal without title")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        if has_input and "submit" not in view:
            problems.append("modal with inputs but no submit button")
    if len(str(view.get("private_metadata", ""))) > PRIVATE_METADATA:
        problems.append(f"private_metadata longer than {PRIVATE_METADATA}")
    problems += check_blocks(view.get("blocks", []), limit=VIEW_BLOCKS, where="view.blocks")
    return problems


class FakeSlack(LoopbackServer):
    """The fake Web API server. Use as a context manager or call start() / stop()."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.uploads: dict[str, bytes] = {}
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        # response_url names that answer as Slack does once a URL is 30 min old or used 5
        # times: HTTP 404 "expired_url", nothing shown.
        self.expired: set[str] = set()
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.team_id = "T0FAKE"
        self.bot_user_id = "UBOT"
        self.bot_id = "BBOT"
        self.socket_url: str | None = None
        # What auth.test reports in x-oauth-scopes (as Slack does on every Web API answer).
        self.scopes: list[str] = ["commands", "chat:write", "files:write", "files:read",
                                  "app_mentions:read", "im:history", "users:read",
                                  "channels:read", "groups:read"]
        self.files: dict[str, dict[str, Any]] = {}
        self.file_contents: dict[str, bytes] = {}
        self.downloads: list[tuple[str, bool]] = []  # (file id, with a bearer token)
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> oldest first
        self.history_error: str | None = None
        self.delays: dict[str, float] = {}  # method -> seconds each call takes
        self._queued: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self.connections = 0  # TCP connections accepted
        self.rate_limited: dict[str, int] = {}  # channel -> 429s answered
        self._pace: tuple[float, float] | None = None  # (per second, burst)
        self._buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, at)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def setup(self) -> None:
                super().setup()
                with fake._cond:
                    fake.connections += 1

            def do_GET(self) -> None:
                fake._serve(self)

            def do_POST(self) -> None:
                fake._serve(self)

        self.serve(Handler)
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """What SLACK_API_URL is set to."""
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/respond/{name}"

    # -- test controls ---------------------------------------------------------------
    def queue_error(self, method: str, error: str, *, times: int = 1) -> None:
        for _ in range(times):
            self._queued.setdefault(method, []).append((200, {"ok": False, "error": error}, {}))

    def queue_rate_limit(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        for _ in range(times):
            self._queued.setdefault(method, []).append(
                (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            )

    def add_file(self, name: str, content: bytes, *, channel: str = "C0ACME",
                 user: str = "U0ANN", ts: str | None = None, private: bool = False,
                 size: int | None = None) -> str:
        """A file ``user`` shared in ``channel`` (message ``ts``); returns its id.

        ``size`` overrides the size files.info reports (a file too big to fetch).
        """
        file_id = f"F{next(self._ts):08d}"
        ts = ts or f"1700000400.{next(self._ts):06d}"
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        url = f"{self.base}/files-pri/{self.team_id}-{file_id}/download/{quote(name)}"
        share = {"ts": ts, "channel_name": "acme-team", "team_id": self.team_id,
                 "reply_count": 0, "reply_users": []}
        with self._cond:
            self.file_contents[file_id] = content
            self.files[file_id] = {
                "id": file_id, "created": 1700000400, "timestamp": 1700000400, "name": name,
                "title": name, "mimetype": "application/octet-stream", "filetype": suffix,
                "pretty_type": suffix.upper(), "user": user, "user_team": self.team_id,
                "editable": False, "size": len(content) if size is None else size,
                "mode": "hosted", "is_external": False, "external_type": "",
                "is_public": not private, "public_url_shared": False, "display_as_bot": False,
                "username": "", "url_private": url.replace("/download/", "/"),
                "url_private_download": url,
                "permalink": f"https://fake.slack.com/files/{user}/{file_id}/{quote(name)}",
                "channels": [] if private else [channel], "groups": [channel] if private else [],
                "ims": [], "comments_count": 0,
                "shares": {"private" if private else "public": {channel: [share]}},
            }
        return file_id

    def slow(self, method: str, seconds: float) -> None:
        """Make every call of ``method`` take ``seconds`` (a slow Slack, a long job)."""
        self.delays[method] = seconds

    def rate_limit(self, per_second: float = 1.0, *, burst: int = 1,
                   clock: Callable[[], float] = time.monotonic) -> None:
        """Answer ``chat.postMessage`` with 429 (Retry-After 1) once a channel goes faster
        than ``per_second`` messages a second, after a burst of ``burst`` (a token bucket
        per channel, as Slack's "about one message per second, short bursts allowed")."""
        self._pace = (per_second, float(burst))
        self._clock = clock

    def _take(self, channel: str) -> bool:
        """A token of ``channel``'s bucket; False when it is empty (the post is refused)."""
        assert self._pace is not None
        rate, burst = self._pace
        now = self._clock()
        with self._cond:
            tokens, at = self._buckets.get(channel, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            if tokens < 1.0:
                self._buckets[channel] = (tokens, now)
                self.rate_limited[channel] = self.rate_limited.get(channel, 0) + 1
                return False
            self._buckets[channel] = (tokens - 1.0, now)
            return True

    def forget_history(self, error: str = "missing_scope") -> None:
        """Answer the history methods with ``error`` from now on (an app without the
        channels:history / groups:history scopes)."""
        self.history_error = error

    def posts_with_key(self, delivery_key: str) -> list[dict[str, Any]]:
        """Every message posted carrying ``delivery_key`` in its metadata."""
        with self._cond:
            return [m for msgs in self.messages.values() for m in msgs
                    if ((m.get("metadata") or {}).get("event_payload") or {})
                    .get("delivery_key") == delivery_key]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (matching ``where``) arrived."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} x {method}, got {len(found)}; calls: {seen}")
                self._cond.wait(left)

    async def await_for(self, method: str, count: int = 1, *, timeout: float = 5.0,  # noqa: ASYNC109
                        where: Callable[[Call], bool] | None = None) -> list[Call]:
        return await asyncio.to_thread(self.wait_for, method, count, timeout=timeout, where=where)

    def check(self) -> None:
        """Fail loudly if the app ever broke the API contract."""
        if self.violations:
            raise AssertionError("Slack API contract violations:\n  " + "\n  ".join(self.violations))

    # -- serving ---------------------------------------------------------------------
    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        if parts.path.startswith("/upload/"):
            file_id = parts.path.rsplit("/", 1)[-1]
            with self._cond:
                self.uploads[file_id] = raw
                self._cond.notify_all()
            self._send(req, 200, b"OK - " + str(len(raw)).encode(), "text/plain")
            return
        if parts.path.startswith("/files-pri/"):
            self._download(req, unquote(parts.path))
            return
        if parts.path.startswith("/respond/"):
            if parts.path.rsplit("/", 1)[-1] in self.expired:
                self._send(req, 404, b"expired_url", "text/plain")
                return
            body = json.loads(raw or b"{}")
            if "blocks" in body:
                for problem in check_blocks(body["blocks"], limit=MESSAGE_BLOCKS, where="response_url"):
                    self._violation(problem)
            body["_response_url"] = parts.path.rsplit("/", 1)[-1]
            with self._cond:
                self.responses.append(body)
                self.calls.append(Call("response_url", body, authorized=True))
                self._cond.notify_all()
            self._send(req, 200, b"ok", "text/plain")
            return
        if not parts.path.startswith("/api/"):
            self._send(req, 404, b"not found", "text/plain")
            return
        method = parts.path[len("/api/"):]
        params: dict[str, Any] = dict(parse_qsl(parts.query))
        ctype = req.headers.get("Content-Type", "")
        if raw and "json" in ctype:
            params.update(json.loads(raw))
        elif raw:
            params.update(parse_qsl(raw.decode()))
        auth = req.headers.get("Authorization", "")
        authorized = auth.startswith("Bearer ") and len(auth) > len("Bearer ") or "token" in params
        call = Call(method, params, authorized)
        if self.delays.get(method):
            time.sleep(self.delays[method])
        status, body, headers = self._answer(call)
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        self._send(req, status, json.dumps(body).encode(), "application/json", headers)

    def _download(self, req: BaseHTTPRequestHandler, path: str) -> None:
        """A file's bytes for a bot or user token; Slack's sign-in page (200, HTML) otherwise."""
        file_id = path.split("/")[2].split("-", 1)[-1]
        auth = req.headers.get("Authorization", "")
        authorized = auth.startswith(("Bearer xoxb-", "Bearer xoxp-"))
        with self._cond:
            self.downloads.append((file_id, authorized))
            self._cond.notify_all()
            content = self.file_contents.get(file_id)
        if content is None:
            self._send(req, 404, b"not found", "text/plain")
        elif not authorized:
            self._send(req, 200, b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>",
                       "text/html; charset=utf-8")
        else:
            self._send(req, 200, content, "application/octet-stream")

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            req.send_header(k, v)
        req.end_headers()
        req.wfile.write(body)

    def _violation(self, text: str) -> None:
        with self._cond:
            self.violations.append(text)

    def _validate(self, call: Call) -> str | None:
        """The first problem with ``call`` as Slack would name it, or None."""
        methods = known_methods()
        if call.method not in methods:
            self._violation(f"{call.method}: unknown Web API method")
            return "unknown_method"
        for name in methods[call.method]:
            if name == "token":
                if not call.authorized:
                    self._violation(f"{call.method}: no token")
                    return "not_authed"
            elif name not in call.params or call.params[name] in ("", None):
                self._violation(f"{call.method}: missing required parameter {name!r}")
                return "invalid_arguments"
        problems: list[str] = []
        if "blocks" in call.params:
            try:
                blocks = call.json("blocks")
            except ValueError:
                problems.append("blocks is not JSON")
            else:
                problems += check_blocks(blocks, limit=MESSAGE_BLOCKS, where=f"{call.method}.blocks")
        if "view" in call.params:
            try:
                problems += check_view(call.json("view"))
            except ValueError:
                problems.append("view is not JSON")
        if len(str(call.params.get("text", ""))) > MESSAGE_TEXT:
            problems.append(f"{call.method}: text longer than {MESSAGE_TEXT}")
        if call.method in {"chat.postMessage", "chat.postEphemeral", "chat.update"}:
            if not call.params.get("text") and not call.params.get("blocks"):
                problems.append(f"{call.method}: neither text nor blocks")
        if "metadata" in call.params:
            try:
                metadata = call.json("metadata")
            except ValueError:
                metadata = None
            if not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                    and metadata["event_type"]
                    and isinstance(metadata.get("event_payload"), dict)):
                self._violation(f"{call.method}: metadata needs event_type and an "
                                f"event_payload object, got {metadata!r}")
                return "invalid_metadata_format"
        if problems:
            for p in problems:
                self._violation(p)
            return "invalid_blocks"
        return None

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        error = self._validate(call)
        if error:
            return 200, {"ok": False, "error": error}, {}
        with self._cond:
            queue = self._queued.get(call.method)
            if queue:
                return queue.pop(0)
        p = call.params
        m = call.method
        if m == "auth.test":
            return 200, {"ok": True, "url": "https://fake.slack.com/", "team": "Fake",
                         "user": "kambot", "team_id": self.team_id,
                         "user_id": self.bot_user_id, "bot_id": self.bot_id}, {
                "x-oauth-scopes": ",".join(self.scopes)}
        if m == "chat.postMessage":
            if self._pace is not None and not self._take(str(p["channel"])):
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            ts = f"1700000000.{next(self._ts):06d}"
            message: dict[str, Any] = {"type": "message", "text": p.get("text", ""), "ts": ts,
                                       "bot_id": self.bot_id}
            if p.get("thread_ts"):
                message["thread_ts"] = p["thread_ts"]
            if "metadata" in p:
                message["metadata"] = call.json("metadata")
            with self._cond:
                self.messages.setdefault(p["channel"], []).append(message)
            return 200, {"ok": True, "channel": p["channel"], "ts": ts,
                         "message": {"text": p.get("text", ""), "ts": ts}}, {}
        if m in {"conversations.history", "conversations.replies"}:
            return 200, self._history(m, p), {}
        if m == "chat.update":
            return 200, {"ok": True, "channel": p["channel"], "ts": p["ts"]}, {}
        if m == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}, {}
        if m in {"views.open", "views.publish", "views.update", "views.push"}:
            view = call.json("view")
            return 200, {"ok": True, "view": {**view, "id": f"V{next(self._ts):06d}"}}, {}
        if m == "users.info":
            uid = p.get("user", "")
            user = self.users.get(uid) or {"name": uid.lower(), "real_name": f"User {uid}",
                                            "display_name": ""}
            return 200, {"ok": True, "user": {
                "id": uid, "name": user["name"], "real_name": user.get("real_name", ""),
                "profile": {"display_name": user.get("display_name", ""),
                            "real_name": user.get("real_name", "")}}}, {}
        if m == "conversations.info":
            cid = p.get("channel", "")
            channel = self.channels.get(cid) or {"name": f"chan-{cid.lower()}"}
            return 200, {"ok": True, "channel": {"id": cid, **channel}}, {}
        if m == "files.info":
            file = self.files.get(p.get("file", ""))
            if file is None:
                return 200, {"ok": False, "error": "file_not_found"}, {}
            return 200, {"ok": True, "file": file, "comments": []}, {}
        if m == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return 200, {"ok": True, "file_id": file_id,
                         "upload_url": f"{self.base}/upload/{file_id}"}, {}
        if m == "files.completeUploadExternal":
            files = call.json("files")
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
            if missing:
                self._violation(f"files.completeUploadExternal before upload of {missing}")
                return 200, {"ok": False, "error": "file_not_found"}, {}
            return 200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")}
                                               for f in files]}, {}
        if m == "apps.connections.open":
            if not self.socket_url:
                return 200, {"ok": False, "error": "socket_mode_not_enabled"}, {}
            return 200, {"ok": True, "url": self.socket_url}, {}
        return 200, {"ok": True}, {}

    def _history(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if self.history_error:
            return {"ok": False, "error": self.history_error}
        channel = p.get("channel", "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with self._cond:
            stored = [dict(m) for m in self.messages.get(channel, [])]
        if method == "conversations.history":
            shown = [m for m in stored if m.get("thread_ts") in (None, m["ts"])][::-1]
        else:
            ts = p.get("ts", "")
            shown = [m for m in stored if m["ts"] == ts or m.get("thread_ts") == ts]
            if not shown:
                return {"ok": False, "error": "thread_not_found"}
        if str(p.get("include_all_metadata", "")).lower() not in {"1", "true"}:
            for m in shown:
                m.pop("metadata", None)
        limit = int(p.get("limit") or 100)
        return {"ok": True, "messages": shown[:limit], "has_more": len(shown) > limit}


class FakeSocketMode:
    """A Socket Mode websocket on 127.0.0.1, run in its own thread and event loop.

    ``send(kind, payload)`` pushes an envelope to the connected app and returns its
    envelope_id; ``ack(envelope_id)`` waits for the app's acknowledgement and returns it.
    """

    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.sent_at: dict[str, float] = {}
        self.ack_at: dict[str, float] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._connected = threading.Event()
        self._cond = threading.Condition()
        self._connection: Any = None
        self._server: Any = None
        self._ids = itertools.count(1)
        self.port = 0
        self.connections = 0

    def start(self) -> FakeSocketMode:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    async def _start(self) -> None:
        from websockets.asyncio.server import serve

        self._server = await serve(self._handle, "127.0.0.1", 0, ping_interval=None)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake"

    async def _handle(self, connection: Any) -> None:
        self._connection = connection
        self.connections += 1
        await connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                          "connection_info": {"app_id": "AFAKE"}}))
        self._connected.set()
        async for message in connection:
            data = json.loads(message)
            envelope_id = data.get("envelope_id")
            if envelope_id:
                with self._cond:
                    self.acks[envelope_id] = data
                    self.ack_at[envelope_id] = time.monotonic()
                    self._cond.notify_all()

    def wait_connected(self, timeout: float = 10) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the app never connected to the Socket Mode websocket")

    def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
             retry_reason: str = "") -> str:
        """Push one envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        self.wait_connected()
        envelope_id = f"env-{next(self._ids)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": retry_reason}
        self.sent_at[envelope_id] = time.monotonic()
        asyncio.run_coroutine_threadsafe(
            self._connection.send(json.dumps(envelope)), self._loop).result(5)
        return envelope_id

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to reconnect, as Slack does every few hours."""
        self.wait_connected()
        message = json.dumps({"type": "disconnect", "reason": reason})
        asyncio.run_coroutine_threadsafe(self._connection.send(message), self._loop).result(5)

    def wait_connections(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.connections < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.connections} connection(s), expected {count}")
            time.sleep(0.05)

    def ack(self, envelope_id: str, timeout: float = 5) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self.acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for {envelope_id}")
                self._cond.wait(left)
            return self.acks[envelope_id]

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


# -- pytest fixtures (imported by the conftest of the test folders that use them) -----
try:
    import pytest
except ImportError:  # pragma: no cover - the fake is usable without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def fake_slack():
        """A started FakeSlack; the test fails if the app broke the API contract."""
        with FakeSlack() as fake:
            yield fake
            fake.check()

    @pytest.fixture
    def fake_socket(fake_slack):
        """A Socket Mode websocket that fake_slack's apps.connections.open hands out."""
        socket = FakeSocketMode().start()
        fake_slack.socket_url = socket.url
        yield socket
        socket.stop()
