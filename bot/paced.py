"""Many channels posted to at once, each at its own pace: a channel's next post is taken up
when that channel is free (the Poster's next-free time), never when some other is.

The monthly reports post three messages in each of a thousand channels, one a second per
channel at most. Posting them phase by phase (every parent, then every thread reply) makes
each phase wait for the slowest channel; here each channel's posts form a :class:`Chain`,
and a few threads take whichever chain's channel is free next, so different channels post
concurrently and one channel never faster than its pace (the Poster enforces it besides:
two chains of one channel only wait for each other there).
"""

from __future__ import annotations

import contextvars
import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Protocol

from bot.posting import Poster

log = logging.getLogger(__name__)


class Chain(Protocol):
    """Posts to one channel that must go out in order."""

    platform: str
    channel: str

    def step(self) -> bool:
        """Make the next post; True while there are more to make."""
        ...

    def done(self) -> None:
        """Called once when the chain has nothing more to post (or failed)."""
        ...


class PacedRunner:
    """Runs chains on ``workers`` threads, each step when its channel is next free.

    ``add`` chains while it runs, then ``close()`` waits for all of them. ``monotonic`` and
    ``idle`` (how a worker waits, holding the condition, for the next chain to be due) are
    injectable, so tests run on a fake clock.
    """

    def __init__(self, poster: Poster, *, workers: int = 8,
                 monotonic: Callable[[], float] | None = None,
                 idle: Callable[[threading.Condition, float], None] | None = None,
                 name: str = "kambot-post") -> None:
        self.poster = poster
        self.monotonic = monotonic or poster.monotonic
        self._idle = idle or (lambda cond, seconds: cond.wait(seconds))
        self._cond = threading.Condition()
        # Each chain runs in the context it was added from (a claimant set by claiming()).
        self._heap: list[tuple[float, int, Chain, contextvars.Context]] = []
        self._seq = itertools.count()
        self._active = 0
        self._closed = False
        # workers=0: no threads; close() runs every chain in the caller's thread.
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
                         for i in range(max(0, workers))]
        for thread in self._threads:
            thread.start()

    def add(self, chain: Chain) -> None:
        """Queue ``chain``: its first step when its channel is free."""
        self._push(chain, contextvars.copy_context())

    def _push(self, chain: Chain, context: contextvars.Context) -> None:
        ready = self.poster.next_free(chain.platform, chain.channel)
        with self._cond:
            heapq.heappush(self._heap, (ready, next(self._seq), chain, context))
            self._cond.notify()

    def close(self) -> None:
        """No more chains will be added: wait until every chain is done."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if not self._threads:
            self._work()
        for thread in self._threads:
            thread.join()

    def _take(self) -> tuple[Chain, contextvars.Context] | None:
        with self._cond:
            while True:
                if self._heap:
                    wait = self._heap[0][0] - self.monotonic()
                    if wait <= 0:
                        self._active += 1
                        _ready, _seq, chain, context = heapq.heappop(self._heap)
                        return chain, context
                    self._idle(self._cond, wait)
                elif self._closed and not self._active:
                    self._cond.notify_all()
                    return None
                else:
                    self._cond.wait()

    def _work(self) -> None:
        while (taken := self._take()) is not None:
            chain, context = taken
            try:
                more = context.run(chain.step)
            except Exception:  # a chain's own errors are its to report; never stop the rest
                log.exception("posting to %s:%s failed", chain.platform, chain.channel)
                more = False
            if more:
                self._push(chain, context)
            else:
                try:
                    context.run(chain.done)
                except Exception:
                    log.exception("finishing the posts to %s:%s failed", chain.platform,
                                  chain.channel)
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

