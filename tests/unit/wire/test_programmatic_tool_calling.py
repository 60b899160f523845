"""Programmatic tool calling: ``reuse_last_container=True`` sends the previous reply's
container id (not a ``reuse_last_container`` body field), and with output_version="v1" a tool
call made from code execution keeps its ``caller`` on the way back."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CONTAINER = {"id": "container_011", "expires_at": "2026-12-01T00:00:00Z"}
CODE_EXEC = {"type": "code_execution_20250825", "name": "code_execution"}


def _history() -> list[object]:
    return [
        HumanMessage("compute"),
        AIMessage(
            "done", response_metadata={"model_provider": "anthropic", "container": CONTAINER}
        ),
        HumanMessage("again"),
    ]


def test_reuse_last_container_sends_the_container_id() -> None:
    llm, emu = emulated(MessagesEmulator(), reuse_last_container=True)
    emu.script(Reply.text("ok"))
    llm.invoke(_history())
    sent = emu.last_request["body"]
    assert sent["container"] == "container_011"
    assert "reuse_last_container" not in sent


async def test_reuse_last_container_async_and_call_override() -> None:
    llm, emu = emulated(MessagesEmulator(), reuse_last_container=True)
    emu.script(Reply.text("ok"), Reply.text("ok"))
    await llm.ainvoke(_history())
    assert emu.last_request["body"]["container"] == "container_011"
    await llm.ainvoke(_history(), container="container_explicit")
    assert emu.last_request["body"]["container"] == "container_explicit"


def test_without_reuse_no_container_is_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke(_history())
    assert "container" not in emu.last_request["body"]


def test_v1_tool_call_keeps_its_caller() -> None:
    caller = {"type": "code_execution_20250825", "tool_id": "srvtoolu_1"}
    ai = AIMessage(
        [
            {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "args": {"city": "Oslo"},
             "extras": {"caller": caller}},
        ],
        tool_calls=[{"id": "toolu_1", "name": "get_weather", "args": {"city": "Oslo"}}],
        response_metadata={"model_provider": "anthropic", "output_version": "v1"},
    )  # fmt: skip
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke([HumanMessage("weather"), ai, ToolMessage("sunny", tool_call_id="toolu_1")])
    sent = emu.last_request["body"]["messages"][1]["content"][0]
    assert sent == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "get_weather",
        "input": {"city": "Oslo"},
        "caller": caller,
    }


def test_reuse_last_container_per_call() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke(_history(), reuse_last_container=True)
    sent = emu.last_request["body"]
    assert sent["container"] == "container_011"
    assert "reuse_last_container" not in sent
