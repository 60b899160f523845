"""Tool lists that share their leading tools (sub-agents binding one registry's core tools plus
a few of their own): the planner marks where the lists part, so one entry of the shared tools
serves every list, whichever came last."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._tool_lists import MAX_LISTS, ToolLists
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import markers, words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _tool(name: str, salt: int) -> dict[str, Any]:
    return {"name": name, "description": words(120, salt),
            "input_schema": {"type": "object", "properties": {"arg": {"type": "string"}}}}


CORE = [_tool(f"core_{i}", i) for i in range(20)]


def _body(agent: int) -> dict[str, Any]:
    own = [_tool(f"own_{agent}_{k}", 100 + 3 * agent + k) for k in range(3)]
    return {"model": "claude-sonnet-4-5", "max_tokens": 256, "system": "Route requests.",
            "tools": [*CORE, *own],
            "messages": [{"role": "user", "content": f"agent {agent}: {words(30, agent)}"}]}


def _tool_marks(body: dict[str, Any]) -> list[int]:
    return [loc[1] for loc, _block, _ttl in markers(body) if loc[0] == "tools"]


def test_shared_run_is_where_two_lists_part_for_both() -> None:
    lists = ToolLists()
    a, b = (1, 2, 3, 4, 5), (1, 2, 3, 9)
    assert lists.shared_run(a, learn=True) == 0
    assert lists.shared_run(b, learn=True) == 3
    assert lists.shared_run(a, learn=True) == 3  # told where it parts from b


def test_a_list_that_extends_another_shares_that_list_whole() -> None:
    lists = ToolLists()
    lists.shared_run((1, 2), learn=True)
    assert lists.shared_run((1, 2, 3, 4), learn=True) == 2
    assert lists.shared_run((1, 2), learn=True) == 0  # its own end is its own marker


def test_shared_run_without_learning_records_nothing() -> None:
    lists = ToolLists()
    lists.shared_run((1, 2, 3), learn=True)
    assert lists.shared_run((1, 2, 7), learn=False) == 2
    assert lists.shared_run((1, 2, 3), learn=True) == 0
    assert lists.copy().shared_run((1, 2, 8), learn=True) == 2
    assert lists.shared_run((1, 2, 3), learn=True) == 0  # the copy learnt, not this one


def test_tool_lists_remembered_are_bounded() -> None:
    lists = ToolLists()
    for i in range(MAX_LISTS + 5):
        lists.shared_run((i, i + 1000), learn=True)
    assert lists.shared_run((0, 5), learn=False) == 0  # the oldest list was forgotten
    assert lists.shared_run((MAX_LISTS + 4, 5), learn=False) == 1


def test_second_tool_list_marks_the_end_of_the_shared_tools() -> None:
    planner = CachePlanner(clock=ManualClock())
    first, _ = planner.plan(_body(0))
    assert _tool_marks(first) == [22]
    second, _ = planner.plan(_body(1))
    assert 19 in _tool_marks(second)
    assert _tool_marks(second)[-1] == 22


def test_rotating_tool_lists_read_the_shared_tools() -> None:
    """Four lists in turn, a request every 100 s: each list recurs after its own entry expired,
    and still reads the core tools another list wrote or read within five minutes."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    reads: list[int] = []
    for turn in range(12):
        out, plan = planner.plan(_body(turn % 4))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200
        usage = response.json()["usage"]
        reads.append(usage["cache_read_input_tokens"])
        planner.observe(plan, usage, dict(response.headers))
        clock.advance(100.0)
    core_tokens = min(r for r in reads[2:])
    assert core_tokens > 0
    assert all(r >= core_tokens for r in reads[2:])


def test_preview_does_not_learn_tool_lists() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(_body(0))
    clock.advance(60.0)  # the first request is answered (no longer in flight)
    preview = planner.preview(_body(1))
    assert ("tools", 19) in [bp.location for bp in preview.breakpoints]
    again, _ = planner.plan(_body(0))  # would part at 19 had the preview recorded list 1
    assert _tool_marks(again) == [22]
