"""Clear errors instead of crashes (issue 11 items 9-13): Retry-After garbage, NaN, deep nesting,
header injection, charsets, BOMs, media-type case, redirects, odd usage, far-future Dates.

Each case runs sync and async (and streamed where the path differs) against a raw loopback server.
"""

from __future__ import annotations

import email.utils
import json
import socket
import time

import httpx2
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import (
    MODES,
    PATH_IDS,
    PATHS,
    Handler,
    Request,
    call,
    event,
    json_reply,
    no_sleep,
    response,
    serving,
    sse_head,
)
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-errors-0123456789"
NAN = float("nan")


def _answer(payload: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(payload)

    return handle


def _llm(url: str, **kw: object) -> ChatCometAPI:
    kw.setdefault("prompt_cache", "off")
    return no_sleep(ChatCometAPI(base_url=url, api_key=KEY, **kw))  # type: ignore[arg-type]


# -- 9: Retry-After that is neither a number nor a date --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("value", ["garbage", "0x10", "1, 2", "nan", "Wed, 99 Foo 2015"])
def test_bad_retry_after_is_a_rate_limit_error_and_retried(
    mode: str, stream: bool, value: str
) -> None:
    body = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    reply = json_reply(body, 429, {"Retry-After": value, "request-id": "req_ra"})
    with serving(_answer(reply)) as srv, pytest.raises(errors.RateLimitError) as info:
        call(_llm(srv.base_url, max_retries=2), mode, stream=stream)
    assert len(srv.requests) == 3
    assert info.value.status_code == 429 and info.value.request_id == "req_ra"
    assert info.value.retry_after is None


# -- 10: NaN / Infinity never go out as invalid JSON --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("where", ["tool_args", "model_kwargs", "per_call"])
def test_nan_and_infinity_are_refused_before_sending(mode: str, stream: bool, where: str) -> None:
    with serving(_answer(json_reply(message()))) as srv:
        llm = _llm(srv.base_url, prompt_cache="auto")
        history: list[object] = [HumanMessage("hi")]
        if where == "tool_args":
            call_ = {"name": "f", "args": {"x": float("nan")}, "id": "toolu_1"}
            history += [
                AIMessage("", tool_calls=[call_]),
                ToolMessage("ok", tool_call_id="toolu_1"),
            ]
        elif where == "model_kwargs":
            llm = _llm(srv.base_url, model_kwargs={"custom_field": [1.0, float("inf")]})
        else:
            schema = {"type": "object", "properties": {"x": {"type": "number", "default": NAN}}}
            tool = {"name": "f", "description": "d", "input_schema": schema}
            llm = llm.bind_tools([tool])  # type: ignore[assignment]
        with pytest.raises(ValueError, match="NaN or Infinity"):
            if mode == "sync":
                _run_sync(llm, history, stream)
            else:
                _run_async(llm, history, stream)
    assert srv.requests == []


def _run_sync(llm: object, history: list[object], stream: bool) -> None:
    if stream:
        list(llm.stream(history))  # type: ignore[attr-defined]
    else:
        llm.invoke(history)  # type: ignore[attr-defined]


def _run_async(llm: object, history: list[object], stream: bool) -> None:
    import asyncio

    async def go() -> None:
        if stream:
            async for _ in llm.astream(history):  # type: ignore[attr-defined]
                pass
        else:
            await llm.ainvoke(history)  # type: ignore[attr-defined]

    asyncio.run(go())


# -- 11: deep nesting --
def _deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("mode", MODES)
def test_deeply_nested_response_is_an_invalid_response(mode: str) -> None:
    payload = response(200, _deep(100_000), {"Content-Type": "application/json"})
    too_deep = pytest.raises(errors.InvalidResponseError, match="nested too deeply")
    with serving(_answer(payload)) as srv, too_deep:
        call(_llm(srv.base_url, max_retries=0), mode)


@pytest.mark.parametrize("mode", MODES)
def test_deeply_nested_event_is_a_stream_error(mode: str) -> None:
    start = event(text_stream("x")[0])
    payload = (
        sse_head() + start + f"event: content_block_delta\ndata: {_deep(100_000)}\n\n".encode()
    )
    too_deep = pytest.raises(errors.StreamError, match="nested too deeply")
    with serving(_answer(payload)) as srv, too_deep:
        call(_llm(srv.base_url, max_retries=0), mode, stream=True)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_deeply_nested_5xx_body_is_still_retried(mode: str, stream: bool) -> None:
    payload = response(503, _deep(100_000), {"Content-Type": "application/json"})
    with serving(_answer(payload)) as srv, pytest.raises(errors.InternalServerError):
        call(_llm(srv.base_url, max_retries=2), mode, stream=stream)
    assert len(srv.requests) == 3


def _nested_args(depth: int) -> dict[str, object]:
    args: dict[str, object] = {"leaf": 1}
    for _ in range(depth):
        args = {"a": args}
    return args


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "args", [_nested_args(700), {1: "int key", "b": "str key"}], ids=["deep", "mixed_keys"]
)
def test_cache_planner_fingerprints_anything_that_encodes(
    mode: str, args: dict[object, object]
) -> None:
    json.dumps(args)  # it encodes: so the planner must cope
    block = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": args}
    history = [
        HumanMessage("question " * 400),
        AIMessage([block]),  # type: ignore[list-item]
        ToolMessage("answer", tool_call_id="toolu_1"),
    ]
    with serving(_answer(json_reply(message()))) as srv:
        llm = _llm(srv.base_url, prompt_cache="auto")
        if mode == "sync":
            _run_sync(llm, history, False)
        else:
            _run_async(llm, history, False)
    assert len(srv.requests) == 1


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("cache", ["auto", "off"])
def test_a_body_too_deep_to_encode_is_a_value_error(mode: str, stream: bool, cache: str) -> None:
    block = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": _nested_args(3000)}
    history = [
        HumanMessage("question " * 400),
        AIMessage([block]),  # type: ignore[list-item]
        ToolMessage("answer", tool_call_id="toolu_1"),
    ]
    with serving(_answer(json_reply(message()))) as srv:
        llm = _llm(srv.base_url, prompt_cache=cache)
        with pytest.raises(ValueError, match="nested too deeply"):
            if mode == "sync":
                _run_sync(llm, history, stream)
            else:
                _run_async(llm, history, stream)
    assert srv.requests == []


