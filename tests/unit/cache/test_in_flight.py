"""A request planned while another one that writes the same prefix is unanswered: the API reads
an entry only once the response writing it has begun, so the later request can neither read it
nor usefully write it again (it would pay 1.25x for what the first one is writing). It leaves
that prefix unmarked, and values its own writes only above it."""

from __future__ import annotations

import threading
from typing import Any

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import IN_FLIGHT_SECONDS, CachePlanner, plan_cache
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
SYSTEM = "You are the claims assistant of an insurer.\n" + words(2500)


def _body(i: int) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": SYSTEM,
            "messages": [{"role": "user", "content": f"claim {i}: is hail covered?"}]}


def _segments(plan: Any) -> list[str]:
    return [bp.segment for bp in plan.breakpoints]


def test_a_prefix_being_written_is_left_unmarked_until_answered() -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    first_body, first = planner.plan(_body(0))
    assert "system" in _segments(first)
    _, second = planner.plan(_body(1))  # the first is unanswered: its write is not readable
    assert _segments(second) == []
    response = emulator.handle("POST", "/v1/messages", HEADERS, first_body)
    planner.observe(first, response.json()["usage"], dict(response.headers))
    third_body, third = planner.plan(_body(2))
    assert [bp.action for bp in third.breakpoints if bp.segment == "system"] == ["read"]
    usage = emulator.handle("POST", "/v1/messages", HEADERS, third_body).json()["usage"]
    assert usage["cache_read_input_tokens"] > 2000


def test_an_unanswered_write_stops_blocking_after_a_while() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(_body(0))  # never answered (an error, an abandoned stream)
    clock.advance(IN_FLIGHT_SECONDS + 1.0)
    _, later = planner.plan(_body(1))
    assert later.breakpoints  # marks again (the head, read or written)


def test_concurrent_requests_write_a_shared_head_once() -> None:
    """Eight requests planned together, then answered: one head write, seven plain heads."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    planned = [planner.plan(_body(i)) for i in range(8)]
    writes = []
    for body, plan in planned:
        usage = emulator.handle("POST", "/v1/messages", HEADERS, body).json()["usage"]
        writes.append(usage["cache_creation_input_tokens"])
        planner.observe(plan, usage)
    assert writes[0] > 2000
    assert writes[1:] == [0] * 7


def test_plan_cache_without_observe_keeps_no_flight() -> None:
    """``plan_cache`` has no response to wait for: consecutive calls plan as before."""
    state = CacheState()
    plan_cache(_body(0), CachePolicy(), state)
    _, second = plan_cache(_body(1), CachePolicy(), state)
    assert "system" in _segments(second)


def test_answered_or_expired_flights_do_not_pile_up() -> None:
    """Writes never answered (errors, abandoned streams) are dropped once past their window,
    so the record stays bounded however many are lost."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.state.in_flight.update((key, clock() - 1.0) for key in range(400))  # long expired
    _, plan = planner.plan(_body(0))
    assert plan.breakpoints
    assert len(planner.state.in_flight) <= len(plan.breakpoints)


def test_a_plan_and_the_take_off_of_its_writes_are_one_step_for_other_threads(
    monkeypatch: Any,
) -> None:
    """Thread B plans while thread A is between planning its write of the system prompt and
    taking it off for others: B must wait and then leave the prompt unmarked, not write it too."""
    planner = CachePlanner(clock=ManualClock())
    original = CachePlanner._take_off
    a_planned, b_done = threading.Event(), threading.Event()
    calls = [0]

    def slow_take_off(self: CachePlanner, keys: tuple[int, ...]) -> None:
        calls[0] += 1
        if calls[0] == 1:  # A, just planned: give B the chance to plan in between
            a_planned.set()
            b_done.wait(0.5)
        original(self, keys)

    monkeypatch.setattr(CachePlanner, "_take_off", slow_take_off)
    plans: dict[str, Any] = {}

    def a() -> None:
        plans["a"] = planner.plan(_body(0))[1]

    def b() -> None:
        a_planned.wait(2.0)
        plans["b"] = planner.plan(_body(1))[1]
        b_done.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5.0)
    assert "system" in _segments(plans["a"])
    assert _segments(plans["b"]) == []
