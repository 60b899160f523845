"""Run a function in a forked child while another thread of the parent holds a lock: a lock held
at fork time stays held forever in the child unless the code re-creates it there."""

from __future__ import annotations

import os
import select
import signal
import threading
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any


def child_code_while_held(lock: AbstractContextManager[Any], child: Callable[[], int],
                          timeout: float = 10.0) -> int | None:
    """Fork while a thread holds ``lock``; the child runs ``child`` and reports its code (0-255).
    None when the child gave no answer within ``timeout`` (it deadlocked: then it is killed)."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait(timeout)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(timeout)
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            code = child()
        finally:
            os.write(write, bytes([code]))
            os._exit(0)
    os.close(write)
    release.set()
    holder.join()
    readable, _, _ = select.select([read], [], [], timeout)
    answer = os.read(read, 1) if readable else b""
    if not answer:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read)
    return answer[0] if answer else None
