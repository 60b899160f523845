"""The planner's clock: local time re-anchored on the API's ``Date`` header.

Cache TTLs run on the server's clock, so reuse gaps are best measured there. Locally the two
clocks tick alike and this changes nothing (Date has one-second resolution); it matters when the
server's time jumps, as an emulator's injectable clock does in tests and benchmarks. The clock
only ever moves forward, so a stale or lagging Date (a proxy's cache, truncation to the second)
is ignored rather than rewinding what the planner has recorded. A jump of more than an hour is
taken only once a second response confirms it: one far-future ``Date`` (a broken proxy) must not
move the clock for good.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
import weakref
from collections.abc import Callable

__all__ = ["ServerClock"]

_UNCONFIRMED_JUMP = 3600.0  # seconds ahead that one Date alone may not move the clock
_CONFIRM_WITHIN = 120.0
_LIVE: weakref.WeakSet[ServerClock] = weakref.WeakSet()


def _fresh_locks_in_child() -> None:
    for clock in list(_LIVE):
        clock._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks_in_child)


class ServerClock:
    """``clock()`` in epoch seconds; ``sync(date_header)`` after each response."""

    def __init__(self, local: Callable[[], float] = time.monotonic) -> None:
        self._local = local
        self._offset = time.time() - local()
        self._last = float("-inf")
        self._seen: str | None = None
        self._pending: float | None = None  # a large jump waiting for confirmation
        self._lock = threading.Lock()
        _LIVE.add(self)

    def __call__(self) -> float:
        with self._lock:
            now = self._local() + self._offset
            if now < self._last:
                now = self._last
            self._last = now
            return now

    def sync(self, date_header: str | None) -> None:
        if not date_header or date_header == self._seen:
            return  # one parse per distinct header: a busy client sees the same second often
        self._seen = date_header
        try:
            server = email.utils.parsedate_to_datetime(date_header).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        with self._lock:
            offset = server - self._local()
            if offset - self._offset > _UNCONFIRMED_JUMP:
                pending, self._pending = self._pending, offset
                if pending is None or abs(offset - pending) > _CONFIRM_WITHIN:
                    return
            self._pending = None
            if offset > self._offset:
                self._offset = offset
