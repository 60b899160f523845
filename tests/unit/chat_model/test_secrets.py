"""The API key never shows: repr/str/dumps, DEBUG logs, exceptions, recorded cassettes."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx2
import pytest
from langchain_core.load import dumps

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.responses import (
    Recorder,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)

KEY = "sk-test-secret-123"  # the key model_with() configures
TESTS = Path(__file__).resolve().parents[2]


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


_SECRET_LIKE = re.compile(
    r"(?i)(x-api-key|authorization)[\"']?\s*[:=]\s*(?:-\s*)?\[?\s*[\"']?(?!\*|REDACTED|<)(?:bearer\s+)?[A-Za-z0-9_\-]{12,}"
)


def test_cassettes_hold_no_key() -> None:
    """Any recorded interaction must have its auth headers filtered out."""
    files = [
        p
        for folder in ("cassette", "cassettes", "unit/cassettes", "integration/cassettes")
        if (TESTS / folder).is_dir()
        for p in (TESTS / folder).rglob("*")
        if p.is_file()
    ]
    for path in files:
        text = path.read_text("utf-8", "replace")
        assert not _SECRET_LIKE.search(text), f"{path} carries an auth header value"
        assert not re.search(r"sk-[A-Za-z0-9]{20,}", text), f"{path} carries a key"


def test_cassette_scan_detects_a_leak() -> None:
    """The pattern above is not vacuous: a recorded header with a key is caught."""
    assert _SECRET_LIKE.search("    x-api-key:\n    - sk-live-abcdefghijklmnop")
    assert _SECRET_LIKE.search('"authorization": ["Bearer abcdefghijklmnopqrst"]')
    assert not _SECRET_LIKE.search("    x-api-key:\n    - REDACTED")
