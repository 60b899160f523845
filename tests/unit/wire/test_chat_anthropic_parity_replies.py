"""Replies: the same Messages API JSON, or SSE events, give the same AIMessage in both models.

ChatAnthropic parses through the anthropic SDK (``_format_output``, its ``_stream``); we parse
the wire JSON. Compared: content (without the SDK's None-filled fields), tool_calls,
usage_metadata, the response_metadata keys both fill, and, for a message sent back on the next
turn, the request body it becomes (v0 and ``output_version="v1"``, a reply of either model).
Usage objects are shaped as the Messages API reports them (every count present, the 5m/1h
split and ``thinking_tokens`` included, zeros too). Deviations: test_chat_anthropic_deviations.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models._utils import _update_message_content_to_blocks
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from tests.helpers.chat_anthropic import (
    metadata,
    ours_body,
    ours_called,
    ours_message,
    theirs_body,
    theirs_message,
    theirs_streamed,
    without_nulls,
)
from tests.helpers.responses import PATHS

pytest.importorskip("langchain_anthropic")


def usage(**counts: Any) -> dict[str, Any]:
    """A usage object as the Messages API reports one: every field present."""
    split = counts.pop("split", (0, 0))
    return {
        "input_tokens": 10,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {
            "ephemeral_5m_input_tokens": split[0],
            "ephemeral_1h_input_tokens": split[1],
        },
        "output_tokens": 5,
        "output_tokens_details": {"thinking_tokens": 0},
        "service_tier": "standard",
        **counts,
    }


def reply(content: list[dict[str, Any]], stop: str = "end_turn", **extra: Any) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": extra.pop("usage", usage()),
        **extra,
    }


TEXT = {"type": "text", "text": "bar"}
TOOL = {"type": "tool_use", "id": "toolu_1", "name": "get", "input": {"a": 1}}
THINK = {"type": "thinking", "thinking": "hmm", "signature": "sig"}
CITED = {
    "type": "text",
    "text": "is green",
    "citations": [
        {
            "type": "char_location",
            "cited_text": "The grass is green.",
            "document_index": 0,
            "document_title": "D",
            "start_char_index": 0,
            "end_char_index": 19,
        }
    ],
}
SEARCH = [
    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
    {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [
            {
                "type": "web_search_result",
                "url": "https://x",
                "title": "t",
                "encrypted_content": "e",
            }
        ],
    },
    {
        "type": "text",
        "text": "ans",
        "citations": [
            {
                "type": "web_search_result_location",
                "url": "https://x",
                "title": "t",
                "encrypted_index": "ei",
                "cited_text": "c",
            }
        ],
    },
]
CODE = [
    {
        "type": "server_tool_use",
        "id": "srvtoolu_2",
        "name": "code_execution",
        "input": {"code": "1"},
    },
    {
        "type": "code_execution_tool_result",
        "tool_use_id": "srvtoolu_2",
        "content": {
            "type": "code_execution_result",
            "stdout": "1\n",
            "stderr": "",
            "return_code": 0,
            "content": [],
        },
    },
]
MCP = [
    {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "ask", "server_name": "wiki", "input": {}},
    {
        "type": "mcp_tool_result",
        "tool_use_id": "mcptoolu_1",
        "is_error": False,
        "content": [{"type": "text", "text": "r"}],
    },
]
CALLER = {**TOOL, "caller": {"type": "code_execution_20250825", "tool_id": "srvtoolu_2"}}
CONTAINER = {"id": "cont_1", "expires_at": "2026-01-01T00:00:00Z"}
REPLIES: dict[str, dict[str, Any]] = {
    "text": reply([TEXT]),
    "cache read and write": reply(
        [TEXT], usage=usage(cache_read_input_tokens=4, cache_creation_input_tokens=3, split=(3, 0))
    ),
    "1h cache write": reply([TEXT], usage=usage(cache_creation_input_tokens=75, split=(0, 75))),
    "generic write with a zero split": reply([TEXT], usage=usage(cache_creation_input_tokens=50)),
    "thinking tokens": reply(
        [THINK, TEXT], usage=usage(output_tokens_details={"thinking_tokens": 3})
    ),
    "tool use": reply([TEXT, TOOL], "tool_use"),
    "tool use alone": reply([{**TOOL, "input": {}}], "tool_use"),
    "redacted thinking": reply([{"type": "redacted_thinking", "data": "xx"}, TEXT]),
    "citations": reply([{"type": "text", "text": "The grass "}, CITED]),
    "web search": reply(SEARCH),
    "code execution in a container": reply([*CODE, TEXT], container=CONTAINER),
    "programmatic tool call": reply([*CODE, CALLER], "tool_use"),
    "remote MCP": reply([*MCP, TEXT]),
    "stop sequence": reply([TEXT], "stop_sequence", stop_sequence="END"),
    "max_tokens": reply([TEXT], "max_tokens"),
    "refusal": reply([TEXT], "refusal"),
    "pause_turn": reply(SEARCH[:1], "pause_turn"),
    "context management": reply([TEXT], context_management={"applied_edits": []}),
    "compaction": reply([{"type": "compaction", "content": "summary"}, TEXT]),
}


@pytest.mark.parametrize("data", REPLIES.values(), ids=list(REPLIES))
def test_reply_becomes_the_same_message(data: dict[str, Any]) -> None:
    theirs, ours = theirs_message(data), ours_message(data)
    assert without_nulls(ours.content) == without_nulls(theirs.content)
    assert ours.tool_calls == theirs.tool_calls
    assert ours.usage_metadata == theirs.usage_metadata
    assert metadata(ours) == metadata(theirs)
    assert without_nulls(ours.content_blocks) == without_nulls(theirs.content_blocks)


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
async def test_reply_through_a_call_becomes_the_same_message(path: str) -> None:
    data = REPLIES["programmatic tool call"]
    theirs, ours = theirs_message(data), await ours_called(data, path)
    assert (ours.content, ours.tool_calls, ours.usage_metadata) == (
        without_nulls(theirs.content),
        theirs.tool_calls,
        theirs.usage_metadata,
    )


def _sent_back(message: AIMessage) -> list[Any]:
    history: list[Any] = [HumanMessage("q"), message]
    answers = [ToolMessage("r", tool_call_id=c["id"]) for c in message.tool_calls]
    return history + (answers or [HumanMessage("more")])


@pytest.mark.parametrize("version", ["v0", "v1"])
@pytest.mark.parametrize("data", REPLIES.values(), ids=list(REPLIES))
def test_reply_sent_back_becomes_the_same_body(data: dict[str, Any], version: str) -> None:
    """Either model's message (a history saved from ChatAnthropic included) goes back the same."""
    for message in (theirs_message(data), ours_message(data)):
        if version == "v1":
            message = _update_message_content_to_blocks(message, "v1")
        history = _sent_back(message)
        assert ours_body(history) == theirs_body(history)


