"""The transport's stream edge cases, on both paths (stream and astream).

What a proxy may do to a stream request: answer JSON instead (the message is replayed as the
event sequence it stands for), send an error status with an event-stream content type, bytes
that are not UTF-8, pings with odd data, events whose type is only in the event name; and what
the network may do: fail before the first event, stall mid-stream.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest

from langchain_cometapi import errors
from langchain_cometapi._http.client import MessagesClient, events_from_message
from tests.helpers.responses import (
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse,
    text_stream,
)

STREAMS = ["stream", "astream"]
BODY = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [
    {"role": "user", "content": "hi"}]}

RICH = message(
    [
        {"type": "thinking", "thinking": "let me see", "signature": "sig-1"},
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": "gnomon"}},
    ],
    cache_read_input_tokens=100,
    cache_creation_input_tokens=20,
)
RICH["stop_reason"] = "tool_use"
RICH["stop_sequence"] = None
RICH["usage"]["output_tokens"] = 42


def _reassemble(events: list[dict[str, Any]]) -> dict[str, Any]:
    """A minimal reference accumulator of Messages events (whole blocks, no deltas)."""
    assert events[0]["type"] == "message_start" and events[-1] == {"type": "message_stop"}
    out = dict(events[0]["message"])
    out["usage"] = dict(out["usage"])
    for event in events[1:-1]:
        if event["type"] == "content_block_start":
            assert event["index"] == len(out["content"])
            out["content"] = [*out["content"], event["content_block"]]
        elif event["type"] == "message_delta":
            out.update(event["delta"])
            out["usage"].update(event["usage"])
    return out


def test_a_message_replayed_as_events_is_the_same_message() -> None:
    events = events_from_message(RICH)
    assert [e["type"] for e in events] == [
        "message_start",
        *["content_block_start", "content_block_stop"] * 3,
        "message_delta",
        "message_stop",
    ]
    assert events[0]["message"]["content"] == []
    assert "stop_reason" not in events[0]["message"]
    assert [e["index"] for e in events if e["type"] == "content_block_stop"] == [0, 1, 2]
    assert _reassemble(events) == RICH


@pytest.mark.parametrize("path", STREAMS)
async def test_json_answer_to_a_stream_request_streams_the_same_message(path: str) -> None:
    invoked = await call(model_with(Recorder(json_response(RICH))), "invoke")
    streamed = await call(model_with(Recorder(json_response(RICH))), path)
    assert streamed.text == invoked.text == "Checking."
    thinking = [b for b in streamed.content if isinstance(b, dict) and b["type"] == "thinking"]
    assert [(b["thinking"], b["signature"]) for b in thinking] == [("let me see", "sig-1")]
    assert streamed.tool_calls == invoked.tool_calls
    assert [c["name"] for c in streamed.tool_calls] == ["lookup"]
    assert streamed.usage_metadata == invoked.usage_metadata
    for key in ("id", "model_name", "stop_reason"):
        assert streamed.response_metadata[key] == invoked.response_metadata[key], key


# -- the transport on its own ---------------------------------------------------------------
def _client(handler: Any, **kw: Any) -> MessagesClient:
    transport = httpx2.MockTransport(handler)
    return MessagesClient(
        api_key="sk-stream-test-0123456789",
        base_url="http://stream.invalid",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
        **kw,
    )


async def _events(client: MessagesClient, path: str) -> list[dict[str, Any]]:
    if path == "stream":
        return list(client.stream(BODY))
    return [event async for event in client.astream(BODY)]


def _sse(raw: bytes, status: int = 200, **headers: str) -> httpx2.Response:
    return httpx2.Response(
        status, content=raw, headers={"content-type": "text/event-stream", **headers}
    )


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize(
    ("status", "cls"), [(400, errors.BadRequestError), (401, errors.AuthenticationError)]
)
async def test_error_status_is_an_error_whatever_the_content_type(
    path: str, status: int, cls: type
) -> None:
    body = json.dumps({"type": "error", "error": {"type": "x", "message": "nope"}}).encode()
    client = _client(lambda request: _sse(body, status, **{"request-id": "req_s"}))
    with pytest.raises(cls, match="nope") as info:
        await _events(client, path)
    assert info.value.request_id == "req_s"


@pytest.mark.parametrize("path", STREAMS)
async def test_bytes_that_are_not_utf8_are_replaced_not_fatal(path: str) -> None:
    gateway = httpx2.Response(502, content=b"<html>bad \xff\xfe gateway</html>",
                              headers={"content-type": "text/html"})
    with pytest.raises(errors.InternalServerError, match="gateway"):
        await _events(_client(lambda request: gateway), path)
    raw = json.dumps(message([{"type": "text", "text": "AB"}])).encode().replace(b"AB", b"A\xffB")
    answer = httpx2.Response(200, content=raw, headers={"content-type": "application/json"})
    events = await _events(_client(lambda request: answer), path)
    assert events[1]["content_block"]["text"] == "A\ufffdB"


@pytest.mark.parametrize("path", STREAMS)
async def test_response_headers_reach_the_caller(path: str) -> None:
    """The planner's clock reads the server's Date from them."""
    date = "Mon, 30 Nov 2026 06:00:00 GMT"
    client = _client(lambda request: _sse(sse(text_stream("x")), date=date))
    if path == "stream":
        opened = client.stream(BODY)
        events = list(opened)
    else:
        opened = client.astream(BODY)
        events = [event async for event in opened]
    assert events and opened.headers["date"] == date


@pytest.mark.parametrize("path", STREAMS)
async def test_pings_are_dropped_whatever_their_data(path: str) -> None:
    events = text_stream("hello")
    raw = b"event: ping\ndata: keep-alive\n\n" + sse(events) + b"event: ping\ndata: \n\n"
    got = await _events(_client(lambda request: _sse(raw)), path)
    assert [e["type"] for e in got] == [e["type"] for e in events if e["type"] != "ping"]


@pytest.mark.parametrize("path", STREAMS)
async def test_event_type_taken_from_the_event_name(path: str) -> None:
    events = [e for e in text_stream("hey") if e["type"] != "ping"]
    raw = "".join(
        f"event: {e['type']}\ndata: {json.dumps({k: v for k, v in e.items() if k != 'type'})}\n\n"
        for e in events
    ).encode()
    got = await _events(_client(lambda request: _sse(raw)), path)
    assert got == events


@pytest.mark.parametrize("path", STREAMS)
async def test_malformed_event_names_its_request(path: str) -> None:
    raw = sse(text_stream("x")[:2]) + b"event: content_block_start\ndata: {oops\n\n"
    client = _client(lambda request: _sse(raw, **{"request-id": "req_m"}))
    with pytest.raises(errors.StreamError, match="malformed") as info:
        await _events(client, path)
    assert info.value.request_id == "req_m"


@pytest.mark.parametrize("path", STREAMS)
async def test_empty_stream_is_an_error(path: str) -> None:
    with pytest.raises(errors.StreamError, match="before any event"):
        await _events(_client(lambda request: _sse(b"")), path)


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        (httpx2.ConnectTimeout, errors.APITimeoutError),
        (httpx2.ConnectError, errors.APIConnectionError),
    ],
)
async def test_connection_failure_keeps_its_kind_and_text(
    path: str, fault: type[Exception], cls: type
) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise fault("the far end said no 4711", request=request)  # type: ignore[call-arg]

    with pytest.raises(cls, match="4711") as info:
        await _events(_client(handler), path)
    assert "http://stream.invalid/v1/messages" in str(info.value)


class _Failing(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body that yields ``head`` and then fails with ``fault``."""

    def __init__(self, head: bytes, fault: Exception) -> None:
        self.head, self.fault = head, fault

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            yield self.head
        raise self.fault

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            yield self.head
        raise self.fault


