"""The benchmark's bound is a true lower bound: no strategy, the planner included, pays less.

A "bound" the planner can beat says nothing about how far it is from the possible; the figures in
docs/caching.md compare against ``benchmarks/_bound.py``, so it must stay below every strategy's
emulated cost and be exact on the small cases a hand count settles.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCH))

from _bound import _cheapest, lower_bound_cost  # noqa: E402
from _strategies import PlannerStrategy, rolling  # noqa: E402
from _workloads import WORKLOADS  # noqa: E402

from langchain_cometapi._wire.usage import Usage  # noqa: E402
from langchain_cometapi.cache._pricing import usage_cost  # noqa: E402
from langchain_cometapi.testing import ManualClock, MessagesEmulator, min_cacheable_tokens  # noqa: E402

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ([0.0], 1.0),  # held once: plain
        ([0.0, 100.0, 200.0], 1.25 + 0.1 + 0.1),  # 5m write, two reads
        ([0.0, 1000.0], 2.0),  # one late reuse: 1h (2.1) costs more than plain twice
        ([0.0, 1000.0, 2000.0], 2.0 + 0.1 + 0.1),  # two late reuses: 1h pays
        ([0.0, 100.0, 1000.0, 1100.0], 1.25 + 0.1 + 0.1 + 0.1),  # lengthened to 1h at 100
        ([0.0, 5000.0], 2.0),  # beyond the hour: nothing to gain
        ([0.0, 100.0, 1000.0], 1.25 + 0.1 + 0.1),  # 5m write, read that lengthens it to 1h
    ],
)
def test_the_cheapest_path_of_one_prefix_is_exact(times: list[float], expected: float) -> None:
    assert _cheapest(times, ("5m", "1h")) == pytest.approx(expected)


def _replay(requests: list[tuple[float, dict[str, Any]]], make: Any) -> float:
    """Emulated cost of ``make(clock)``'s bodies, the strategy on the emulator's clock."""
    clock = ManualClock(0.0)
    emulator = MessagesEmulator(clock=clock)
    strategy = make(clock)
    cost = 0.0
    for t, body in requests:
        clock.set(t)
        response = emulator.handle("POST", "/v1/messages", HEADERS, strategy(t, body))
        assert response.status == 200
        usage = response.json()["usage"]
        cost += usage_cost(Usage.parse(usage))
        if hasattr(strategy, "observe"):
            strategy.observe(usage, dict(response.headers))
    return cost


@pytest.mark.parametrize("name", ["slow chat", "batch extraction", "staggered chats 7m"])
def test_no_strategy_pays_less_than_the_bound(name: str) -> None:
    requests = WORKLOADS[name]()
    floor = min_cacheable_tokens(str(requests[0][1]["model"]))
    bound = lower_bound_cost(requests, ("5m", "1h"), floor)
    plain = _replay(requests, lambda _clock: lambda _t, body: body)
    assert 0.0 < bound < plain
    for make in (lambda _clock: rolling, PlannerStrategy):
        assert bound <= _replay(requests, make) + 1e-6


def _upgrading(_clock: Any) -> Any:
    """Marks the system prompt 5m on the first request, 1h on the next ones: the emulator
    lengthens a live entry read under a longer marker at no write cost."""
    seen: list[float] = []

    def mark(t: float, body: dict[str, Any]) -> dict[str, Any]:
        ttl = {"ttl": "1h"} if seen else {}
        seen.append(t)
        marker = {"type": "ephemeral", **ttl}
        block = {"type": "text", "text": body["system"], "cache_control": marker}
        return {**body, "system": [block]}

    return mark


def test_the_bound_allows_for_a_read_that_lengthens_an_entry() -> None:
    body = WORKLOADS["slow chat"]()[0][1]
    requests = [(0.0, body), (100.0, body), (1000.0, body)]
    floor = min_cacheable_tokens(str(body["model"]))
    assert lower_bound_cost(requests, ("5m", "1h"), floor) <= _replay(requests, _upgrading) + 1e-6


def test_without_free_lengthening_a_read_keeps_the_entry_s_ttl() -> None:
    # 5m write and read, then rewritten or 1h from the start: 1h and two reads is cheapest
    assert _cheapest([0.0, 100.0, 1000.0], ("5m", "1h"), False) == pytest.approx(2.0 + 0.1 + 0.1)


def _shared_system_pair(system_words: int) -> list[tuple[float, dict[str, Any]]]:
    """Two conversations 10 s apart: one system prompt, first messages of their own, each request
    over the minimum on its own."""
    system = "rules " * system_words
    return [
        (float(t), {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": system,
                    "messages": [{"role": "user", "content": f"{who} " * 1500}]})
        for t, who in ((0, "first"), (10, "second"))
    ]


def test_a_system_prompt_under_the_minimum_is_shared_by_no_entry() -> None:
    # Under the minimum the system prompt can only be cached with a first message after it,
    # which differs: the two requests have nothing to share, the bound is their sum.
    floor = min_cacheable_tokens("claude-sonnet-4-5")
    short = _shared_system_pair(200)
    alone = sum(lower_bound_cost([r], ("5m", "1h"), floor) for r in short)
    assert lower_bound_cost(short, ("5m", "1h"), floor) == pytest.approx(alone)
    assert lower_bound_cost(short, ("5m", "1h"), floor) <= _replay(short, lambda _c: rolling)
    # Over the minimum it is an entry of its own, written once and read by the second request.
    long = _shared_system_pair(1500)
    alone = sum(lower_bound_cost([r], ("5m", "1h"), floor) for r in long)
    assert lower_bound_cost(long, ("5m", "1h"), floor) < alone - 1000


def _repeated_prompt(model: str) -> list[tuple[float, dict[str, Any]]]:
    """The same ~2,500-token request three times a minute apart: over Sonnet's minimum (1,024
    tokens), under Haiku 4.5's (4,096)."""
    body = {"model": model, "max_tokens": 64, "system": "word " * 2500,
            "messages": [{"role": "user", "content": "Summarise."}]}
    return [(t, body) for t in (0.0, 60.0, 120.0)]


def test_a_workload_s_bound_uses_its_own_model_s_minimum() -> None:
    # The random workloads draw their model; a bound taken at the default model's minimum
    # would promise Haiku a saving its minimum forbids (and count the planner as far off).
    from cache_workloads import run_workload

    sonnet = run_workload(_repeated_prompt("claude-sonnet-4-5"), "claude-sonnet-4-5")
    haiku = run_workload(_repeated_prompt("claude-haiku-4-5"), "claude-haiku-4-5")
    assert sonnet["bound"] < 0.6
    assert haiku["bound"] == pytest.approx(1.0)
    assert haiku["planner"] == pytest.approx(1.0)
