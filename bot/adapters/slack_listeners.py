"""The bolt listeners: ack at once, and hand the work over only once the ack is out.

Bolt runs each listener to its end before it answers (``process_before_response``), so a
listener does nothing but choose its ack: it takes a slot in the bounded work pool
(bot/adapters/work_pool.py) and says what to do after the ack with :func:`after_ack`. The
HTTP route (and the Socket Mode handler) writes the ack first and then calls
:func:`start_after_ack`, so no work competes for the interpreter before the response is
written, and no lazy-listener copy of the request is made.

When the pool is full, a slash command is still taken if one of the pool's ``later``
slots is free: its ack says "working on it" and the answer comes through its
response_url when done. Beyond that the ack itself says "busy, nothing was done"; a form
stays open with that error; a button or an event, which has no ack text, is told through
the response_url or ephemerally.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Callable, MutableMapping
from concurrent.futures import Future
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_incoming as inc
from bot.adapters import slack_views as views
from bot.adapters.slack_handlers import SlackHandlers, modal_command, slack_error, view_command
from bot.adapters.work_pool import Slot, WorkPool
from bot.messages import bounded
from bot.render.slack import ACTION_PREFIX, action_command

log = logging.getLogger(__name__)

# Threads for the work after the ack (the dispatcher is synchronous and mostly CPU), how
# many requests may be held (running and waiting) before a new one is told to wait or is
# answered "busy", and how many slash commands more may wait to be answered later.
WORKERS = 2
CAPACITY = 64
LATER = 256
COMMAND = "/kam"
#: The request context's list of what to start once the ack is written.
AFTER_ACK = "kambot_after_ack"

_running: set[asyncio.Future[Any]] = set()


def after_ack(context: MutableMapping[str, Any], job: Callable[[], object]) -> None:
    """Do ``job()`` on the event loop once the ack is written (a coroutine it returns runs
    as a task)."""
    context.setdefault(AFTER_ACK, []).append(job)


def start_after_ack(context: MutableMapping[str, Any]) -> None:
    """Start what the listeners left for after the ack (the ack is out)."""
    for job in context.pop(AFTER_ACK, None) or []:
        try:
            result = job()
        except Exception:
            log.exception("slack: the work after an ack failed to start")
            continue
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            _running.add(task)
            task.add_done_callback(_finished)


def _finished(task: asyncio.Future[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("slack: the work after an ack failed", exc_info=task.exception())


def register(app: AsyncApp, work: SlackHandlers, *, workers: int = WORKERS,
             capacity: int = CAPACITY, later: int = LATER) -> WorkPool:
    """Attach the listeners: ack fast, then do the work in the pool.

    The work has its own bounded pool, so slow commands (an LLM answer, a chart) queue
    behind each other and never behind the short reads a few acks make in the default
    pool; a few threads leave the event loop the interpreter to write acks.
    """
    pool = WorkPool(workers=workers, capacity=capacity, later=later, name="kambot-slack")

    def hand(context: MutableMapping[str, Any], slot: Slot, fn: Callable[..., None],
             *args: Any) -> None:
        def start() -> None:
            pool.run(slot, fn, *args).add_done_callback(_logged(fn.__name__))

        after_ack(context, start)

    def handed(fn: Callable[..., None], *, bot_user: bool = False) -> Callable[..., Any]:
        """An ack that hands ``fn(body)`` (or ``fn(body, bot user)``) to the pool, or tells
        the sender it is busy."""
        async def ack_and_hand(ack: Any, body: dict[str, Any], context: Any) -> None:
            await ack()
            slot = pool.reserve()
            if slot is None:
                log.warning("slack work queue full (%d held); told the sender it is busy",
                            pool.held)
                after_ack(context, lambda: asyncio.to_thread(work.busy, body))
                return
            args = (body, context.bot_user_id or "") if bot_user else (body,)
            hand(context, slot, fn, *args)

        ack_and_hand.__name__ = f"ack_{fn.__name__}"
        return ack_and_hand

    async def open_modal(client: AsyncWebClient, trigger_id: str, view: dict[str, Any],
                         body: dict[str, Any] | None = None) -> None:
        try:
            await client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("views.open failed: %s", slack_error(exc))
            if body is not None:  # the form did not open: say so, and how else to do it
                await asyncio.to_thread(work.modal_failed, body, slack_error(exc))

    async def command_modal(body: dict[str, Any], client: AsyncWebClient, text: str) -> None:
        view = await asyncio.to_thread(
            work.modal_for, text, team=inc.installation(body),
            channel=str(body.get("channel_id", "")), user=str(body.get("user_id", "")),
            thread=None)
        if view is not None:
            await open_modal(client, str(body.get("trigger_id", "")), view, body)

    async def ack_command(ack: Any, body: dict[str, Any], client: AsyncWebClient,
                          context: Any) -> None:
        text = str(body.get("text", "")).strip()
        wanted = modal_command(text)
        if wanted is not None:
            after_ack(context, lambda: command_modal(body, client, text))
            if wanted[0] != "edit":  # the form does the work; nothing to run now
                await ack()
                return
        slot = pool.reserve(can_wait=bool(body.get("response_url")))
        if slot is None or slot.later:
            t = work.known_translator(inc.installation(body), str(body.get("channel_id", "")))
            if slot is None:
                log.warning("slack work queue full (%d held); told the sender it is busy",
                            pool.held)
                await ack(text=f"{t('work_busy.title')} {t('work_busy.how')}")
                return
            await ack(text=t("work_later.title"))
        else:
            await ack()
        hand(context, slot, work.command, body, slot.later)

    async def action_modal(body: dict[str, Any], client: AsyncWebClient) -> None:
        channel = str((body.get("channel") or {}).get("id", ""))
        for action in body.get("actions") or []:
            if not str(action.get("action_id", "")).startswith(ACTION_PREFIX):
                continue
            # Only a button kambot sealed opens a modal, for the account it was made for.
            opened = await asyncio.to_thread(work.open_button, action_command(action)[0], channel)
            if opened is not None and modal_command(opened.command):
                view = await asyncio.to_thread(
                    work.modal_for, opened.command, team=inc.installation(body),
                    channel=channel, user=str((body.get("user") or {}).get("id", "")),
                    thread=(body.get("message") or {}).get("thread_ts"),
                    account=(opened.account_id, opened.generation))
                if view is not None:
                    await open_modal(client, str(body.get("trigger_id", "")), view, body)

    hand_action = handed(work.action)

    async def ack_action(ack: Any, body: dict[str, Any], client: AsyncWebClient,
                         context: Any) -> None:
        after_ack(context, lambda: action_modal(body, client))
        await hand_action(ack, body, context)

    hand_view = handed(work.view)

    async def ack_view(ack: Any, body: dict[str, Any], context: Any) -> None:
        view = body.get("view") or {}
        if view.get("callback_id") == views.REASSIGN_VIEW and view_command(view) is None:
            t = await asyncio.to_thread(work.user_translator,
                                        str((body.get("user") or {}).get("id", "")))
            await ack(response_action="errors", errors={"role": t("slack.reassign_modal.missing")})
            return
        field = _first_input(view)
        if field is not None and pool.held >= pool.capacity:
            # A form has no response_url to answer later: it stays open, saying so, and the
            # person submits it again.
            log.warning("slack work queue full (%d held); a form was kept open", pool.held)
            t = work.known_translator("", "")
            await ack(response_action="errors",
                      errors={field: f"{t('work_busy.title')} {t('work_busy.how')}"})
            return
        await hand_view(ack, body, context)

    async def shortcut_modal(body: dict[str, Any], client: AsyncWebClient) -> None:
        message = body.get("message") or {}
        view = await asyncio.to_thread(
            work.modal_for, "note", team=inc.installation(body),
            channel=str((body.get("channel") or {}).get("id", "")),
            user=str((body.get("user") or {}).get("id", "")),
            thread=message.get("thread_ts") or message.get("ts"),
            initial=inc.unescape(bounded(str(message.get("text", "")))))
        assert view is not None
        await open_modal(client, str(body.get("trigger_id", "")), view, body)

    async def ack_shortcut(ack: Any, body: dict[str, Any], client: AsyncWebClient,
                           context: Any) -> None:
        after_ack(context, lambda: shortcut_modal(body, client))
        await ack()

    async def ack_only(ack: Any) -> None:
        await ack()

    async def ack_no_options(ack: Any) -> None:
        await ack(options=[])

    app.command(COMMAND)(ack_command)
    app.action({"action_id": _prefix_re(ACTION_PREFIX)})(ack_action)
    app.action({"action_id": _prefix_re(views.HOME_ACTION)})(hand_action)
    for callback in (views.TASK_VIEW, views.NOTE_VIEW, views.REASSIGN_VIEW, views.EDIT_VIEW):
        app.view(callback)(ack_view)
    app.shortcut(views.NOTE_SHORTCUT)(ack_shortcut)
    hand_event = handed(work.event, bot_user=True)
    for event in ("app_mention", "message", "member_joined_channel", "member_left_channel",
                  "file_shared", "channel_rename",
                  "group_rename", "channel_archive", "group_archive", "channel_unarchive",
                  "group_unarchive", "channel_deleted", "group_deleted", "channel_id_changed",
                  "app_home_opened"):
        app.event(event)(hand_event)
    # Whatever else Slack sends (other event kinds, other apps' actions, closed modals,
    # menus) is acknowledged and ignored, so Slack neither retries it nor shows an error.
    anything = re.compile(".*")
    app.event(anything)(ack_only)
    app.action(anything)(ack_only)
    app.view(anything)(ack_only)
    app.view({"type": "view_closed", "callback_id": anything})(ack_only)
    app.shortcut(anything)(ack_only)
    app.command(anything)(ack_only)
    app.options(anything)(ack_no_options)
    return pool


def _first_input(view: dict[str, Any]) -> str | None:
    """The block_id of a form's first input, where Slack can show an error."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _logged(name: str) -> Callable[[Future[Any]], None]:
    def done(future: Future[Any]) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.error("slack %s failed", name, exc_info=future.exception())

    return done


def _prefix_re(prefix: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(prefix))
