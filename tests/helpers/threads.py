"""Run one function on several threads at once and collect what they raised: an assert inside a
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
