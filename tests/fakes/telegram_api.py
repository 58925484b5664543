"""A fake Telegram Bot API server on 127.0.0.1, for tests.

It is a real HTTP server (``ThreadingHTTPServer`` in a thread) at ``/bot<token>/<method>``,
so the real python-telegram-bot ``Application`` and our own sync sender talk to it through
``TELEGRAM_API_URL`` exactly as they would talk to Telegram. It

- records every call (:attr:`FakeTelegram.calls`) and refuses, with Telegram's own 400
  answer, any call whose method, parameter names or parameter types do not match the Bot
  API spec in ``/work/shared/specs/telegram/bot-api.json`` (``../shared/specs`` from the
  worktree), any text over 4096 / caption over 1024 characters after entity parsing, and
  malformed ``parse_mode=HTML``; every refusal is kept in :attr:`FakeTelegram.errors`, so
  a test can assert there were none;
- keeps a queue of updates with Telegram's offset semantics: ``getUpdates(offset=N)``
  confirms (drops) every update below N and returns the rest; long polling waits for an
  update, capped at ``long_poll_cap`` seconds so tests stay quick;
- answers 409 to getUpdates while a webhook is set, and can deliver the queue to the
  webhook with the ``X-Telegram-Bot-Api-Secret-Token`` header (:meth:`deliver_webhook`);
- answers 429 with ``parameters.retry_after`` (or any other error) on demand
  (:meth:`fail_next`);
- has helpers to push updates: group messages with command / mention / text_mention
  entities, direct messages, callback queries on messages the bot sent, and a group's
  migration to a supergroup;
- keeps the files people send (:meth:`FakeTelegram.document`): ``getFile`` answers with a
  ``file_path`` (refusing files over the Bot API's 20 MB, as Telegram does) and the bytes
  are served at ``/file/bot<token>/<file_path>``; with ``local_files`` set it behaves like
  a local Bot API server in ``--local`` mode, whose ``file_path`` is an absolute path on
  its disk. Every file download is recorded in ``downloads``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.fakes.loopback import LoopbackServer

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "specs" / "telegram" / "bot-api.json"
if not SPEC_PATH.exists():  # the worktree sits at /work/wt-*, the specs at /work/shared
    SPEC_PATH = Path("/work/shared/specs/telegram/bot-api.json")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
GET_FILE_LIMIT = 20 * 1024 * 1024  # what getFile serves to a bot
_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote", "tg-time",
}  # fmt: skip
_ENTITY_NAMES = {"lt", "gt", "amp", "quot"}


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


class ApiError(Exception):
    """A call the fake refuses; becomes ``{"ok": false, ...}`` with this status."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    """Checks Telegram's HTML subset and counts the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.visible = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.problems.append(f'Unsupported start tag "{tag}"')
        if tag == "a" and not any(name == "href" for name, _ in attrs):
            self.problems.append("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f'self-closing tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f'Can\'t find end tag corresponding to start tag "{tag}"')
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.problems.append("unescaped '<' in text")
        if "&" in data:
            self.problems.append("unescaped '&' in text")
        self.visible += utf16_len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _ENTITY_NAMES:
            self.problems.append(f"Unsupported entity &{name};")
        self.visible += 1

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name.lower().startswith("x") else int(name)
            self.visible += utf16_len(chr(code))
        except (ValueError, OverflowError):
            self.problems.append(f"bad character reference &#{name};")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("unsupported declaration")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comments are not supported")


def html_visible_length(text: str) -> int:
    """The length of ``text`` after Telegram's HTML parsing; raises ApiError when malformed."""
    parser = _TelegramHtml()
    for match in re.finditer(r"&", text):
        if not re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", text[match.start() :]):
            raise ApiError(400, "Bad Request: can't parse entities: unescaped '&' or "
                           "unsupported entity")  # fmt: skip
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # an unterminated tag or entity left over
        parser.problems.append("Can't find end of the entity")
    if parser.stack:
        parser.problems.append(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
        )
    if parser.problems:
        raise ApiError(400, "Bad Request: can't parse entities: " + parser.problems[0])
    return parser.visible


def _type_ok(spec_type: str, value: Any, *, form: bool) -> bool:
    """Whether ``value`` fits one type of the spec (form values arrive as strings)."""
    if spec_type == "InputFile":
        return (isinstance(value, _Upload)) or isinstance(value, str)
    if isinstance(value, _Upload):
        return False
    if spec_type == "String":
        return isinstance(value, str)
    if spec_type == "Integer":
        if form and isinstance(value, str):
            return re.fullmatch(r"-?\d+", value) is not None
        return isinstance(value, int) and not isinstance(value, bool)
    if spec_type == "Float":
        if form and isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return False
            return True
        return isinstance(value, int | float) and not isinstance(value, bool)
    if spec_type == "Boolean":
        if form and isinstance(value, str):
            return value in {"true", "false", "True", "False"}
        return isinstance(value, bool)
    if form and isinstance(value, str):  # JSON-serialized objects and arrays
        try:
            value = json.loads(value)
        except ValueError:
            return False
    if spec_type.startswith("Array of "):
        return isinstance(value, list)
    return isinstance(value, dict)


@dataclass(frozen=True)
class _Upload:
    filename: str
    content: bytes


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    status: int = 200
    error: str = ""
    at: float = field(default_factory=time.monotonic)


def _decode(value: Any) -> Any:
    """A form value as the JSON value it stands for, when it is one."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram(LoopbackServer):
    """The fake Bot API. Use as a context manager, or call :meth:`start` / :meth:`stop`."""

    def __init__(
        self,
        *,
        token: str = "123456789:AAFakeTokenForTestsOnly-xyz",
        bot_id: int = 123456789,
        bot_username: str = "kambot_test_bot",
        long_poll_cap: float = 0.3,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        self.token = token
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "kambot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.long_poll_cap = long_poll_cap
        self.spec = load_spec(spec_path)
        self.calls: list[Call] = []
        self.errors: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._pending: list[dict[str, Any]] = []
        self._delivered: list[dict[str, Any]] = []
        self._confirmed_below = 0
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, list[tuple[int, str, dict[str, Any] | None]]] = {}
        self._allowed_updates: list[str] | None = None
        self._lock = threading.Condition()
        self._clock = itertools.count(1_790_000_000)
        self.files: dict[str, tuple[str, bytes, int]] = {}  # file_id -> (path, bytes, size)
        self.downloads: list[str] = []  # file paths fetched from /file/bot<token>/
        self.local_files: Path | None = None  # a local Bot API server's files directory
        self._file_ids = itertools.count(1)

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output clean (and the token out of it)

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def do_POST(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path.startswith("/file/"):
                    status, raw = fake._file(self.path)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return
                status, payload = fake._handle(
                    self.path, self.headers.get("Content-Type", ""), body
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a long poll cut short by a stop)

        self.serve(Handler)
        return self

    def stop(self) -> None:
        if self._server is not None:
            with self._lock:
                self._lock.notify_all()  # wake long polls so the server can stop
        self.shutdown()

    @property
    def api_url(self) -> str:
        """The value for TELEGRAM_API_URL (ptb appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ----------------------------------------------------------------- HTTP
    def _file(self, path: str) -> tuple[int, bytes]:
        """``/file/bot<token>/<file_path>``: the bytes of a file getFile handed out."""
        prefix = f"/file/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        wanted = path[len(prefix):]
        with self._lock:
            self.downloads.append(wanted)
            for file_path, content, _ in self.files.values():
                if file_path == wanted:
                    return 200, content
        return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'

    def _handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        parsed = urlparse(path)
        prefix = f"/bot{self.token}/"
        if not parsed.path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = parsed.path[len(prefix) :]
        try:
            params, form = self._parse_body(content_type, body, parsed.query)
        except ValueError as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        call = Call(method=method, params=params)
        with self._lock:
            self.calls.append(call)
        try:
            self._validate(method, params, form=form)
            failure = self._take_failure(method)
            if failure is not None:
                raise ApiError(*failure)
            result = getattr(self, "_api_" + method)(**self._normalize(method, params, form))
        except ApiError as exc:
            call.status, call.error = exc.status, exc.description
            if exc.status == 400 or exc.status == 404:
                with self._lock:
                    self.errors.append(call)
            out: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.parameters:
                out["parameters"] = exc.parameters
            return exc.status, out
        return 200, {"ok": True, "result": result}

    def _parse_body(
        self, content_type: str, body: bytes, query: str
    ) -> tuple[dict[str, Any], bool]:
        params: dict[str, Any] = dict(parse_qsl(query))
        ctype = content_type.split(";")[0].strip().lower()
        if not body:
            return params, True
        if ctype == "application/json":
            loaded = json.loads(body)
            if not isinstance(loaded, dict):
                raise ValueError("JSON body must be an object")
            params.update(loaded)
            return params, False
        if ctype == "application/x-www-form-urlencoded":
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            return params, True
        if ctype == "multipart/form-data":
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            uploads: dict[str, _Upload] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                filename = part.get_filename()
                if filename is not None:
                    uploads[str(name)] = _Upload(filename, payload)
                    params[str(name)] = uploads[str(name)]
                else:
                    params[str(name)] = payload.decode("utf-8")
            for key, value in list(params.items()):  # attach://name references
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = uploads.get(value[len("attach://") :], value)
            for name in list(params):
                if isinstance(params[name], _Upload) and name.startswith("attached"):
                    del params[name]
            return params, True
        raise ValueError(f"unsupported content type {ctype!r}")

    def _validate(self, method: str, params: dict[str, Any], *, form: bool) -> None:
        spec = self.spec["methods"].get(method)
        if spec is None or not hasattr(self, "_api_" + method):
            raise ApiError(404, "Not Found: method not found")
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for name in params:
            if name not in fields:
                raise ApiError(400, f"Bad Request: unknown parameter {name!r} for {method}")
        for name, spec_field in fields.items():
            if name not in params:
                if spec_field["required"]:
                    raise ApiError(400, f"Bad Request: {name} is required")
                continue
            value = params[name]
            if not any(_type_ok(t, value, form=form) for t in spec_field["types"]):
                raise ApiError(
                    400, f"Bad Request: {name} must be {' or '.join(spec_field['types'])}"
                )

    def _normalize(self, method: str, params: dict[str, Any], form: bool) -> dict[str, Any]:
        """Form strings turned into the values they stand for; snake_case for Python."""
        spec = self.spec["methods"][method]
        types = {f["name"]: f["types"] for f in spec.get("fields", [])}
        out: dict[str, Any] = {}
        for name, value in params.items():
            if form and isinstance(value, str) and types[name] != ["String"]:
                value = _decode(value) if "String" not in types[name] else value
                if types[name] == ["Integer", "String"] and isinstance(value, str):
                    value = int(value) if re.fullmatch(r"-?\d+", value) else value
            out[name] = value
        return out

    def _take_failure(self, method: str) -> tuple[int, str, dict[str, Any] | None] | None:
        with self._lock:
            queue = self._failures.get(method)
            if queue:
                return queue.pop(0)
        return None

    # ----------------------------------------------------------------- test controls
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` fail (429 with retry_after by default)."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else "Internal Server Error"
            )
        parameters = {"retry_after": retry_after} if status == 429 and retry_after else None
        with self._lock:
            self._failures.setdefault(method, []).extend(
                [(status, description, parameters)] * times
            )

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted (text, photo, document), oldest first."""
        with self._lock:
            return [
                m
                for (chat, _), m in sorted(self.messages.items(), key=lambda kv: kv[1]["_seq"])
                if m["from"]["id"] == self.bot["id"] and (chat_id is None or chat == chat_id)
            ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.sent_messages(chat_id)]

    @property
    def pending_update_ids(self) -> list[int]:
        with self._lock:
            return [u["update_id"] for u in self._pending]

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every pushed update was confirmed (polling or webhook)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    # ----------------------------------------------------------------- update builders
    @staticmethod
    def user(
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            out["last_name"] = last_name
        if username:
            out["username"] = username
        if language_code:
            out["language_code"] = language_code
        return out

    @staticmethod
    def group(chat_id: int, title: str, *, supergroup: bool = False) -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}

    @staticmethod
    def private(user: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return chat

    def push_update(self, payload: dict[str, Any], *, update_id: int | None = None) -> int:
        """Queue one raw update (``payload`` without update_id); returns its id."""
        with self._lock:
            uid = next(self._update_ids) if update_id is None else update_id
            self._pending.append({"update_id": uid, **payload})
            self._pending.sort(key=lambda u: u["update_id"])
            self._lock.notify_all()
        return uid

    def push_duplicate(self, update_id: int) -> int:
        """Queue an update again with the same update_id (Telegram re-delivery)."""
        with self._lock:
            original = next(u for u in self._delivered if u["update_id"] == update_id)
        copy = dict(original)
        del copy["update_id"]
        return self.push_update(copy, update_id=update_id)

    def drop_pending(self) -> None:
        """Forget queued updates the bot did not ask for (kinds outside allowed_updates)."""
        with self._lock:
            self._pending = [u for u in self._pending if self._allowed(u)]

    def know(self, message: dict[str, Any]) -> None:
        """Keep a message a test pushes raw (push_update), so its chat exists for replies."""
        if isinstance(message, dict) and isinstance(message.get("chat"), dict) \
                and isinstance(message.get("message_id"), int) \
                and isinstance(message.get("from"), dict):
            with self._lock:
                if (message["chat"].get("id"), message["message_id"]) not in self.messages:
                    self._store(dict(message))

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _store(self, message: dict[str, Any]) -> dict[str, Any]:
        message["_seq"] = next(self._clock)
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def message(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: int | None = None,
        **extra: Any,
    ) -> int:
        """A text message in ``chat`` from ``user``; command and @mention entities are
        added the way Telegram adds them unless ``entities`` is given. Returns update_id."""
        if entities is None:
            entities = auto_entities(text)
        fields: dict[str, Any] = {"text": text, **extra}
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            with self._lock:
                fields["reply_to_message"] = {
                    k: v
                    for k, v in self.messages[(chat["id"], reply_to)].items()
                    if not k.startswith("_")
                }
        return self._post(chat, user, fields)

    def _post(self, chat: dict[str, Any], user: dict[str, Any], fields: dict[str, Any]) -> int:
        """A message from ``user`` in ``chat`` with ``fields`` (text, document ...), queued."""
        with self._lock:
            msg: dict[str, Any] = {
                "message_id": self._next_message_id(chat["id"]),
                "date": next(self._clock),
                "chat": chat,
                "from": user,
                **fields,
            }
            self._store(msg)
        return self.push_update({"message": {k: v for k, v in msg.items() if k[0] != "_"}})

    def text_mention(
        self,
        chat: dict[str, Any],
        sender: dict[str, Any],
        before: str,
        mentioned: dict[str, Any],
        after: str = "",
    ) -> int:
        """A message where the name of ``mentioned`` (who has no username) is a text_mention."""
        name = mentioned["first_name"] + (
            " " + mentioned["last_name"] if mentioned.get("last_name") else ""
        )
        text = before + name + after
        entities = auto_entities(text)
        entities.append(
            {"type": "text_mention", "offset": utf16_len(before), "length": utf16_len(name),
             "user": mentioned}
        )  # fmt: skip
        entities.sort(key=lambda e: e["offset"])
        return self.message(chat, sender, text, entities=entities)

    def callback(self, chat_id: int, user: dict[str, Any], message_id: int, data: str) -> int:
        """A press on an inline button of a message the bot sent."""
        with self._lock:
            message = {k: v for k, v in self.messages[(chat_id, message_id)].items() if k[0] != "_"}
            query_id = str(next(self._callback_ids))
        return self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )

    def press(self, chat_id: int, user: dict[str, Any], label_part: str) -> int:
        """Press the newest button in ``chat_id`` whose label contains ``label_part``."""
        for message in reversed(self.sent_messages(chat_id)):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label_part in button["text"]:
                        return self.callback(
                            chat_id, user, message["message_id"], button["callback_data"]
                        )
        raise AssertionError(f"no button with {label_part!r} in chat {chat_id}")

    def document(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str = "application/octet-stream",
        file_size: int | None = None,
    ) -> int:
        """A file sent as a document, with an optional caption (a command, say).

        ``file_size`` overrides the size Telegram reports (a file too big to fetch).
        Returns the update_id.
        """
        number = next(self._file_ids)
        file_id = f"BQACAgIAAxkBAAI{number:06d}"
        size = len(content) if file_size is None else file_size
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        with self._lock:
            self.files[file_id] = (f"documents/file_{number}.{suffix}", content, size)
        document = {"file_id": file_id, "file_unique_id": f"AgAD{number:06d}",
                    "file_name": file_name, "mime_type": mime_type, "file_size": size}
        fields: dict[str, Any] = {"document": document}
        if caption is not None:
            fields["caption"] = caption
            entities = auto_entities(caption)
            if entities:
                fields["caption_entities"] = entities
        return self._post(chat, user, fields)

    def keep_file(self, document: dict[str, Any], content: bytes) -> None:
        """Hold the file of a ``document`` written by hand (a replayed update) as Telegram
        holds the files people send: ``getFile`` and the download then serve ``content``."""
        file_id = str(document["file_id"])
        name = str(document.get("file_name") or "file")
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        with self._lock:
            self.files[file_id] = (f"documents/{file_id}.{suffix}", content, len(content))

    def migrate(
        self, group: dict[str, Any], user: dict[str, Any], new_chat_id: int
    ) -> tuple[int, int]:
        """A group upgraded to a supergroup: the two service messages Telegram sends."""
        supergroup = {**group, "id": new_chat_id, "type": "supergroup"}
        with self._lock:
            old = {
                "message_id": self._next_message_id(group["id"]),
                "date": next(self._clock),
                "chat": group,
                "from": user,
                "migrate_to_chat_id": new_chat_id,
            }
            new = {
                "message_id": self._next_message_id(new_chat_id),
                "date": next(self._clock),
                "chat": supergroup,
                "from": user,
                "migrate_from_chat_id": group["id"],
            }
            self._store(old)
            self._store(new)
            old, new = ({k: v for k, v in m.items() if k[0] != "_"} for m in (old, new))
        return self.push_update({"message": old}), self.push_update({"message": new})

    # ----------------------------------------------------------------- webhook
    def deliver_webhook(self, *, timeout: float = 10.0) -> list[int]:
        """POST each pending update to the webhook, in order, until one is refused.

        Returns the HTTP statuses. An update answered 200 is confirmed; any other
        answer leaves it (and those after it) pending, as Telegram would.
        """
        statuses: list[int] = []
        if self.webhook is None:
            raise AssertionError("no webhook is set")
        while True:
            with self._lock:
                if not self._pending:
                    return statuses
                update = self._pending[0]
            status = self.post_webhook(update, secret=self.webhook.get("secret_token"))
            statuses.append(status)
            if status != 200:
                return statuses
            with self._lock:
                if self._pending and self._pending[0] is update:
                    self._pending.pop(0)
                    self._delivered.append(update)
                self._lock.notify_all()

    def post_webhook(
        self, update: dict[str, Any], *, secret: str | None, timeout: float = 10.0
    ) -> int:
        """POST one update to the webhook URL with ``secret`` (None: no header)."""
        assert self.webhook is not None
        request = urllib.request.Request(
            self.webhook["url"], data=json.dumps(update).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        if secret is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    # ----------------------------------------------------------------- Bot API methods
    def _api_getMe(self) -> dict[str, Any]:  # noqa: N802
        return dict(self.bot)

    def _api_logOut(self) -> bool:  # noqa: N802
        return True

    def _api_close(self) -> bool:
        return True

    def _api_getUpdates(  # noqa: N802
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | None = None,
        allowed_updates: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(int(limit or 100), 1), 100)
        deadline = time.monotonic() + min(float(timeout or 0), self.long_poll_cap)
        with self._lock:
            if allowed_updates is not None:
                self._allowed_updates = allowed_updates or None
            if offset is not None:
                offset = int(offset)
                if offset < 0:
                    keep = self._pending[offset:]
                    self._delivered.extend(u for u in self._pending if u not in keep)
                    self._pending = keep
                else:
                    self._confirm_below(offset)
            while True:
                ready = [u for u in self._pending if self._allowed(u)]
                if ready or time.monotonic() >= deadline or self._server is None:
                    self._lock.notify_all()
                    return ready[:limit]
                self._lock.wait(max(deadline - time.monotonic(), 0.01))

    def _confirm_below(self, offset: int) -> None:
        confirmed = [u for u in self._pending if u["update_id"] < offset]
        self._delivered.extend(confirmed)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._confirmed_below = max(self._confirmed_below, offset)

    def _allowed(self, update: dict[str, Any]) -> bool:
        if self._allowed_updates is None:
            return True
        kinds = [k for k in update if k != "update_id"]
        return any(k in self._allowed_updates for k in kinds)

    def _api_setWebhook(  # noqa: N802
        self,
        url: str,
        secret_token: str | None = None,
        drop_pending_updates: bool | None = None,
        allowed_updates: list[str] | None = None,
        max_connections: int | None = None,
        ip_address: str | None = None,
        certificate: Any = None,
    ) -> bool:
        if not url:
            self.webhook = None
            return True
        if secret_token is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret_token):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self.webhook = {"url": url, "secret_token": secret_token}
            if allowed_updates is not None:
                self._allowed_updates = allowed_updates or None
            if drop_pending_updates:
                self._delivered.extend(self._pending)
                self._pending = []
        return True

    def _api_deleteWebhook(self, drop_pending_updates: bool | None = None) -> bool:  # noqa: N802
        with self._lock:
            self.webhook = None
            if drop_pending_updates:
                self._delivered.extend(self._pending)
                self._pending = []
        return True

    def _api_getWebhookInfo(self) -> dict[str, Any]:  # noqa: N802
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    def _api_setMyCommands(  # noqa: N802
        self,
        commands: list[dict[str, Any]],
        scope: dict[str, Any] | None = None,
        language_code: str | None = None,
    ) -> bool:
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        self.commands[language_code or ""] = commands
        return True

    def _api_getMyCommands(  # noqa: N802
        self, scope: dict[str, Any] | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        return self.commands.get(language_code or "", [])

    def _check_markup(self, reply_markup: Any) -> dict[str, Any] | None:
        if reply_markup is None:
            return None
        if isinstance(reply_markup, str):
            reply_markup = json.loads(reply_markup)
        for row in reply_markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
        return reply_markup

    def _visible(self, text: str, parse_mode: str | None, limit: int, what: str) -> None:
        if parse_mode not in (None, "HTML"):
            raise ApiError(400, f"Bad Request: the fake only knows parse_mode HTML ({parse_mode})")
        length = html_visible_length(text) if parse_mode == "HTML" else utf16_len(text)
        if length == 0 or not text.strip():
            raise ApiError(400, f"Bad Request: {what} must be non-empty")
        if length > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")

    def _chat_for(self, chat_id: int | str) -> dict[str, Any]:
        if isinstance(chat_id, str) and not re.fullmatch(r"-?\d+", chat_id):
            raise ApiError(400, "Bad Request: chat not found")
        cid = int(chat_id)
        with self._lock:
            for (chat, _), message in self.messages.items():
                if chat == cid:
                    return dict(message["chat"])
        if cid > 0:
            return {"id": cid, "type": "private", "first_name": "user"}
        raise ApiError(400, "Bad Request: chat not found")

    def _reply_target(
        self, chat: dict[str, Any], reply_to_message_id: int | None, reply_parameters: Any
    ) -> dict[str, Any] | None:
        target, lenient = reply_to_message_id, False
        if isinstance(reply_parameters, dict):
            target = reply_parameters.get("message_id")
            lenient = bool(reply_parameters.get("allow_sending_without_reply"))
        if target is None:
            return None
        with self._lock:
            message = self.messages.get((chat["id"], int(target)))
        if message is None:
            if lenient:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return {k: v for k, v in message.items() if k[0] != "_"}

    def _bot_message(
        self,
        chat_id: int | str,
        reply_to_message_id: int | None,
        reply_parameters: Any,
        reply_markup: Any,
        **content: Any,
    ) -> dict[str, Any]:
        chat = self._chat_for(chat_id)
        reply = self._reply_target(chat, reply_to_message_id, reply_parameters)
        markup = self._check_markup(reply_markup)
        with self._lock:
            msg: dict[str, Any] = {
                "message_id": self._next_message_id(chat["id"]),
                "date": next(self._clock),
                "chat": chat,
                "from": dict(self.bot),
                **{k: v for k, v in content.items() if v is not None},
            }
            if reply is not None:
                msg["reply_to_message"] = reply
            if markup is not None:
                msg["reply_markup"] = markup
            return self._store(msg)

    def _api_sendMessage(  # noqa: N802
        self,
        chat_id: int | str,
        text: str,
        parse_mode: str | None = None,
        reply_markup: Any = None,
        reply_to_message_id: int | None = None,
        reply_parameters: Any = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._visible(text, parse_mode, TEXT_LIMIT, "message text")
        return self._bot_message(
            chat_id, reply_to_message_id, reply_parameters, reply_markup,
            text=text, _html=text if parse_mode == "HTML" else None,
        )  # fmt: skip

    def _send_file(
        self, kind: str, chat_id: int | str, file: Any, caption: str | None,
        parse_mode: str | None, reply_markup: Any, reply_to_message_id: int | None,
        reply_parameters: Any,
    ) -> dict[str, Any]:  # fmt: skip
        if caption:
            self._visible(caption, parse_mode, CAPTION_LIMIT, "caption")
        if isinstance(file, _Upload):
            size, name, content = len(file.content), file.filename, file.content
        else:
            size, name, content = 0, str(file), b""
        if isinstance(file, _Upload) and not content:
            raise ApiError(400, f"Bad Request: file must be non-empty ({kind})")
        media: Any
        if kind == "photo":
            media = [{"file_id": f"photo-{name}", "file_unique_id": name, "width": 1,
                      "height": 1, "file_size": size}]  # fmt: skip
        else:
            media = {"file_id": f"doc-{name}", "file_unique_id": name, "file_name": name,
                     "file_size": size}  # fmt: skip
        message = self._bot_message(
            chat_id, reply_to_message_id, reply_parameters, reply_markup,
            caption=caption, **{kind: media},
        )  # fmt: skip
        with self._lock:
            self.messages[(message["chat"]["id"], message["message_id"])]["_content"] = content
        return message

    def _api_sendPhoto(  # noqa: N802
        self, chat_id: int | str, photo: Any, caption: str | None = None,
        parse_mode: str | None = None, reply_markup: Any = None,
        reply_to_message_id: int | None = None, reply_parameters: Any = None, **_: Any,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file("photo", chat_id, photo, caption, parse_mode, reply_markup,
                               reply_to_message_id, reply_parameters)  # fmt: skip

    def _api_sendDocument(  # noqa: N802
        self, chat_id: int | str, document: Any, caption: str | None = None,
        parse_mode: str | None = None, reply_markup: Any = None,
        reply_to_message_id: int | None = None, reply_parameters: Any = None, **_: Any,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file("document", chat_id, document, caption, parse_mode,
                               reply_markup, reply_to_message_id, reply_parameters)  # fmt: skip

    def _api_editMessageText(  # noqa: N802
        self,
        text: str,
        chat_id: int | str | None = None,
        message_id: int | None = None,
        parse_mode: str | None = None,
        reply_markup: Any = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._visible(text, parse_mode, TEXT_LIMIT, "message text")
        if chat_id is None or message_id is None:
            raise ApiError(400, "Bad Request: chat_id and message_id are required here")
        markup = self._check_markup(reply_markup)
        with self._lock:
            message = self.messages.get((int(chat_id), int(message_id)))
            if message is None or message["from"]["id"] != self.bot["id"]:
                raise ApiError(400, "Bad Request: message to edit not found")
            if message.get("text") == text and message.get("reply_markup") == markup:
                raise ApiError(400, "Bad Request: message is not modified")
            message["text"] = text
            message["edit_date"] = next(self._clock)
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
            return {k: v for k, v in message.items() if k[0] != "_"}

    def _api_getFile(self, file_id: str) -> dict[str, Any]:  # noqa: N802
        with self._lock:
            found = self.files.get(file_id)
        if found is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        file_path, content, size = found
        if size > GET_FILE_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        if self.local_files is not None:
            # A local Bot API server (--local) hands out the file's path on its own disk.
            local = self.local_files / file_path
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(content)
            file_path = str(local)
        return {"file_id": file_id, "file_unique_id": f"u{file_id[-6:]}", "file_size": size,
                "file_path": file_path}

    def _api_answerCallbackQuery(  # noqa: N802
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool | None = None,
        url: str | None = None,
        cache_time: int | None = None,
    ) -> bool:
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: callback answer text is too long")
        with self._lock:
            if callback_query_id in self.callback_answers:
                raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
            self.callback_answers[callback_query_id] = {"text": text, "show_alert": show_alert}
        return True


def auto_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds by itself: a leading bot_command, @username mentions."""
    entities: list[dict[str, Any]] = []
    command = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
    for match in re.finditer(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{4,31}", text):
        if command and match.start() < command.end():
            continue
        entities.append(
            {"type": "mention", "offset": utf16_len(text[: match.start()]),
             "length": utf16_len(match[0])}
        )  # fmt: skip
    return entities
