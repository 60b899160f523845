"""The random cache workloads of ``benchmarks/_workloads_random.py`` are deterministic and valid.

The benchmark's "explore" and "sealed" seeds are only a train/test split if a seed always draws
the same traffic and the two ranges never meet; each drawn body must be one the API accepts
(else a strategy's figure would count 400s, not caching). Cheap: a few seeds, their first
requests through the emulator; the benchmark itself is ``benchmarks/random_workloads.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCH))

from _strategies import PlannerStrategy, rolling  # noqa: E402
from _workloads_random import EXPLORE, KINDS, SEALED, SEALED_5, SEALED_6, random_workload  # noqa: E402

from langchain_cometapi.testing import ManualClock, MessagesEmulator  # noqa: E402

HEADERS = {"x-api-key": "bench", "anthropic-version": "2023-06-01"}
#: Digest of what the first sealed seeds draw: a change means the sealed seeds changed.
SEALED_6_DIGEST = "644f962c1a69f3f9625b126e6f188ea108e9d4d10001bd5734da3a723508b367"
SEALED_5_DIGEST = "2f9b60730796abfd36e87ffa492d5721ff21d9d346c2dc95cb78fedd53ac6c65"
SEALED_DIGEST = "4ea982ebd01d75c500cad4e18f2c26bcc925149c1d3cd07f9461b66a2f76761e"


def _digest(seeds: range) -> str:
    drawn = [[w.name, w.model, w.requests] for w in map(random_workload, seeds)]
    return hashlib.sha256(json.dumps(drawn, sort_keys=True).encode()).hexdigest()


def test_seed_ranges_do_not_meet() -> None:
    ranges = (set(EXPLORE), set(SEALED), set(SEALED_5), set(SEALED_6))
    assert all(not a & b for i, a in enumerate(ranges) for b in ranges[i + 1:])


def test_a_seed_draws_the_same_workload_every_time() -> None:
    assert _digest(range(0, 6)) == _digest(range(0, 6))
    assert _digest(range(0, 3)) != _digest(range(3, 6))


def test_sealed_seeds_are_unchanged() -> None:
    assert _digest(range(SEALED.start, SEALED.start + 10)) == SEALED_DIGEST
    assert _digest(range(SEALED_5.start, SEALED_5.start + 10)) == SEALED_5_DIGEST
    assert _digest(range(SEALED_6.start, SEALED_6.start + 10)) == SEALED_6_DIGEST


def test_every_kind_is_drawn_and_requests_are_in_time_order() -> None:
    drawn: set[str] = set()
    for seed in range(40):
        workload = random_workload(seed)
        drawn.update(workload.apps)
        times = [t for t, _ in workload.requests]
        assert times == sorted(times) and workload.requests
    assert drawn == set(KINDS)


@pytest.mark.parametrize("seed", range(12))
def test_drawn_bodies_are_accepted_as_sent_by_the_planner_and_a_peer(seed: int) -> None:
    workload = random_workload(seed)
    for make in (lambda c: PlannerStrategy(c), lambda _c: rolling):
        clock = ManualClock(0.0)
        emulator, strategy = MessagesEmulator(clock=clock), make(clock)
        for t, body in workload.requests[:15]:
            clock.advance(max(0.0, t - workload.requests[0][0] - clock()))
            response = emulator.handle("POST", "/v1/messages", HEADERS, strategy(t, body))
            assert response.status == 200, response.json()
