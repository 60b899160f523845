"""A reply with no content block (Claude ending an agent turn with nothing to add after a tool
result) is ``""`` on every path: the summed stream of a request with tools used to be ``[]``
while invoke gave ``""``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
)

TOOL = {"name": "get", "description": "g", "input_schema": {"type": "object", "properties": {}}}
EMPTY = message([])


def _events() -> list[dict[str, Any]]:
    start = {**EMPTY, "stop_reason": None}
    delta = {"stop_reason": "end_turn", "stop_sequence": None}
    return [
        {"type": "message_start", "message": start},
        {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 2}},
        {"type": "message_stop"},
    ]


@pytest.mark.parametrize("tools", [(), (TOOL,)], ids=["no tools", "tools bound"])
@pytest.mark.parametrize("path", PATHS)
async def test_an_empty_reply_is_an_empty_string(path: str, tools: tuple[Any, ...]) -> None:
    answer = sse_response(_events()) if "stream" in path else json_response(EMPTY)
    llm: Any = model_with(Recorder(answer))
    reply = await call(llm.bind_tools(list(tools)) if tools else llm, path)
    assert reply.content == ""
    assert reply.response_metadata["stop_reason"] == "end_turn"
