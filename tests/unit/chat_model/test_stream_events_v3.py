"""``stream_events(version="v3")`` over a thinking + text + tool_use stream is a valid
lifecycle (langchain-tests' checker), as langchain-anthropic's own unit test asserts: paired
block start/finish in wire order, accumulated content, and the stop reason on message-finish."""

# ruff: noqa: E501
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.unit.wire.test_stream_structure import _sse

lifecycle = pytest.importorskip("langchain_tests.utils.stream_lifecycle")

M = "claude-sonnet-4-5-20250929"
MSG = {"id": "msg_1", "type": "message", "role": "assistant", "model": M, "content": [], "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 0}}
EVENTS: list[dict[str, Any]] = [
 {"type": "message_start", "message": MSG},
 {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
 {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me "}},
 {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "think."}},
 {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig"}},
 {"type": "content_block_stop", "index": 0},
 {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
 {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "The answer "}},
 {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "is 42."}},
 {"type": "content_block_stop", "index": 1},
 {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "search", "input": {}}},
 {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"q":'}},
 {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": ' "weather"}'}},
 {"type": "content_block_stop", "index": 2},
 {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None}, "usage": {"output_tokens": 50, "input_tokens": 10, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}},
 {"type": "message_stop"},
]


def _model() -> Any:
    llm, emu = emulated(
        MessagesEmulator(), model=M, thinking={"type": "enabled", "budget_tokens": 1024},
        max_tokens=4096,
    )  # fmt: skip
    emu.script(Reply.raw(200, _sse(EVENTS), "text/event-stream"))
    return llm


def _check(events: list[Any]) -> None:
    lifecycle.assert_valid_event_stream(events)
    finishes = [e for e in events if e["event"] == "content-block-finish"]
    assert [f["content"]["type"] for f in finishes] == ["reasoning", "text", "tool_call"]
    assert [f["index"] for f in finishes] == [0, 1, 2]
    assert finishes[0]["content"]["reasoning"] == "Let me think."
    assert finishes[1]["content"]["text"] == "The answer is 42."
    assert finishes[2]["content"]["args"] == {"q": "weather"}
    assert finishes[2]["content"]["name"] == "search"
    assert events[-1]["event"] == "message-finish"
    assert events[-1]["metadata"]["stop_reason"] == "tool_use"


def test_stream_events_v3_lifecycle() -> None:
    _check(list(_model().stream_events("Test query", version="v3")))


def test_astream_events_v3_lifecycle() -> None:
    async def collect() -> list[Any]:
        stream = await _model().astream_events("Test query", version="v3")  # type: ignore[misc]
        return [e async for e in stream]

    _check(asyncio.run(collect()))
