"""A tool_use block with only streamed ``partial_json`` (an interrupted stream) and no
tool_calls entry keeps the input its fragments parse to, as ChatAnthropic does."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages


def _sent_input(partial: str) -> object:
    ai = AIMessage(
        [{"type": "tool_use", "id": "t1", "name": "get", "input": {}, "partial_json": partial,
          "index": 0}]
    )  # fmt: skip
    _, turns = convert_messages([HumanMessage("q"), ai, ToolMessage("r", tool_call_id="t1")])
    block = turns[1]["content"][0]
    assert "partial_json" not in block and "index" not in block
    return block["input"]


def test_complete_partial_json_is_parsed() -> None:
    assert _sent_input('{"city": "Paris", "days": 3}') == {"city": "Paris", "days": 3}


def test_cut_partial_json_is_completed() -> None:
    assert _sent_input('{"city": "Par') == {"city": "Par"}


def test_unparseable_partial_json_is_an_empty_input() -> None:
    assert _sent_input("[[[") == {}


def test_tool_calls_still_win_over_fragments() -> None:
    ai = AIMessage(
        [{"type": "tool_use", "id": "t1", "name": "get", "input": {}, "partial_json": '{"a": 1}'}],
        tool_calls=[{"id": "t1", "name": "get", "args": {"a": 2}}],
    )
    _, turns = convert_messages([HumanMessage("q"), ai, ToolMessage("r", tool_call_id="t1")])
    assert turns[1]["content"][0]["input"] == {"a": 2}