# -- 12: header injection and schemeless URLs --
@pytest.mark.parametrize(
    "kwargs",
    [
        {"default_headers": {"x-tenant": "a\r\nx-evil: 1"}},
        {"default_headers": {"x-tenant": "café"}},
        {"default_headers": {"bad name": "x"}},
        {"betas": ["files-api-2025-04-14\r\nx-evil: 1"]},
        {"anthropic_version": "2023-06-01\nx-evil: 1"},
        {"base_url": "api.cometapi.com"},
        {"base_url": "ftp://api.cometapi.com"},
        {"base_url": "http://api.comet\r\napi.com"},
    ],
    ids=["crlf", "non_ascii", "name", "betas", "version", "schemeless", "ftp", "url_crlf"],
)
def test_bad_headers_and_urls_refused_at_construction(kwargs: dict[str, object]) -> None:
    kwargs.setdefault("base_url", "http://127.0.0.1:9")
    with pytest.raises(ValueError):
        ChatCometAPI(api_key=KEY, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"extra_headers": {"x-a": "b\r\nx-evil: 1"}},
        {"betas": ["x\ny"]},
        {"extra_headers": {"x": "é"}},
    ],
    ids=["crlf", "betas", "non_ascii"],
)
def test_bad_per_call_headers_refused_before_sending(
    mode: str, stream: bool, kwargs: dict[str, object]
) -> None:
    with serving(_answer(json_reply(message()))) as srv:
        llm = _llm(srv.base_url).bind(**kwargs)
        with pytest.raises(ValueError, match="header"):
            if mode == "sync":
                _run_sync(llm, [HumanMessage("hi")], stream)
            else:
                _run_async(llm, [HumanMessage("hi")], stream)
    assert srv.requests == []


