"""Text written before tool results in one user turn is moved after them: the API counts only
tool_result blocks at the start of the turn as answers (the emulator refuses it otherwise)."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


async def test_text_before_tool_results_is_reordered() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"), Reply.text("ok"))
    history = [
        HumanMessage("q"),
        AIMessage("", tool_calls=[{"id": "t1", "name": "get", "args": {}}]),
        HumanMessage("(the tool was slow)"),
        ToolMessage("r", tool_call_id="t1"),
    ]
    llm.invoke(history)
    await llm.ainvoke(history)
    for request in emu.requests:
        sent = request["body"]["messages"][2]["content"]
        assert [b["type"] for b in sent] == ["tool_result", "text"]
