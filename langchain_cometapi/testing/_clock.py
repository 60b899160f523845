"""A hand-driven clock so cache-TTL tests never sleep."""

from __future__ import annotations

import threading

__all__ = ["ManualClock"]


class ManualClock:
    """Callable clock (``clock() -> seconds``) that only moves when told to.

    Pass it as ``MessagesEmulator(clock=ManualClock())`` and call :meth:`advance` to expire
    prompt-cache entries deterministically.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward and return the new time."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        """Jump to an absolute time (must not go backwards)."""
        with self._lock:
            if now < self._now:
                raise ValueError("a clock cannot go backwards")
            self._now = float(now)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"
