"""Keys the API does not take on a block (legacy ``tool_input``, ``text: None`` from old SDK
dumps, LangChain's ``index``) are left out of tool_use / thinking / tool_result blocks, as
ChatAnthropic does; the emulator refuses them ("Extra inputs are not permitted")."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

LEGACY = {"tool_input": {"a": "b"}, "type": "tool_use", "id": "1", "text": None, "name": "buz"}


def test_legacy_tool_use_keys_are_left_out() -> None:
    ai = AIMessage([{"type": "text", "text": "baz"}, LEGACY])
    _, turns = convert_messages([HumanMessage("q"), ai, ToolMessage("o", tool_call_id="1")])
    assert turns[1]["content"][1] == {"type": "tool_use", "id": "1", "name": "buz", "input": {}}


async def test_legacy_blocks_reach_the_api_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    thinking = {"type": "thinking", "thinking": "t", "signature": "c2ln", "text": None, "index": 0}
    ai = AIMessage([thinking, LEGACY])
    await llm.ainvoke([HumanMessage("q"), ai, ToolMessage("o", tool_call_id="1")])
    sent = emu.last_request["body"]["messages"][1]["content"]
    assert sent[0] == {"type": "thinking", "thinking": "t", "signature": "c2ln"}
    assert set(sent[1]) == {"type", "id", "name", "input"}
