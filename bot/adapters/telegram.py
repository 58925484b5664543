"""The Telegram bot: a ptb 22 Application, its update loop (polling or webhook), and replies.

A Telegram group is an account channel (workspace ``telegram``, channel = chat id). Each
update is translated (:mod:`bot.adapters.telegram_updates`), run through the dispatcher
in a worker thread, and answered through :class:`~bot.adapters.telegram_client.
TelegramSender` (HTML, split under 4096, inline done / reopen buttons, 429 honoured).

Reliability. ptb's own ``Updater`` confirms a batch of updates to Telegram with the next
getUpdates call, made as soon as the batch is queued and before it is processed: a crash
then loses the queued updates. So polling here is our own loop on ptb's ``Bot``: a batch
is processed (chats in parallel, each chat in order) and only then confirmed by the next
getUpdates offset. A crash replays the unconfirmed updates; the dispatcher's
ProcessedEvent (key ``<bot id>:<update_id>``) gives each one a single effect. In webhook
mode an update is processed before the 200 is returned, for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx
from aiohttp import web
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapters.listener import listening
from bot.adapters.refusals import RefusalLog
from bot.adapters.telegram_client import (
    ApiCallError,
    BotApi,
    TelegramSender,
    api_result,
    file_url_base,
    network_error,
    protect_logs,
    redact,
)
from bot.adapters.telegram_updates import (
    WORKSPACE,
    Action,
    BotIdentity,
    Dispatch,
    DocumentRef,
    ExpiredButton,
    Hint,
    Membership,
    Migrate,
    Welcome,
    translate,
)
from bot.messages import Incoming, IncomingFile, Platform, Reply, Section, Tone, User
from bot.outbox import SendError
from bot.render.telegram import CallbackStore
from bot.seals import ChannelSealer
from commands import customer_side, lifecycle
from commands.i18n import LANGUAGES, normalize_language, t
from commands.registry import lookup
from commands.transcripts import MAX_FILE_BYTES, is_supported
from storage import repos
from storage.telegram_repo import move_binding

if TYPE_CHECKING:
    from bot.app import Core
    from bot.settings import Settings

log = logging.getLogger(__name__)

# The verbs offered in Telegram's command menu (DESIGN.md grammar), in menu order.
MENU = (
    "help", "account", "triangle", "note", "task", "open", "tasks", "done", "reopen",
    "health", "signal", "report", "ask", "stakeholder", "plan", "handover", "accounts",
    "transcript", "kam", "notes", "cancel", "history", "undo",
)  # fmt: skip
# chat_member: people joining and leaving groups (membership is access, commands/authz.py);
# Telegram sends it only to a bot that is an administrator of the group.
ALLOWED_UPDATES = ["message", "callback_query", "chat_member", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramSetupError(RuntimeError):
    """The Telegram settings do not allow starting (missing or rejected token, ...)."""


def _token(settings: Settings) -> str:
    if settings.TELEGRAM_BOT_TOKEN is None or not settings.TELEGRAM_BOT_TOKEN.get_secret_value():
        raise TelegramSetupError(t(settings.KAMBOT_LANGUAGE, "telegram.token_missing"))
    return settings.TELEGRAM_BOT_TOKEN.get_secret_value()


def menu_commands(lang: str) -> list[BotCommand]:
    return [BotCommand(verb, t(lang, f"telegram.command.{verb}")) for verb in MENU]


async def register_commands(bot: Bot) -> None:
    """setMyCommands: English for everyone, Chinese for clients set to Chinese."""
    for lang in LANGUAGES:
        await bot.set_my_commands(menu_commands(lang), language_code=None if lang == "en" else lang)


class UpdateHandler:
    """Turns one update into its effect and its answer; synchronous, run in a thread."""

    def __init__(
        self,
        core: Core,
        *,
        identity: BotIdentity,
        api: BotApi,
        sender: TelegramSender,
    ) -> None:
        self.core = core
        self.identity = identity
        self.api = api
        self.sender = sender

    def find_username(self, username: str) -> User | None:
        """@username -> the person, known from an earlier message of theirs."""
        with self.core.sessions() as session:
            person = repos.person_by_username(
                session, platform=Platform.TELEGRAM, username=username
            )
            if person is None:
                return None
            return User(id=person.user_id, name=person.display_name,
                        username=person.username or username)  # fmt: skip

    def handle(self, update: Update) -> None:
        action = translate(
            update,
            bot=self.identity,
            callbacks=self.sender.callbacks,
            find_username=self.find_username,
        )
        if action is not None:
            self.perform(action)

    def perform(self, action: Action) -> None:
        if isinstance(action, Dispatch):
            self._dispatch(action)
        elif isinstance(action, ExpiredButton):
            lang = action.language or self.core.settings.KAMBOT_LANGUAGE
            self._answer_query(action.callback_query_id, t(lang, "telegram.button_expired"),
                               alert=True)  # fmt: skip
        elif isinstance(action, Migrate):
            self._migrate(action)
        elif isinstance(action, Welcome):
            self._welcome(action)
        elif isinstance(action, Membership):
            self._membership(action)
        elif isinstance(action, Hint):
            self._hint(action)

    def _membership(self, action: Membership) -> None:
        now = self.core.clock.now()
        platform, channel = Platform.TELEGRAM.value, str(action.chat_id)
        with self.core.sessions.begin() as session:
            for user in action.joined:
                lifecycle.member_joined(session, platform=platform, workspace=WORKSPACE,
                                        channel=channel, user=user, at=now)
            for user in action.left:
                lifecycle.member_left(session, platform=platform, workspace=WORKSPACE,
                                      channel=channel, user_id=user.id, at=now)
            hint = customer_side.newcomers_hint(
                session, platform=platform, workspace=WORKSPACE, channel=channel,
                joined=action.joined, default_lang=self.core.settings.KAMBOT_LANGUAGE)
        if hint is not None:
            self._send(action.chat_id, hint, thread=None)

    def _hint(self, action: Hint) -> None:
        if not action.addressed and lookup(action.verb) is None:
            return  # another bot's command
        with self.core.sessions.begin() as session:
            first = repos.claim_event(
                session, platform=Platform.TELEGRAM, key=action.key, at=self.core.clock.now()
            )
        if first:
            lang = self.core.settings.KAMBOT_LANGUAGE
            reply = Reply(title=t(lang, f"telegram.hint.{action.kind}"), tone=Tone.WARNING)
            self._send(action.chat_id, reply, thread=action.reply_to)

    def _dispatch(self, action: Dispatch) -> None:
        if not action.addressed:
            verb = action.incoming.text.split(maxsplit=1)[0]
            if lookup(verb) is None:
                return  # `/weather` in a group with several bots: not ours to refuse
        incoming = action.incoming
        if action.document is not None:
            incoming = replace(incoming, file=self._fetch(incoming, action.document))
        reply = self.core.dispatcher.handle(incoming)
        if reply is None:
            return  # a duplicate delivery: it had its effect and its answer already
        if action.callback_query_id is not None:
            self._answer_query(action.callback_query_id,
                               None if reply.confidential else reply.title[:200] or None)
        if reply.confidential and str(action.chat_id) != incoming.user.id:
            self._send_privately(action, reply)
            return
        self._send(action.chat_id, reply, thread=action.reply_to)

    def _send_privately(self, action: Dispatch, reply: Reply) -> None:
        """A reply that must not be shown in the group (the team's answer asked in a group
        shared with the customer) goes as a direct message; when Telegram refuses it (the
        person never opened a chat with the bot) the group only hears how to get it."""
        incoming = action.incoming
        try:
            self.sender.reply_to(int(incoming.user.id), reply, thread=None)
            return
        except (SendError, ValueError) as exc:
            log.info("telegram: private answer to %s refused: %s", incoming.user.id, exc)
        lang = normalize_language(incoming.language or self.core.settings.KAMBOT_LANGUAGE)
        notice = Reply(title=t(lang, "telegram.private_first"), tone=Tone.WARNING)
        self._send(action.chat_id, notice, thread=action.reply_to)

    def _fetch(self, incoming: Incoming, document: DocumentRef) -> IncomingFile:
        """The document's bytes when the core can use them: a type it reads, within the
        size limit, in an account's group. Otherwise (or when the download fails) the
        file goes without content and the core says why."""
        content: bytes | None = None
        if (is_supported(document.name) and document.size <= MAX_FILE_BYTES
                and self._bound(incoming.channel)):
            try:
                content = self.api.download(document.file_id, limit=MAX_FILE_BYTES)
            except ApiCallError as exc:
                log.warning("telegram: could not download a document in chat %s: %s",
                            incoming.channel, exc)  # fmt: skip
        return IncomingFile(name=document.name or "file", size=document.size, content=content)

    def _bound(self, chat: str) -> bool:
        with self.core.sessions() as session:
            binding = repos.binding_for(session, platform=Platform.TELEGRAM, workspace=WORKSPACE,
                                        channel=chat)  # fmt: skip
            return binding is not None and not binding.archived

    def _send(self, chat_id: int, reply: Reply, *, thread: int | None) -> None:
        try:
            self.sender.reply_to(chat_id, reply, thread=str(thread) if thread else None)
        except SendError as exc:
            log.error("telegram: could not answer in chat %s: %s", chat_id, exc)

    def _answer_query(self, query_id: str, text: str | None, *, alert: bool = False) -> None:
        params: dict[str, Any] = {"callback_query_id": query_id}
        if text:
            params["text"] = text
            params["show_alert"] = alert
        try:
            self.api.call("answerCallbackQuery", params)
        except ApiCallError as exc:  # too old, or answered by an earlier delivery
            log.info("telegram: callback answer refused: %s", exc.description)

    def _migrate(self, action: Migrate) -> None:
        with self.core.sessions.begin() as session:
            moved = move_binding(
                session,
                platform=Platform.TELEGRAM,
                workspace=WORKSPACE,
                old_channel=action.old_chat,
                new_channel=action.new_chat,
                channel_name=action.title,
            )
            if moved is None:
                return
            account = repos.account_by_id(session, account_id=moved.account_id)
            name = account.name if account else ""
            lang = moved.language or (account.language if account else None)
        log.info("telegram: chat %s became %s; binding moved", action.old_chat, action.new_chat)
        lang = lang or self.core.settings.KAMBOT_LANGUAGE
        reply = Reply(sections=[Section(text=t(lang, "telegram.migrated", account=name))])
        self._send(int(action.new_chat), reply, thread=None)

    def _welcome(self, action: Welcome) -> None:
        with self.core.sessions.begin() as session:
            first = repos.claim_event(
                session, platform=Platform.TELEGRAM, key=action.key, at=self.core.clock.now()
            )
        if first:
            lang = action.language or self.core.settings.KAMBOT_LANGUAGE
            reply = Reply(sections=[Section(text=t(lang, "telegram.welcome"))])
            self._send(action.chat_id, reply, thread=None)


def _chat_of(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat is not None else None


class TelegramRuntime:
    """The running bot: ptb Application (Bot API client, handlers) plus our update loop."""

    def __init__(
        self,
        core: Core,
        *,
        poll_timeout: int = 10,
        api: BotApi | None = None,
        callbacks: CallbackStore | None = None,
        max_unauthorized: int = 5,
        max_outage: float = 900.0,
        max_backoff: float = 30.0,
    ) -> None:
        settings = core.settings
        self.core = core
        self._token = _token(settings)
        # before ptb's Bot exists: it logs its URLs, token included, when it is built
        protect_logs(self._token)
        self.poll_timeout = poll_timeout
        self.callbacks = callbacks or CallbackStore()
        self.api = api or BotApi(self._token, settings.TELEGRAM_API_URL)
        # getUpdates has its own async client (a stop cancels the long poll at once): no
        # retries inside a call (the loop backs off), a read timeout past the long poll.
        self._poll_url = f"{settings.TELEGRAM_API_URL}{self._token}/getUpdates"
        self._poll_client = httpx.AsyncClient(timeout=poll_timeout + 20.0)
        self.max_unauthorized = max_unauthorized
        self.max_outage = max_outage
        self.max_backoff = max_backoff
        # Set when polling cannot recover: the process should exit non-zero.
        self.fatal = asyncio.Event()
        self.sender = TelegramSender(self.api, self.callbacks,
                                     sealer=ChannelSealer(core.dispatcher.seals, core.sessions,
                                                          Platform.TELEGRAM.value))
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(self._token)
            .base_url(settings.TELEGRAM_API_URL)
            .base_file_url(file_url_base(settings.TELEGRAM_API_URL))
            .updater(None)
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.handler: UpdateHandler | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._in_batch = False
        self._offset: int | None = None
        self._web: web.AppRunner | None = None

    # -------------------------------------------------------------- start / stop
    async def start(
        self,
        *,
        webhook: bool,
        listen: str | None = None,
        serve: bool = True,
    ) -> None:
        """Connect (getMe), register the command menu, then poll or set the webhook.

        ``serve=False`` with ``webhook``: do not open a listener; the caller mounts
        :meth:`webhook_routes` into its own aiohttp app (one PORT for Slack and Telegram).
        ``listen``: the address the webhook listener binds (KAMBOT_HTTP_HOST by default).
        """
        try:
            await self.application.initialize()  # getMe
        except InvalidToken:
            raise TelegramSetupError(
                t(self.core.settings.KAMBOT_LANGUAGE, "telegram.token_rejected")
            ) from None
        bot = self.application.bot
        identity = BotIdentity(bot.id, bot.username)
        self.handler = UpdateHandler(self.core, identity=identity, api=self.api,
                                     sender=self.sender)  # fmt: skip
        await register_commands(bot)
        if webhook:
            await self._start_webhook(
                self.core.settings.KAMBOT_HTTP_HOST if listen is None else listen, serve=serve)
        else:
            # Pending updates are kept: drop_pending_updates stays False.
            await bot.delete_webhook(drop_pending_updates=False)
            self._poll_task = asyncio.create_task(self.poll(), name="telegram-poll")
        log.info("telegram: @%s running (%s)", bot.username, "webhook" if webhook else "polling")

    async def stop(self) -> None:
        """Stop taking updates, finish the batch in hand, confirm it, shut down."""
        self._stopping.set()
        if self._poll_task is not None:
            if not self._in_batch:
                self._poll_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll_task
            if self._offset is not None:
                with contextlib.suppress(ApiCallError):
                    await self.get_updates({"offset": self._offset, "timeout": 0,
                                            "allowed_updates": ALLOWED_UPDATES})
        if self._web is not None:
            await self._web.cleanup()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        self.api.close()
        await self._poll_client.aclose()

    # -------------------------------------------------------------- polling
    async def poll(self) -> None:
        """Long-poll getUpdates; each batch is confirmed only once it was processed.

        Updates are fetched as JSON and parsed one by one: an update the library cannot
        parse is logged and skipped (confirmed with the rest), never left to block the
        queue. A rejected token (401) and network failures are retried with backoff and a
        log line; past ``max_unauthorized`` 401s in a row, or ``max_outage`` seconds without
        an answer, polling gives up and :attr:`fatal` is set so the process exits non-zero
        and its supervisor restarts it.
        """
        delay = 1.0
        unauthorized = 0
        failing_since: float | None = None
        while not self._stopping.is_set():
            params: dict[str, Any] = {"timeout": self.poll_timeout,
                                      "allowed_updates": ALLOWED_UPDATES}
            if self._offset is not None:
                params["offset"] = self._offset
            try:
                raw = await self.get_updates(params)
            except ApiCallError as exc:
                if exc.status == 429:
                    await asyncio.sleep(min(exc.retry_after or 1.0, 60.0))
                    continue
                if exc.status == 409:
                    log.error("telegram: getUpdates conflict (another instance, or a webhook): %s",
                              exc.description)  # fmt: skip
                    await asyncio.sleep(5)
                    continue
                now = time.monotonic()
                failing_since = failing_since or now
                if exc.status == 401:
                    unauthorized += 1
                    if unauthorized >= self.max_unauthorized:
                        log.critical("telegram: the bot token was rejected %d times in a row; "
                                     "giving up so the process can be restarted", unauthorized)
                        self.fatal.set()
                        return
                elif now - failing_since > self.max_outage:
                    log.critical("telegram: no answer from the Bot API for %.0f s (%s); giving "
                                 "up so the process can be restarted", now - failing_since,
                                 exc.description)  # fmt: skip
                    self.fatal.set()
                    return
                log.warning("telegram: getUpdates failed (%s %s), retrying in %.0f s",
                            exc.status or "network", exc.description, delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            delay, unauthorized, failing_since = 1.0, 0, None
            items = raw if isinstance(raw, list) else []
            if not items:
                continue
            updates = self.parse_updates(items)
            if updates:
                self._in_batch = True
                try:
                    await self.process_batch(updates)
                finally:
                    self._in_batch = False
            last = max((i["update_id"] for i in items
                        if isinstance(i, dict) and isinstance(i.get("update_id"), int)),
                       default=None)  # fmt: skip
            if last is not None:
                self._offset = last + 1

    async def get_updates(self, params: dict[str, Any]) -> Any:
        """One getUpdates call, its raw JSON result (parsed update by update by the caller)."""
        try:
            response = await self._poll_client.post(self._poll_url, json=params)
        except httpx.HTTPError as exc:
            raise network_error("getUpdates", exc, self._token) from None
        return api_result("getUpdates", response, self._token)

    def parse_updates(self, items: Sequence[object]) -> list[Update]:
        """The updates the library can read; the others are logged (briefly) and skipped."""
        updates: list[Update] = []
        for item in items:
            try:
                if not isinstance(item, dict) or not isinstance(item.get("update_id"), int):
                    raise TypeError("not an update object")
                update = Update.de_json(item, self.application.bot)
                if update is None:
                    raise TypeError("empty update")
                updates.append(update)
            except Exception as exc:
                update_id = item.get("update_id") if isinstance(item, dict) else "?"
                kinds = sorted(k for k in item if k != "update_id")[:5] if isinstance(item, dict) else []
                log.warning("telegram: skipped update %s that could not be read (%s: %s; keys %s)",
                            update_id, type(exc).__name__, str(exc)[:200], kinds)  # fmt: skip
        return updates

    async def process_batch(self, updates: Sequence[Update]) -> None:
        """Chats in parallel, each chat's updates in order (a task, then its done).

        A batch with a group's migration in it runs in order as a whole: the new
        supergroup's first messages must find the binding already moved.
        """
        by_chat: dict[int | None, list[Update]] = defaultdict(list)
        migrating = any(
            u.message is not None
            and (u.message.migrate_to_chat_id or u.message.migrate_from_chat_id)
            for u in updates
        )
        for update in updates:
            by_chat[None if migrating else _chat_of(update)].append(update)

        async def in_order(chat_updates: list[Update]) -> None:
            for update in chat_updates:
                await self.application.process_update(update)

        await asyncio.gather(*(in_order(group) for group in by_chat.values()))

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.handler is not None
        await asyncio.to_thread(self.handler.handle, update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else "?"
        log.error("telegram: update %s failed: %s: %s", update_id, type(error).__name__,
                  redact(str(error), self._token))  # fmt: skip

    # -------------------------------------------------------------- webhook
    def _webhook_settings(self) -> tuple[str, str]:
        settings = self.core.settings
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        url = settings.TELEGRAM_WEBHOOK_URL
        if secret is None or not secret.get_secret_value() or not url:
            raise TelegramSetupError(t(settings.KAMBOT_LANGUAGE, "telegram.webhook_secret_missing"))
        return url, secret.get_secret_value()

    def webhook_routes(self) -> list[web.RouteDef]:
        """The webhook route (POST at TELEGRAM_WEBHOOK_URL's path) for an aiohttp app."""
        url, secret = self._webhook_settings()
        return [web.post(webhook_path(url), self.webhook_handler(secret))]

    async def _start_webhook(self, listen: str, *, serve: bool) -> None:
        url, secret = self._webhook_settings()
        if serve:
            app = web.Application()
            app.add_routes(self.webhook_routes())
            self._web = web.AppRunner(app, access_log=None)
            await self._web.setup()
            await web.TCPSite(self._web, listen, self.core.settings.PORT).start()
            log.info("telegram: webhook listener on %s", listening(self._web))
        await self.application.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )

    def webhook_handler(self, secret: str) -> Any:
        """The aiohttp handler for Telegram's POSTs; mount it anywhere (same PORT as Slack).

        Refusals (a wrong secret, a body that is not an update) are logged in one short
        line each, at most 20 a minute (:class:`~bot.adapters.refusals.RefusalLog`)."""
        refusals = RefusalLog()

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                refusals.refused("telegram", "wrong webhook secret",
                                 size=request.content_length or 0, remote=request.remote)
                return web.Response(status=403)
            try:
                data = await request.json()
            except (ValueError, UnicodeDecodeError):
                refusals.refused("telegram", "invalid JSON", size=request.content_length or 0,
                                 remote=request.remote)
                return web.Response(status=400)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                refusals.refused("telegram", "not an update", size=request.content_length or 0,
                                 remote=request.remote)
                return web.Response(status=400)
            parsed = self.parse_updates([data])
            if not parsed:
                return web.Response(status=200)  # logged; confirmed so it is not sent again
            update = parsed[0]
            # Processed before the 200, so Telegram re-delivers whatever a crash interrupts.
            await self.application.process_update(update)
            return web.Response(status=200)

        return receive


