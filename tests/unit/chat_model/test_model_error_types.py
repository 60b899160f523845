"""Errors are langchain-core's ModelError types too, as ChatAnthropic's are.

SummarizationMiddleware catches ``ContextOverflowError`` to retry with a shorter prompt, and
ModelRetryMiddleware / with_retry policies read ``ModelError.is_retryable``.
"""

from __future__ import annotations

import pytest
from langchain.agents.middleware._retry import default_retry_on
from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelError,
    ModelInvalidRequestError,
    ModelRateLimitError,
)

from langchain_cometapi.errors import (
    BadRequestError,
    CometAPIError,
    PromptTooLongError,
    StreamError,
)
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, call


@pytest.mark.parametrize(
    "message",
    [
        "prompt is too long: 210000 tokens > 200000 maximum",
        "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, "
        "decrease input length or `max_tokens` and try again",
    ],
)
@pytest.mark.parametrize("path", PATHS)
async def test_context_overflow_is_langchain_context_overflow(message: str, path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.error(400, message, "invalid_request_error"))
    with pytest.raises(ContextOverflowError) as caught:
        await call(llm, path)
    assert isinstance(caught.value, PromptTooLongError)
    assert isinstance(caught.value, BadRequestError)  # still catchable as before
    assert not default_retry_on(caught.value)


@pytest.mark.parametrize(
    ("reply", "kind", "retry"),
    [
        (Reply.error(400, "messages: bad"), ModelInvalidRequestError, False),
        (Reply.error(401, "invalid x-api-key"), ModelAuthenticationError, False),
        (Reply.rate_limited(0), ModelRateLimitError, True),
        (Reply.overloaded(), ModelAPIError, True),
    ],
)
@pytest.mark.parametrize("path", PATHS)
async def test_status_errors_map_to_model_errors(
    path: str, reply: Reply, kind: type, retry: bool
) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(reply)
    with pytest.raises(CometAPIError) as caught:
        await call(llm, path)
    assert isinstance(caught.value, kind)
    assert not isinstance(caught.value, ContextOverflowError)
    assert caught.value.is_retryable is retry
    assert default_retry_on(caught.value) is retry


@pytest.mark.parametrize("path", PATHS)
async def test_plain_bad_request_is_not_overflow(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.error(400, "tools.0.name: String should match pattern"))
    with pytest.raises(BadRequestError) as caught:
        await call(llm, path)
    assert type(caught.value) is BadRequestError


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_stream_error_event_retryability_follows_its_type(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.stream_error_midway("partial", "invalid_request_error", "bad"))
    with pytest.raises(StreamError) as bad:
        await call(llm, path)
    assert isinstance(bad.value, ModelError) and not bad.value.is_retryable
    emu.script(Reply.stream_error_midway("partial"))
    with pytest.raises(StreamError) as overloaded:
        await call(llm, path)
    assert overloaded.value.is_retryable
