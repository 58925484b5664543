"""Work that follows a command but need not hold up its answer: the health re-assessment
(and the playbook triggers after it) of an account that just changed.

:class:`AccountWork` runs a function of an account id on one worker thread, after the
command committed, coalesced per account: an account already waiting is not queued twice,
so a burst of fifty commands in one channel costs one re-assessment, not fifty. A command
that arrives while its account is being assessed queues it once more (the running pass
may have read before that write). The daily check remains the backstop for anything lost
when the process stops with work still waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class AccountWork:
    def __init__(self, work: Callable[[int], None], *, name: str = "account-work") -> None:
        self._work = work
        self._name = name
        self._pending: dict[int, None] = {}  # insertion-ordered set
        self._running: int | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.submitted = 0
        self.coalesced = 0
        self.done = 0

    def submit(self, account_id: int) -> None:
        """Queue ``account_id`` unless it is already waiting. Never blocks on the work."""
        with self._cond:
            self.submitted += 1
            if account_id in self._pending:
                self.coalesced += 1
                return
            self._pending[account_id] = None
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def pending(self) -> list[int]:
        with self._cond:
            return list(self._pending)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until nothing is waiting or running; False if ``timeout`` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running is not None:
                if self._thread is None:  # stopped (or never started): nothing will run it
                    return not self._pending
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is waiting (within ``timeout``) and end the thread."""
        self.drain(timeout)
        with self._cond:
            self._stopping = True
            thread, self._thread = self._thread, None
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                account_id = next(iter(self._pending))
                del self._pending[account_id]
                self._running = account_id
            try:
                self._work(account_id)
            except Exception:
                log.exception("background work failed for account %s", account_id)
            finally:
                with self._cond:
                    self._running = None
                    self.done += 1
                    self._cond.notify_all()
