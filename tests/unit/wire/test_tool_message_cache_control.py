"""A cache_control inside a ToolMessage's content moves up to its tool_result block: the API
refuses it on blocks nested in ``tool_result.content`` (``invalid_cache``), and ChatAnthropic
hoists it the same way (langchain issue #34920)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CC = {"type": "ephemeral"}


def _history(tool_content: Any) -> list[BaseMessage]:
    return [
        HumanMessage("weather?"),
        AIMessage("", tool_calls=[{"id": "t1", "name": "get", "args": {}}]),
        ToolMessage(tool_content, tool_call_id="t1"),
    ]


def _sent_result(emu: MessagesEmulator) -> dict[str, Any]:
    block: dict[str, Any] = emu.last_request["body"]["messages"][2]["content"][0]
    return block


def test_nested_marker_is_hoisted_sync() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("sunny"))
    content = [{"type": "text", "text": "It's sunny.", "cache_control": CC}]
    llm.invoke(_history(content))
    block = _sent_result(emu)
    assert block["cache_control"] == CC
    assert block["content"] == [{"type": "text", "text": "It's sunny."}]


async def test_nested_marker_is_hoisted_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("sunny"))
    content = [
        {"type": "text", "text": "part one"},
        {"type": "text", "text": "part two", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
    ]
    await llm.ainvoke(_history(content))
    block = _sent_result(emu)
    assert block["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert all("cache_control" not in b for b in block["content"])


def test_marker_inside_a_given_tool_result_block_is_hoisted() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    result = {
        "type": "tool_result",
        "tool_use_id": "t1",
        "content": [{"type": "text", "text": "r", "cache_control": CC}],
    }
    llm.invoke([*_history([])[:2], HumanMessage([result])])
    assert _sent_result(emu) == {
        "type": "tool_result",
        "tool_use_id": "t1",
        "content": [{"type": "text", "text": "r"}],
        "cache_control": CC,
    }


def test_emulator_refuses_a_nested_marker() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 16,
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "g",
                                               "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                          "content": [{"type": "text", "text": "r",
                                                       "cache_control": CC}]}]},
        ],
    }  # fmt: skip
    response = MessagesEmulator().handle("POST", "/v1/messages", {"x-api-key": "k"}, body)
    assert response.status == 400
    assert "cache_control is not supported at messages.2.content.0.content.0" in (
        response.body.decode()
    )


def test_marker_on_a_blank_text_still_marks_the_result() -> None:
    """The blank text is not sent (the API refuses it), but the user's marker is kept on the
    tool_result, where ChatAnthropic puts it too (generated differential tests)."""
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    content = [{"type": "text", "text": "r"}, {"type": "text", "text": " ", "cache_control": CC}]
    llm.invoke(_history(content))
    assert _sent_result(emu) == {
        "type": "tool_result",
        "tool_use_id": "t1",
        "content": [{"type": "text", "text": "r"}],
        "cache_control": CC,
    }


async def test_marker_on_a_blank_text_still_marks_the_result_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    await llm.ainvoke(_history([{"type": "text", "text": "", "cache_control": CC}]))
    assert _sent_result(emu) == {"type": "tool_result", "tool_use_id": "t1", "cache_control": CC}
