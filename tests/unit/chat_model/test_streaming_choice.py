"""Whether a call streams is LangChain's decision, as for ChatAnthropic.

``BaseChatModel._should_stream`` weighs ``streaming=True``, a per-call ``stream=``,
``disable_streaming`` (``True`` or ``"tool_calling"``) and streaming callbacks, then calls
``_stream`` or ``_generate``; the model follows it (the request's ``stream`` field shows which
one was sent) and never streams a call LangChain sent to ``_generate``.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

TOOL = {
    "name": "get_weather",
    "description": "Today's weather for a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}
PATHS = ("invoke", "ainvoke", "stream", "astream")


async def _call(runnable: Any, path: str, **kwargs: Any) -> Any:
    """The call on ``path``; a stream's chunks added up."""
    if path == "invoke":
        return runnable.invoke("hi", **kwargs)
    if path == "ainvoke":
        return await runnable.ainvoke("hi", **kwargs)
    chunks = (
        list(runnable.stream("hi", **kwargs))
        if path == "stream"
        else [c async for c in runnable.astream("hi", **kwargs)]
    )
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def _streamed(emu: MessagesEmulator) -> bool:
    return bool(emu.requests[-1]["body"].get("stream"))


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
async def test_streaming_true_streams_invoke(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), streaming=True)
    emu.script(Reply.text("Hello"))
    assert (await _call(llm, path)).text == "Hello"
    assert _streamed(emu)


@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
async def test_stream_false_per_call_wins_over_streaming_true(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), streaming=True)
    emu.script(Reply.text("Hello"))
    assert (await _call(llm, path, stream=False)).text == "Hello"
    assert not _streamed(emu)


@pytest.mark.parametrize("path", PATHS)
async def test_disable_streaming_for_tool_calls_wins_over_streaming_true(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), streaming=True, disable_streaming="tool_calling")
    emu.script(Reply.tool_use("get_weather", {"city": "Paris"}), Reply.text("Hello"))
    reply = await _call(llm.bind_tools([TOOL]), path)
    assert reply.tool_calls[0]["args"] == {"city": "Paris"}
    assert not _streamed(emu)
    assert (await _call(llm, path)).text == "Hello"  # without tools it streams
    assert _streamed(emu)


@pytest.mark.parametrize("path", PATHS)
async def test_disable_streaming_true_sends_every_call_unstreamed(path: str) -> None:
    llm, emu = emulated(MessagesEmulator(), streaming=True, disable_streaming=True)
    emu.script(Reply.text("Hello there"))
    reply = await _call(llm, path)
    assert reply.text == "Hello there" and reply.usage_metadata["output_tokens"] > 0
    assert not _streamed(emu)
