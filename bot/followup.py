"""Slow replies after the ack: run the work in a thread pool, post its Reply in the thread.

The `ask` handler answers at once ("looking into it") and hands the model call to
:class:`ThreadFollowUp` (services["followup"], commands.ask.port.FollowUp). The work needs
no database (its context was read inside the command's unit of work), so a worker thread
only calls the model and posts the result, as a reply to the question's thread when the
platform gave one, through the platform's Sender.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from bot.messages import Incoming, Outgoing, Reply
from bot.outbox import SendError, Senders

log = logging.getLogger(__name__)


class ThreadFollowUp:
    def __init__(self, senders: Senders, *, workers: int = 4) -> None:
        self.senders = senders
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kambot-followup")

    def later(self, incoming: Incoming, work: Callable[[], Reply | None]) -> Future[None]:
        return self._pool.submit(self._run, incoming, work)

    def _run(self, incoming: Incoming, work: Callable[[], Reply | None]) -> None:
        try:
            reply = work()
        except Exception:  # the work has its own fallback; this is the last guard
            log.exception("follow-up work failed")
            return
        if reply is None:  # nothing worth a message (the model found nothing more)
            return
        sender = self.senders.get(incoming.platform)
        if sender is None:
            log.warning("no sender for %s; follow-up answer dropped", incoming.platform)
            return
        out = Outgoing(platform=incoming.platform, workspace=incoming.workspace,
                       channel=incoming.channel, reply=reply, thread=incoming.thread)
        try:
            sender.send(out)
        except SendError as exc:
            log.warning("follow-up answer not posted: %s", exc)

    def close(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
