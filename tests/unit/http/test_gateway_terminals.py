"""How the new-api gateway family ends or replaces a Claude stream, read at its source
(relay/helper, controller/relay.go, types/error.go), over a raw loopback server on every call
path: its relay-failure chunk and ``data: [DONE]``, an empty stream, ``: PING`` comments and its
extra blank lines, 1xx keep-alives before the answer, an error inside a 200, its request id next
to the upstream's, and an OpenAI-shaped answer where a Messages one was expected.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import (
    MODES,
    PATH_IDS,
    PATHS,
    answer,
    event,
    json_reply,
    outcome,
    per_path,
    serving,
    sse_head,
)
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

EVENTS = text_stream("Hello there")
JSON_OK = json_reply(message())

# EmitRelayFailureTerminal: an OpenAI-style chunk with an error, then [DONE] (no message_stop)
RELAY_FAILURE = (
    b'data: {"id":"relay-error-timeout","object":"chat.completion.chunk","choices":[],'
    b'"error":{"message":"stream relay failure: timeout: upstream idle","type":'
    b'"relay_stream_error","code":"upstream_stream_failure_timeout","param":null}}\n\n'
    b"data: [DONE]\n\n"
)


def _sse(events: list[dict[str, Any]], tail: bytes = b"") -> bytes:
    return sse_head() + b"".join(event(e) for e in events) + tail


@pytest.mark.parametrize("mode", MODES)
def test_relay_failure_chunk_mid_stream_is_that_error(mode: str) -> None:
    handler = per_path(JSON_OK, _sse(EVENTS[:-2], RELAY_FAILURE))
    exc, attempts = outcome(handler, mode, True)
    assert isinstance(exc, errors.StreamError)
    assert not isinstance(exc, errors.StreamInterruptedError)
    assert exc.error_type == "relay_stream_error"
    assert exc.error_code == "upstream_stream_failure_timeout"
    assert "upstream idle" in str(exc)
    assert attempts == 1  # content was yielded: never restarted


@pytest.mark.parametrize("mode", MODES)
def test_relay_failure_before_any_event_is_retried(mode: str) -> None:
    exc, attempts = outcome(per_path(JSON_OK, sse_head() + RELAY_FAILURE), mode, True,
                            max_retries=2)  # fmt: skip
    assert isinstance(exc, errors.StreamError) and exc.error_type == "relay_stream_error"
    assert attempts == 3


@pytest.mark.parametrize("mode", MODES)
def test_done_line_before_message_stop_is_an_incomplete_reply(mode: str) -> None:
    exc, attempts = outcome(per_path(JSON_OK, _sse(EVENTS[:-1], b"data: [DONE]\n\n")), mode, True)
    assert isinstance(exc, errors.StreamError)
    assert "ended before message_stop" in str(exc) and "malformed" not in str(exc)
    assert attempts == 1


@pytest.mark.parametrize("mode", MODES)
def test_done_line_after_message_stop_is_harmless(mode: str) -> None:
    text, _ = outcome(per_path(JSON_OK, _sse(EVENTS, b"data: [DONE]\n\n")), mode, True)
    assert text == "Hello there"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "body", [b"", b"data: [DONE]\n\n", b": PING\n\n"], ids=["empty", "done", "ping_only"]
)
def test_a_stream_closed_before_any_event_is_retried(mode: str, body: bytes) -> None:
    """new-api sends the 200 and its headers once its upstream answered; if that upstream then
    fails before any data, the client gets an empty stream. Nothing was received: retried."""
    exc, attempts = outcome(per_path(JSON_OK, sse_head() + body), mode, True, max_retries=2)
    assert isinstance(exc, errors.StreamInterruptedError)
    assert "before any event" in str(exc)
    assert attempts == 3


@pytest.mark.parametrize("mode", MODES)
def test_ping_comments_and_extra_blank_lines(mode: str) -> None:
    """ClaudeChunkData writes ``event: x\\ndata: {...}\\n\\n\\n``; PingData writes ``: PING``."""
    framed = b"".join(
        b": PING\n\n" + f"event: {e['type']}\ndata: {json.dumps(e)}\n\n\n".encode() for e in EVENTS
    )
    text, attempts = outcome(per_path(JSON_OK, sse_head() + framed), mode, True)
    assert (text, attempts) == ("Hello there", 1)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_informational_responses_before_the_answer(mode: str, stream: bool) -> None:
    """StartProcessingKeepAlive writes ``102 Processing`` while a Claude request is pending."""
    keepalive = b"HTTP/1.1 102 Processing\r\n\r\n" * 3 + b"HTTP/1.1 100 Continue\r\n\r\n"
    hints = b"HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"
    reply = per_path(keepalive + hints + JSON_OK, keepalive + hints + _sse(EVENTS))
    text, attempts = outcome(reply, mode, stream)
    assert (text, attempts) == ("Hello there" if stream else "Hello!", 1)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_the_gateway_request_id_wins_over_the_upstream_one(mode: str, stream: bool) -> None:
    """new-api passes Anthropic's ``request-id`` through next to its own id, which is the one
    its operator can look up."""
    body = {"type": "error", "error": {"type": "new_api_error", "message": "bad (request id: gw1)"}}
    headers = {"request-id": "req_upstream", "X-Oneapi-Request-Id": "gw1"}
    exc, _ = outcome(answer(json_reply(body, 400, headers)), mode, stream)
    assert isinstance(exc, errors.BadRequestError) and exc.request_id == "gw1"
    body["error"]["message"] = "bad (request id: gw2)"
    exc, _ = outcome(answer(json_reply(body, 400, {"request-id": "req_up"})), mode, stream)
    assert isinstance(exc, errors.BadRequestError) and exc.request_id == "gw2"


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    ("etype", "cls", "attempts"),
    [
        ("rate_limit_error", errors.RateLimitError, 2),
        ("authentication_error", errors.AuthenticationError, 1),
        ("<nil>", errors.InternalServerError, 1),
    ],
)
def test_an_error_inside_a_200_is_classed_by_its_type(
    mode: str, stream: bool, etype: str, cls: type[Exception], attempts: int
) -> None:
    body = {"type": "error", "error": {"type": etype, "message": "inside a 200 (request id: r9)"}}
    exc, seen = outcome(answer(json_reply(body, 200)), mode, stream)
    assert type(exc) is cls and isinstance(exc, errors.APIStatusError)
    assert exc.status_code == 200 and "status 200" in str(exc)
    assert exc.request_id == "r9"
    assert seen == attempts


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_an_openai_answer_is_never_an_empty_reply(mode: str, stream: bool) -> None:
    """A base_url that reaches a chat-completions route answers 200 in OpenAI's shape."""
    choice = {"index": 0, "message": {"role": "assistant", "content": "hi"}}
    completion = {"id": "chatcmpl-1", "object": "chat.completion", "choices": [choice]}
    chunks = sse_head() + (
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,'
        b'"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'
    )
    exc, attempts = outcome(per_path(json_reply(completion), chunks), mode, stream)
    assert isinstance(exc, errors.InvalidResponseError | errors.StreamError), exc
    assert "chat.completion" in str(exc) or "chat-completion" in str(exc)
    assert attempts == 1


