"""``usage_metadata`` is the same whichever path made the call: a streamed reply's chunks add up
(LangChain sums every chunk's usage) to exactly what ``invoke`` reports for the same request,
cache writes split by TTL (``ephemeral_5m`` / ``ephemeral_1h``) and reads included.

Measured on the offline emulator, whose cache accounting follows Anthropic's documented rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_model import emulated
from tests.helpers.responses import PATHS, call

SYSTEM = "You are a careful assistant who answers in full sentences. " * 300


def _messages(ttl: str) -> list[Any]:
    marked = {"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral", "ttl": ttl}}
    return [SystemMessage([marked]), HumanMessage("hi")]


async def _write_then_read(path: str, ttl: str) -> list[Any]:
    llm, _ = emulated(MessagesEmulator())  # prompt_cache="off": only the marker above
    return [(await call(llm, path, _messages(ttl))).usage_metadata for _ in range(2)]


@pytest.mark.parametrize("ttl", ["5m", "1h"])
@pytest.mark.parametrize("path", PATHS)
async def test_streamed_usage_adds_up_to_what_invoke_reports(path: str, ttl: str) -> None:
    expected = await _write_then_read("invoke", ttl)
    assert await _write_then_read(path, ttl) == expected
    written, read = expected
    other = "ephemeral_5m_input_tokens" if ttl == "1h" else "ephemeral_1h_input_tokens"
    details = written["input_token_details"]
    assert details[f"ephemeral_{ttl}_input_tokens"] > 1000 and details[other] == 0
    assert details["cache_read"] == 0
    assert read["input_token_details"]["cache_read"] == details[f"ephemeral_{ttl}_input_tokens"]
    for usage in expected:  # the write and the read are part of the input total
        assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
        assert usage["input_tokens"] > 1000


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_only_one_chunk_carries_usage(path: str) -> None:
    llm, _ = emulated(MessagesEmulator())
    chunks: list[Any] = []
    if path == "stream":
        chunks = list(llm.stream(_messages("5m")))
    else:
        chunks = [c async for c in llm.astream(_messages("5m"))]
    assert len([c for c in chunks if c.usage_metadata]) == 1
