"""Blank text the API would answer 400 to is not sent (as ChatAnthropic does).

The API rejects whitespace-only text blocks ("text content blocks must contain non-whitespace
text"; Claude itself sometimes returns one next to a tool call) and a final assistant turn
(prefill) ending in whitespace.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


def test_whitespace_only_text_blocks_are_dropped() -> None:
    ai = AIMessage(
        content=[
            {"type": "text", "text": "\n\n"},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
        ],
        tool_calls=[{"name": "f", "args": {}, "id": "toolu_1"}],
    )
    _, turns = convert_messages(
        [
            HumanMessage(["  ", {"type": "text", "text": "hi"}]),
            ai,
            ToolMessage("r", tool_call_id="toolu_1"),
        ]
    )
    assert turns[0]["content"] == [{"type": "text", "text": "hi"}]
    assert turns[1]["content"] == [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}]


def test_final_assistant_prefill_is_right_stripped() -> None:
    _, turns = convert_messages([HumanMessage("hi"), AIMessage("Sure, here it is:\n ")])
    assert turns[-1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Sure, here it is:"}],
    }


def test_earlier_assistant_text_keeps_its_whitespace() -> None:
    _, turns = convert_messages([HumanMessage("a"), AIMessage("b \n"), HumanMessage("c")])
    assert turns[1]["content"] == [{"type": "text", "text": "b \n"}]


def test_blank_only_conversation_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="blank text"):
        convert_messages([HumanMessage("   ")])


def test_prefill_request_is_accepted_end_to_end() -> None:
    # Claude 4.6 and later refuse a prefill; Haiku 4.5 continues one
    llm, emu = emulated(MessagesEmulator(), model="claude-haiku-4-5")
    emu.script(Reply.text(" done"))
    llm.invoke([HumanMessage("hi"), AIMessage("Answer: ")])
    assert emu.last_request["body"]["messages"][-1]["content"][-1]["text"] == "Answer:"


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([{"role": "user", "content": "  \n"}], "non-whitespace"),
        ([{"role": "user", "content": [{"type": "text", "text": " "}]}], "non-whitespace"),
        (
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Sure, "}],
            "trailing whitespace",
        ),
    ],
)
def test_emulator_refuses_blank_text_like_the_api(messages: list[object], error: str) -> None:
    emu = MessagesEmulator()
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": messages}
    response = emu.handle("POST", "/v1/messages", {"x-api-key": "k"}, body)
    assert response.status == 400
    assert error in b"".join(response.chunks).decode()


def test_emulator_accepts_whitespace_next_to_real_text() -> None:
    emu = MessagesEmulator()
    content = [{"type": "text", "text": " "}, {"type": "text", "text": "real"}]
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": content}],
    }
    assert emu.handle("POST", "/v1/messages", {"x-api-key": "k"}, body).status == 200
