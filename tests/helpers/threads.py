"""Run functions on threads and hand back what they raised: an assert inside a
thread is otherwise printed and lost, and the test would pass."""

from __future__ import annotations

import threading
from collections.abc import Callable


def errors_in_threads(worker: Callable[[int], None], count: int) -> list[BaseException]:
    """Start ``worker(0)`` .. ``worker(count - 1)`` on their own threads, wait for all, and
    return the exceptions they raised (empty when every one finished)."""
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            worker(index)
        except BaseException as exc:  # reported to the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def outcome_within(run: Callable[[], object], within: float) -> BaseException | None:
    """What ``run`` raised (None if it returned), run on a daemon thread; fails if it is still
    running after ``within`` seconds (a regression then fails instead of hanging the suite)."""
    seen: list[BaseException | None] = []

    def target() -> None:
        try:
            run()
            seen.append(None)
        except BaseException as exc:  # handed back to the test
            seen.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(within)
    assert not worker.is_alive(), f"the call was still running after {within} s"
    return seen[0]
