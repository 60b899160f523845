"""Hypothesis: the converter and the SSE path succeed or raise only our documented errors."""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_cometapi import errors
from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi._wire.stream import StreamAssembler
from tests.helpers.responses import Recorder, model_with, sse, text_stream

# FUZZ_EXAMPLES=5000 for a deep run; the suite's default keeps it to a few seconds.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
block = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "text",
            "source",
            "image_url",
            "id",
            "name",
            "input",
            "cache_control",
            "thinking",
            "signature",
            "data",
            "url",
            "citations",
            "content",
        ]
    ),
    json_values
    | st.sampled_from(
        [
            "text",
            "image",
            "image_url",
            "tool_use",
            "thinking",
            "document",
            "tool_result",
            "file",
            "reasoning",
        ]
    ),
    max_size=5,
)
content = st.text(max_size=30) | st.lists(block | st.text(max_size=10), max_size=4)
message = st.one_of(
    st.builds(HumanMessage, content=content),
    st.builds(SystemMessage, content=content),
    st.builds(AIMessage, content=content),
    st.builds(ToolMessage, content=content, tool_call_id=st.text(min_size=1, max_size=8)),
)


@FAST
@given(st.lists(message, max_size=6))
@pytest.mark.filterwarnings("ignore:.*system message.*:UserWarning")
def test_converter_succeeds_or_value_error(messages: list[Any]) -> None:
    try:
        system, turns = convert_messages(messages)
    except ValueError:
        return
    json.dumps({"system": system, "messages": turns}, default=str)
    assert all(t["role"] in ("user", "assistant") for t in turns)


def _stream_bytes(chunks: list[bytes]) -> list[dict[str, Any]]:
    """Serve the chunks as one SSE response through the real client path (httpx2.EventSource)."""
    from langchain_cometapi._http.client import MessagesClient

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, content=iter(chunks), headers={"content-type": "text/event-stream"}
        )

    client = MessagesClient(
        api_key="sk-fuzz",
        base_url="http://fuzz",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    return list(client.stream({"model": "m", "max_tokens": 1, "messages": []}))


@FAST
@given(
    st.lists(
        st.binary(max_size=40)
        | st.sampled_from(
            [b"\n", b"\r", b"\r\n", b"\n\n", b"data: ", b"event: ping\n", b":c\n", b"data: {}\n\n"]
        ),
        max_size=30,
    )
)
def test_sse_path_never_crashes(chunks: list[bytes]) -> None:
    """Any bytes: events, or one of our documented errors; never another exception."""
    with contextlib.suppress(errors.CometAPIError):
        for event in _stream_bytes(chunks):
            assert isinstance(event, dict) and isinstance(event.get("type"), str)


@FAST
@given(
    st.lists(
        st.sampled_from(
            [sse(text_stream("héllo wörld, 你好"), pad=True), sse(text_stream("x" * 50))]
        ),
        min_size=1,
        max_size=1,
    ),
    st.integers(min_value=1, max_value=9),
)
def test_sse_path_split_invariant(raw: list[bytes], parts: int) -> None:
    """The events do not depend on where the byte stream was cut, even mid-character."""
    whole = _stream_bytes(raw)
    data = raw[0]
    step = max(1, len(data) // parts)
    pieces = [data[i : i + step] for i in range(0, len(data), step)]
    assert _stream_bytes(pieces) == whole


events = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                [
                    "message_start",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_stop",
                    "message_delta",
                    "ping",
                    "error",
                    "zzz",
                ]
            )
        },
        optional={
            "index": st.integers(-2, 5) | st.text(max_size=3),
            "delta": json_values,
            "content_block": json_values,
            "message": json_values,
            "usage": json_values,
            "error": json_values,
        },
    ),
    max_size=8,
)


@FAST
@given(events, st.booleans())
def test_stream_path_raises_only_documented_errors(evs: list[dict[str, Any]], stop: bool) -> None:
    body = sse(
        text_stream("hi", stop=False)[:1] + evs + ([{"type": "message_stop"}] if stop else [])
    )
    llm = model_with(
        Recorder(httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    )
    with contextlib.suppress(errors.CometAPIError, ValueError):
        list(llm.stream("hi"))


@FAST
@given(events)
def test_assembler_alone(evs: list[dict[str, Any]]) -> None:
    assembler = StreamAssembler(coerce_text=False)
    try:
        for event in evs:
            assembler.feed(event)
    except (errors.CometAPIError, ValueError):
        pass


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["id", "type", "content", "usage", "stop_reason", "model"]),
        json_values,
        max_size=6,
    )
)
def test_json_response_raises_only_documented_errors(data: dict[str, Any]) -> None:
    llm = model_with(Recorder(httpx2.Response(200, json=data)))
    with contextlib.suppress(errors.CometAPIError, ValueError):
        llm.invoke("hi")
