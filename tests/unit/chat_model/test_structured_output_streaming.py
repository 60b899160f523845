"""``with_structured_output(...).stream()`` of a dict schema (JSON schema, TypedDict, OpenAI
function) yields the object as it grows, one partial dict per argument fragment, as with
ChatAnthropic; the check that the reply called the tool at all waits for the end of the stream
without holding the fragments back (it used to buffer the whole reply: one dict at the end)."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from typing_extensions import TypedDict

from tests.helpers.responses import Recorder, message, model_with, sse_response, text_stream

SCHEMA: dict[str, Any] = {
    "title": "Person",
    "description": "A person.",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


class Person(TypedDict):
    """A person."""

    name: str
    age: int


FRAGMENTS = ['{"name": "Al', 'ice", "age"', ": 30}"]
GROWING = [{}, {"name": "Al"}, {"name": "Alice"}, {"name": "Alice", "age": 30}]


def _tool_stream(name: str = "Person") -> list[dict[str, Any]]:
    block = {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": message([])},
        {"type": "content_block_start", "index": 0, "content_block": block},
    ]
    for piece in FRAGMENTS:
        delta = {"type": "input_json_delta", "partial_json": piece}
        events.append({"type": "content_block_delta", "index": 0, "delta": delta})
    end = {"stop_reason": "tool_use", "stop_sequence": None}
    return [
        *events,
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": end, "usage": {"output_tokens": 9}},
        {"type": "message_stop"},
    ]


async def _streamed(events: list[dict[str, Any]], schema: Any, mode: str) -> list[Any]:
    structured = model_with(Recorder(sse_response(events))).with_structured_output(schema)
    if mode == "sync":
        return list(structured.stream("Alice, 30"))
    return [part async for part in structured.astream("Alice, 30")]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("schema", [SCHEMA, Person], ids=["json_schema", "typeddict"])
async def test_a_dict_schema_streams_the_growing_object(schema: Any, mode: str) -> None:
    assert await _streamed(_tool_stream(), schema, mode) == GROWING


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_streamed_reply_without_the_tool_call_still_raises(mode: str) -> None:
    with pytest.raises(OutputParserException, match="no 'Person' tool call"):
        await _streamed(text_stream("I would rather not."), SCHEMA, mode)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_streamed_call_of_another_tool_raises(mode: str) -> None:
    with pytest.raises(OutputParserException, match="no 'Person' tool call"):
        await _streamed(_tool_stream("Other"), SCHEMA, mode)


def test_invoke_and_batch_still_parse_the_whole_reply() -> None:
    from tests.helpers.responses import json_response

    reply = message([{"type": "tool_use", "id": "t", "name": "Person",
                      "input": {"name": "Alice", "age": 30}}])  # fmt: skip
    structured = model_with(Recorder(json_response(reply))).with_structured_output(SCHEMA)
    assert structured.invoke("x") == {"name": "Alice", "age": 30}
    assert structured.batch(["x", "y"]) == [{"name": "Alice", "age": 30}] * 2
