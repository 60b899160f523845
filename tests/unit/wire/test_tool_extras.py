"""BaseTool.extras carry Anthropic tool fields (as ChatAnthropic reads them).

AnthropicPromptCachingMiddleware-style middleware marks the last tool through
``extras["cache_control"]``; dropping it loses the tools breakpoint silently.
"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import tool

from langchain_cometapi._wire.tools import convert_tool
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


@tool
def lookup(query: str) -> str:
    """Look something up."""
    return query


def test_extras_fields_reach_the_tool_definition() -> None:
    tagged = lookup.model_copy(
        update={
            "extras": {
                "cache_control": {"type": "ephemeral", "ttl": "5m"},
                "defer_loading": True,
                "unrelated": "kept out",
            }
        }
    )
    out = convert_tool(tagged)
    assert out["cache_control"] == {"type": "ephemeral", "ttl": "5m"}
    assert out["defer_loading"] is True
    assert "unrelated" not in out
    assert out["name"] == "lookup" and "input_schema" in out


def test_provider_tool_definition_passes_through() -> None:
    definition: dict[str, Any] = {"type": "web_search_20250305", "name": "web_search"}
    wrapped = lookup.model_copy(update={"extras": {"provider_tool_definition": definition}})
    assert convert_tool(wrapped) == definition


def test_tagged_tool_marker_is_sent_and_budgeted() -> None:
    llm, emu = emulated(MessagesEmulator(), prompt_cache="auto", model="claude-sonnet-4-5")
    emu.script(Reply.text("ok"))
    tagged = lookup.model_copy(update={"extras": {"cache_control": {"type": "ephemeral"}}})
    llm.bind_tools([tagged]).invoke(
        [("system", "You are terse. " * 800), ("human", "hi " * 800)]
    )
    body = emu.last_request["body"]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    markers = sum("cache_control" in t for t in body["tools"])
    markers += sum("cache_control" in b for b in body["system"])
    for turn in body["messages"]:
        markers += sum("cache_control" in b for b in turn["content"] if isinstance(b, dict))
    assert markers <= 4
