"""Refused requests, logged so that a flood cannot fill the disk.

A request with a bad signature, a stale timestamp, a wrong webhook secret or a body that is
not what the platform sends is refused at the HTTP edge. Each refusal is one short line
(what, how big, from where; never the body, never a header value), and at most
``per_window`` lines are written per ``window`` seconds; the rest are counted and the count
is logged once when the window closes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class RefusalLog:
    def __init__(self, *, per_window: int = 20, window: float = 60.0,
                 now: Callable[[], float] = time.monotonic,
                 logger: logging.Logger = log) -> None:
        self.per_window = per_window
        self.window = window
        self._now = now
        self._log = logger
        self._lock = threading.Lock()
        self._start = now()
        self._written = 0
        self._dropped = 0

    def refused(self, platform: str, reason: str, *, size: int, remote: str | None) -> None:
        with self._lock:
            now = self._now()
            if now - self._start >= self.window:
                if self._dropped:
                    self._log.warning("%d more refused requests were not logged in the last %.0f s",
                                      self._dropped, now - self._start)
                self._start, self._written, self._dropped = now, 0, 0
            if self._written >= self.per_window:
                self._dropped += 1
                return
            self._written += 1
        self._log.warning("%s: refused a request (%s), %d bytes, from %s", platform,
                          reason[:80], size, (remote or "?")[:64])
