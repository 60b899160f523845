"""The API key never shows: repr/str/dumps, DEBUG logs, exceptions (sync and async paths).

Recorded cassettes are scanned by tests/unit/project/test_cassette_secrets.py.
"""

from __future__ import annotations

import logging

import httpx2
import pytest
from langchain_core.load import dumps

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    record_sleeps,
    sse,
    sse_response,
    text_stream,
)

KEY = "sk-test-secret-123"  # the key model_with() configures


def test_not_in_repr_str_or_dumps() -> None:
    llm = ChatCometAPI(api_key=KEY)
    for text in (repr(llm), str(llm), dumps(llm), llm.model_dump_json(), repr(llm._client)):
        assert KEY not in text


def test_not_in_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("langchain_cometapi", "httpx2", "httpcore2"):
        caplog.set_level(logging.DEBUG, logger=name)
    echo = {"type": "error", "error": {"type": "api_error", "message": f"bad key {KEY}"}}
    rec = Recorder(
        json_response(echo, 529), json_response(message()), sse_response(text_stream("x"))
    )
    llm = model_with(rec, max_retries=1)
    llm._client._sleep = lambda s: None
    llm.invoke("hi")
    list(llm.stream("hi"))
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert KEY not in caplog.text
    assert all(KEY not in str(r.args) for r in caplog.records)


@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
def test_not_in_exceptions_even_when_echoed(auth: str) -> None:
    bodies = [
        json_response(
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": f"key {KEY} rejected"},
            },
            401,
        ),
        httpx2.Response(502, text=f"<html>upstream said {KEY}</html>"),
        httpx2.Response(200, text=f"not json {KEY}"),
    ]
    for response in bodies:
        llm = model_with(Recorder(response), auth=auth)
        with pytest.raises(errors.CometAPIError) as info:
            llm.invoke("hi")
        assert KEY not in str(info.value) and KEY not in repr(info.value)
        assert KEY not in repr(getattr(info.value, "body", ""))


def test_transport_errors_redacted() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused for {KEY}", request=request)

    with pytest.raises(errors.APIConnectionError) as info:
        model_with(Recorder(handler)).invoke("hi")
    assert KEY not in str(info.value)


# -- every path (invoke, stream, ainvoke, astream) ----------------------------------------------
_ECHO = {"type": "error", "error": {"type": "overloaded_error", "message": f"bad key {KEY}"}}




@pytest.mark.parametrize("path", PATHS)
async def test_not_logged_when_a_retried_error_echoes_it(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ok = sse_response(text_stream("x")) if "stream" in path else json_response(message())
    llm = model_with(Recorder(json_response(_ECHO, 529), ok), max_retries=1)
    record_sleeps(llm)
    await call(llm, path)
    retried = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert retried, "no retry was logged: the test would prove nothing"
    assert "bad key" in caplog.text  # the echoed error itself is logged, redacted
    assert KEY not in caplog.text
    assert all(KEY not in str(r.args) for r in caplog.records)


@pytest.mark.parametrize("path", PATHS)
async def test_not_in_exceptions_on_any_path(path: str) -> None:
    llm = model_with(Recorder(json_response({**_ECHO, "error": {
        "type": "authentication_error", "message": f"key {KEY} rejected"}}, 401)))
    with pytest.raises(errors.AuthenticationError) as info:
        await call(llm, path)
    assert "rejected" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in repr(getattr(info.value, "body", ""))


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_not_in_a_mid_stream_error_event(path: str) -> None:
    events = [*text_stream("partial", stop=False)[:4], _ECHO]
    llm = model_with(Recorder(sse_response(events)))
    with pytest.raises(errors.StreamError) as info:
        await call(llm, path)
    assert "bad key" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in repr(getattr(info.value, "body", ""))


async def test_async_transport_errors_redacted() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused for {KEY}", request=request)

    with pytest.raises(errors.APIConnectionError) as info:
        await model_with(Recorder(handler)).ainvoke("hi")
    assert "refused" in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_not_in_a_malformed_event(path: str) -> None:
    body = sse(text_stream("partial", stop=False)[:3]) + f"data: {{oops {KEY}\n\n".encode()
    response = httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})
    with pytest.raises(errors.StreamError, match="malformed") as info:
        await call(model_with(Recorder(response)), path)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
