"""Hypothesis strategies of Messages API replies and of the SSE streams that carry them.

A reply is drawn as the API writes one (text with or without citations, thinking and
redacted thinking, client tool calls, a server tool call with its result, every stop reason,
usage with and without the cache fields); its stream is the same content cut into arbitrary
deltas, with pings and event types this client does not know yet (the API adds some) in
between. Used by tests/unit/chat_model/test_generated_replies.py.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import strategies as st

CITATION = {
    "type": "char_location",
    "cited_text": "The grass is green.",
    "document_index": 0,
    "document_title": "Doc",
    "start_char_index": 0,
    "end_char_index": 19,
}
TEXTS = ["Hello", "The grass is green.", " spaced ", "déjà vu", "line\nbreak", "42"]
ARGS = [{}, {"city": "Paris"}, {"q": "x y", "n": 2, "deep": {"list": [1, "é"]}}]


def _text(text: str, cited: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": text}
    if cited:
        block["citations"] = [CITATION]
    return block


texts = st.builds(_text, st.sampled_from(TEXTS), st.booleans())
thinking = st.sampled_from(["Let me think.", "Step 1: x.\nStep 2: y."]).map(
    lambda t: {"type": "thinking", "thinking": t, "signature": "EqQBCkYIBRgCKkA="}
)
REDACTED = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3"}
SERVER = [
    {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
     "input": {"query": "grass colour"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01",
     "content": [{"type": "web_search_result", "url": "https://example.com", "title": "Grass",
                  "encrypted_content": "EqgC", "page_age": None}]},
]  # fmt: skip


#: Other server tools' calls and results, as the API returns them (each needs its tool bound).
OTHER_SERVER = [
    [{"type": "server_tool_use", "id": "srvtoolu_02", "name": "web_fetch",
      "input": {"url": "https://example.com"}},
     {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_02",
      "content": {"type": "web_fetch_result", "url": "https://example.com",
                  "retrieved_at": "2025-01-01T00:00:00Z",
                  "content": {"type": "document", "source": {"type": "text",
                              "media_type": "text/plain", "data": "page"}}}}],
    [{"type": "server_tool_use", "id": "srvtoolu_03", "name": "code_execution",
      "input": {"code": "print(1)"}},
     {"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_03",
      "content": {"type": "code_execution_result", "stdout": "1\n", "stderr": "",
                  "return_code": 0, "content": []}}],
]  # fmt: skip


@st.composite
def reply_content(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str]:
    """(content blocks, stop reason): thinking first, then text and server tool blocks, then
    client tool calls (as Claude orders them)."""
    content: list[dict[str, Any]] = []
    if draw(st.booleans()):
        content.append(draw(st.one_of(thinking, st.just(REDACTED))))
    if draw(st.integers(0, 3)) == 0:
        content.extend(draw(st.sampled_from([SERVER, *OTHER_SERVER])))
    content.extend(draw(st.lists(texts, max_size=3)))
    calls = draw(st.integers(0, 2))
    for i in range(calls):
        content.append({"type": "tool_use", "id": f"toolu_0{i}", "name": f"tool_{i}",
                        "input": draw(st.sampled_from(ARGS))})  # fmt: skip
    stops = (
        ["tool_use"]
        if calls
        else [
            "end_turn",
            "max_tokens",
            "stop_sequence",
            "refusal",
            "pause_turn",
            "model_context_window_exceeded",
        ]
    )
    return content, draw(st.sampled_from(stops))


@st.composite
def usages(draw: st.DrawFn) -> dict[str, Any]:
    usage: dict[str, Any] = {"input_tokens": draw(st.integers(1, 5000)),
                             "output_tokens": draw(st.integers(1, 900))}  # fmt: skip
    if draw(st.booleans()):
        five, hour = draw(st.integers(0, 3000)), draw(st.integers(0, 3000))
        usage["cache_read_input_tokens"] = draw(st.integers(0, 9000))
        usage["cache_creation_input_tokens"] = five + hour
        if draw(st.booleans()):
            usage["cache_creation"] = {"ephemeral_5m_input_tokens": five,
                                       "ephemeral_1h_input_tokens": hour}  # fmt: skip
    return usage


@st.composite
def replies(draw: st.DrawFn) -> dict[str, Any]:
    content, stop = draw(reply_content())
    return {
        "id": "msg_01Gen",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": "STOP" if stop == "stop_sequence" else None,
        "usage": draw(usages()),
    }


def _cut(draw: st.DrawFn, text: str) -> list[str]:
    """``text`` in arbitrary consecutive pieces (at least one, possibly empty)."""
    points = sorted(draw(st.sets(st.integers(0, len(text)), max_size=4)))
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)] or [""]


def _block_events(draw: st.DrawFn, index: int, block: dict[str, Any]) -> list[dict[str, Any]]:
    kind = block["type"]
    deltas: list[dict[str, Any]] = []
    start = dict(block)
    if kind == "text":
        start = {"type": "text", "text": ""}
        if "citations" in block:
            start["citations"] = []
            deltas += [{"type": "citations_delta", "citation": c} for c in block["citations"]]
        deltas += [{"type": "text_delta", "text": p} for p in _cut(draw, block["text"])]
    elif kind == "thinking":
        start = {"type": "thinking", "thinking": "", "signature": ""}
        deltas += [{"type": "thinking_delta", "thinking": p} for p in _cut(draw, block["thinking"])]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    elif kind in ("tool_use", "server_tool_use"):
        start = {**block, "input": {}}
        raw = json.dumps(block["input"]) if block["input"] else ""
        deltas += [{"type": "input_json_delta", "partial_json": p} for p in _cut(draw, raw)]
    events = [{"type": "content_block_start", "index": index, "content_block": start}]
    events += [{"type": "content_block_delta", "index": index, "delta": d} for d in deltas]
    return [*events, {"type": "content_block_stop", "index": index}]


NOISE = [{"type": "ping"}, {"type": "future_event", "detail": {"x": 1}}]


@st.composite
def streams(draw: st.DrawFn, reply: dict[str, Any], full_final_usage: bool) -> list[Any]:
    """The SSE events of ``reply``: message_start with the input counts, each block cut into
    deltas, pings and unknown events anywhere between, message_delta with the final usage
    (every count when ``full_final_usage``, as the API sends it; else only ``output_tokens``,
    as some gateways do), message_stop."""
    usage = reply["usage"]
    start = {**reply, "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {**usage, "output_tokens": 1}}  # fmt: skip
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(reply["content"]):
        events += _block_events(draw, index, block)
    final = usage if full_final_usage else {"output_tokens": usage["output_tokens"]}
    delta = {"stop_reason": reply["stop_reason"], "stop_sequence": reply["stop_sequence"]}
    events.append({"type": "message_delta", "delta": delta, "usage": final})
    noisy: list[dict[str, Any]] = [events[0]]
    for event in events[1:]:
        noisy += [*draw(st.lists(st.sampled_from(NOISE), max_size=1)), event]
    return [*noisy, {"type": "message_stop"}]
