"""Delta fields a converted gateway channel fills oddly, on stream and astream.

A ``text_delta`` / ``thinking_delta`` / ``signature_delta`` whose string is ``null`` carries no
text (the fold of an event stream that answers ``invoke`` reads it the same way); any other
non-string is a malformed event, reported as the library's StreamError and never as a bare
TypeError from deep inside LangChain's chunk handling.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from langchain_cometapi import errors
from tests.helpers.responses import Recorder, call, model_with, sse, text_stream

STREAMS = ["stream", "astream"]


def _answer(events: list[dict[str, Any]]) -> httpx2.Response:
    return httpx2.Response(200, content=sse(events), headers={"content-type": "text/event-stream"})


def _with_delta_text(value: Any) -> list[dict[str, Any]]:
    events = text_stream("Hello there")  # deltas of 4 characters: "Hell", "o th", "ere"
    events[4]["delta"]["text"] = value  # "o th"
    return events


@pytest.mark.parametrize("path", STREAMS)
async def test_null_text_delta_is_no_text(path: str) -> None:
    reply = await call(model_with(Recorder(_answer(_with_delta_text(None)))), path)
    assert reply.content == "Hellere"
    assert reply.usage_metadata["output_tokens"] == 7


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize("value", [5, ["a"], {"t": "x"}], ids=["number", "list", "object"])
async def test_text_delta_that_is_no_string_is_a_stream_error(path: str, value: Any) -> None:
    llm = model_with(Recorder(_answer(_with_delta_text(value))))
    with pytest.raises(errors.StreamError, match="malformed 'content_block_delta'"):
        await call(llm, path)


def _thinking_events(thinking: Any, signature: Any) -> list[dict[str, Any]]:
    events = text_stream("Answer")
    opening = [
        {"type": "content_block_start", "index": 0,
         "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "thinking_delta", "thinking": "step one"}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "thinking_delta", "thinking": thinking}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "signature_delta", "signature": signature}},
        {"type": "content_block_stop", "index": 0},
    ]  # fmt: skip
    for event in events[2:]:
        if "index" in event:
            event["index"] = 1
    return [events[0], *opening, *events[2:]]


@pytest.mark.parametrize("path", STREAMS)
async def test_null_thinking_delta_keeps_the_thinking_block(path: str) -> None:
    reply = await call(model_with(Recorder(_answer(_thinking_events(None, "sig-1")))), path)
    thinking = reply.content[0]
    assert (thinking["thinking"], thinking["signature"]) == ("step one", "sig-1")
    assert reply.text == "Answer"


@pytest.mark.parametrize("path", STREAMS)
async def test_signature_that_is_no_string_is_a_stream_error(path: str) -> None:
    llm = model_with(Recorder(_answer(_thinking_events(" two", 123))))
    with pytest.raises(errors.StreamError, match="signature"):
        await call(llm, path)

