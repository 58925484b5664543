"""A customer page served for real on 127.0.0.1 (its own thread and event loop), over a
seeded two-account world, for the HTTP and the browser tests."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.app import Core
from bot.outbox import RecordingSender
from bot.page.app import mount_page
from tests.support import Conversation

CANARY = "PAGECANARY"
B_CANARY = "UMBRAPAGE"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(core: Core) -> Iterator[str]:
    """The page on a free loopback port; yields its base URL."""
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner: list[web.AppRunner] = []

    async def start() -> None:
        app = web.Application()
        mount_page(app, core)
        r = web.AppRunner(app, access_log=None)
        await r.setup()
        await web.TCPSite(r, "127.0.0.1", port).start()
        runner.append(r)
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()),
                                              loop.run_forever()), daemon=True)
    thread.start()
    assert ready.wait(10), "the page server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner[0].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@dataclass
class World:
    chat: Conversation
    sent: RecordingSender
    base: str

    def link(self, channel: str = "acme-team", days: str = "7", lang: str = "") -> str:
        reply = self.chat.say(f"share link {days}", channel=channel)
        assert not reply.is_error, reply.plain_text()
        found = re.search(r"http://\S+/c/\S+", reply.plain_text())
        assert found, reply.plain_text()
        return found.group(0)

    def told(self, channel: str, words: str) -> int:
        return sum(1 for out in self.sent.sent
                   if out.channel == channel and words in out.reply.plain_text())


def seed(chat: Conversation) -> None:
    for line in ('account new "Acme Corp" tier=core',
                 "triangle AR=@alice SR=@bob FR=@carol",
                 'stakeholder add "Li Wei" title=CIO',
                 'task "Send the org chart" owner="Li Wei" due=2026-12-04',
                 'task "Install the pilot" owner=FR shared due=2026-12-10',
                 f'task "{CANARY} pricing floor" owner=SR',
                 f"note {CANARY} internal remark",
                 f"plan goals {CANARY} goal"):
        assert not chat.say(line).is_error, line
    for line in ('account new "Umbra Foods"', "triangle AR=@zoe",
                 f'task "{B_CANARY} tasting" owner=customer shared'):
        assert not chat.say(line, channel="umbra-team", user="zoe").is_error, line
