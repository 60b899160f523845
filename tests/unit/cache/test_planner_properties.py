"""Property, concurrency and emulator round-trip tests for the cache planner."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body, markers, strip_markers, words
from tests.helpers.threads import errors_in_threads

HEADERS = {"x-api-key": "test", "anthropic-version": "2023-06-01"}


@st.composite
def blocks(draw: st.DrawFn, role: str, index: int) -> list[Any]:
    kinds = ["text", "empty", "thinking", "redacted"] if role == "assistant" else ["text", "empty"]
    out: list[Any] = []
    for k in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(kinds))
        if kind == "text":
            block: dict[str, Any] = {
                "type": "text",
                "text": words(draw(st.integers(1, 400)), index + k),
            }
        elif kind == "empty":
            block = {"type": "text", "text": ""}
        elif kind == "thinking":
            block = {"type": "thinking", "thinking": "t", "signature": "s"}
        else:
            block = {"type": "redacted_thinking", "data": "x"}
        if kind == "text" and draw(st.integers(0, 20)) == 0:
            block["cache_control"] = {
                "type": "ephemeral",
                "ttl": draw(st.sampled_from(["5m", "1h"])),
            }
        out.append(block)
    return out


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 12))):
        role = "user" if i % 2 == 0 else "assistant"
        if draw(st.booleans()):
            messages.append({"role": role, "content": words(draw(st.integers(1, 300)), i)})
        else:
            messages.append({"role": role, "content": draw(blocks(role, i))})
    body: dict[str, Any] = {
        "model": draw(
            st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-7", "claude-haiku-4-5", "mystery"])
        ),
        "max_tokens": 10,
        "messages": messages,
    }
    system = draw(st.sampled_from(["none", "str", "list"]))
    if system == "str":
        body["system"] = words(draw(st.integers(1, 3000)))
    elif system == "list":
        body["system"] = [
            {"type": "text", "text": words(draw(st.integers(1, 1500)), j)} for j in range(2)
        ]
    if draw(st.booleans()):
        body["tools"] = [
            {"name": f"t{j}", "description": words(200, j), "input_schema": {"type": "object"}}
            for j in range(draw(st.integers(1, 3)))
        ]
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=bodies(),
    ttl=st.sampled_from(["5m", "1h", "auto"]),
    max_bp=st.integers(1, 4),
    repeats=st.integers(1, 3),
)
def test_random_bodies_obey_all_invariants(
    body: dict[str, Any], ttl: str, max_bp: int, repeats: int
) -> None:
    clock = ManualClock()
    planner = CachePlanner(CachePolicy(ttl=ttl, max_breakpoints=max_bp, min_tokens=50), clock=clock)
    snapshot = copy.deepcopy(body)
    user = list(markers(body))
    user_ttls = [t for _, _, t in user]
    user_ordered = "1h" not in user_ttls[user_ttls.index("5m") :] if "5m" in user_ttls else True
    for _ in range(repeats):
        out, plan = planner.plan(body)
        assert body == snapshot
        found = list(markers(out))
        added = len(found) - len(user)
        assert added >= 0
        assert added <= max(0, min(max_bp, 4) - len(user))
        assert len(found) <= max(4, len(user))
        for _loc, block, _ in found:
            assert block.get("type") not in ("thinking", "redacted_thinking")
            assert not (block.get("type") == "text" and not block.get("text"))
        ttls = [t for _, _, t in found]
        if user_ordered and "5m" in ttls:
            assert "1h" not in ttls[ttls.index("5m") :]
        stripped = strip_markers(out)
        original = strip_markers(body)
        sys_out, sys_in = stripped.get("system"), original.get("system")
        if isinstance(sys_in, str):
            sys_in = [{"type": "text", "text": sys_in}]
        if isinstance(sys_out, list) and isinstance(sys_in, list):
            assert "".join(b["text"] for b in sys_out) == "".join(b["text"] for b in sys_in)
        for m_out, m_in in zip(stripped["messages"], original["messages"], strict=True):
            content = m_in["content"]
            if isinstance(content, str) and isinstance(m_out["content"], list):
                content = [{"type": "text", "text": content}]
            assert m_out["content"] == content
        assert len(plan.breakpoints) == len(found)
        clock.advance(30)


def test_many_threads_planning_and_observing_share_one_planner() -> None:
    planner = CachePlanner(CachePolicy(history_size=64))

    def worker(seed: int) -> None:
        for turn in range(1, 30):
            body = chat_body(turn % 6 + 1, system_words=800 + seed)
            out, plan = planner.plan(body)
            assert len(list(markers(out))) <= 4
            planner.observe(
                plan,
                {
                    "input_tokens": 100,
                    "cache_read_input_tokens": turn * 10,
                    "cache_creation_input_tokens": 5,
                },
            )

    assert errors_in_threads(worker, 8) == []
    assert len(planner.state.entries) <= 64


def _send(emulator: MessagesEmulator, body: dict[str, Any]) -> dict[str, Any]:
    response = emulator.handle("POST", "/v1/messages", HEADERS, body)
    assert response.status == 200, response.body
    usage: dict[str, Any] = response.json()["usage"]
    return usage


def test_multi_turn_chat_reads_from_the_emulator_cache() -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    reads = []
    for turn in range(1, 6):
        out, plan = planner.plan(chat_body(turn))
        usage = _send(emulator, out)
        planner.observe(plan, usage)
        reads.append(usage["cache_read_input_tokens"])
        clock.advance(20)
    assert reads[0] == 0 and all(r > 0 for r in reads[1:])
    assert reads == sorted(reads)


def test_bridge_keeps_a_wide_agent_turn_reading_in_the_emulator() -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    messages: list[dict[str, Any]] = [{"role": "user", "content": words(1500)}]
    last_usage: dict[str, Any] = {}
    for step, fan in enumerate((1, 2, 12, 11)):
        body = {"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": messages}
        out, plan = planner.plan(body)
        last_usage = _send(emulator, out)
        planner.observe(plan, last_usage)
        ids = [f"toolu_{step}_{i}" for i in range(fan)]
        messages = [
            *messages,
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": i, "name": "f", "input": {}} for i in ids],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": i, "content": words(30)} for i in ids
                ],
            },
        ]
        clock.advance(5)
    # The last request added 22+ blocks after the previous tail: it must still read it.
    body = {"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": messages}
    out, plan = planner.plan(body)
    usage = _send(emulator, out)
    assert any(bp.segment == "bridge" for bp in plan.breakpoints)
    assert usage["cache_read_input_tokens"] >= 1500
