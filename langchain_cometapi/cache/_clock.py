"""The planner's clock: local time re-anchored on the API's ``Date`` header.

Cache TTLs run on the server's clock, so reuse gaps are best measured there. Locally the two
clocks tick alike and this changes nothing (Date has one-second resolution); it matters when the
server's time jumps, as an emulator's injectable clock does in tests and benchmarks. The clock
only ever moves forward, so a stale or lagging Date (a proxy's cache, truncation to the second)
is ignored rather than rewinding what the planner has recorded.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable

__all__ = ["ServerClock"]


class ServerClock:
    """``clock()`` in epoch seconds; ``sync(date_header)`` after each response."""

    def __init__(self, local: Callable[[], float] = time.monotonic) -> None:
        self._local = local
        self._offset = time.time() - local()
        self._last = float("-inf")
        self._seen: str | None = None
        self._lock = threading.Lock()

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
            if offset > self._offset:
                self._offset = offset
