"""The work after an ack: a few threads and a bounded number of requests waiting.

The dispatcher is synchronous and mostly CPU in Python, so more threads than cores buy no
throughput; they only take the interpreter from the event loop that writes the acks.
:class:`WorkPool` runs at most ``workers`` requests at once and holds at most ``capacity``
(running and waiting); a request beyond that is refused at once (``try_submit`` returns
None) so the caller tells the person it is busy, rather than answering them many seconds
late.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class WorkPool:
    def __init__(self, *, workers: int, capacity: int, name: str = "kambot-work") -> None:
        self.workers = max(1, workers)
        self.capacity = max(self.workers, capacity)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._held = 0
        self.refused = 0

    @property
    def held(self) -> int:
        """Requests running or waiting now."""
        return self._held

    def try_submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any] | None:
        """Run ``fn(*args)`` on the pool, or None when ``capacity`` requests are held."""
        with self._lock:
            if self._held >= self.capacity:
                self.refused += 1
                return None
            self._held += 1
        try:
            future = self._pool.submit(fn, *args)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return future

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
