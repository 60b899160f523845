"""Tool-call ids from other providers are made valid for the API, pairs kept.

The API rejects tool_use ids outside ``^[a-zA-Z0-9_-]+$``; histories replayed from other
providers carry ids like ``functions.write_todos:0`` (ChatAnthropic hashes them the same way).
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

TOOL = {"name": "write_todos", "description": "w", "input_schema": {"type": "object"}}


def _history(call_id: str) -> list[object]:
    return [
        HumanMessage("plan"),
        AIMessage("", tool_calls=[{"name": "write_todos", "args": {}, "id": call_id}]),
        ToolMessage("done", tool_call_id=call_id),
    ]


def test_foreign_ids_are_rewritten_consistently() -> None:
    _, turns = convert_messages(_history("functions.write_todos:0"))  # type: ignore[arg-type]
    new_id = turns[1]["content"][0]["id"]
    assert new_id.startswith("toolu_") and new_id != "functions.write_todos:0"
    assert turns[2]["content"][0]["tool_use_id"] == new_id
    _, again = convert_messages(_history("functions.write_todos:0"))  # type: ignore[arg-type]
    assert again[1]["content"][0]["id"] == new_id  # stable across turns (cache prefixes too)


def test_valid_ids_are_untouched() -> None:
    _, turns = convert_messages(_history("call_AbC-123"))  # type: ignore[arg-type]
    assert turns[1]["content"][0]["id"] == "call_AbC-123"


def test_emulator_rejects_bad_ids_and_accepts_the_rewritten_request() -> None:
    emu = MessagesEmulator()
    bad = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 32,
        "tools": [TOOL],
        "messages": [
            {"role": "user", "content": "plan"},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "a.b:0", "name": "write_todos", "input": {}}
                ],
            },
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a.b:0"}]},
        ],
    }
    assert emu.handle("POST", "/v1/messages", {"x-api-key": "k"}, bad).status == 400
    llm, emu = emulated(emu)
    emu.script(Reply.text("ok"))
    assert llm.bind_tools([TOOL]).invoke(_history("a.b:0")).content == "ok"
