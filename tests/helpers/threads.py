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


class Contended:
    """A (reentrant) lock that says when another thread had to wait for it. A test stops one
    thread inside the code under test, runs a second one as far as it can go (to its end, or
    until it waits for this lock, which the first holds) and then lets the first go on: the
    same interleaving every run, with no sleeps, whether the code locks or not."""

    def __init__(self, moved: threading.Event) -> None:
        self._lock = threading.RLock()
        self._moved = moved

    def __enter__(self) -> Contended:
        if not self._lock.acquire(blocking=False):
            self._moved.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def interleave(first: Callable[[], object], second: Callable[[], object],
               stopped: threading.Event, moved: threading.Event,
               within: float = 10.0) -> list[BaseException]:
    """Run ``first`` on a thread until it sets ``stopped`` (where it waits for ``moved``), then
    ``second`` on another; ``moved`` is set when ``second`` ends (or, through ``Contended``,
    waits for a lock). Returns what either raised. ``within`` only bounds a broken run."""
    errors: list[BaseException] = []

    def run(call: Callable[[], object], done: threading.Event | None) -> None:
        try:
            call()
        except BaseException as exc:  # handed back to the test
            errors.append(exc)
        finally:
            if done is not None:
                done.set()

    one = threading.Thread(target=run, args=(first, None))
    one.start()
    assert stopped.wait(within), "the first thread never reached its pause"
    two = threading.Thread(target=run, args=(second, moved))
    two.start()
    for thread in (one, two):
        thread.join(within)
        assert not thread.is_alive(), "a thread was still running"
    return errors
