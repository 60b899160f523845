"""A streamed tool call cut by max_tokens still goes back in the next request.

langchain-core parses the partial JSON into tool_calls (the agent runs the tool with those
args); the summed content keeps the incomplete ``partial_json``, which must not make the next
request fail: the input comes from tool_calls, as for every client tool call.
"""

from __future__ import annotations

import json

import httpx2
from langchain_core.messages import HumanMessage, ToolMessage

from tests.helpers.responses import Recorder, message, model_with, sse

TOOL = {
    "name": "write",
    "description": "w",
    "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}},
}
EVENTS = [
    {"type": "message_start", "message": message([])},
    {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "write", "input": {}},
    },
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "input_json_delta", "partial_json": '{"text": "a very'},
    },
    {"type": "content_block_stop", "index": 0},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "max_tokens", "stop_sequence": None},
        "usage": {"output_tokens": 12},
    },
    {"type": "message_stop"},
]


def test_cut_tool_call_round_trips_with_its_result() -> None:
    recorder = Recorder(
        httpx2.Response(200, content=sse(EVENTS), headers={"content-type": "text/event-stream"}),
        httpx2.Response(200, json=message()),
    )
    llm = model_with(recorder).bind_tools([TOOL])
    ai = None
    for chunk in llm.stream("write"):
        ai = chunk if ai is None else ai + chunk
    assert ai is not None and ai.response_metadata["stop_reason"] == "max_tokens"
    args = ai.tool_calls[0]["args"]
    llm.invoke([HumanMessage("write"), ai, ToolMessage("written", tool_call_id="toolu_1")])
    sent = json.loads(recorder.requests[-1].content)["messages"][1]["content"]
    assert sent == [{"type": "tool_use", "id": "toolu_1", "name": "write", "input": args}]