def _delta_events(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """The events the API streams for ``reply``: blocks opened empty, filled by deltas."""
    start = {**reply, "content": [], "stop_reason": None, "usage": {**reply["usage"],
                                                                   "output_tokens": 1}}  # fmt: skip
    out: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(reply["content"]):
        kind, pieces = block["type"], []
        if kind == "text":
            opened, pieces = {"type": "text", "text": ""}, [{"type": "text_delta", "text": t}
                                                             for t in block["text"]]  # fmt: skip
        elif kind == "thinking":
            opened = {"type": "thinking", "thinking": "", "signature": ""}
            pieces = [{"type": "thinking_delta", "thinking": block["thinking"]},
                      {"type": "signature_delta", "signature": block["signature"]}]  # fmt: skip
        else:
            opened = {**block, "input": {}}
            text = json.dumps(block["input"])
            pieces = [{"type": "input_json_delta", "partial_json": text[i : i + 5]}
                      for i in range(0, len(text), 5)]  # fmt: skip
        out.append({"type": "content_block_start", "index": index, "content_block": opened})
        out += [{"type": "content_block_delta", "index": index, "delta": p} for p in pieces]
        out.append({"type": "content_block_stop", "index": index})
    final = {"stop_reason": reply["stop_reason"], "stop_sequence": None}
    out.append({"type": "message_delta", "delta": final,
                "usage": {"output_tokens": reply["usage"]["output_tokens"]}})  # fmt: skip
    return [*out, {"type": "message_stop"}]


RICH = message(
    [
        {"type": "thinking", "thinking": "let me see", "signature": "sig-1"},
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": "gnomon", "n": 2}},
    ],
    cache_read_input_tokens=100,
)
RICH["stop_reason"] = "tool_use"


@pytest.mark.parametrize("mode", MODES)
def test_an_event_stream_answering_invoke_is_folded_into_the_reply(mode: str) -> None:
    """relay/claude_handler.go: ``info.IsStream = info.IsStream || <upstream content type is
    text/event-stream>``: a non-streaming request gets the events when the upstream streams."""

    def reply(payload: bytes) -> AIMessage:
        with serving(answer(payload)) as srv:
            llm = ChatCometAPI(base_url=srv.base_url, api_key="sk-fold-0123456789",
                               prompt_cache="off", max_retries=0)  # fmt: skip
            got = llm.invoke("hi") if mode == "sync" else asyncio.run(llm.ainvoke("hi"))
            assert isinstance(got, AIMessage) and len(srv.requests) == 1
            return got

    as_json, as_events = reply(json_reply(RICH)), reply(_sse(_delta_events(RICH)))
    assert as_events.content == as_json.content and as_events.tool_calls == as_json.tool_calls
    assert as_events.tool_calls[0]["args"] == {"q": "gnomon", "n": 2}
    assert as_events.usage_metadata == as_json.usage_metadata
    assert as_events.response_metadata == as_json.response_metadata


@pytest.mark.parametrize("mode", MODES)
def test_invoke_answered_with_events_keeps_the_stream_guarantees(mode: str) -> None:
    """Folded events still raise for an error event and for a stream cut before message_stop
    (the whole call is retried: nothing was handed to the caller)."""
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    exc, attempts = outcome(answer(_sse([*EVENTS[:4], error])), mode, False)
    assert isinstance(exc, errors.StreamError) and exc.error_type == "overloaded_error"
    assert attempts == 2
    exc, attempts = outcome(answer(_sse(EVENTS[:-1])), mode, False)
    assert isinstance(exc, errors.StreamError) and "before message_stop" in str(exc)
    assert attempts == 1
    never_closed = _sse(EVENTS[:-2])  # a converted channel: no message_delta, no message_stop
    exc, _ = outcome(answer(never_closed), mode, False)
    assert isinstance(exc, errors.StreamError) and "non-streaming request" in str(exc)
    assert "streaming=False" not in str(exc)  # the advice a stream gets would be no help here


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    "body",
    [
        {"msg": "quota exhausted"},
        {"error_msg": "quota exhausted", "code": 1},
        [{"error": {"code": 429, "message": "quota exhausted", "status": "RESOURCE_EXHAUSTED"}}],
    ],
    ids=["msg", "error_msg", "google_list"],
)
def test_other_error_body_shapes_keep_their_message(mode: str, stream: bool, body: Any) -> None:
    """new-api reads a message from ``msg``, ``error_msg`` ... (GeneralErrorResponse); a Google
    upstream answers a list of errors. Each is that message, not "a non-JSON body"."""
    exc, attempts = outcome(answer(json_reply(body, 429)), mode, stream)
    assert isinstance(exc, errors.RateLimitError) and attempts == 2
    assert str(exc).startswith("quota exhausted") and "non-JSON" not in str(exc)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_json_error_body_without_a_message_is_described_as_json(mode: str, stream: bool) -> None:
    exc, _ = outcome(answer(json_reply({"code": 1, "data": None}, 400)), mode, stream)
    assert isinstance(exc, errors.BadRequestError)
    assert "a JSON body without an error message" in str(exc) and '"code": 1' in str(exc)


