"""The work after an ack: a few threads and a bounded number of requests waiting.

The dispatcher is synchronous and mostly CPU in Python, so more threads than cores buy no
throughput; they only take the interpreter from the event loop that writes the acks.
:class:`WorkPool` runs at most ``workers`` requests at once and holds at most ``capacity``
(running and waiting) to answer in the ordinary way. Beyond that, up to ``later`` more
may be held when the caller can answer them later through another channel (a slash
command's response_url: the ack says "working on it"); a request beyond both is refused
at once so the caller tells the person it is busy, rather than answering them many
seconds late in silence.

A slot is taken with :meth:`WorkPool.reserve` while the ack is being written (so the ack
can say which of the three it is) and used with :meth:`WorkPool.run` once the ack is out.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass
class Slot:
    """A held place in the pool; ``later``: answered later, the ack said so."""

    later: bool = False
    used: bool = False


class WorkPool:
    def __init__(self, *, workers: int, capacity: int, later: int = 0,
                 name: str = "kambot-work") -> None:
        self.workers = max(1, workers)
        self.capacity = max(self.workers, capacity)
        self.later = max(0, later)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._held = 0
        self.refused = 0
        self.deferred = 0

    @property
    def held(self) -> int:
        """Requests running or waiting now (slots reserved included)."""
        return self._held

    def reserve(self, *, can_wait: bool = False) -> Slot | None:
        """A slot for one request, or None when the pool is full. ``can_wait``: the request
        may take one of the ``later`` slots beyond ``capacity``."""
        with self._lock:
            if self._held < self.capacity:
                self._held += 1
                return Slot()
            if can_wait and self._held < self.capacity + self.later:
                self._held += 1
                self.deferred += 1
                return Slot(later=True)
            self.refused += 1
            return None

    def run(self, slot: Slot, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """Run ``fn(*args)`` in ``slot`` (once); the slot is freed when it ends."""
        if slot.used:
            raise RuntimeError("a work slot is used once")
        slot.used = True
        try:
            future = self._pool.submit(fn, *args)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return future

    def cancel(self, slot: Slot) -> None:
        """Give back a slot that will not be used."""
        if not slot.used:
            slot.used = True
            self._release(None)

    def try_submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any] | None:
        """Run ``fn(*args)`` on the pool, or None when ``capacity`` requests are held."""
        slot = self.reserve()
        return None if slot is None else self.run(slot, fn, *args)

    def _release(self, _future: Future[Any] | None) -> None:
        with self._lock:
            self._held -= 1

    def shutdown(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


#: The interpreter's thread switch interval while serving (CPython's default is 5 ms).
SWITCH_INTERVAL = 0.0005


def favour_event_loop() -> None:
    """Let the event loop that writes acks take the interpreter back from the work threads
    within half a millisecond rather than five (process-wide; the bots call it at start)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