def webhook_path(url: str) -> str:
    return urlparse(url).path or "/"


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def make_sender(settings: Settings, *, sealer: ChannelSealer | None = None) -> TelegramSender:
    """The Telegram Sender for the bot's own posts (reports, alerts) from any thread."""
    token = _token(settings)
    protect_logs(token)
    return TelegramSender(BotApi(token, settings.TELEGRAM_API_URL), sealer=sealer)


def run_telegram(core: Core, *, webhook: bool | None = None) -> int:
    """``kambot telegram [--webhook]``: run until Ctrl-C / SIGTERM; returns the exit code.

    ``webhook=None`` picks webhook mode when TELEGRAM_WEBHOOK_URL is set.
    """
    if webhook is None:
        webhook = bool(core.settings.TELEGRAM_WEBHOOK_URL)

    async def main() -> int:
        runtime = TelegramRuntime(core)
        core.senders.add(runtime.sender)  # the scheduler's posts go through the same client
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await runtime.start(webhook=webhook)
            await first_of(stop, runtime.fatal)
        finally:
            await runtime.stop()
        return 1 if runtime.fatal.is_set() else 0

    try:
        return asyncio.run(main())
    except TelegramSetupError as exc:
        raise SystemExit(f"kambot telegram: {exc}") from None


async def first_of(*events: asyncio.Event) -> None:
    """Wait until any of ``events`` is set."""
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
