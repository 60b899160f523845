"""A lone system message after the first turn is hoisted with a warning (as ChatAnthropic does)
instead of failing; a second system prompt is still refused."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


def test_late_system_message_is_hoisted() -> None:
    history = [
        HumanMessage("question"),
        AIMessage("answer"),
        SystemMessage("Use the context."),
        HumanMessage("follow-up"),
    ]
    with pytest.warns(UserWarning, match="moved to the top-level system prompt"):
        system, turns = convert_messages(history)
    assert system == [{"type": "text", "text": "Use the context."}]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]


def test_late_system_message_reaches_the_api() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    with pytest.warns(UserWarning):
        llm.invoke([HumanMessage("What is in the context?"), SystemMessage("Context: blue.")])
    assert emu.last_request["body"]["system"] == [{"type": "text", "text": "Context: blue."}]


def test_second_system_prompt_is_refused() -> None:
    with pytest.raises(ValueError, match="second system message"):
        convert_messages([SystemMessage("a"), HumanMessage("q"), SystemMessage("b")])


def test_consecutive_late_system_messages_hoist_together() -> None:
    with pytest.warns(UserWarning):
        system, _ = convert_messages([HumanMessage("q"), SystemMessage("a"), SystemMessage("b")])
    assert system == [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
