"""The redactor under threads: concurrent calls of one model (a thread pool, a web server's
workers) remember their per-call credentials at the same time, and every model built registers
its redactor with the DEBUG-log filter while other threads log.

Each test stops one thread at the point where the interpreter may switch threads (a patched
``_forms`` or set iteration), lets the other run as far as it can (to its end, or until it waits
for the lock the first one holds), then lets the first go on: no sleeps, the same interleaving
every run.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_cometapi._http import credentials
from langchain_cometapi._http.credentials import Redactor
from tests.helpers.forking import child_code_while_held
from tests.helpers.threads import Contended, interleave

FIRST = "sk-tenant-one-0123456789"
SECOND = "sk-tenant-two-0123456789"
WAIT = 10.0  # only a bound on a broken run: each wait ends as soon as the other thread moved


def test_concurrent_calls_keep_each_others_per_call_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A call remembering its key while another does: neither key may be dropped (it would then
    be printed in clear in that call's errors and DEBUG lines) and neither call may fail."""
    redactor = Redactor("sk-model-key-0123456789")
    stopped, moved = threading.Event(), threading.Event()
    redactor._lock = Contended(moved)  # type: ignore[assignment]
    real = credentials._forms

    def forms(secret: str) -> set[str]:
        if secret == FIRST and not stopped.is_set():
            stopped.set()
            moved.wait(WAIT)
        return real(secret)

    monkeypatch.setattr(credentials, "_forms", forms)
    errors = interleave(lambda: redactor.remember_values([FIRST]),
                         lambda: redactor.remember_values([SECOND]), stopped, moved)
    assert errors == []
    assert redactor(f"{FIRST} and {SECOND}") == "*** and ***"


class _PausingSet(weakref.WeakSet[Any]):
    """A WeakSet whose iteration stops after its first item until told to go on: where a thread
    switch can happen in ``list(weak_set)``."""

    def __init__(self, data: Iterator[Any], stopped: threading.Event,
                 moved: threading.Event) -> None:
        super().__init__(data)
        self._stopped, self._moved = stopped, moved

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            if not self._stopped.is_set():
                self._stopped.set()
                self._moved.wait(WAIT)
            yield item


def test_a_model_built_while_a_debug_line_is_filtered_breaks_neither(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log filter reads the live redactors while another thread builds a model (one per
    request): the logging call inside httpx2 must not raise, and the line is still cleaned."""
    keep = [Redactor(FIRST), Redactor(SECOND)]
    stopped, moved = threading.Event(), threading.Event()
    monkeypatch.setattr(credentials, "_LIVE", _PausingSet(iter(keep), stopped, moved))
    monkeypatch.setattr(credentials, "_LIVE_LOCK", Contended(moved), raising=False)
    record = logging.LogRecord("httpx2", logging.DEBUG, __file__, 1, "sent %s", (FIRST,), None)
    built: list[Redactor] = []
    errors = interleave(lambda: credentials._FILTER.filter(record),
                         lambda: built.append(Redactor("sk-new-model-0123456789")),
                         stopped, moved)
    assert errors == []
    assert record.getMessage() == "sent ***"
    assert built and built[0] in credentials._LIVE


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_redactor_locks_held_at_fork_are_fresh_in_the_child() -> None:
    """A child forked while a parent thread built a model or remembered a key must not wait
    forever for that thread's lock."""
    redactor = Redactor("sk-model-key-0123456789")

    def child() -> int:
        Redactor("sk-child-model-0123456789")
        redactor.remember_values([FIRST])
        return 0 if redactor(FIRST) == "***" else 2

    assert child_code_while_held(credentials._LIVE_LOCK, child) == 0, "the child deadlocked"
    assert child_code_while_held(redactor._lock, child) == 0, "the child deadlocked"
