"""What the new-api gateway family really sends (issue 11 items 15-18), over a raw loopback
server, sync and async: restarted streams, raw JSON errors after the last event, request ids in
headers and messages, OpenAI-shaped errors, odd usage and tool-block shapes of converted channels.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import (
    MODES,
    PATH_IDS,
    PATHS,
    answer,
    call,
    event,
    json_reply,
    no_sleep,
    per_path,
    response,
    serving,
)
from tests.helpers.hostile import sse_head as head
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-gateway-0123456789"


def _llm(url: str, **kw: Any) -> ChatCometAPI:
    kw.setdefault("prompt_cache", "off")
    kw.setdefault("max_retries", 0)
    return no_sleep(ChatCometAPI(base_url=url, api_key=KEY, **kw))


def _sse(
    events: list[dict[str, Any]], tail: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    return head(headers) + b"".join(event(e) for e in events) + tail


def _stream_message(mode: str, llm: ChatCometAPI) -> AIMessageChunk:
    """The summed stream (the whole reply as the stream delivered it)."""

    async def run() -> AIMessageChunk:
        total: AIMessageChunk | None = None
        async for chunk in llm.astream("hi"):
            total = chunk if total is None else total + chunk  # type: ignore[assignment]
        assert total is not None
        return total

    if mode == "async":
        return asyncio.run(run())
    total: AIMessageChunk | None = None
    for chunk in llm.stream("hi"):
        total = chunk if total is None else total + chunk  # type: ignore[assignment]
    assert total is not None
    return total


def _with_id(events: list[dict[str, Any]], msg_id: str) -> list[dict[str, Any]]:
    events = json.loads(json.dumps(events))
    events[0]["message"]["id"] = msg_id
    return events


# -- 15: a second message_start in the same response --
@pytest.mark.parametrize("mode", MODES)
def test_a_restarted_stream_is_never_merged(mode: str) -> None:
    first = _with_id(text_stream("Partial", stop=False), "msg_first")[:-2]  # no stop, no delta
    second = _with_id(text_stream("Full answer."), "msg_second")
    raises = pytest.raises(errors.StreamError, match="restarted the stream")
    with serving(answer(_sse(first + second))) as srv, raises:
        call(_llm(srv.base_url), mode, stream=True)


@pytest.mark.parametrize("mode", MODES)
def test_a_restart_before_any_content_takes_the_second_message(mode: str) -> None:
    first = _with_id(text_stream("x"), "msg_first")[:2]  # message_start and a ping only
    second = _with_id(text_stream("Full answer."), "msg_second")
    with serving(answer(_sse(first + second))) as srv:
        total = _stream_message(mode, _llm(srv.base_url))
    assert total.text == "Full answer."
    assert total.id == "msg_second"


# -- 16: a raw JSON error after the last event --
@pytest.mark.parametrize("mode", MODES)
def test_raw_json_error_after_the_last_event_is_surfaced(mode: str) -> None:
    events = text_stream("Half an ans", stop=False)[:-2]
    raw = json.dumps(
        {
            "error": {
                "type": "overloaded_error",
                "message": "upstream overloaded (request id: rq_77)",
            }
        }
    ).encode()
    raises = pytest.raises(errors.StreamError)
    with serving(answer(_sse(events, tail=raw))) as srv, raises as info:
        call(_llm(srv.base_url), mode, stream=True)
    assert info.value.error_type == "overloaded_error"
    assert "upstream overloaded" in str(info.value)
    assert not isinstance(info.value, errors.StreamInterruptedError)  # not a network cut
    assert info.value.request_id == "rq_77"


@pytest.mark.parametrize("mode", MODES)
def test_raw_json_error_of_chained_gateways_carries_the_outer_request_id(mode: str) -> None:
    """new-api relaying another new-api's error appends its own id after the upstream's."""
    events = text_stream("Half an ans", stop=False)[:-2]
    message = "overloaded (request id: inner_1) (request id: outer_2)"
    raw = json.dumps({"type": "error", "error": {"type": "<nil>", "message": message}})
    raises = pytest.raises(errors.StreamError)
    with serving(answer(_sse(events, tail=raw.encode()))) as srv, raises as info:
        call(_llm(srv.base_url), mode, stream=True)
    assert info.value.request_id == "outer_2"


@pytest.mark.parametrize("mode", MODES)
def test_raw_json_error_before_any_event_is_retried(mode: str) -> None:
    raw = b'{"error":{"type":"overloaded_error","message":"busy"}}'
    raises = pytest.raises(errors.StreamError, match="busy")
    with serving(answer(head() + raw)) as srv, raises:
        call(_llm(srv.base_url, max_retries=2), mode, stream=True)
    assert len(srv.requests) == 3


# -- 17: request ids --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    ("headers", "text", "expected"),
    [
        ({"X-Oneapi-Request-Id": "oneapi_1"}, "bad", "oneapi_1"),
        ({"request-id": "req_anthropic"}, "bad", "req_anthropic"),
        ({}, "bad thing (request id: 2026113005463112345)", "2026113005463112345"),
        # a gateway in front of another new-api: each appends its id, the outermost last
        ({}, "bad (request id: upstream_7) (request id: 2026120801000054321)",
         "2026120801000054321"),
    ],
    ids=["x-oneapi", "request-id", "in_message", "chained_gateways"],
)
def test_every_error_carries_the_request_id(
    mode: str, stream: bool, headers: dict[str, str], text: str, expected: str
) -> None:
    body = {"error": {"message": text, "type": "new_api_error"}}
    raises = pytest.raises(errors.BadRequestError)
    with serving(answer(json_reply(body, 400, headers))) as srv, raises as info:
        call(_llm(srv.base_url), mode, stream=stream)
    assert info.value.request_id == expected


@pytest.mark.parametrize("mode", MODES)
def test_stream_error_event_carries_the_oneapi_request_id(mode: str) -> None:
    events = text_stream("x", stop=False)[:2]
    bad = {"type": "error", "error": {"type": "api_error", "message": "boom"}}
    raises = pytest.raises(errors.StreamError)
    with (
        serving(answer(_sse([*events, bad], headers={"X-Oneapi-Request-Id": "one_9"}))) as srv,
        raises as info,
    ):
        call(_llm(srv.base_url), mode, stream=True)
    assert info.value.request_id == "one_9"


# -- 18: shapes to keep handling --
NEW_API_ERRORS = [
    (401, {"error": {"message": "无效的令牌 (request id: r1)", "type": "new_api_error"}},
     errors.AuthenticationError),
    (503, {"error": {"message": "当前分组 default 下对于模型 claude-x 无可用渠道 (request id: r2)",
                     "type": "new_api_error", "code": "model_not_found"}},
     errors.InternalServerError),
    (429, {"error": {"message": "您的请求过于频繁 (request id: r3)", "type": "new_api_error",
                     "code": "rate_limit_exceeded"}},
     errors.RateLimitError),
    (429, "", errors.RateLimitError),
    (400, {"error": {"message": "bad", "type": "<nil>", "code": "<nil>"}}, errors.BadRequestError),
]  # fmt: skip


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(("status", "body", "cls"), NEW_API_ERRORS, ids=lambda v: str(v)[:12])
def test_openai_shaped_errors_on_messages(
    mode: str, stream: bool, status: int, body: Any, cls: type[Exception]
) -> None:
    payload = (
        json_reply(body, status) if body else response(status, b"", {"Content-Type": "text/plain"})
    )
    raises = pytest.raises(cls)
    with serving(answer(payload)) as srv, raises as info:
        call(_llm(srv.base_url, max_retries=1), mode, stream=stream)
    exc = info.value
    assert isinstance(exc, errors.APIStatusError) and exc.status_code == status
    assert exc.error_type != "<nil>" and exc.error_code != "<nil>"
    retried = status in (429, 503)
    assert len(srv.requests) == (2 if retried else 1)
    if body:
        assert exc.request_id is not None or status == 400
    else:
        assert "empty body" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_500_labelled_event_stream_with_a_json_body(mode: str) -> None:
    body = json.dumps({"error": {"type": "api_error", "message": "upstream exploded"}})
    payload = response(500, body, {"Content-Type": "text/event-stream"})
    raises = pytest.raises(errors.InternalServerError, match="upstream exploded")
    with serving(answer(payload)) as srv, raises:
        call(_llm(srv.base_url), mode, stream=True)


def _usage_events(delta_usage: dict[str, Any], start_usage: dict[str, Any]) -> list[dict[str, Any]]:
    events = text_stream("usage")
    events[0]["message"]["usage"] = start_usage
    events[-2]["usage"] = delta_usage
    return events


@pytest.mark.parametrize("mode", MODES)
def test_message_delta_repeating_counts_overwrites(mode: str) -> None:
    start = {"input_tokens": 100, "cache_read_input_tokens": 50, "output_tokens": 1}
    delta = {"input_tokens": 100, "cache_read_input_tokens": 50, "output_tokens": 9}
    delta |= {"claude_cache_creation_5_m_tokens": 3, "billing_usage": {"total": {"x": 1}}}
    with serving(answer(_sse(_usage_events(delta, start)))) as srv:
        total = _stream_message(mode, _llm(srv.base_url))
    usage = total.usage_metadata
    assert usage is not None
    assert usage["output_tokens"] == 9
    assert usage["input_tokens"] == 150  # 100 uncached + 50 read, not doubled
    assert usage.get("input_token_details", {}).get("cache_read") == 50


@pytest.mark.parametrize("mode", MODES)
def test_converted_channel_ids_and_no_message_delta(mode: str) -> None:
    events = [e for e in text_stream("converted") if e["type"] != "message_delta"]
    events = _with_id(events, "chatcmpl-abc123")
    with serving(answer(_sse(events))) as srv:
        total = _stream_message(mode, _llm(srv.base_url))
    assert total.text == "converted" and total.id == "chatcmpl-abc123"


def _tool_events(restart_index: bool, close: bool, empty_input: bool) -> list[dict[str, Any]]:
    start = text_stream("x")[0]
    out: list[dict[str, Any]] = [start]
    for n, name in enumerate(["get_weather", "get_time"]):
        index = 0 if restart_index else n
        block = {
            "type": "tool_use",
            "id": f"toolu_{n}",
            "name": name,
            "input": "" if empty_input else {},
        }
        out.append({"type": "content_block_start", "index": index, "content_block": block})
        piece = {"type": "input_json_delta", "partial_json": f'{{"n": {n}}}'}
        out.append({"type": "content_block_delta", "index": index, "delta": piece})
        if close or restart_index:
            out.append({"type": "content_block_stop", "index": index})
    out.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 5},
        }
    )
    out.append({"type": "message_stop"})
    return out


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("restart_index", "close", "empty_input"),
    [(True, True, False), (False, False, False), (False, True, True)],
    ids=["index_restarts", "never_closed", "input_empty_string"],
)
def test_tool_block_shapes_of_converted_channels(
    mode: str, restart_index: bool, close: bool, empty_input: bool
) -> None:
    with serving(answer(_sse(_tool_events(restart_index, close, empty_input)))) as srv:
        total = _stream_message(mode, _llm(srv.base_url))
    calls = [(c["name"], c["args"]) for c in total.tool_calls]
    assert calls == [("get_weather", {"n": 0}), ("get_time", {"n": 1})]


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_never_closed_by_the_channel_says_so(mode: str) -> None:
    events = text_stream("no usage ever", stop=False)[:-2]  # no message_delta, no message_stop
    raises = pytest.raises(errors.StreamError, match="non-streaming call")
    with serving(answer(_sse(events))) as srv, raises:
        call(_llm(srv.base_url), mode, stream=True)


@pytest.mark.parametrize("mode", MODES)
def test_converted_first_text_delta_without_index_or_delta_type(mode: str) -> None:
    """StreamResponseOpenAI2Claude sends its first text delta with no index and typed "text":
    it belongs to the text block just started, and the reply stays plain text."""
    events = text_stream("Hello there")
    events[3] = {"type": "content_block_delta", "delta": {"type": "text", "text": "Hell"}}
    with serving(answer(_sse(events))) as srv:
        total = _stream_message(mode, _llm(srv.base_url))
    assert total.content == "Hello there"


def _tool_reply(tool_input: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    block = {"type": "tool_use", "id": "call_1", "name": "lookup", "input": tool_input}
    reply = message([{"type": "text", "text": "Looking."}, block])
    reply["stop_reason"] = "tool_use"
    start = message([])
    events = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": block},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {}},
        {"type": "message_stop"},
    ]
    return reply, events


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_converted_tool_input_given_as_json_text(mode: str, stream: bool) -> None:
    """ResponseOpenAI2Claude puts arguments it could not parse in ``input`` as a string; other
    converters pass JSON text. JSON text of an object is that object, on every path."""
    reply, events = _tool_reply('{"q": "gnomon"}')
    handler = per_path(json_reply(reply), head() + b"".join(event(e) for e in events))
    with serving(handler) as srv:
        llm = _llm(srv.base_url)
        if stream:
            calls = _stream_message(mode, llm).tool_calls
        else:
            got = llm.invoke("hi") if mode == "sync" else asyncio.run(llm.ainvoke("hi"))
            calls = got.tool_calls  # type: ignore[attr-defined]
    assert [(c["name"], c["args"]) for c in calls] == [("lookup", {"q": "gnomon"})]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tool_input", ["{not json", [1, 2]], ids=["garbage", "list"])
def test_converted_tool_input_that_is_no_object_keeps_the_reply(mode: str, tool_input: Any) -> None:
    """Arguments that are no JSON object: an invalid tool call, the rest of the reply kept
    (it was an InvalidResponseError quoting a pydantic error, losing the reply)."""
    reply, _ = _tool_reply(tool_input)
    with serving(answer(json_reply(reply))) as srv:
        llm = _llm(srv.base_url)
        got = llm.invoke("hi") if mode == "sync" else asyncio.run(llm.ainvoke("hi"))
    assert got.tool_calls == [] and "Looking." in got.text
    (bad,) = got.invalid_tool_calls
    raw = tool_input if isinstance(tool_input, str) else json.dumps(tool_input)
    assert (bad["id"], bad["name"], bad["args"]) == ("call_1", "lookup", raw)
