"""A stream opens with content: no chunk that shows nothing, in block mode too.

With tools bound, text streams as blocks; the ``content_block_start`` of a text block carries
``text: ""``, which was a leading chunk with an empty text block (ChatAnthropic yields nothing
for it): a UI rendered an empty message bubble first, and LangGraph's ``messages`` stream had
one more chunk than with ChatAnthropic.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.tools import tool

from langchain_cometapi.testing import Reply
from tests.helpers.chat_model import emulated


@tool
def get_weather(city: str) -> str:
    """Today's weather for a city."""
    return city


def _shows_nothing(chunk: AIMessageChunk) -> bool:
    blocks = chunk.content if isinstance(chunk.content, list) else [chunk.content]
    empty = all(isinstance(b, dict) and b.get("type") == "text" and not b.get("text")
                for b in blocks)  # fmt: skip
    return bool(blocks) and empty and not chunk.tool_call_chunks


async def _chunks(path: str, reply: Reply) -> tuple[list[Any], AIMessage]:
    llm, emu = emulated(model="claude-sonnet-4-6")
    emu.script(reply, reply)
    bound = llm.bind_tools([get_weather])
    if path == "stream":
        chunks = list(bound.stream("Weather in Paris?"))
    else:
        chunks = [c async for c in bound.astream("Weather in Paris?")]
    return chunks, bound.invoke("Weather in Paris?")


@pytest.mark.parametrize("path", ["stream", "astream"])
@pytest.mark.parametrize(
    "reply",
    [
        Reply.text("Sunny.", chunks=3),
        Reply.tool_use("get_weather", {"city": "Paris"}, text="On it."),
    ],
    ids=["text", "text-then-tool"],
)
async def test_no_chunk_shows_an_empty_text_block(path: str, reply: Reply) -> None:
    chunks, invoked = await _chunks(path, reply)
    assert [c for c in chunks if _shows_nothing(c)] == []
    total: Any = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert chunks[0].response_metadata["model_name"] == "claude-sonnet-4-6"
    assert total.text == invoked.text
    assert [b["type"] for b in total.content_blocks] == [b["type"] for b in invoked.content_blocks]
    assert [(c["name"], c["args"]) for c in total.tool_calls] == [
        (c["name"], c["args"]) for c in invoked.tool_calls
    ]
