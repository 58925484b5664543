"""`kambot run`: every configured platform and one scheduler, in one process.

Slack and Telegram share one event loop. When both want the HTTP listener (Slack HTTP mode
and a Telegram webhook), they share one aiohttp application on PORT: Slack at
/slack/events, Telegram at its webhook path, the customer page at /c/. Slack HTTP mode
alone serves the page on its listener; with no listener at all (Socket Mode, Telegram
polling) the page gets its own on PORT when KAMBOT_PUBLIC_URL is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.app import Core

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]


class NothingConfigured(SystemExit):
    pass


def configured(core: Core) -> tuple[bool, bool]:
    """(Slack, Telegram): which platforms have a token; refuses clearly when neither has."""
    settings = core.settings
    slack_on = settings.SLACK_BOT_TOKEN is not None
    telegram_on = settings.TELEGRAM_BOT_TOKEN is not None
    if not (slack_on or telegram_on):
        raise NothingConfigured(
            "kambot run: no platform is configured. Set SLACK_BOT_TOKEN (with "
            "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) and/or TELEGRAM_BOT_TOKEN; "
            "or try `kambot demo`."
        )
    return slack_on, telegram_on


async def start_all(core: Core, *, host: str | None = None, port: int | None = None,
                    failed: asyncio.Event | None = None) -> list[Stop]:
    """Start every configured platform inside the running loop; returns their stoppers.

    An HTTP listener binds ``host:port`` (KAMBOT_HTTP_HOST and PORT by default).
    ``failed`` is set when a platform cannot go on (Telegram polling gave up)."""
    from bot.adapters.listener import listening
    from bot.adapters.slack import build_app, mount, resolve_mode, slack_sender, start_slack
    from bot.adapters.telegram import TelegramRuntime
    from bot.page.app import mount_page, serve_page

    host = core.settings.KAMBOT_HTTP_HOST if host is None else host

    slack_on, telegram_on = configured(core)
    stops: list[Stop] = []
    slack_http = slack_on and resolve_mode(core, None) == "http"
    telegram_webhook = telegram_on and bool(core.settings.TELEGRAM_WEBHOOK_URL)
    shared = slack_http and telegram_webhook
    web_app = web.Application() if shared else None
    try:
        if slack_on:
            if shared:
                assert web_app is not None
                poster = slack_sender(core)
                core.senders.add(poster)
                secret = core.settings.SLACK_SIGNING_SECRET
                mount(web_app, build_app(core, socket_mode=False, poster=poster),
                      signing_secret=secret.get_secret_value() if secret else None)
            else:
                stops.append(await start_slack(core, host=host, port=port))
        if telegram_on:
            runtime = TelegramRuntime(core)
            if failed is not None:
                runtime.fatal = failed
            core.senders.add(runtime.sender)
            if shared:
                assert web_app is not None
                web_app.add_routes(runtime.webhook_routes())
            await runtime.start(webhook=telegram_webhook, listen=host, serve=not shared)
            stops.append(runtime.stop)
        if web_app is not None:
            mount_page(web_app, core)
            runner = web.AppRunner(web_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, host, core.settings.PORT if port is None else port).start()
            stops.append(runner.cleanup)
            log.info("kambot run: Slack and the Telegram webhook share %s", listening(runner))
        elif not slack_http and not telegram_webhook and core.settings.KAMBOT_PUBLIC_URL:
            # No listener of a platform to share: the customer page gets its own on PORT.
            stops.append(await serve_page(core, host=host,
                                          port=core.settings.PORT if port is None else port))
    except BaseException:
        await stop_all(stops)
        raise
    return stops


async def stop_all(stops: list[Stop]) -> None:
    for stop in reversed(stops):
        try:
            await stop()
        except Exception:
            log.exception("error while stopping")


def run_all(core: Core) -> int:
    """Run until Ctrl-C / SIGTERM with the scheduler leading (or waiting to lead), started
    once the platforms serve."""
    from bot.adapters.telegram import first_of
    from bot.adapters.work_pool import favour_event_loop
    from bot.scheduler import scheduling

    favour_event_loop()

    async def main() -> int:
        failed = asyncio.Event()
        stops = await start_all(core, failed=failed)
        with contextlib.ExitStack() as running:
            try:
                # The scheduler starts once the platforms serve, on a thread: its start
                # and the catch-up it begins never delay the first answers.
                await asyncio.to_thread(lambda: running.enter_context(scheduling(core)))
                done = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with contextlib.suppress(NotImplementedError):
                        loop.add_signal_handler(sig, done.set)
                await first_of(done, failed)
            finally:
                await stop_all(stops)
        return 1 if failed.is_set() else 0

    configured(core)  # refuse before anything starts
    code = asyncio.run(main())
    if code:
        log.critical("kambot run: a platform could not recover; exiting with status %d", code)
    return code
