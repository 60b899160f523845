"""Forced tool_choice and thinking: adaptive thinking keeps it (the API accepts it), budgeted
thinking falls back to auto with a warning (as ChatAnthropic does), so create_agent with a
ToolStrategy works on a thinking model instead of raising at bind_tools."""

from __future__ import annotations

import warnings

import pytest
from langchain.agents import create_agent
from langchain.agents.structured_output import ToolStrategy
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


class Answer(BaseModel):
    """The answer."""

    city: str


@tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return "sunny"


def test_adaptive_thinking_keeps_a_forced_choice() -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-opus-4-6", thinking={"type": "adaptive"})
    emu.script(Reply.tool_use("get_weather", {"city": "Oslo"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llm.bind_tools([get_weather], tool_choice="any").invoke("weather?")
        structured = llm.with_structured_output(Answer)
    assert emu.last_request["body"]["tool_choice"] == {"type": "any"}
    emu.script(Reply.tool_use("Answer", {"city": "Oslo"}))
    assert structured.invoke("which city?") == Answer(city="Oslo")
    assert emu.last_request["body"]["tool_choice"] == {"type": "tool", "name": "Answer"}


@pytest.mark.filterwarnings("ignore:tool_choice forces")
def test_create_agent_tool_strategy_with_budgeted_thinking() -> None:
    llm, emu = emulated(
        MessagesEmulator(),
        model="claude-sonnet-4-20250514",
        thinking={"type": "enabled", "budget_tokens": 1024},
        max_tokens=2048,
    )
    emu.script(Reply.tool_use("Answer", {"city": "Paris"}))
    agent = create_agent(llm, [get_weather], response_format=ToolStrategy(Answer))
    result = agent.invoke({"messages": [("user", "which city?")]})
    assert result["structured_response"] == Answer(city="Paris")
    assert emu.last_request["body"]["tool_choice"]["type"] == "auto"
