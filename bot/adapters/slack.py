"""The Slack app: `/kam`, events, buttons, modals, the message shortcut and App Home.

Bolt (async) receives everything, over Socket Mode when SLACK_APP_TOKEN is set and over
signed HTTP at ``/slack/events`` otherwise. Every listener only chooses its ack
(bot/adapters/slack_listeners.py); the ack is written first, and only then does the work
start: the dispatcher is synchronous, so it runs in a bounded thread pool
(:class:`~bot.adapters.slack_handlers.SlackHandlers`), and a modal is opened on the event
loop (a trigger_id lasts 3 s).

This module is the wiring: the bolt app, the HTTP route, Socket Mode, and the
`kambot slack` entry point.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from bot.adapters.listener import listening
from bot.adapters.refusals import RefusalLog
from bot.adapters.slack_handlers import PLATFORM, SlackHandlers
from bot.adapters.slack_listeners import COMMAND, register, start_after_ack
from bot.adapters.slack_post import Directory, SlackPoster, make_client
from bot.adapters.work_pool import favour_event_loop
from bot.app import Core
from bot.seals import ChannelSealer

log = logging.getLogger(__name__)

__all__ = ["COMMAND", "EVENTS_PATH", "PLATFORM", "build_app", "http_app", "mount", "run_slack",
           "serve_socket_mode", "slack_sender", "start_slack"]

EVENTS_PATH = "/slack/events"


# --- the bolt app -------------------------------------------------------------------------


def build_app(
    core: Core,
    *,
    socket_mode: bool = False,
    poster: SlackPoster | None = None,
) -> AsyncApp:
    """The bolt app with every listener; HTTP verification is on unless in Socket Mode."""
    settings = core.settings
    if settings.SLACK_BOT_TOKEN is None:
        raise SystemExit("kambot slack: set SLACK_BOT_TOKEN (the xoxb- token of your Slack app)")
    token = settings.SLACK_BOT_TOKEN.get_secret_value()
    secret = settings.SLACK_SIGNING_SECRET.get_secret_value() if settings.SLACK_SIGNING_SECRET else None
    if not socket_mode and not secret:
        raise SystemExit("kambot slack: HTTP mode needs SLACK_SIGNING_SECRET "
                         "(or set SLACK_APP_TOKEN for Socket Mode)")
    base_url = settings.SLACK_API_URL if settings.SLACK_API_URL.endswith("/") else settings.SLACK_API_URL + "/"
    poster = poster or SlackPoster(make_client(token, base_url), language=settings.KAMBOT_LANGUAGE,
                                   sealer=ChannelSealer(core.dispatcher.seals, core.sessions,
                                                        PLATFORM))
    work = SlackHandlers(core, poster, Directory(poster.client))
    app = AsyncApp(
        token=token,
        signing_secret=secret or "",
        request_verification_enabled=not socket_mode,
        # Listeners only choose their ack (slack_listeners.py): bolt answers as soon as
        # they return, without polling for the ack, and the work starts after the write.
        process_before_response=True,
    )
    # Bolt builds its client from the token; point it at SLACK_API_URL and honour 429s.
    app.client.base_url = base_url
    app.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    register(app, work, workers=settings.KAMBOT_WORKERS, capacity=settings.KAMBOT_WORK_QUEUE,
             later=settings.KAMBOT_WORK_LATER)
    return app


# --- serving ------------------------------------------------------------------------------


def mount(web_app: web.Application, app: AsyncApp, *, path: str = EVENTS_PATH,
          signing_secret: str | None = None) -> None:
    """Route POST ``path`` to bolt and GET /healthz to a liveness answer, on ``web_app``.

    ``kambot run`` mounts Slack beside the Telegram webhook on the one PORT listener.
    Before bolt sees a request it is checked here (see :func:`check_request`): a request
    that is not signed right gets 401 and one bounded log line, a body that is not what
    Slack sends gets 400, ``app_rate_limited`` is acknowledged, and whatever kambot does
    not handle is acknowledged with 200 rather than bolt's 404.
    """
    refusals = RefusalLog()

    async def events(request: web.Request) -> web.Response:
        body = await request.read()  # aiohttp refuses bodies over 1 MiB with 413
        refused = check_request(request.headers, body, signing_secret)
        if refused is not None:
            status, reason = refused
            refusals.refused("slack", reason, size=len(body), remote=request.remote)
            return web.Response(status=status)
        if _json_type(request.headers, body) == "app_rate_limited":
            log.warning("slack: events are being rate limited for this app (app_rate_limited)")
            return web.Response(status=200)
        bolt_request = await to_bolt_request(request)
        try:
            bolt_response = await app.async_dispatch(bolt_request)
            if bolt_response.status == 404:
                response = web.Response(status=200)  # a kind of request kambot does not handle
            else:
                response = await to_aiohttp_response(bolt_response)
            # The ack is written before the work it leaves behind takes the interpreter.
            await response.prepare(request)
            await response.write_eof()
            return response
        finally:
            start_after_ack(bolt_request.context)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app.router.add_post(path, events)
    if not any(getattr(r, "path", "") == "/healthz" for r in web_app.router.resources()):
        web_app.router.add_get("/healthz", health)


def check_request(headers: Mapping[str, str], body: bytes,
                  signing_secret: str | None) -> tuple[int, str] | None:
    """(status, reason) to refuse a request with, or None when bolt may have it.

    401 for a missing, non-numeric or stale timestamp or a wrong signature (when the
    secret is known here); 400 for a body that is not UTF-8, JSON that is not an object,
    or a form whose ``payload`` is not a JSON object.
    """
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if signing_secret is not None:
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return 401, "bad timestamp"
        if abs(time.time() - int(timestamp)) > 60 * 5:
            return 401, "stale timestamp"
        if not SignatureVerifier(signing_secret).is_valid(body, timestamp, signature):
            return 401, "bad signature"
    elif timestamp and not (timestamp.isascii() and timestamp.isdigit()):
        return 401, "bad timestamp"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "body is not UTF-8"
    ctype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            return 400, "invalid JSON"
        return None if isinstance(data, dict) else (400, "JSON that is not an object")
    form = parse_qs(text)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return 400, "invalid JSON payload"
        if not isinstance(payload, dict):
            return 400, "payload that is not an object"
        actions = payload.get("actions")
        if payload.get("type") == "block_actions" and not (
                isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)):
            return 400, "block_actions without actions"  # bolt itself would fail on it
        for key in ("user", "team", "channel", "view", "message", "container"):
            if payload.get(key) is not None and not isinstance(payload[key], dict | str):
                return 400, f"payload {key} of the wrong type"
    return None


def _json_type(headers: Mapping[str, str], body: bytes) -> str:
    if not headers.get("Content-Type", "").lower().startswith("application/json"):
        return ""
    data = json.loads(body)
    return str(data.get("type", "")) if isinstance(data, dict) else ""


def http_app(app: AsyncApp, *, path: str = EVENTS_PATH,
             signing_secret: str | None = None) -> web.Application:
    """An aiohttp application serving only the Slack app."""
    web_app = web.Application()
    mount(web_app, app, path=path, signing_secret=signing_secret)
    return web_app


def slack_sender(core: Core) -> SlackPoster:
    """The outbox Sender for reports and alerts (``core.senders.add(slack_sender(core))``)."""
    settings = core.settings
    if settings.SLACK_BOT_TOKEN is None:
        raise SystemExit("kambot: SLACK_BOT_TOKEN is not set")
    return SlackPoster(make_client(settings.SLACK_BOT_TOKEN.get_secret_value(), settings.SLACK_API_URL),
                       language=settings.KAMBOT_LANGUAGE,
                       sealer=ChannelSealer(core.dispatcher.seals, core.sessions, PLATFORM))


async def serve_socket_mode(app: AsyncApp, app_token: str) -> Any:
    """Connect over Socket Mode and return the handler (``await handler.close_async()``)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.adapter.socket_mode.async_internals import send_async_response
    from slack_bolt.adapter.socket_mode.internals import build_headers
    from slack_bolt.request.async_request import AsyncBoltRequest

    class Handler(AsyncSocketModeHandler):  # type: ignore[misc]
        """Bolt's handler, starting the work after the envelope is acknowledged."""

        async def handle(self, client: Any, req: Any) -> None:
            started = time.time()
            bolt_request = AsyncBoltRequest(mode="socket_mode", body=req.payload,
                                            headers=build_headers(req))
            try:
                bolt_response = await self.app.async_dispatch(bolt_request)
                await send_async_response(client, req, bolt_response, started)
            finally:
                start_after_ack(bolt_request.context)

    handler = Handler(app, app_token)
    await handler.connect_async()
    return handler


