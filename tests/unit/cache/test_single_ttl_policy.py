"""``CachePolicy(ttl="5m")`` or ``ttl="1h"`` forces one TTL (docs/guides/prompt-caching.md):
every marker the planner places has it, read points of live entries and bridges included."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy
from langchain_cometapi.testing import ManualClock
from tests.helpers.cache_bodies import markers, words
from tests.helpers.cache_traffic import Replay
from tests.helpers.tool_traffic import CORE, ToolTrafficShape, tool_script


def _agent_body(task: int, steps: int) -> dict[str, Any]:
    """A tool loop after ``steps`` tool calls, each an assistant tool_use and its result."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": f"task {task}: " + words(60)}]
    for s in range(steps):
        ident = f"toolu_{task:03d}_{s:03d}"
        messages.append({"role": "assistant", "content": [
            {"type": "tool_use", "id": ident, "name": "core_1", "input": {"arg": str(s)}}]})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": ident, "content": words(500, task + s)}]})
    return {"model": "claude-sonnet-4-6", "max_tokens": 256, "tools": CORE,
            "system": "You operate the cluster.\n" + words(1800), "messages": messages}


@pytest.mark.parametrize("ttl", ["5m", "1h"])
def test_a_read_point_after_a_pause_has_the_policy_s_ttl(ttl: Literal["5m", "1h"]) -> None:
    """A task resumed 50 minutes later reads its first turn's entry (still live at 1h) and,
    with nothing new worth writing, marks only that read point last."""
    clock = ManualClock()
    planner = CachePlanner(CachePolicy(ttl=ttl), clock=clock)
    for step in range(4):
        planner.plan(_agent_body(0, step))
        clock.advance(5.0)
    planner.plan(_agent_body(1, 0))
    clock.advance(3000.0)
    out, plan = planner.plan(_agent_body(1, 1))
    assert {t for _, _, t in markers(out)} == {ttl}
    assert {bp.ttl for bp in plan.breakpoints} == {ttl}


@pytest.mark.parametrize("ttl", ["5m", "1h"])
def test_agent_traffic_with_pauses_gets_only_the_policy_s_ttl(ttl: Literal["5m", "1h"]) -> None:
    shape = ToolTrafficShape(styles=("own", "extends", "reordered"), agents=3, requests=40,
                             step_gap=30.0, pauses=0.3)
    replay = Replay.new(1, lambda c: CachePlanner(CachePolicy(ttl=ttl), clock=c))
    for _, sent, _, _ in replay.steps(tool_script(18, shape)):
        assert {t for _, _, t in markers(sent)} <= {ttl}
    assert replay.refused == []
