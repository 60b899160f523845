"""Continuing, with ChatCometAPI, a conversation another LangChain chat model started.

Each history (tests/helpers/foreign.py) is built the way ChatOpenAI (chat completions,
Responses in v0 / responses/v1 / v1), ChatGoogleGenerativeAI, ChatBedrockConverse and ChatOllama
write theirs. The emulator validates the request as the API does, so an accepted request is one
the API takes; and nothing the user or the tools wrote may be missing from it, while the other
provider's reasoning is left out (docs/features.md, the block table), never shown to Claude as
visible assistant text.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated
from tests.helpers.foreign import HISTORIES, markers_in
from tests.helpers.responses import PATHS, call


@tool
def get_weather(city: str) -> str:
    """Today's weather for a city."""
    return f"sunny in {city}"


def _sent(history: list[Any], path: str) -> dict[str, Any]:
    emu = MessagesEmulator()
    emu.script(Reply.text("Noted."))
    llm, _ = emulated(emu, model="claude-sonnet-4-6")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either: these histories are ordinary
        reply = asyncio.run(call(llm.bind_tools([get_weather]), path, history))
    assert isinstance(reply, AIMessage) and reply.text == "Noted."
    body = emu.requests[-1]["body"]
    assert isinstance(body, dict)
    return body


def _texts(body: dict[str, Any], role: str) -> str:
    """Everything a ``role`` turn says, tool results included, as one string."""
    return json.dumps([m["content"] for m in body["messages"] if m["role"] == role])


@pytest.mark.parametrize("name", sorted(HISTORIES))
@pytest.mark.parametrize("path", ["invoke", "ainvoke"])
def test_a_foreign_history_is_accepted_and_keeps_what_was_written(name: str, path: str) -> None:
    history = HISTORIES[name]()
    body = _sent(history, path)
    expected = markers_in(history)
    users, assistants = _texts(body, "user"), _texts(body, "assistant")
    assert [m for m in expected if m.startswith(("USER", "RESULT")) and m not in users] == []
    assert ("ASSISTANT1" in assistants) == ("ASSISTANT1" in expected)
    assert "FOREIGN_REASONING" not in json.dumps(body)


@pytest.mark.parametrize("path", PATHS)
def test_a_bedrock_json_tool_result_reaches_claude_as_text(path: str) -> None:
    """Converse's ``json`` result block is no Messages block (a 400 that fails every later
    turn); its data is sent as the tool_result's text."""
    body = _sent(HISTORIES["bedrock_json_result"](), path)
    result = body["messages"][2]["content"][0]
    assert result["type"] == "tool_result"
    assert result["content"] == [{"type": "text", "text": '{"forecast": "RESULT1"}'}]


def test_another_providers_url_citation_is_left_out_and_its_text_kept() -> None:
    """An OpenAI URL citation has no ``cited_text`` / ``encrypted_index``: sent as a
    ``web_search_result_location`` it would be a 400 on every later turn."""
    body = _sent(HISTORIES["openai_v1"](), "invoke")
    text = body["messages"][1]["content"][0]
    assert text == {"type": "text", "text": "Checking. ASSISTANT1"}


def test_claudes_own_v1_citation_is_sent_back_complete() -> None:
    """The v1 form of Claude's web citation (cited_text, encrypted_index in extras, a null
    title dropped by the v1 translator) goes back with every field the API requires."""
    annotation = {
        "type": "citation",
        "url": "https://example.com",
        "cited_text": "green",
        "extras": {"encrypted_index": "EqQB"},
    }
    ai = AIMessage(
        [{"type": "text", "text": "It is green.", "annotations": [annotation]}],
        response_metadata={"model_provider": "anthropic", "output_version": "v1"},
    )
    body = _sent([HumanMessage("Colour?"), ai, HumanMessage("Sure?")], "invoke")
    assert body["messages"][1]["content"][0]["citations"] == [
        {
            "type": "web_search_result_location",
            "url": "https://example.com",
            "title": None,
            "cited_text": "green",
            "encrypted_index": "EqQB",
        }
    ]
