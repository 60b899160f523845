"""An AIMessage's ``invalid_tool_calls`` (arguments that were not JSON): when a ToolMessage
answers one (an agent reporting the error back), the call goes out as a ``tool_use`` with input
``{}`` so that the result pairs with it, as ChatAnthropic sends it; an unanswered one stays out,
since the API refuses a call without a result."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from tests.helpers.chat_model import emulated


def _ai() -> AIMessage:
    return AIMessage(
        "let me look",
        invalid_tool_calls=[
            {"type": "invalid_tool_call", "id": "toolu_bad", "name": "lookup", "args": "{oops",
             "error": "not JSON"},
        ],
    )  # fmt: skip


def _answered() -> list[BaseMessage]:
    error = ToolMessage("Error: arguments were not JSON", tool_call_id="toolu_bad", status="error")
    return [HumanMessage("find it"), _ai(), error, HumanMessage("try again")]


def _check(body: dict) -> None:
    assistant, user = body["messages"][1], body["messages"][2]
    assert assistant["content"][-1] == {
        "type": "tool_use", "id": "toolu_bad", "name": "lookup", "input": {}
    }  # fmt: skip
    assert user["content"][0]["type"] == "tool_result"
    assert user["content"][0]["tool_use_id"] == "toolu_bad"
    assert user["content"][0]["is_error"] is True


def test_answered_invalid_tool_call_is_sent_as_tool_use() -> None:
    llm, emu = emulated()
    llm.invoke(_answered())
    _check(emu.last_request["body"])


def test_answered_invalid_tool_call_async() -> None:
    llm, emu = emulated()
    asyncio.run(llm.ainvoke(_answered()))
    _check(emu.last_request["body"])


def test_unanswered_invalid_tool_call_stays_out() -> None:
    llm, emu = emulated()
    llm.invoke([HumanMessage("find it"), _ai(), HumanMessage("never mind")])
    sent = emu.last_request["body"]["messages"][1]["content"]
    assert [b["type"] for b in sent] == ["text"]


class _UnwalkableText(str):
    """A reply text that fails when walked character by character."""

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the reply's text was walked character by character")


def test_replies_without_invalid_calls_are_not_walked() -> None:
    from langchain_cometapi._wire.request import convert_messages

    reply = AIMessage(content="x")
    reply.content = _UnwalkableText("a long reply " * 200)  # set after validation keeps the type
    _, turns = convert_messages([HumanMessage("hi"), reply, HumanMessage("more")])
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
