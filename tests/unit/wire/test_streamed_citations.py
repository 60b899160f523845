"""A streamed text block that announces citations (``"citations": []`` at its start) keeps its
citations with its text, also when the request could only produce text (plain-string
streaming), so the summed message replays the cited block as the API wrote it."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessageChunk, HumanMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.emulator import CITATION


def _sse() -> str:
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0,
         "content_block": {"citations": [], "type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "citations_delta", "citation": CITATION}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "text_delta", "text": "The grass is green"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1,
         "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "."}},
        {"type": "content_block_stop", "index": 1},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 5}},
        {"type": "message_stop"},
    ]  # fmt: skip
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)


def _check(total: AIMessageChunk | None) -> None:
    assert total is not None
    blocks = [b for b in total.content if isinstance(b, dict)]
    cited = [b for b in blocks if b.get("citations")]
    assert cited == [
        {"type": "text", "text": "The grass is green", "citations": [CITATION], "index": 0}
    ]
    assert total.text == "The grass is green."


def test_streamed_citations_stay_with_their_text() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.raw(200, _sse(), "text/event-stream"))
    total = None
    for chunk in llm.stream([HumanMessage("What colour is the grass?")]):
        total = chunk if total is None else total + chunk
    _check(total)


async def test_streamed_citations_stay_with_their_text_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.raw(200, _sse(), "text/event-stream"))
    total = None
    async for chunk in llm.astream([HumanMessage("What colour is the grass?")]):
        total = chunk if total is None else total + chunk
    _check(total)
