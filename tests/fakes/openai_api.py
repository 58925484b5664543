"""A fake OpenAI-compatible server on 127.0.0.1: chat completions with structured output.

Queue canned replies (``server.reply({...})`` for a JSON answer, ``server.fail(500)``,
``server.fail(429)``, ``server.hang(seconds)``), point OPENAI_BASE_URL at ``server.url``
and assert on ``server.requests`` (every request body as received) afterwards. With the
queue empty it answers with a JSON object that cites nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Canned:
    content: str | None = None
    status: int = 200
    hang: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content(self, role: str) -> str:
        return "\n".join(m["content"] for m in self.messages if m["role"] == role)

    @property
    def prompt_text(self) -> str:
        return "\n".join(m["content"] for m in self.messages)


class FakeOpenAI:
    def __init__(self) -> None:
        self.queue: deque[Canned] = deque()
        self.requests: list[Recorded] = []
        # GET /models: the models it serves, and the API keys it refuses with 401.
        self.models: list[str] = ["gpt-4o-mini"]
        self.refused_keys: set[str] = set()
        self.model_lists = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if not self.path.rstrip("/").endswith("/models"):
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                    return
                with fake._lock:
                    fake.model_lists += 1
                key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if key in fake.refused_keys:
                    self._send(401, {"error": {"message": "Incorrect API key provided",
                                               "type": "invalid_request_error",
                                               "code": "invalid_api_key"}})
                    return
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                    for m in fake.models]})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with fake._lock:
                    fake.requests.append(Recorded(self.path, dict(self.headers.items()), body))
                    canned = fake.queue.popleft() if fake.queue else Canned(
                        json.dumps({"answer": "I have no canned answer.", "citations": []}))
                if canned.hang:
                    fake._stop.wait(canned.hang)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                    return
                if canned.status != 200:
                    kind = {429: "rate_limit_exceeded", 400: "invalid_request_error"}.get(
                        canned.status, "server_error")
                    message = canned.content or kind
                    self._send(canned.status, {"error": {"message": message, "type": kind}}, canned.headers)
                    return
                self._send(200, {
                    "id": f"chatcmpl-{len(fake.requests)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [{
                        "index": 0,
                        "message": {"role": "assistant", "content": canned.content},
                        "finish_reason": "stop",
                    }],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    # --- scripting ----------------------------------------------------------------------

    def reply(self, payload: dict[str, Any] | str) -> None:
        content = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        self.queue.append(Canned(content=content))

    def fail(self, status: int, *, retry_after: int | None = None, message: str = "") -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.queue.append(Canned(status=status, headers=headers, content=message or None))

    def hang(self, seconds: float) -> None:
        self.queue.append(Canned(content=json.dumps({"answer": "A slow answer.", "citations": []}), hang=seconds))

    @property
    def last(self) -> Recorded:
        assert self.requests, "the model was never called"
        return self.requests[-1]
