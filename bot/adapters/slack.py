"""The Slack app: `/kam`, events, buttons, modals, the message shortcut and App Home.

Bolt (async) receives everything, over Socket Mode when SLACK_APP_TOKEN is set and over
signed HTTP at ``/slack/events`` otherwise. Every listener acks at once and does the work
in a lazy listener: the dispatcher is synchronous, so the work runs in a thread
(:class:`SlackHandlers`) that translates the payload into an ``Incoming``, dispatches it
and posts the Reply. The only work done before the ack is opening a modal, because a
trigger_id expires in 3 s.

Duplicates have one effect because the dispatcher claims each Incoming's key (see
:mod:`bot.adapters.slack_incoming` for the keys); events handled here without the
dispatcher (the bot joining a channel) claim their event_id themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_incoming as inc
from bot.adapters import slack_views as views
from bot.adapters.slack_post import Directory, SlackPoster, make_client, with_reassign
from bot.app import Core
from bot.messages import Incoming, Reply, Section, Tone
from bot.render.slack import ACTION_PREFIX, action_command
from commands.home import home_for
from commands.i18n import Translator
from commands.parsing import split_verb
from commands.registry import lookup
from storage import channels, repos

log = logging.getLogger(__name__)

PLATFORM = inc.PLATFORM
EVENTS_PATH = "/slack/events"
WORKERS = 16  # threads for the work after the ack (the dispatcher is synchronous)
COMMAND = "/kam"


# --- the work, synchronous, run after the ack ---------------------------------------------


class SlackHandlers:
    """Payload in, effect out: dispatch through the core and post the answer."""

    def __init__(self, core: Core, poster: SlackPoster, directory: Directory) -> None:
        self.core = core
        self.poster = poster
        self.directory = directory

    # helpers
    def translator(self, workspace: str, channel: str) -> Translator:
        """The language of a channel's account, else the default; for the adapter's own words."""
        with self.core.sessions.begin() as session:
            binding = repos.binding_for(session, platform=PLATFORM, workspace=workspace,
                                        channel=channel)
            lang = binding.language if binding else None
            if binding is not None and not lang:
                account = repos.account_by_id(session, account_id=binding.account_id)
                lang = account.language if account else None
        return Translator(lang or self.core.settings.KAMBOT_LANGUAGE)

    def user_translator(self, user_id: str) -> Translator:
        with self.core.sessions.begin() as session:
            person = repos.person_by_user(session, platform=PLATFORM, user_id=user_id)
            lang = person.language if person else None
        return Translator(lang or self.core.settings.KAMBOT_LANGUAGE)

    def dispatch(self, incoming: Incoming) -> Reply | None:
        return self.core.dispatcher.handle(incoming)

    def answer(self, incoming: Incoming, reply: Reply, *, response_url: str | None = None) -> None:
        t = self.translator(incoming.workspace, incoming.channel)
        if not (reply.private or reply.is_error):
            reply = with_reassign(reply, t)
        try:
            self.poster.answer(channel=incoming.channel, user=incoming.user.id, reply=reply,
                               thread=incoming.thread, response_url=response_url, t=t)
        except SlackApiError as exc:
            log.warning("could not answer in %s: %s", incoming.channel, _error(exc))
            self._tell_failure(incoming, exc, t, response_url)

    def _tell_failure(self, incoming: Incoming, exc: SlackApiError, t: Translator,
                      response_url: str | None) -> None:
        key = "slack.error.not_in_channel" if _error(exc) in {"not_in_channel", "channel_not_found"} \
            else "slack.error.failed"
        notice = Reply(title=t(key), tone=Tone.ERROR, private=True)
        try:
            if response_url:
                self.poster.respond(response_url, notice, public=False, t=t)
            else:
                self.poster.post_ephemeral(incoming.channel, incoming.user.id, notice, t=t)
            return
        except SlackApiError as again:
            log.warning("could not tell %s in %s: %s", incoming.user.id, incoming.channel,
                        _error(again))
        try:  # a modal submitted for a channel the bot is not in: the app's DM still works
            self.poster.direct(incoming.user.id, notice, t=t)
        except SlackApiError as again:
            log.warning("could not tell %s about the failure: %s", incoming.user.id, _error(again))

    # slash command
    def command(self, body: dict[str, Any]) -> None:
        if modal_command(str(body.get("text", ""))):
            return  # the ack opened a modal; its submission does the work
        incoming = inc.from_slash_command(body, self.directory.user)
        reply = self.dispatch(incoming)
        if reply is not None:
            self.answer(incoming, reply, response_url=body.get("response_url"))

    # events
    def event(self, body: dict[str, Any], bot_user_id: str) -> None:
        event = body.get("event") or {}
        kind = event.get("type")
        team = str(body.get("team_id") or event.get("team") or "")
        if kind in {"app_mention", "message"}:
            incoming = inc.from_message_event(event, team_id=team, bot_user_id=bot_user_id,
                                              lookup=self.directory.user)
            if incoming is None:
                return
            if lookup("ask") is None and incoming.text.startswith("ask "):
                # Until the Q&A verb exists, a question gets the help overview.
                incoming = replace(incoming, text="help")
            reply = self.dispatch(incoming)
            if reply is not None:
                self.answer(incoming, reply)
        elif kind == "member_joined_channel" and event.get("user") == bot_user_id:
            self.joined(team, str(event["channel"]), str(body.get("event_id", "")))
        elif kind in {"channel_rename", "group_rename"}:
            channel = event.get("channel") or {}
            self._binding_change(lambda s, at: channels.rename_channel(
                s, platform=PLATFORM, workspace=team, channel=str(channel.get("id")),
                name=str(channel.get("name", "")), at=at))
        elif kind in {"channel_archive", "group_archive", "channel_deleted", "group_deleted"}:
            self._binding_change(lambda s, at: channels.set_archived(
                s, platform=PLATFORM, workspace=team, channel=str(event.get("channel")),
                archived=True, at=at))
        elif kind in {"channel_unarchive", "group_unarchive"}:
            self._binding_change(lambda s, at: channels.set_archived(
                s, platform=PLATFORM, workspace=team, channel=str(event.get("channel")),
                archived=False, at=at))
        elif kind == "channel_id_changed":
            self._binding_change(lambda s, at: channels.move_channel(
                s, platform=PLATFORM, workspace=team, old=str(event.get("old_channel_id")),
                new=str(event.get("new_channel_id")), at=at))
        elif kind == "app_home_opened" and event.get("tab", "home") == "home":
            self.publish_home(str(event["user"]))

    def _binding_change(self, change: Callable[[Any, Any], object]) -> None:
        with self.core.sessions.begin() as session:
            change(session, self.core.clock.now())

    def joined(self, team: str, channel: str, event_id: str) -> None:
        """The bot was added to a channel: say how to bind it, once per event."""
        with self.core.sessions.begin() as session:
            if not repos.claim_event(session, platform=PLATFORM, key=f"evt:{event_id}",
                                     at=self.core.clock.now()):
                return
            binding = repos.binding_for(session, platform=PLATFORM, workspace=team, channel=channel)
            account = (repos.account_by_id(session, account_id=binding.account_id)
                       if binding is not None and not binding.archived else None)
            name = account.name if account else None
        t = self.translator(team, channel)
        text = t("slack.joined.bound", account=name) if name else t("slack.joined.unbound")
        try:
            self.poster.post(channel, Reply(sections=[Section(text=text)]), t=t)
        except SlackApiError as exc:
            log.warning("could not greet %s: %s", channel, _error(exc))

    # buttons
    def action(self, body: dict[str, Any]) -> None:
        for action in body.get("actions") or []:
            action_id = str(action.get("action_id", ""))
            if action_id.startswith(views.HOME_ACTION):
                self._home_action(body, action)
            elif action_id.startswith(ACTION_PREFIX):
                if modal_command(action_command(action)[0]):
                    continue  # opened as a modal by the ack
                self._message_action(body, action)

    def _message_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        command, label = action_command(action)
        incoming = inc.from_action(body, action, command, lookup=self.directory.user)
        reply = self.dispatch(incoming)
        if reply is None:
            return
        container = body.get("container") or {}
        message = body.get("message") or {}
        changed = _changes_state(incoming.text) and not reply.is_error
        t = self.translator(incoming.workspace, incoming.channel)
        if changed and message.get("ts") and not container.get("is_ephemeral"):
            note = t("slack.pressed.by", mark="✔", label=label or incoming.text, user=incoming.user.id)
            try:
                self.poster.mark_pressed(incoming.channel, message, str(action["action_id"]), note)
            except SlackApiError as exc:
                log.warning("could not update the pressed message: %s", _error(exc))
        if container.get("is_ephemeral") and body.get("response_url"):
            # An ephemeral message cannot be updated, only replaced through its response_url.
            try:
                self.poster.respond(body["response_url"], with_reassign(reply, t), public=False,
                                    replace_original=True, t=t)
                return
            except SlackApiError as exc:
                log.warning("response_url failed: %s", _error(exc))
        self.answer(incoming, replace(reply, private=True), response_url=body.get("response_url"))

    def _home_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        user_id = str(body["user"]["id"])
        target = views.read_home_button(str(action.get("value", "")))
        if target is None:
            return
        channel, command = target
        incoming = inc.from_action(body, action, command, channel=channel,
                                   lookup=self.directory.user)
        reply = self.dispatch(incoming)
        if reply is not None and reply.is_error:
            try:
                self.poster.direct(user_id, reply, t=self.user_translator(user_id))
            except SlackApiError as exc:
                log.warning("could not DM %s: %s", user_id, _error(exc))
        self.publish_home(user_id)

    # modals
    def view(self, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        text = view_command(view)
        if text is None:
            return
        incoming = inc.from_view(body, text, lookup=self.directory.user)
        if not incoming.channel:
            return
        reply = self.dispatch(incoming)
        if reply is not None:
            self.answer(incoming, reply)

    # App Home
    def publish_home(self, user_id: str) -> None:
        now = self.core.clock.now()
        with self.core.sessions.begin() as session:
            home = home_for(session, platform=PLATFORM, user_id=user_id, today=self.core.clock.today())
            lang = home.person.language if home.person else None
        t = Translator(lang or self.core.settings.KAMBOT_LANGUAGE)
        try:
            self.poster.publish_home(user_id, views.home_view(t, home, now=now))
        except SlackApiError as exc:
            log.warning("views.publish failed for %s: %s", user_id, _error(exc))


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response is not None else "request failed"


def _changes_state(command: str) -> bool:
    verb, _ = split_verb(command)
    found = lookup(verb) if verb else None
    return found is not None and not found.readonly


def modal_command(text: str) -> tuple[str, int | None] | None:
    """``task`` / ``note`` alone, or ``reassign N`` without an owner, open a modal."""
    words = text.split()
    if len(words) == 1 and words[0].lower() in {"task", "note"}:
        return words[0].lower(), None
    if len(words) == 2 and words[0].lower() == "reassign" and words[1].lstrip("#").isdigit():
        return "reassign", int(words[1].lstrip("#"))
    return None


def view_command(view: dict[str, Any]) -> str | None:
    """The command text a submitted modal stands for; None if it is incomplete."""
    state = (view.get("state") or {}).get("values") or {}
    callback = view.get("callback_id")
    if callback == views.TASK_VIEW:
        return views.task_command(state)
    if callback == views.NOTE_VIEW:
        return views.note_command(state)
    if callback == views.REASSIGN_VIEW:
        number = inc.decode_metadata(view.get("private_metadata", "")).get("number", "")
        return views.reassign_command(state, number)
    return None


def modal_view(t: Translator, text: str, *, channel: str, thread: str | None) -> dict[str, Any] | None:
    wanted = modal_command(text)
    if wanted is None:
        return None
    kind, number = wanted
    if kind == "task":
        return views.task_modal(t, channel=channel, thread=thread)
    if kind == "note":
        return views.note_modal(t, channel=channel, thread=thread)
    assert number is not None
    return views.reassign_modal(t, channel=channel, number=number, thread=thread)


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
    poster = poster or SlackPoster(make_client(token, base_url), language=settings.KAMBOT_LANGUAGE)
    work = SlackHandlers(core, poster, Directory(poster.client))
    app = AsyncApp(
        token=token,
        signing_secret=secret or "",
        request_verification_enabled=not socket_mode,
        process_before_response=False,
    )
    # Bolt builds its client from the token; point it at SLACK_API_URL and honour 429s.
    app.client.base_url = base_url
    app.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    register(app, work)
    return app


def register(app: AsyncApp, work: SlackHandlers, *, workers: int = WORKERS) -> None:
    """Attach the listeners: ack fast, then do the work in a thread.

    The work has its own pool, so slow commands (an LLM answer, a chart) queue behind each
    other and never behind the short reads the acks make in the default pool.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kambot-slack")

    def lazy(fn: Callable[..., None], *, bot_user: bool = False) -> Callable[..., Awaitable[None]]:
        async def run(body: dict[str, Any], context: Any) -> None:
            try:
                loop = asyncio.get_running_loop()
                if bot_user:
                    await loop.run_in_executor(pool, fn, body, context.bot_user_id or "")
                else:
                    await loop.run_in_executor(pool, fn, body)
            except Exception:
                log.exception("slack %s failed", fn.__name__)

        run.__name__ = f"lazy_{fn.__name__}"
        return run

    async def open_modal(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> None:
        try:
            await client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("views.open failed: %s", _error(exc))

    async def ack_command(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        text = str(body.get("text", "")).strip()
        if modal_command(text):
            t = await asyncio.to_thread(work.translator, str(body.get("team_id", "")),
                                        str(body["channel_id"]))
            view = modal_view(t, text, channel=str(body["channel_id"]), thread=None)
            assert view is not None
            await open_modal(client, str(body["trigger_id"]), view)

    async def ack_action(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        for action in body.get("actions") or []:
            value = action_command(action)[0]
            if str(action.get("action_id", "")).startswith(ACTION_PREFIX) and modal_command(value):
                channel = str((body.get("channel") or {}).get("id", ""))
                thread = (body.get("message") or {}).get("thread_ts")
                team = str((body.get("team") or {}).get("id", ""))
                t = await asyncio.to_thread(work.translator, team, channel)
                view = modal_view(t, value, channel=channel, thread=thread)
                assert view is not None
                await open_modal(client, str(body["trigger_id"]), view)

    async def ack_view(ack: Any, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        if view.get("callback_id") == views.REASSIGN_VIEW and view_command(view) is None:
            t = await asyncio.to_thread(work.user_translator, str(body["user"]["id"]))
            await ack(response_action="errors", errors={"role": t("slack.reassign_modal.missing")})
            return
        await ack()

    async def ack_shortcut(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id", ""))
        team = str((body.get("team") or {}).get("id", ""))
        t = await asyncio.to_thread(work.translator, team, channel)
        view = views.note_modal(t, channel=channel,
                                thread=message.get("thread_ts") or message.get("ts"),
                                initial=inc.unescape(str(message.get("text", ""))))
        await open_modal(client, str(body["trigger_id"]), view)

    async def ack_only(ack: Any) -> None:
        await ack()

    app.command(COMMAND)(ack=ack_command, lazy=[lazy(work.command)])
    app.action({"action_id": _prefix_re(ACTION_PREFIX)})(ack=ack_action, lazy=[lazy(work.action)])
    app.action({"action_id": _prefix_re(views.HOME_ACTION)})(ack=ack_only, lazy=[lazy(work.action)])
    for callback in (views.TASK_VIEW, views.NOTE_VIEW, views.REASSIGN_VIEW):
        app.view(callback)(ack=ack_view, lazy=[lazy(work.view)])
    app.shortcut(views.NOTE_SHORTCUT)(ack_shortcut)
    for event in ("app_mention", "message", "member_joined_channel", "channel_rename",
                  "group_rename", "channel_archive", "group_archive", "channel_unarchive",
                  "group_unarchive", "channel_deleted", "group_deleted", "channel_id_changed",
                  "app_home_opened"):
        app.event(event)(ack=ack_only, lazy=[lazy(work.event, bot_user=True)])


def _prefix_re(prefix: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(prefix))


# --- serving ------------------------------------------------------------------------------


def mount(web_app: web.Application, app: AsyncApp, *, path: str = EVENTS_PATH) -> None:
    """Route POST ``path`` to bolt and GET /healthz to a liveness answer, on ``web_app``.

    ``kambot run`` mounts Slack beside the Telegram webhook on the one PORT listener.
    """

    async def events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app.router.add_post(path, events)
    if not any(getattr(r, "path", "") == "/healthz" for r in web_app.router.resources()):
        web_app.router.add_get("/healthz", health)


def http_app(app: AsyncApp, *, path: str = EVENTS_PATH) -> web.Application:
    """An aiohttp application serving only the Slack app."""
    web_app = web.Application()
    mount(web_app, app, path=path)
    return web_app


def slack_sender(core: Core) -> SlackPoster:
    """The outbox Sender for reports and alerts (``core.senders.add(slack_sender(core))``)."""
    settings = core.settings
    if settings.SLACK_BOT_TOKEN is None:
        raise SystemExit("kambot: SLACK_BOT_TOKEN is not set")
    return SlackPoster(make_client(settings.SLACK_BOT_TOKEN.get_secret_value(), settings.SLACK_API_URL),
                       language=settings.KAMBOT_LANGUAGE)


async def serve_socket_mode(app: AsyncApp, app_token: str) -> Any:
    """Connect over Socket Mode and return the handler (``await handler.close_async()``)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app, app_token)
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


async def start_slack(core: Core, *, mode: str | None = None, host: str = "0.0.0.0",
                      port: int | None = None) -> Callable[[], Awaitable[None]]:
    """Start the Slack app inside the running event loop; returns the coroutine that stops it.

    Registers the Slack sender in ``core.senders`` so reports and alerts can post. In HTTP
    mode it listens on ``host:port`` (PORT by default); ``kambot run`` may instead call
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
    runner = web.AppRunner(http_app(app))
    await runner.setup()
    site = web.TCPSite(runner, host, core.settings.PORT if port is None else port)
    await site.start()
    log.info("kambot slack: HTTP mode on %s:%s%s", host, port or core.settings.PORT, EVENTS_PATH)
    return runner.cleanup


def run_slack(core: Core, *, mode: str | None = None) -> int:
    """`kambot slack [--http|--socket]`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP."""
    resolve_mode(core, mode)

    async def main() -> None:
        stop = await start_slack(core, mode=mode)
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, done.set)
        try:
            await done.wait()
        finally:
            await stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0
