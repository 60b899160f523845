"""A history saved from ChatAnthropic is sent without the anthropic SDK's null fields.

ChatAnthropic keeps the SDK's ``model_dump()`` of each reply block, so its AIMessages carry
``toolset_name: None`` on tool calls and ``file_id: None`` on document citations. A request
citation has no ``file_id`` (the API answers "Extra inputs are not permitted"), and the API's
schema has no null for the others: those nulls are left out, as ChatAnthropic leaves them out.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CITATION = {
    "cited_text": "The grass is green.",
    "document_index": 0,
    "document_title": None,
    "end_char_index": 19,
    "file_id": None,
    "start_char_index": 0,
    "type": "char_location",
}
CALL = {"id": "toolu_1", "input": {"a": 1}, "name": "get", "type": "tool_use"}


def _history() -> list[BaseMessage]:
    return [
        HumanMessage("Which colour is the grass?"),
        AIMessage([{"citations": [CITATION], "text": "green", "type": "text"}]),
        HumanMessage("Check it."),
        AIMessage(
            [{**CALL, "toolset_name": None, "caller": None}],
            tool_calls=[{"id": "toolu_1", "name": "get", "args": {"a": 1}}],
        ),
        ToolMessage("green", tool_call_id="toolu_1"),
    ]


def _sent(emu: MessagesEmulator) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = emu.last_request["body"]["messages"]
    return messages


def _check(messages: list[dict[str, Any]]) -> None:
    cited = {k: v for k, v in CITATION.items() if k != "file_id"}
    assert messages[1]["content"] == [{"type": "text", "text": "green", "citations": [cited]}]
    assert messages[3]["content"] == [CALL]


def test_sdk_nulls_are_left_out_sync() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("It is green."))
    assert llm.invoke(_history()).text == "It is green."
    _check(_sent(emu))


async def test_sdk_nulls_are_left_out_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("It is green."))
    assert (await llm.ainvoke(_history())).text == "It is green."
    _check(_sent(emu))
