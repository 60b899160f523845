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


@pytest.mark.parametrize("path", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize("status", [501, 505, 520, 521, 522, 523, 525, 530, 599])
async def test_every_5xx_is_retried(path: str, status: int) -> None:
    """Every 5xx is the server's failure (the Anthropic SDK and new-api's own channel retry
    treat them so): Cloudflare's 520-523 in front of a gateway (origin down, unreachable, timed
    out) were raised at once while 502/503 were retried."""
    page = f"<html><body>error code: {status}</body></html>"
    rec = Recorder(
        httpx2.Response(status, text=page, headers={"content-type": "text/html"}),
        sse_response(text_stream("fine")) if "stream" in path else json_response(message()),
    )
    llm = model_with(rec, max_retries=2)
    record_sleeps(llm)
    assert (await call(llm, path)).text in ("fine", "Hello!")
    assert len(rec.requests) == 2
    assert decide(errors.InternalServerError("x", status_code=status))


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


# -- the retry policy in detail -----------------------------------------------------------------
@pytest.mark.parametrize("path", SYNC_ASYNC)
@pytest.mark.parametrize(("status", "header", "attempts"), [(529, "false", 1), (400, "true", 3)])
async def test_server_says_whether_to_retry(
    path: str, status: int, header: str, attempts: int
) -> None:
    rec = Recorder(json_response(ANTHROPIC, status, headers={"x-should-retry": header}))
    llm = model_with(rec, max_retries=2)
    record_sleeps(llm)
    with pytest.raises(errors.APIStatusError):
        await call(llm, path)
    assert len(rec.requests) == attempts


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_backoff_without_retry_after(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """0.5 s doubling, capped at 8 s, plus up to 0.5 s of jitter (pinned at 3/4 of its range)."""
    import random

    monkeypatch.setattr(random, "random", lambda: 0.75)
    rec = Recorder(json_response(ANTHROPIC, 503))
    llm = model_with(rec, max_retries=6)
    slept = record_sleeps(llm)
    with pytest.raises(errors.InternalServerError):
        await call(llm, path)
    assert slept == [0.5 + 0.375, 1.375, 2.375, 4.375, 8.375, 8.375]


@pytest.mark.parametrize("path", SYNC_ASYNC)
@pytest.mark.parametrize(("header", "seconds"), [("0", 0.0), ("60", 60.0), ("0.5", 0.5)])
async def test_retry_after_bounds(path: str, header: str, seconds: float) -> None:
    rec = Recorder(
        json_response(ANTHROPIC, 429, headers={"retry-after": header}), json_response(message())
    )
    llm = model_with(rec, max_retries=1)
    slept = record_sleeps(llm)
    assert (await call(llm, path)).content == "Hello!"
    assert slept == [seconds]  # honoured from 0 up to the one-minute bound, inclusive


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_each_retry_is_logged_with_its_wait(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(
        json_response(ANTHROPIC, 429, headers={"retry-after-ms": "250"}), json_response(message())
    )
    llm = model_with(rec, max_retries=1)
    record_sleeps(llm)
    await call(llm, path)
    lines = [r.getMessage() for r in caplog.records if r.name == "langchain_cometapi"]
    assert lines == [
        "CometAPI call failed (attempt 1), retrying in 0.25s: "
        "Slow down (status 429, type rate_limit_error)"
    ]


def test_unusable_retry_after_is_ignored() -> None:
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({"retry-after-ms": "x", "retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    for endless in ("inf", "nan", "-inf"):
        assert parse_retry_after({"retry-after": endless}) is None


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_garbled_retry_after_still_maps_the_error(path: str) -> None:
    rec = Recorder(json_response(ANTHROPIC, 429, headers={"retry-after": "soon"}))
    with pytest.raises(errors.RateLimitError) as info:
        await call(model_with(rec), path)
    assert info.value.retry_after is None


def test_an_error_body_with_a_success_status_is_retried_by_its_type() -> None:
    from langchain_cometapi._http.retry import decide

    assert decide(errors.APIStatusError("x", status_code=200, error_type="overloaded_error"))
    assert not decide(
        errors.APIStatusError("x", status_code=200, error_type="invalid_request_error")
    )
    assert not decide(errors.CometAPIError("not a transport or status error"))
