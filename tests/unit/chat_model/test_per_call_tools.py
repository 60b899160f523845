"""Tools given per call (``invoke(..., tools=[...])``, ``plan_cache(..., tools=[...])``) are
converted like bind_tools' (a BaseTool there raised AttributeError)."""

from __future__ import annotations

from langchain_core.tools import tool

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


@tool
def lookup(query: str) -> str:
    """Look something up."""
    return query


def test_invoke_with_tools_kwarg_converts_them() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.tool_use("lookup", {"query": "x"}))
    message = llm.invoke("find x", tools=[lookup], tool_choice="lookup")
    assert message.tool_calls[0]["name"] == "lookup"
    sent = emu.last_request["body"]
    assert sent["tools"][0]["name"] == "lookup"
    assert sent["tools"][0]["input_schema"]["properties"]["query"]["type"] == "string"
    assert sent["tool_choice"] == {"type": "tool", "name": "lookup"}


def test_plan_cache_with_tools_kwarg() -> None:
    llm, _ = emulated(MessagesEmulator(), prompt_cache="auto", model="claude-sonnet-4-5")
    messages = [("system", "Rules. " * 2000), ("human", "hi")]
    with_tools = llm.plan_cache(messages, tools=[lookup])
    without = llm.plan_cache(messages)
    assert with_tools.estimated_input_tokens > without.estimated_input_tokens
