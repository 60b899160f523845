"""No key: a clear error before anything is sent, unless the user supplies auth headers."""

from __future__ import annotations

import pytest

from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)


@pytest.mark.parametrize("path", PATHS)
async def test_missing_key_fails_before_sending(path: str) -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec, api_key=None)
    with pytest.raises(ValueError, match="COMETAPI_KEY"):
        await call(llm, path)
    assert rec.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_own_auth_header_is_enough(path: str) -> None:
    ok = sse_response(text_stream("Hello!")) if "stream" in path else json_response(message())
    rec = Recorder(ok)
    llm = model_with(rec, api_key=None, default_headers={"Authorization": "Bearer gateway-token"})
    assert (await call(llm, path)).content == "Hello!"
    assert rec.requests[0].headers["authorization"] == "Bearer gateway-token"
