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
import json
import logging
import signal
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import Bot, BotCommand, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapters.telegram_client import (
    ApiCallError,
    BotApi,
    TelegramSender,
    file_url_base,
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
    Membership,
    Migrate,
    Welcome,
    translate,
)
from bot.messages import Incoming, IncomingFile, Platform, Reply, Section, User
from bot.outbox import SendError
from bot.render.telegram import CallbackStore
from bot.seals import ChannelSealer
from commands import lifecycle
from commands.i18n import LANGUAGES, t
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
            self._answer_query(action.callback_query_id, reply.title[:200] or None)
        self._send(action.chat_id, reply, thread=action.reply_to)

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
    ) -> None:
        settings = core.settings
        self.core = core
        self._token = _token(settings)
        # before ptb's Bot exists: it logs its URLs, token included, when it is built
        protect_logs(self._token)
        self.poll_timeout = poll_timeout
        self.callbacks = callbacks or CallbackStore()
        self.api = api or BotApi(self._token, settings.TELEGRAM_API_URL)
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
        listen: str = "0.0.0.0",
        serve: bool = True,  # noqa: S104
    ) -> None:
        """Connect (getMe), register the command menu, then poll or set the webhook.

        ``serve=False`` with ``webhook``: do not open a listener; the caller mounts
        :meth:`webhook_routes` into its own aiohttp app (one PORT for Slack and Telegram).
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
            await self._start_webhook(listen, serve=serve)
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
                with contextlib.suppress(TelegramError):
                    await self.application.bot.get_updates(offset=self._offset, timeout=0,
                                                           allowed_updates=ALLOWED_UPDATES)  # fmt: skip
        if self._web is not None:
            await self._web.cleanup()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        self.api.close()

    # -------------------------------------------------------------- polling
    async def poll(self) -> None:
        """Long-poll getUpdates; each batch is confirmed only once it was processed."""
        bot = self.application.bot
        delay = 1.0
        while not self._stopping.is_set():
            try:
                updates = await bot.get_updates(
                    offset=self._offset,
                    timeout=self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except Conflict as exc:
                log.error("telegram: getUpdates conflict (another instance, or a webhook): %s",
                          redact(str(exc), self._token))  # fmt: skip
                await asyncio.sleep(5)
                continue
            except InvalidToken:
                log.error("telegram: the bot token was rejected; polling stops")
                return
            except (NetworkError, TelegramError) as exc:
                log.warning("telegram: getUpdates failed (%s), retrying in %.0f s",
                            redact(str(exc), self._token), delay)  # fmt: skip
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            if updates:
                self._in_batch = True
                try:
                    await self.process_batch(updates)
                finally:
                    self._in_batch = False
                self._offset = updates[-1].update_id + 1

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
        await self.application.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )

    def webhook_handler(self, secret: str) -> Any:
        """The aiohttp handler for Telegram's POSTs; mount it anywhere (same PORT as Slack)."""

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(status=403)
            try:
                data = await request.json()
                update = Update.de_json(data, self.application.bot)
            except (ValueError, json.JSONDecodeError, TypeError, KeyError):
                return web.Response(status=400)
            if update is None:
                return web.Response(status=400)
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

    async def main() -> None:
        runtime = TelegramRuntime(core)
        core.senders.add(runtime.sender)  # the scheduler's posts go through the same client
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await runtime.start(webhook=webhook)
            await stop.wait()
        finally:
            await runtime.stop()

    try:
        asyncio.run(main())
    except TelegramSetupError as exc:
        raise SystemExit(f"kambot telegram: {exc}") from None
    return 0
