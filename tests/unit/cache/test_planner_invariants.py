"""Invariants of the planner on random mixed traffic (tools, system prompts with per-user lines,
clocks, request ids and snippets, leading documents, agent fan-outs, fleets, user markers),
replayed end to end against the offline emulator on a manual clock."""

from __future__ import annotations

from typing import Any, Literal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy
from tests.helpers.cache_bodies import markers, strip_markers
from tests.helpers.cache_traffic import (
    SYSTEM_STYLES,
    Replay,
    TrafficShape,
    assert_previews_record_nothing,
    script,
)

_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])
shapes = st.builds(
    TrafficShape,
    styles=st.lists(st.sampled_from(SYSTEM_STYLES), min_size=1, max_size=3, unique=True),
    planners=st.integers(1, 3),
    requests=st.integers(10, 40),
    max_gap=st.sampled_from([30.0, 240.0, 900.0]),
    users=st.integers(1, 5),
    apps=st.integers(1, 3),
    models=st.sampled_from([("claude-sonnet-4-5",), ("claude-haiku-4-5", "claude-opus-4-7")]),
)


def _system_texts(system: Any) -> list[str]:
    if isinstance(system, str):
        return [system]
    return [b["text"] for b in system or ()]


def _check_body(sent: dict[str, Any], body: dict[str, Any]) -> None:
    """What the API would refuse, or what would change the prompt, in one planned body."""
    found = list(markers(sent))
    assert len(found) <= 4
    ttls = [ttl for _, _, ttl in found]
    if "5m" in ttls:
        assert "1h" not in ttls[ttls.index("5m"):]
    blocks = _system_texts(sent.get("system"))
    assert all(text.strip() for text in blocks), f"blank system block: {list(map(len, blocks))}"
    assert "".join(_system_texts(sent.get("system"))) == "".join(
        _system_texts(body.get("system"))
    )
    stripped, original = strip_markers(sent), strip_markers(body)
    for m_out, m_in in zip(stripped["messages"], original["messages"], strict=True):
        content = m_in["content"]
        if isinstance(content, str) and isinstance(m_out["content"], list):
            content = [{"type": "text", "text": content}]
        assert m_out["content"] == content


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes, ttl=st.sampled_from(["auto", "5m", "1h"]))
@example(seed=1, shape=TrafficShape(styles=["optional"], requests=10, max_gap=30.0, users=2,
                                    apps=1), ttl="auto")  # a note-less text, cut at its end
def test_random_traffic_is_never_refused_and_keeps_the_prompt(
    seed: int, shape: TrafficShape, ttl: Literal["auto", "5m", "1h"]
) -> None:
    replay = Replay.new(shape.planners, lambda c: CachePlanner(CachePolicy(ttl=ttl), clock=c))
    requests = script(seed, shape)
    for request, sent, plan, _ in replay.steps(requests):
        _check_body(sent, request.body)
        assert len(plan.breakpoints) == len(list(markers(sent)))
    assert replay.refused == []


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes, where=st.sampled_from(["before", "between"]))
@example(seed=47, shape=TrafficShape(styles=["none"], requests=10, max_gap=900.0, users=1,
                                     apps=1), where="between")  # trials swept by a preview
def test_preview_records_nothing(seed: int, shape: TrafficShape, where: str) -> None:
    """Twin planners get the same traffic; one also previews requests (each one just before
    planning it, or the next one at its own time while the previous answer is not yet observed)
    and must plan exactly like the other."""
    assert_previews_record_nothing(script(seed, shape), shape.planners, where)


@_SETTINGS
@given(seed=st.integers(0, 10**6), shape=shapes)
def test_automatic_ttl_costs_no_more_than_5m_when_no_gap_exceeds_four_minutes(
    seed: int, shape: TrafficShape
) -> None:
    """One planner, one app, one user, no documents, a new conversation at least every four
    minutes and none idle longer: no prefix is needed again after more than four minutes, so a
    1h entry can never be read where a 5m one would not be."""
    shape = TrafficShape(**{**shape.__dict__, "max_gap": 60.0, "stale_after": 240.0,
                            "fresh_every": 180.0, "planners": 1, "apps": 1, "users": 1,
                            "documents": 0.0})
    requests = script(seed, shape)
    auto = Replay.new(1, lambda c: CachePlanner(clock=c))
    five = Replay.new(1, lambda c: CachePlanner(CachePolicy(ttl="5m"), clock=c))
    for _ in auto.steps(requests):
        pass
    for _ in five.steps(requests):
        pass
    assert auto.cost <= five.cost * 1.001 + 1.0, (auto.cost, five.cost)


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_a_planner_s_memory_stays_bounded_on_endless_new_traffic(seed: int) -> None:
    shape = TrafficShape(requests=150, users=40, apps=6, max_gap=20.0)
    replay = Replay.new(1, lambda c: CachePlanner(CachePolicy(history_size=16), clock=c))
    state = replay.planners[0].state
    for _ in replay.steps(script(seed, shape)):
        assert len(state.entries) <= 16
        assert len(state.tails) <= 16
        assert len(state._trials) <= 16 * 4
        assert len(state.buckets) <= 512
        assert len(state.token_memo) <= state.token_memo_cap
        splitter = state.splitter
        assert len(splitter._recent) <= 8
        assert len(splitter._known) <= 64 and len(splitter._stamps) <= 64