# -- 13: decoding --
CAFE = {**message([{"type": "text", "text": "café ☕"}])}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("content_type", "bom"),
    [
        ("application/json; charset=iso-8859-1", b""),
        ("application/json", b"\xef\xbb\xbf"),
        ("Application/JSON; Charset=UTF-8", b"\xef\xbb\xbf"),
    ],
    ids=["latin1_declared", "bom", "case_and_bom"],
)
def test_json_is_utf8_whatever_the_charset(mode: str, content_type: str, bom: bytes) -> None:
    raw = bom + json.dumps(CAFE, ensure_ascii=False).encode()
    with serving(_answer(response(200, raw, {"Content-Type": content_type}))) as srv:
        assert call(_llm(srv.base_url), mode) == "café ☕"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("content_type", "bom"),
    [
        ("TEXT/EVENT-STREAM", b""),
        ("text/event-stream; charset=iso-8859-1", b""),
        ("Text/Event-Stream;charset=utf-8", b"\xef\xbb\xbf"),
    ],
    ids=["upper", "latin1_declared", "bom"],
)
def test_sse_media_type_case_charset_and_bom(mode: str, content_type: str, bom: bytes) -> None:
    events = b"".join(event(e) for e in text_stream("café ☕"))
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n"
    with serving(_answer(head.encode() + bom + events)) as srv:
        assert call(_llm(srv.base_url), mode, stream=True) == "café ☕"


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_with_a_json_body_is_no_success(mode: str, status: int, stream: bool) -> None:
    where = "https://elsewhere.example/v1/messages"
    payload = json_reply(message(), status, {"Location": where})
    with serving(_answer(payload)) as srv, pytest.raises(errors.InvalidResponseError) as info:
        call(_llm(srv.base_url, max_retries=2), mode, stream=stream)
    assert f"HTTP {status} redirect" in str(info.value) and where in str(info.value)
    assert len(srv.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_non_numeric_usage_keeps_a_streamed_reply(mode: str) -> None:
    events = text_stream("kept whole")
    events[0]["message"]["usage"] = {"input_tokens": "n/a", "cache_read_input_tokens": None}
    events[-2]["usage"] = {"output_tokens": "12 tokens", "input_tokens": {"x": 1}}
    with serving(_answer(sse_head() + b"".join(event(e) for e in events))) as srv:
        assert call(_llm(srv.base_url, prompt_cache="auto"), mode, stream=True) == "kept whole"


@pytest.mark.parametrize("mode", MODES)
def test_one_far_future_date_does_not_move_the_planner_clock(mode: str) -> None:
    future = email.utils.formatdate(time.time() + 10 * 365 * 86400, usegmt=True)
    with serving(_answer(json_reply(message(), headers={"Date": future}))) as srv:
        llm = _llm(srv.base_url, prompt_cache="auto")
        call(llm, mode)
        assert llm._planner is not None
        assert llm._planner.state.clock() < time.time() + 3600


def test_a_confirmed_clock_jump_is_taken() -> None:
    """Two Dates agreeing on a big jump (an emulator's clock, a real skew) do move it."""
    from langchain_cometapi.cache._clock import ServerClock

    clock = ServerClock()
    ahead = email.utils.formatdate(time.time() + 7200, usegmt=True)
    clock.sync(ahead)
    assert clock() < time.time() + 3600
    clock.sync(email.utils.formatdate(time.time() + 7201, usegmt=True))
    assert clock() > time.time() + 7000


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_redirect_error_names_location_for_user_client_too(mode: str, stream: bool) -> None:
    handler = httpx2.MockTransport(
        lambda r: httpx2.Response(302, headers={"location": "http://x.example/y"}, json={})
    )
    llm = ChatCometAPI(
        api_key=KEY,
        http_client=httpx2.Client(transport=handler),
        http_async_client=httpx2.AsyncClient(transport=handler),
        max_retries=0,
    )
    with pytest.raises(errors.InvalidResponseError, match=r"x\.example/y"):
        call(llm, mode, stream=stream)
