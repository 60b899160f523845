"""A server tool block (web search, code execution...) cut mid-stream keeps only fragments of its
input. The history must still be sendable, as with ChatAnthropic: a cut input goes out as ``{}``
(with a warning), never as a half query; a complete one is parsed."""

from __future__ import annotations

import asyncio
import warnings

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from tests.helpers.chat_model import emulated


def _history(partial: str) -> list[BaseMessage]:
    cut = AIMessage(
        [{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {},
          "partial_json": partial, "index": 0}],
        response_metadata={"model_provider": "anthropic"},
    )  # fmt: skip
    return [HumanMessage("weather in Paris?"), cut, HumanMessage("go on")]


def _sent_block(emu_body: dict) -> dict:
    block = emu_body["messages"][1]["content"][0]
    assert block["type"] == "server_tool_use"
    assert "partial_json" not in block and "index" not in block
    return block


def test_cut_server_tool_input_is_sent_as_empty_object() -> None:
    llm, emu = emulated()
    with pytest.warns(UserWarning, match="not complete JSON"):
        llm.invoke(_history('{"query": "wea'))
    assert _sent_block(emu.last_request["body"])["input"] == {}


def test_cut_server_tool_input_async() -> None:
    llm, emu = emulated()
    with pytest.warns(UserWarning, match="not complete JSON"):
        asyncio.run(llm.ainvoke(_history('{"query"')))
    assert _sent_block(emu.last_request["body"])["input"] == {}


def test_complete_server_tool_input_is_parsed_without_warning() -> None:
    llm, emu = emulated()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llm.invoke(_history('{"query": "weather Paris"}'))
    assert _sent_block(emu.last_request["body"])["input"] == {"query": "weather Paris"}
