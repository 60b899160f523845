"""One planner shared by threads (one ChatCometAPI serving many requests): mixed traffic planned,
previewed and observed concurrently raises nothing, sends nothing the API refuses and keeps
the planner's memory bounded."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import markers
from tests.helpers.cache_traffic import HEADERS, SYSTEM_STYLES, TrafficShape, script


@contextmanager
def _switching_often() -> Iterator[None]:
    """Threads switch every microsecond: races show up in a short test."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _worker(seed: int, planner: CachePlanner, emulator: MessagesEmulator, clock: ManualClock,
            errors: list[BaseException]) -> None:
    shape = TrafficShape(styles=SYSTEM_STYLES[seed % 4 :: 2], requests=30, users=6, apps=2)
    try:
        for i, request in enumerate(script(seed, shape)):
            if i % 3 == 0:
                planner.preview(request.body)
            out, plan = planner.plan(request.body)
            assert len(list(markers(out))) <= 4
            response = emulator.handle("POST", "/v1/messages", HEADERS, out)
            assert response.status == 200, response.body
            usage: dict[str, Any] = response.json()["usage"]
            planner.observe(plan, usage, dict(response.headers))
            clock.advance(seed % 5 * 7.0)
    except BaseException as exc:  # reported by the main thread
        errors.append(exc)


def test_threads_planning_previewing_and_observing_on_one_planner() -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(CachePolicy(history_size=32), clock=clock)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_worker, args=(seed, planner, emulator, clock, errors))
               for seed in range(6)]
    with _switching_often():
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    state = planner.state
    assert len(state.entries) <= 32 and len(state.tails) <= 32
    assert len(state._trials) <= 32 * 4
