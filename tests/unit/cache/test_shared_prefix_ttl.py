"""The TTL of a prefix many conversations share (the system prompt) follows how often it is
*needed*: the API refreshes only the entry a request reads (its longest cached prefix), so while
conversations read their own longer entries the shared one ages from its last write or read.
Conversations of a few minutes each, starting every seven, contain the system prompt every
minute and still find it expired at every start: the planner must see those starts."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body
from tests.helpers.cache_traffic import usage_price

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _staggered(start_every: float, policy: CachePolicy | None = None) -> tuple[float, list[str]]:
    """Sixteen conversations of five turns 60 s apart, one starting every ``start_every`` seconds
    (so they overlap when that is under five minutes). Returns the emulator's total input cost
    and the TTL each conversation's first request wrote the system prompt with."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(policy, clock=clock)
    events: list[tuple[float, int, int]] = sorted(
        (c * start_every + 60.0 * turn, c, turn) for c in range(16) for turn in range(1, 6)
    )
    cost, system_ttls, origin = 0.0, [], clock()
    for t, conversation, turn in events:
        clock.set(origin + t)
        body = chat_body(turn)
        body["messages"][0]["content"] += f" (conversation {conversation})"
        out, plan = planner.plan(body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200
        usage: dict[str, Any] = response.json()["usage"]
        cost += usage_price(usage)
        planner.observe(plan, usage, dict(response.headers))
        if turn == 1:
            system = [bp.ttl for bp in plan.breakpoints if bp.segment == "system"]
            system_ttls.append(system[0] if system else "-")
    return cost, system_ttls


def test_system_prompt_needed_every_seven_minutes_is_written_for_the_hour() -> None:
    cost, ttls = _staggered(420.0)
    assert "1h" in ttls[2:]
    five_only, _ = _staggered(420.0, CachePolicy(ttl="5m"))
    assert cost < 0.85 * five_only


@pytest.mark.parametrize("start_every", [30.0, 120.0])
def test_system_prompt_needed_within_five_minutes_stays_5m(start_every: float) -> None:
    cost, ttls = _staggered(start_every)
    assert "1h" not in ttls
    five_only, _ = _staggered(start_every, CachePolicy(ttl="5m"))
    assert cost <= five_only * 1.001
