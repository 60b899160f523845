"""OpenAI-style tool_choice dicts name a tool, as code written for ChatOpenAI passes them."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

TOOL = {"name": "lookup", "description": "l", "input_schema": {"type": "object"}}


@pytest.mark.parametrize(
    "choice",
    [
        {"type": "function", "function": {"name": "lookup"}},
        {"type": "function", "name": "lookup"},
    ],
)
def test_openai_tool_choice_becomes_a_named_tool(choice: dict[str, Any]) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.tool_use("lookup", {}))
    llm.bind_tools([TOOL], tool_choice=choice, parallel_tool_calls=False).invoke("go")
    assert emu.last_request["body"]["tool_choice"] == {
        "type": "tool",
        "name": "lookup",
        "disable_parallel_tool_use": True,
    }


def test_openai_tool_choice_for_an_unbound_tool_is_refused() -> None:
    llm, _ = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="not a bound tool"):
        llm.bind_tools([TOOL], tool_choice={"type": "function", "function": {"name": "nope"}})
