"""The default TTL choice: 1h only where reuses come after 5 minutes, never 1h after 5m."""

from __future__ import annotations

import pytest

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body, markers
from tests.helpers.cache_traffic import exchange

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _replay(gap: float, turns: int = 10, users: int = 1) -> tuple[list[set[str]], int, float]:
    """A planner with the default policy against the emulator: ttls written per request,
    refused requests, and the total input cost in base-input units."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    written: list[set[str]] = []
    refused, cost = 0, 0.0
    for turn in range(1, turns + 1):
        for user in range(users):
            body = chat_body(turn)
            body["messages"][0]["content"] += f" (user {user})"
            plan, price = exchange(planner, emulator, body)
            written.append({bp.ttl for bp in plan.breakpoints if bp.action == "write"})
            refused += price is None
            cost += price or 0.0
        clock.advance(gap)
    return written, refused, cost


def test_default_policy_is_automatic() -> None:
    assert CachePolicy().ttl == "auto"


@pytest.mark.parametrize("gap", [600.0, 1500.0, 2700.0])
def test_conversations_with_gaps_between_5_and_60_minutes_write_1h(gap: float) -> None:
    written, refused, _ = _replay(gap)
    assert refused == 0
    assert "1h" in set().union(*written[2:])


@pytest.mark.parametrize("gap", [5.0, 60.0, 200.0])
def test_conversations_within_5_minutes_never_write_1h(gap: float) -> None:
    written, refused, _ = _replay(gap, users=3)
    assert refused == 0
    assert all("1h" not in ttls for ttls in written)


def test_automatic_ttl_costs_less_than_5m_only_on_a_slow_chat() -> None:
    _, _, auto = _replay(900.0)
    clock = ManualClock()
    planner = CachePlanner(CachePolicy(ttl="5m"), clock=clock)
    emulator = MessagesEmulator(clock=clock)
    five = 0.0
    for turn in range(1, 11):
        out, plan = planner.plan(chat_body(turn))
        usage = emulator.handle("POST", "/v1/messages", HEADERS, out).json()["usage"]
        five += usage["input_tokens"] + 0.1 * usage["cache_read_input_tokens"] + 1.25 * (
            usage["cache_creation_input_tokens"])
        planner.observe(plan, usage)
        clock.advance(900.0)
    assert auto < 0.8 * five


def test_no_1h_marker_ever_follows_a_5m_one() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    for turn in range(1, 12):
        out, _ = planner.plan(chat_body(turn))
        ttls = [ttl for _, _, ttl in markers(out)]
        assert "1h" not in ttls[ttls.index("5m"):] if "5m" in ttls else True, ttls
        clock.advance(700.0 if turn % 2 else 20.0)