def _event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, **fields}


def events(blocks: list[dict[str, Any]], *deltas: list[dict[str, Any]], **end: Any) -> Any:
    """A stream: message_start, each block started (empty), its deltas, stopped; message_delta
    with the final usage (as the API sends it, input counts included) and ``end``."""
    start = reply([], usage=usage(output_tokens=1))
    out = [_event("message_start", message=start), _event("ping")]
    for index, (block, block_deltas) in enumerate(zip(blocks, deltas, strict=True)):
        out.append(_event("content_block_start", index=index, content_block=block))
        out += [_event("content_block_delta", index=index, delta=d) for d in block_deltas]
        out.append(_event("content_block_stop", index=index))
    delta = {"stop_reason": end.pop("stop", "end_turn"), "stop_sequence": None}
    out.append(_event("message_delta", delta=delta, usage=end.pop("usage", usage()), **end))
    return [*out, _event("message_stop")]


def _text(*parts: str) -> list[dict[str, Any]]:
    return [{"type": "text_delta", "text": p} for p in parts]


EMPTY_TEXT = {"type": "text", "text": ""}
STREAMS: dict[str, Any] = {
    "text": events([EMPTY_TEXT], _text("Hel", "lo")),
    "cache read": events([EMPTY_TEXT], _text("hi"), usage=usage(cache_read_input_tokens=25)),
    "tool call": events(
        [EMPTY_TEXT, {**TOOL, "input": {}}],
        _text("ok"),
        [
            {"type": "input_json_delta", "partial_json": '{"a":'},
            {"type": "input_json_delta", "partial_json": " 1}"},
        ],
        stop="tool_use",
    ),
    "context management": events(
        [EMPTY_TEXT], _text("a"), context_management={"applied_edits": []}
    ),
    "thinking": events(
        [{"type": "thinking", "thinking": "", "signature": ""}, EMPTY_TEXT],
        [
            {"type": "thinking_delta", "thinking": "Let me "},
            {"type": "thinking_delta", "thinking": "think."},
            {"type": "signature_delta", "signature": "sig"},
        ],
        _text("42"),
    ),
    "redacted thinking": events(
        [{"type": "redacted_thinking", "data": "xx"}, EMPTY_TEXT], [], _text("42")
    ),
    "citations": events(
        [EMPTY_TEXT, {"type": "text", "text": "", "citations": []}],
        _text("The grass "),
        [{"type": "citations_delta", "citation": CITED["citations"][0]}, *_text("is green")],
    ),
}


GET = {"name": "get", "description": "g", "input_schema": {"type": "object", "properties": {}}}
#: Each stream with tools bound (blocks stream as blocks), and the text-only ones also
#: without tools (text streams as a string).
TEXT_ONLY = ("text", "cache read", "context management")
CASES = {
    **{f"{name}, no tools": (stream, ()) for name, stream in STREAMS.items() if name in TEXT_ONLY},
    **{f"{name}, tools bound": (stream, (GET,)) for name, stream in STREAMS.items()},
}


@pytest.mark.parametrize("path", [p for p in PATHS if "stream" in p])
@pytest.mark.parametrize(("stream", "tools"), CASES.values(), ids=list(CASES))
async def test_stream_sums_to_the_same_message(stream: Any, tools: Any, path: str) -> None:
    """Text streams as a string without tools and as blocks with them, in both models."""
    theirs = theirs_streamed(stream, tools)
    ours = await ours_called({"events": stream}, path, tools)
    assert without_nulls(ours.content) == without_nulls(theirs.content)
    assert ours.tool_calls == theirs.tool_calls
    assert ours.usage_metadata == theirs.usage_metadata
    keys = ("stop_reason", "stop_sequence", "context_management", "model_name")
    assert {k: ours.response_metadata.get(k) for k in keys} == {
        k: theirs.response_metadata.get(k) for k in keys
    }