def resolve_mode(core: Core, mode: str | None) -> str:
    settings = core.settings
    if mode is None:
        mode = "socket" if settings.SLACK_APP_TOKEN is not None else "http"
    if mode not in {"socket", "http"}:
        raise SystemExit(f"kambot slack: unknown mode {mode!r}")
    if mode == "socket" and settings.SLACK_APP_TOKEN is None:
        raise SystemExit("kambot slack --socket: set SLACK_APP_TOKEN (the xapp- app-level token)")
    return mode


async def start_slack(core: Core, *, mode: str | None = None, host: str | None = None,
                      port: int | None = None) -> Callable[[], Awaitable[None]]:
    """Start the Slack app inside the running event loop; returns the coroutine that stops it.

    Registers the Slack sender in ``core.senders`` so reports and alerts can post. In HTTP
    mode it listens on ``host:port`` (KAMBOT_HTTP_HOST and PORT by default); ``kambot run`` may instead call
    :func:`build_app` and :func:`mount` to share one listener with Telegram.
    """
    mode = resolve_mode(core, mode)
    poster = slack_sender(core)
    core.senders.add(poster)
    app = build_app(core, socket_mode=mode == "socket", poster=poster)
    if mode == "socket":
        assert core.settings.SLACK_APP_TOKEN is not None
        handler = await serve_socket_mode(app, core.settings.SLACK_APP_TOKEN.get_secret_value())
        log.info("kambot slack: connected over Socket Mode")
        return handler.close_async  # type: ignore[no-any-return]
    from bot.page.app import mount_page

    secret = core.settings.SLACK_SIGNING_SECRET
    web_app = http_app(app, signing_secret=secret.get_secret_value() if secret else None)
    mount_page(web_app, core)  # the customer page shares the listener (bot/page/app.py)
    runner = web.AppRunner(web_app)
    await runner.setup()
    host = core.settings.KAMBOT_HTTP_HOST if host is None else host
    site = web.TCPSite(runner, host, core.settings.PORT if port is None else port)
    await site.start()
    log.info("kambot slack: HTTP mode on %s%s", listening(runner), EVENTS_PATH)
    return runner.cleanup


def run_slack(core: Core, *, mode: str | None = None,
              beside: Callable[[], contextlib.AbstractContextManager[object]] | None = None,
              ) -> int:
    """`kambot slack [--http|--socket]`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP.

    ``beside``: what runs for as long as the app does (the scheduler), entered on a thread
    once the app is serving, so that neither its imports nor its start delay the first
    ack, and left after the app stops."""
    resolve_mode(core, mode)
    favour_event_loop()

    async def main() -> None:
        stop = await start_slack(core, mode=mode)
        with contextlib.ExitStack() as running:
            try:
                if beside is not None:
                    await asyncio.to_thread(lambda: running.enter_context(beside()))
                done = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    with contextlib.suppress(NotImplementedError):  # not on Windows
                        loop.add_signal_handler(sig, done.set)
                await done.wait()
            finally:
                await stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0