def _channel_events(channel: str) -> list[dict[str, Any]]:
    """One reply as each kind of channel streams it through new-api."""
    events = json.loads(json.dumps(text_stream("Hi", input_tokens=40, cache_read_input_tokens=8)))
    start, delta = events[0]["message"], events[-2]
    if channel == "bedrock":  # no counts but output in message_delta; metrics on message_stop
        start["id"] = "msg_bdrk_01Xyz"
        events[-1]["amazon-bedrock-invocationMetrics"] = {"inputTokenCount": 48}
    elif channel == "vertex":
        start["id"] = "msg_vrtx_01Xyz"
        delta["usage"] |= {"input_tokens": 40, "cache_read_input_tokens": 8}
    elif channel == "converted":  # estimated input at start, real counts at the end
        start["id"], start["usage"] = "chatcmpl-9f2", {"input_tokens": 30, "output_tokens": 0}
        delta["usage"] = {"input_tokens": 40, "output_tokens": 7, "cache_read_input_tokens": 8,
                          "cache_creation_input_tokens": 0}  # fmt: skip
    return events


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("channel", ["native", "bedrock", "vertex", "converted"])
def test_usage_and_ids_of_each_channel(mode: str, channel: str) -> None:
    events = _channel_events(channel)
    with serving(answer(_sse(events))) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key="sk-channel-0123456789",
                           prompt_cache="off", max_retries=0)  # fmt: skip

        async def summed() -> Any:
            total = None
            async for chunk in llm.astream("hi"):
                total = chunk if total is None else total + chunk
            return total

        if mode == "sync":
            total = None
            for chunk in llm.stream("hi"):
                total = chunk if total is None else total + chunk
        else:
            total = asyncio.run(summed())
    assert total is not None and total.text == "Hi"
    assert total.id == events[0]["message"]["id"]
    usage = total.usage_metadata
    assert usage is not None and usage["output_tokens"] == 7
    assert usage["input_tokens"] == 48  # 40 uncached + 8 read, counted once
    assert usage["input_token_details"]["cache_read"] == 8


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    ("status", "text", "cls"),
    [
        (503, "upstream connect error or disconnect/reset before headers. reset reason: "
              "connection termination", errors.InternalServerError),
        (413, "Request Entity Too Large", errors.BadRequestError),
        (429, "Too Many Requests", errors.RateLimitError),
    ],
    ids=["envoy_503", "nginx_413", "plain_429"],
)  # fmt: skip
def test_plain_text_error_bodies(
    mode: str, stream: bool, status: int, text: str, cls: type[Exception]
) -> None:
    reply = f"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {len(text)}\r\n"
    exc, attempts = outcome(answer((reply + "Connection: close\r\n\r\n" + text).encode()), mode,
                            stream)  # fmt: skip
    assert type(exc) is cls and text[:40] in str(exc) and "non-JSON body" in str(exc)
    assert attempts == (1 if status == 413 else 2)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("indent", [None, 2], ids=["compact", "pretty"])
