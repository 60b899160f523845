"""How gateways frame the same Messages events, on stream and astream: each framing gives the
reply a plain Anthropic stream gives (text, tool call, usage, id), never a partial one.

``data:`` without its space, no ``event:`` lines (the type is only in the data), ``:``
keep-alive comments between events, CRLF line ends with an OpenAI-style ``data:[DONE]`` after
``message_stop``, and a delta's ``"index": null`` (read as a missing index is: the block just
started), in combination as much as alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from tests.helpers.responses import Recorder, call, message, model_with

STREAMS = ["stream", "astream"]


def _events() -> list[dict[str, Any]]:
    start = message([], cache_read_input_tokens=4)
    start["id"] = "msg_framing"
    start["usage"]["output_tokens"] = 1
    tool = {"type": "tool_use", "id": "toolu_7", "name": "lookup", "input": {}}
    return [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "text_delta", "text": "Let me "}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "text_delta", "text": "look."}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": tool},
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "input_json_delta", "partial_json": '{"q": "gno'}},
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "input_json_delta", "partial_json": 'mon"}'}},
        {"type": "content_block_stop", "index": 1},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
         "usage": {"output_tokens": 12}},
        {"type": "message_stop"},
    ]  # fmt: skip


def _frame(event: dict[str, Any], *, named: bool = True, space: bool = True) -> str:
    head = f"event: {event['type']}\n" if named else ""
    return f"{head}data:{' ' if space else ''}{json.dumps(event)}\n\n"


def _plain(events: list[dict[str, Any]]) -> str:
    return "".join(_frame(e) for e in events)


def _null_delta_index(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in events:
        if event["type"] in ("content_block_delta", "content_block_stop"):
            event["index"] = None
    return events


FRAMINGS: dict[str, Callable[[], str]] = {
    "data_without_space": lambda: "".join(_frame(e, space=False) for e in _events()),
    "no_event_lines": lambda: "".join(_frame(e, named=False) for e in _events()),
    "keepalive_comments": lambda: ": keep-alive\n\n"
    + "".join(_frame(e) + ": PING\n\n" for e in _events()),
    "crlf_bare_data_and_done": lambda: (
        "".join(_frame(e, named=False, space=False) for e in _events()) + "data:[DONE]\n\n"
    ).replace("\n", "\r\n"),
    "null_delta_index": lambda: _plain(_null_delta_index(_events())),
    "null_delta_index_without_event_lines": lambda: "".join(
        _frame(e, named=False) for e in _null_delta_index(_events())
    ),
}


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize("framing", sorted(FRAMINGS))
async def test_every_framing_gives_the_whole_reply(path: str, framing: str) -> None:
    body = FRAMINGS[framing]().encode()
    answer = httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})
    reply = await call(model_with(Recorder(answer)), path)
    assert reply.text == "Let me look."
    assert [(c["name"], c["args"], c["id"]) for c in reply.tool_calls] == [
        ("lookup", {"q": "gnomon"}, "toolu_7")
    ]
    assert reply.id == "msg_framing"
    assert reply.response_metadata["stop_reason"] == "tool_use"
    usage = reply.usage_metadata
    assert (usage["input_tokens"], usage["output_tokens"]) == (14, 12)
    assert usage["input_token_details"]["cache_read"] == 4
