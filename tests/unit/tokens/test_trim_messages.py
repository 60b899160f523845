"""``trim_messages(token_counter=llm)`` works: counting never judges the history's shape.

trim_messages probes slices (a lone system prompt, a slice starting with an AIMessage or an
orphan ToolMessage); a request would be refused, but a token count must still answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.utils import trim_messages

from langchain_cometapi import ChatCometAPI

HISTORY: list[Any] = [
    SystemMessage("You are terse."),
    HumanMessage("first question " * 40),
    AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "t1"}]),
    ToolMessage("tool output " * 40, tool_call_id="t1"),
    AIMessage("first answer " * 40),
    HumanMessage("second question " * 40),
    AIMessage("second answer " * 40),
    HumanMessage("third question"),
]


@pytest.fixture
def llm() -> ChatCometAPI:
    return ChatCometAPI(api_key="k", model="claude-sonnet-4-5")


def test_trim_messages_with_the_model_as_counter(llm: ChatCometAPI) -> None:
    budget = llm.get_num_tokens_from_messages(HISTORY[:1] + HISTORY[-3:]) + 5
    trimmed = trim_messages(
        HISTORY,
        max_tokens=budget,
        token_counter=llm,
        strategy="last",
        include_system=True,
        start_on="human",
    )
    assert trimmed[0] == HISTORY[0]
    assert trimmed[1:] == HISTORY[-3:]
    assert llm.get_num_tokens_from_messages(trimmed) <= budget


@pytest.mark.parametrize(
    "messages",
    [[], HISTORY[:1], HISTORY[2:5], HISTORY[3:4], [HumanMessage("a"), SystemMessage("late")]],
    ids=["empty", "system_only", "starts_with_ai", "orphan_tool_result", "late_system"],
)
def test_counting_accepts_any_slice(llm: ChatCometAPI, messages: list[Any]) -> None:
    count = llm.get_num_tokens_from_messages(messages)
    assert count >= 0
    if messages:
        assert count > 0


def test_invoke_still_refuses_what_the_api_would(llm: ChatCometAPI) -> None:
    with pytest.raises(ValueError, match="do not answer a tool call"):
        llm.invoke(HISTORY[3:4])  # an orphan tool result (an assistant-first slice is valid)