@pytest.mark.parametrize("path", STREAMS)
async def test_failure_before_the_first_event_keeps_its_text(path: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        fault = httpx2.ReadError("peer reset 4712", request=request)
        return httpx2.Response(200, stream=_Failing(b"", fault),
                               headers={"content-type": "text/event-stream"})

    with pytest.raises(errors.APIConnectionError, match="4712") as info:
        await _events(_client(handler), path)
    assert "http://stream.invalid/v1/messages" in str(info.value)


@pytest.mark.parametrize("path", STREAMS)
async def test_stall_mid_stream_is_a_stream_timeout_with_its_text(path: str) -> None:
    head = sse(text_stream("partial", stop=False)[:4])

    def handler(request: httpx2.Request) -> httpx2.Response:
        fault = httpx2.ReadTimeout("stalled 4713", request=request)
        return httpx2.Response(200, stream=_Failing(head, fault),
                               headers={"content-type": "text/event-stream"})

    with pytest.raises(errors.StreamTimeoutError, match="4713") as info:
        await _events(_client(handler), path)
    assert "http://stream.invalid/v1/messages" in str(info.value)


# -- how a stream ends without message_stop -------------------------------------------------------
KEY = "sk-stream-test-0123456789"


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize(
    "tail",
    [
        {"type": "error", "error": {"type": "overloaded_error", "message": f"gone 4714 {KEY}"}},
        {"error": {"type": "overloaded_error", "message": f"gone 4714 {KEY}"}},
    ],
    ids=["typed", "untyped"],
)
async def test_a_bare_error_object_at_the_end_is_that_error(
    path: str, tail: dict[str, Any]
) -> None:
    """Some gateways end a broken stream with a plain JSON error line instead of an event."""
    raw = sse(text_stream("partial", stop=False)[:4]) + b"\n" + json.dumps(tail).encode() + b"\n"
    client = _client(lambda request: _sse(raw, **{"request-id": "req_t"}))
    with pytest.raises(errors.StreamError, match="gone 4714") as info:
        await _events(client, path)
    assert info.value.error_type == "overloaded_error"
    assert info.value.request_id == "req_t"
    assert KEY not in str(info.value)


@pytest.mark.parametrize("path", STREAMS)
async def test_a_stream_without_any_delta_points_at_the_gateway(path: str) -> None:
    no_delta = [e for e in text_stream("x", stop=False) if e["type"] != "message_delta"]
    client = _client(lambda request: _sse(sse(no_delta)))
    with pytest.raises(errors.StreamError, match="before message_stop") as info:
        await _events(client, path)
    assert "use a non-streaming call (streaming=False)" in str(info.value)

    with_delta = _client(lambda request: _sse(sse(text_stream("x", stop=False))))
    with pytest.raises(errors.StreamError, match="before message_stop") as plain:
        await _events(with_delta, path)
    assert "streaming=False" not in str(plain.value)


@pytest.mark.parametrize("path", STREAMS)
async def test_an_oversized_event_is_an_unusable_stream(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_cometapi._http import sse as sse_module

    monkeypatch.setattr(sse_module, "MAX_EVENT_BYTES", 64)
    raw = sse([text_stream("x")[0]]) + b"event: ping\ndata: " + b"x" * 200 + b"\n\n"
    with pytest.raises(errors.StreamError, match="exceeded the 64 byte limit"):
        await _events(_client(lambda request: _sse(raw)), path)


@pytest.mark.parametrize("path", STREAMS)
async def test_an_oversized_json_answer_to_a_stream_request_is_refused(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_cometapi._http import body as body_module

    monkeypatch.setattr(body_module, "MAX_BODY_BYTES", 100)
    with pytest.raises(errors.CometAPIError):
        await _events(_client(lambda request: json_response(RICH)), path)


@pytest.mark.parametrize("path", STREAMS)
@pytest.mark.parametrize("status", [300, 307])
async def test_redirects_are_never_followed(path: str, status: int) -> None:
    """The key would go wherever the redirect points."""
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        if request.url.host == "elsewhere.invalid":
            return _sse(sse(text_stream("followed")))
        return httpx2.Response(
            status,
            content=sse(text_stream("redirect body")),
            headers={"location": "http://elsewhere.invalid/v1/messages",
                     "content-type": "text/event-stream"},
        )

    with pytest.raises(errors.CometAPIError):
        await _events(_client(handler), path)
    assert seen == ["http://stream.invalid/v1/messages"]


def test_a_message_without_output_count_replays_with_zero() -> None:
    bare = message()
    del bare["usage"]["output_tokens"]
    bare["stop_reason"], bare["stop_sequence"] = "stop_sequence", "END"
    delta = events_from_message(bare)[-2]
    assert delta == {
        "type": "message_delta",
        "delta": {"stop_reason": "stop_sequence", "stop_sequence": "END"},
        "usage": {"output_tokens": 0},
    }


@pytest.mark.parametrize("path", STREAMS)
async def test_an_error_event_without_an_event_name_is_still_an_error(path: str) -> None:
    error = {"type": "error", "error": {"type": "api_error", "message": "unnamed 4716"}}
    raw = sse(text_stream("x", stop=False)[:3]) + f"data: {json.dumps(error)}\n\n".encode()
    with pytest.raises(errors.StreamError, match="unnamed 4716"):
        await _events(_client(lambda request: _sse(raw)), path)


class _Pings(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """message_start, then only pings, each after ``gap`` seconds."""

    def __init__(self, gap: float, count: int) -> None:
        self.gap, self.count = gap, count

    def __iter__(self) -> Iterator[bytes]:
        import time

        yield sse(text_stream("x")[:1])
        for _ in range(self.count):
            time.sleep(self.gap)
            yield b"event: ping\ndata: {\"type\": \"ping\"}\n\n"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import asyncio

        yield sse(text_stream("x")[:1])
        for _ in range(self.count):
            await asyncio.sleep(self.gap)
            yield b"event: ping\ndata: {\"type\": \"ping\"}\n\n"


@pytest.mark.parametrize("path", STREAMS)
async def test_a_stream_of_only_pings_stalls(path: str) -> None:
    """Pings keep a connection busy but bring no reply: past the timeout it is a stall."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, stream=_Pings(0.06, 6),
                               headers={"content-type": "text/event-stream"})

    with pytest.raises(errors.StreamTimeoutError, match="pings") as info:
        await _events(_client(handler, timeout=0.1), path)
    assert "http://stream.invalid/v1/messages" in str(info.value)


@pytest.mark.parametrize("path", STREAMS)
async def test_json_answer_without_content_type(path: str) -> None:
    raw = json.dumps(message([{"type": "text", "text": "plain"}])).encode()
    events = await _events(_client(lambda request: httpx2.Response(200, content=raw)), path)
    assert events[1]["content_block"]["text"] == "plain"


@pytest.mark.parametrize("path", STREAMS)
async def test_a_ping_typed_only_in_its_data_is_dropped(path: str) -> None:
    raw = sse(text_stream("x")[:2]) + b'data: {"type": "ping"}\n\n' + sse(text_stream("x")[2:])
    got = await _events(_client(lambda request: _sse(raw)), path)
    assert "ping" not in [e["type"] for e in got]
