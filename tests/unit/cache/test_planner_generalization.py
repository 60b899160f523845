"""Planner behaviour that must hold on workloads it was not tuned on (holdout findings)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_cometapi import tokens
from langchain_cometapi._models import min_cacheable_tokens
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock
from tests.helpers.cache_bodies import markers, words


def _body(system_words: int, model: str = "claude-haiku-4-5") -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 64,
        "system": "You help.\n" + words(system_words),
        "messages": [{"role": "user", "content": "hi " + words(20, 3)}],
    }


def _system_share(body: dict[str, Any]) -> float:
    system = tokens.estimate_block_tokens({"type": "text", "text": body["system"]})
    return system / min_cacheable_tokens(body["model"])


def test_uncalibrated_planner_marks_a_system_estimated_somewhat_below_the_minimum() -> None:
    body = _body(1000)
    assert 0.55 < _system_share(body) < 0.8  # the estimate may be low; a wasted marker is free
    out, _ = CachePlanner(clock=ManualClock()).plan(body)
    assert [loc for loc, _, _ in markers(out)][:1] == [("system", 0)]


def test_calibrated_planner_stops_marking_below_the_minimum() -> None:
    planner = CachePlanner(clock=ManualClock())
    body = _body(1000)
    _, plan = planner.plan(body)
    planner.observe(plan, {"input_tokens": plan.estimated_input_tokens})  # the estimate was exact
    out, _ = planner.plan(_body(1000))
    assert list(markers(out)) == []


def test_first_usage_sample_replaces_the_ratio_guess() -> None:
    planner = CachePlanner(clock=ManualClock())
    _, plan = planner.plan(_body(1000))
    planner.observe(plan, {"input_tokens": round(plan.estimated_input_tokens * 1.5)})
    assert abs(planner.state.ratio - 1.5) < 0.01


HEADERS = {"x-api-key": "test", "anthropic-version": "2023-06-01"}


def _agent(turns: int, fan: int, thinking: bool = False) -> dict[str, Any]:
    """An agent conversation whose every turn fans out into ``fan`` tool calls."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "task: " + words(300)}]
    ident = 0
    for t in range(turns):
        uses: list[dict[str, Any]] = []
        if thinking:
            uses.append({"type": "thinking", "thinking": words(30, t), "signature": "sig"})
        results = []
        for k in range(fan):
            ident += 1
            uses.append({"type": "tool_use", "id": f"toolu_{ident:04d}", "name": "look",
                         "input": {"q": words(3, k)}})
            results.append({"type": "tool_result", "tool_use_id": f"toolu_{ident:04d}",
                            "content": words(40 + 30 * (k % 5), k + t)})
        messages += [{"role": "assistant", "content": uses}, {"role": "user", "content": results}]
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "system": "You are an agent.\n" + words(900),
        "tools": [{"name": "look", "description": words(50), "input_schema": {"type": "object"}}],
        "messages": messages,
    }
    if thinking:
        body["thinking"] = {"type": "enabled", "budget_tokens": 1024}
    return body


def test_fresh_planner_bridges_back_to_the_previous_turns_entry() -> None:
    from langchain_cometapi.testing import MessagesEmulator

    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    for turns in (1, 2, 3):
        body = _agent(turns, fan=14)  # 28 new blocks a turn: beyond the 20-block lookback
        out, _ = CachePlanner(clock=clock).plan(body)  # a new instance: nothing learned
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200
        usage = response.json()["usage"]
        if turns > 1:
            # Everything up to the previous turn's tail is read, not written again.
            assert usage["cache_read_input_tokens"] > 0.6 * (
                usage["cache_read_input_tokens"] + usage["cache_creation_input_tokens"]
            )
        clock.advance(20)


def test_without_bridges_the_fresh_planner_reads_nothing_there() -> None:
    """Control for the test above: the same turn without bridging re-writes everything."""
    from langchain_cometapi.cache._planner import CachePolicy
    from langchain_cometapi.testing import MessagesEmulator

    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    policy = CachePolicy(segments={"tail"})
    reads = []
    for turns in (1, 2):
        out, _ = CachePlanner(policy, clock=clock).plan(_agent(turns, fan=14))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        reads.append(response.json()["usage"]["cache_read_input_tokens"])
        clock.advance(20)
    assert reads == [0, 0]


def _user_marked(body: dict[str, Any], count: int) -> dict[str, Any]:
    """Mark up to ``count`` of the last user blocks, as caching middleware does upstream."""
    messages = [dict(m) for m in body["messages"]]
    done = 0
    for m in reversed(messages):
        if done >= count or m["role"] != "user":
            continue
        blocks = [dict(b) for b in m["content"]] if isinstance(m["content"], list) else [
            {"type": "text", "text": m["content"]}]
        blocks[-1]["cache_control"] = {"type": "ephemeral"}
        m["content"] = blocks
        done += 1
    return {**body, "messages": messages}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    turns=st.integers(1, 4),
    fan=st.integers(1, 30),
    thinking=st.booleans(),
    user_marks=st.integers(0, 4),
    fresh=st.booleans(),
    ttl=st.sampled_from(["5m", "auto"]),
    gap=st.sampled_from([5.0, 200.0, 500.0, 2000.0]),
)
def test_agent_bodies_from_fresh_or_shared_planners_are_never_rejected(
    turns: int, fan: int, thinking: bool, user_marks: int, fresh: bool, ttl: str, gap: float
) -> None:
    from langchain_cometapi.cache._planner import CachePolicy
    from langchain_cometapi.testing import MessagesEmulator

    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    shared = CachePlanner(CachePolicy(ttl=ttl), clock=clock)  # type: ignore[arg-type]
    for t in range(1, turns + 1):
        body = _user_marked(_agent(t, fan, thinking), user_marks)
        planner = CachePlanner(CachePolicy(ttl=ttl), clock=clock) if fresh else shared  # type: ignore[arg-type]
        out, plan = planner.plan(body)
        found = list(markers(out))
        assert len(found) <= max(4, user_marks)
        assert all(b.get("type") not in ("thinking", "redacted_thinking") for _, b, _ in found)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200, response.json()
        planner.observe(plan, response.json()["usage"])
        clock.advance(gap)
