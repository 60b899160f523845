"""More than 4 user cache_control markers is refused before sending, wherever they sit.

The API counts markers inside tool_result content and a top-level ``cache_control``
(automatic caching, as AnthropicPromptCachingMiddleware passes it) too.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CC = {"type": "ephemeral"}
TOOL = {"name": "f", "description": "f", "input_schema": {"type": "object", "properties": {}}}


def _marked(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text, "cache_control": CC}]


def _calls(n: int) -> list[Any]:
    history: list[Any] = [HumanMessage("start")]
    for i in range(n):
        history.append(AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": f"t{i}"}]))
        history.append(ToolMessage(_marked(f"result {i}"), tool_call_id=f"t{i}"))
    return history


@pytest.mark.parametrize(
    ("messages", "kwargs"),
    [
        ([SystemMessage(_marked("a")), *_calls(4)], {}),
        (
            [SystemMessage(_marked("a") + _marked("b")), HumanMessage(_marked("c") + _marked("d"))],
            {"cache_control": CC},
        ),
    ],
    ids=["nested_in_tool_results", "top_level"],
)
def test_five_markers_are_refused_before_sending(
    messages: list[Any], kwargs: dict[str, Any]
) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="5 cache_control markers"):
        llm.bind_tools([TOOL]).invoke(messages, **kwargs)
    assert emu.requests == []


def test_four_markers_including_nested_and_top_level_are_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.bind_tools([TOOL]).invoke([SystemMessage(_marked("a")), *_calls(2)], cache_control=CC)
    assert emu.last_request["body"]["cache_control"] == CC
