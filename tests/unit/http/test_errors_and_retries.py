"""Error mapping (both body styles, HTML), retry policy and retry-after handling."""

from __future__ import annotations

import re

import httpx2
import pytest

from langchain_cometapi import errors
from langchain_cometapi._http.retry import decide, parse_retry_after
from tests.helpers.responses import (
    Recorder,
    json_response,
    message,
    model_with,
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
def test_status_errors_mapped(status: int, body: object, cls: type, fragment: str) -> None:
    response = (
        httpx2.Response(
            status, text=body, headers={"content-type": "text/html", "request-id": "req_9"}
        )
        if isinstance(body, str)
        else json_response(body, status, headers={"request-id": "req_9"})
    )
    llm = model_with(Recorder(response))
    with pytest.raises(cls, match=fragment) as info:
        llm.invoke("hi")
    assert info.value.status_code == status
    assert info.value.request_id == "req_9"
    assert "sk-test-secret-123" not in str(info.value)


def test_html_404_names_the_url() -> None:
    llm = model_with(
        Recorder(httpx2.Response(404, text="<html>nope</html>")), base_url="https://x.test/api"
    )
    with pytest.raises(errors.NotFoundError, match=re.escape("https://x.test/api/v1/messages")):
        llm.invoke("hi")


def test_retries_then_succeeds_honouring_retry_after() -> None:
    slept: list[float] = []
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
    llm._client._sleep = slept.append
    assert llm.invoke("hi").content == "Hello!"
    assert len(rec.requests) == 3
    assert slept == [0.25, 1.0]


def test_gives_up_after_max_retries() -> None:
    rec = Recorder(json_response(ANTHROPIC, 429))
    llm = model_with(rec, max_retries=3)
    llm._client._sleep = lambda s: None
    with pytest.raises(errors.RateLimitError):
        llm.invoke("hi")
    assert len(rec.requests) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_never_retried(status: int) -> None:
    rec = Recorder(json_response(ANTHROPIC, status))
    llm = model_with(rec, max_retries=3)
    llm._client._sleep = lambda s: None
    with pytest.raises(errors.APIStatusError):
        llm.invoke("hi")
    assert len(rec.requests) == 1


def test_500_invalid_request_not_retried() -> None:
    body = {
        "error": {"message": "invalid model", "type": "comet_api_error", "code": "invalid_request"}
    }
    rec = Recorder(json_response(body, 500))
    llm = model_with(rec, max_retries=3)
    with pytest.raises(errors.InternalServerError, match="invalid model"):
        llm.invoke("hi")
    assert len(rec.requests) == 1


def test_connection_errors_retried_and_mapped() -> None:
    calls = {"n": 0}

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx2.ConnectError("refused", request=request)
        if calls["n"] == 2:
            raise httpx2.ReadTimeout("slow", request=request)
        return json_response(message())

    llm = model_with(Recorder(handler), max_retries=2)
    llm._client._sleep = lambda s: None
    assert llm.invoke("hi").content == "Hello!"
    assert calls["n"] == 3

    llm0 = model_with(Recorder(handler), max_retries=0)
    calls["n"] = 1
    with pytest.raises(errors.APITimeoutError):
        llm0.invoke("hi")


def test_stream_retried_before_first_event_only() -> None:
    rec = Recorder(json_response(ANTHROPIC, 429), sse_response(text_stream("fine")))
    llm = model_with(rec, max_retries=1)
    llm._client._sleep = lambda s: None
    assert "".join(c.text for c in llm.stream("hi")) == "fine"
    assert len(rec.requests) == 2

    cut = text_stream("partial", stop=False)
    rec2 = Recorder(sse_response(cut), sse_response(text_stream("again")))
    llm2 = model_with(rec2, max_retries=3)
    llm2._client._sleep = lambda s: None
    with pytest.raises(errors.StreamError):
        list(llm2.stream("hi"))
    assert len(rec2.requests) == 1


def test_malformed_json_is_invalid_response() -> None:
    llm = model_with(
        Recorder(
            httpx2.Response(200, text="{not json", headers={"content-type": "application/json"})
        )
    )
    with pytest.raises(errors.InvalidResponseError, match="not json"):
        llm.invoke("hi")


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
