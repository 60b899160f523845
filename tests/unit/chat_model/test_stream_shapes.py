"""Streams the emulator does not produce itself (real-API shapes, hand-built SSE): server tool
input as JSON fragments, citation deltas, signatures, redacted thinking; all round-trip."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import HumanMessage

from langchain_cometapi.testing import Reply
from tests.helpers.chat_model import emulated, stream_sum

WEB_SEARCH = {"type": "web_search_20250305", "name": "web_search"}
CITATION = {
    "type": "web_search_result_location",
    "url": "https://example.com",
    "title": "Example",
    "cited_text": "LangChain is a framework",
    "encrypted_index": "Eo8B",
}


def _sse(events: list[dict[str, Any]]) -> str:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)


def _start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def _delta(index: int, **delta: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def _stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


EVENTS: list[dict[str, Any]] = [
    {
        "type": "message_start",
        "message": {
            "id": "msg_live_shape",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-6",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 50, "output_tokens": 1},
        },
    },
    _start(0, {"type": "thinking", "thinking": "", "signature": ""}),
    _delta(0, type="thinking_delta", thinking="Search "),
    _delta(0, type="thinking_delta", thinking="first."),
    _delta(0, type="signature_delta", signature="EqoBCkgIARABGAIiQL"),
    _stop(0),
    _start(1, {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}),
    _stop(1),
    _start(2, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}),
    _delta(2, type="input_json_delta", partial_json=""),
    _delta(2, type="input_json_delta", partial_json='{"query": "lang'),
    _delta(2, type="input_json_delta", partial_json='chain"}'),
    _stop(2),
    _start(
        3,
        {
            "type": "web_search_tool_result",
            "tool_use_id": "srvtoolu_1",
            "content": [{"type": "web_search_result", "url": "https://example.com",
                         "title": "Example", "encrypted_content": "EqQB"}],
        },
    ),
    _stop(3),
    _start(4, {"type": "text", "text": "", "citations": None}),
    _delta(4, type="citations_delta", citation=CITATION),
    _delta(4, type="text_delta", text="LangChain is a framework."),
    _stop(4),
    {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": 42, "output_tokens_details": {"thinking_tokens": 12}},
    },
    {"type": "message_stop"},
]


def _streamed() -> tuple[Any, Any]:
    llm, emu = emulated(thinking={"type": "enabled", "budget_tokens": 2048})
    emu.script(Reply.raw(200, _sse(EVENTS), "text/event-stream"), Reply.text("ok"))
    bound = llm.bind_tools([WEB_SEARCH])
    full, _ = stream_sum(bound, "What is LangChain?")
    return full, (bound, emu)


def test_stream_keeps_every_block_with_signature_and_citations() -> None:
    full, _ = _streamed()
    blocks = [{k: v for k, v in b.items() if k != "index"} for b in full.content]
    assert blocks[0] == {"type": "thinking", "thinking": "Search first.",
                         "signature": "EqoBCkgIARABGAIiQL"}
    assert blocks[1] == {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}
    assert blocks[2]["type"] == "server_tool_use"
    assert json.loads(blocks[2]["partial_json"]) == {"query": "langchain"}
    assert blocks[4]["citations"] == [CITATION]
    assert blocks[4]["text"] == "LangChain is a framework."
    assert full.tool_calls == []
    assert full.usage_metadata["output_token_details"] == {"reasoning": 12}


def test_v1_content_blocks_show_reasoning_server_calls_and_citations() -> None:
    full, _ = _streamed()
    kinds = [b["type"] for b in full.content_blocks]
    assert kinds == ["reasoning", "non_standard", "server_tool_call", "server_tool_result", "text"]
    reasoning = full.content_blocks[0]
    assert reasoning["reasoning"] == "Search first."
    assert reasoning["extras"]["signature"] == "EqoBCkgIARABGAIiQL"
    assert full.content_blocks[2]["args"] == {"query": "langchain"}
    assert full.content_blocks[4]["annotations"][0]["cited_text"] == "LangChain is a framework"


def test_streamed_blocks_round_trip_exactly() -> None:
    full, (bound, emu) = _streamed()
    bound.invoke([HumanMessage("What is LangChain?"), full, HumanMessage("Thanks!")])
    sent = emu.last_request["body"]["messages"][1]["content"]
    assert sent == [
        {"type": "thinking", "thinking": "Search first.", "signature": "EqoBCkgIARABGAIiQL"},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
         "input": {"query": "langchain"}},
        EVENTS[13]["content_block"],
        {"type": "text", "text": "LangChain is a framework.", "citations": [CITATION]},
    ]
