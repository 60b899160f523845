"""Error mapping (both body styles, HTML), retry policy and retry-after handling.

Each behaviour is checked on the sync and the async path (and streams on both stream paths).
"""

from __future__ import annotations

import re

import httpx2
import pytest

from langchain_cometapi import errors
from langchain_cometapi._http.retry import decide, parse_retry_after
from tests.helpers.responses import (
    SYNC_ASYNC,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    record_sleeps,
    sse_response,
    text_stream,
)

ANTHROPIC = {"type": "error", "error": {"type": "rate_limit_error", "message": "Slow down"}}
OPENAI = {"error": {"message": "quota exhausted", "type": "insufficient_quota", "code": "quota"}}


@pytest.mark.parametrize(
    ("status", "body", "cls", "fragment"),
    [
        (
            400,
            {"type": "error", "error": {"type": "invalid_request_error", "message": "bad field"}},
            errors.BadRequestError,
            "bad field",
        ),
        (401, OPENAI, errors.AuthenticationError, "quota exhausted"),
        (403, ANTHROPIC, errors.PermissionDeniedError, "Slow down"),
        (404, "<html><body>Not Found</body></html>", errors.NotFoundError, "HTML page"),
        (429, ANTHROPIC, errors.RateLimitError, "Slow down"),
        (500, OPENAI, errors.InternalServerError, "quota exhausted"),
        (
            529,
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            errors.OverloadedError,
            "Overloaded",
        ),
    ],
)
@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_status_errors_mapped(
    path: str, status: int, body: object, cls: type, fragment: str
) -> None:
    response = (
        httpx2.Response(
            status, text=body, headers={"content-type": "text/html", "request-id": "req_9"}
        )
        if isinstance(body, str)
        else json_response(body, status, headers={"request-id": "req_9"})
    )
    llm = model_with(Recorder(response))
    with pytest.raises(cls, match=fragment) as info:
        await call(llm, path)
    assert info.value.status_code == status
    assert info.value.request_id == "req_9"
    assert "sk-test-secret-123" not in str(info.value)


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_html_404_names_the_url(path: str) -> None:
    llm = model_with(
        Recorder(httpx2.Response(404, text="<html>nope</html>")), base_url="https://x.test/api"
    )
    with pytest.raises(errors.NotFoundError, match=re.escape("https://x.test/api/v1/messages")):
        await call(llm, path)


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_retries_then_succeeds_honouring_retry_after(path: str) -> None:
    rec = Recorder(
        json_response(ANTHROPIC, 429, headers={"retry-after-ms": "250"}),
        json_response(
            {"type": "error", "error": {"type": "overloaded_error", "message": "o"}},
            529,
            headers={"retry-after": "1"},
        ),
        json_response(message()),
    )
    llm = model_with(rec, max_retries=2)
    slept = record_sleeps(llm)
    assert (await call(llm, path)).content == "Hello!"
    assert len(rec.requests) == 3
    assert slept == [0.25, 1.0]


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_gives_up_after_max_retries(path: str) -> None:
    rec = Recorder(json_response(ANTHROPIC, 429))
    llm = model_with(rec, max_retries=3)
    record_sleeps(llm)
    with pytest.raises(errors.RateLimitError):
        await call(llm, path)
    assert len(rec.requests) == 4


@pytest.mark.parametrize("path", SYNC_ASYNC)
@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_client_errors_never_retried(path: str, status: int) -> None:
    rec = Recorder(json_response(ANTHROPIC, status))
    llm = model_with(rec, max_retries=3)
    record_sleeps(llm)
    with pytest.raises(errors.APIStatusError):
        await call(llm, path)
    assert len(rec.requests) == 1


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_500_invalid_request_not_retried(path: str) -> None:
    body = {
        "error": {"message": "invalid model", "type": "comet_api_error", "code": "invalid_request"}
    }
    rec = Recorder(json_response(body, 500))
    llm = model_with(rec, max_retries=3)
    with pytest.raises(errors.InternalServerError, match="invalid model"):
        await call(llm, path)
    assert len(rec.requests) == 1


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_connection_errors_retried_and_mapped(path: str) -> None:
    calls = {"n": 0}

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx2.ConnectError("refused", request=request)
        if calls["n"] == 2:
            raise httpx2.ReadTimeout("slow", request=request)
        return json_response(message())

    llm = model_with(Recorder(handler), max_retries=2)
    record_sleeps(llm)
    assert (await call(llm, path)).content == "Hello!"
    assert calls["n"] == 3

    llm0 = model_with(Recorder(handler), max_retries=0)
    calls["n"] = 1
    with pytest.raises(errors.APITimeoutError):
        await call(llm0, path)


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_stream_retried_before_first_event_only(path: str) -> None:
    rec = Recorder(json_response(ANTHROPIC, 429), sse_response(text_stream("fine")))
    llm = model_with(rec, max_retries=1)
    record_sleeps(llm)
    assert (await call(llm, path)).text == "fine"
    assert len(rec.requests) == 2

    cut = text_stream("partial", stop=False)
    rec2 = Recorder(sse_response(cut), sse_response(text_stream("again")))
    llm2 = model_with(rec2, max_retries=3)
    record_sleeps(llm2)
    with pytest.raises(errors.StreamError):
        await call(llm2, path)
    assert len(rec2.requests) == 1


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_malformed_json_is_invalid_response(path: str) -> None:
    llm = model_with(
        Recorder(
            httpx2.Response(200, text="{not json", headers={"content-type": "application/json"})
        )
    )
    with pytest.raises(errors.InvalidResponseError, match="not json"):
        await call(llm, path)


def test_retry_after_parsing() -> None:
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({}) is None
    date = parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert date == 0.0


def test_retryable_classification() -> None:
    assert decide(errors.APIConnectionError("x"))
    assert decide(errors.OverloadedError("x", status_code=529))
    assert not decide(errors.BadRequestError("x", status_code=400))
    assert decide(errors.StreamError("x", error_type="overloaded_error"))
    assert not decide(errors.StreamError("x"))
    assert not decide(errors.OverloadedError("x", status_code=529, server_retry=False))
    assert decide(errors.BadRequestError("x", status_code=400, server_retry=True))
    wrong = errors.InternalServerError("x", status_code=500, error_code="invalid_request")
    assert not decide(wrong)
