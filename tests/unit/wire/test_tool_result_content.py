"""A ToolMessage whose content already is tool_result blocks is sent as those blocks, not
wrapped in a second tool_result (as ChatAnthropic does)."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CALLS = [{"id": "t1", "name": "get", "args": {}}, {"id": "t2", "name": "get", "args": {}}]
RESULTS = [
    {"type": "tool_result", "tool_use_id": "t1", "content": "one"},
    {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "two"}]},
]


def test_prebuilt_tool_results_are_not_wrapped_again() -> None:
    _, turns = convert_messages(
        [
            HumanMessage("q"),
            AIMessage("", tool_calls=CALLS),
            ToolMessage(RESULTS, tool_call_id="t1"),
        ]
    )
    assert turns[2]["content"] == RESULTS


async def test_prebuilt_tool_results_reach_the_api_unwrapped() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"), Reply.text("ok"))
    history = [
        HumanMessage("q"),
        AIMessage("", tool_calls=CALLS),
        ToolMessage(RESULTS, tool_call_id="t1"),
    ]
    llm.invoke(history)
    await llm.ainvoke(history)
    for request in emu.requests:
        assert request["body"]["messages"][2]["content"] == RESULTS