def test_a_json_reply_labelled_as_events_is_that_reply(
    mode: str, stream: bool, indent: int | None
) -> None:
    """The gateway sets ``text/event-stream`` before it knows the answer (SetEventStreamHeaders);
    a JSON reply sent under that label is the reply, on every path."""
    body = json.dumps(message(), indent=indent).encode()
    reply = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    assert outcome(answer(reply), mode, stream) == ("Hello!", 1)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    "content_type", [None, "application/json", "text/plain; charset=utf-8"],
    ids=["unlabelled", "json", "plain"],
)  # fmt: skip
def test_an_event_stream_not_labelled_as_one_is_read_as_events(
    mode: str, stream: bool, content_type: str | None
) -> None:
    """A proxy in front of the gateway that drops or rewrites ``Content-Type`` (servers that
    stream without ``text/event-stream`` exist: ASGI defaults, API managers): the body is still
    framed as events (``event:`` / ``data:`` / ``:`` first, which no JSON starts with). The
    Anthropic SDK reads a stream's body as events whatever its label; this was an
    ``InvalidResponseError`` quoting the events, on every path."""
    body = b": PING\n\n" + b"".join(event(e) for e in EVENTS)
    head = "HTTP/1.1 200 OK\r\nConnection: close\r\n" + (
        f"Content-Type: {content_type}\r\n" if content_type else ""
    )
    reply = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
    assert outcome(answer(reply), mode, stream) == ("Hello there", 1)
