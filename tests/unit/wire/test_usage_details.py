"""``usage_metadata["input_token_details"]`` always has ``cache_read`` and ``cache_creation``
(zeros without cache activity), as ChatAnthropic reports it."""

from __future__ import annotations

import pytest

from langchain_cometapi._wire.usage import usage_metadata
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, call


def test_no_cache_activity_reports_zeros() -> None:
    usage = usage_metadata({"input_tokens": 12, "output_tokens": 3})
    assert usage["input_token_details"] == {"cache_read": 0, "cache_creation": 0}


def test_cache_activity_is_reported() -> None:
    usage = usage_metadata(
        {"input_tokens": 2, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 30,
         "output_tokens": 1}
    )  # fmt: skip
    assert usage["input_token_details"] == {"cache_read": 100, "cache_creation": 30}
    assert usage["input_tokens"] == 132


@pytest.mark.parametrize("path", PATHS)
async def test_invoke_and_stream_without_cache_have_the_keys(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("hi"))
    message = await call(llm, path, "hello")
    details = message.usage_metadata["input_token_details"]
    assert details["cache_read"] == 0
    assert details["cache_creation"] == 0


def test_reported_ttl_split_of_zeros_is_kept() -> None:
    """The API always reports its 5m/1h split; ChatAnthropic keeps it, zeros included, so a
    caller reads ``input_token_details["ephemeral_1h_input_tokens"]`` without a KeyError."""
    usage = usage_metadata(
        {"input_tokens": 10, "cache_creation_input_tokens": 50, "cache_read_input_tokens": 0,
         "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
         "output_tokens": 5}
    )  # fmt: skip
    assert usage["input_token_details"] == {
        "cache_read": 0,
        "cache_creation": 50,
        "ephemeral_5m_input_tokens": 0,
        "ephemeral_1h_input_tokens": 0,
    }
    assert usage["input_tokens"] == 60


def test_reported_zero_thinking_tokens_are_kept() -> None:
    usage = usage_metadata(
        {"input_tokens": 1, "output_tokens": 5, "output_tokens_details": {"thinking_tokens": 0}}
    )
    assert usage["output_token_details"] == {"reasoning": 0}


@pytest.mark.parametrize("path", PATHS)
async def test_invoke_and_stream_report_the_ttl_keys(path: str) -> None:
    llm, emu = emulated(MessagesEmulator())  # reports the split as the API does (zeros)
    emu.script(Reply.text("hi"))
    message = await call(llm, path, "hello")
    details = message.usage_metadata["input_token_details"]
    assert details["ephemeral_5m_input_tokens"] == 0
    assert details["ephemeral_1h_input_tokens"] == 0
