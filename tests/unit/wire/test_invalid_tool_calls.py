"""An AIMessage's ``invalid_tool_calls`` (arguments that were not JSON, or a call refused
otherwise): when a ToolMessage answers one (an agent reporting the error back), the call goes
out as a ``tool_use`` with its arguments when they parse, else input ``{}``, so that the result
pairs with it, as ChatAnthropic sends it; an unanswered one stays out, since the API refuses a
call without a result."""

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


def _parsed_but_invalid() -> list[BaseMessage]:
    """A call whose arguments are JSON but which failed another way (an unknown tool)."""
    ai = AIMessage(
        "",
        invalid_tool_calls=[
            {"type": "invalid_tool_call", "id": "toolu_x", "name": "lookup",
             "args": '{"word": "grass"}', "error": "unknown tool"},
        ],
    )  # fmt: skip
    error = ToolMessage("Error: unknown tool", tool_call_id="toolu_x", status="error")
    return [HumanMessage("find it"), ai, error, HumanMessage("try again")]


def _sent_call(body: dict) -> dict:
    call: dict = body["messages"][1]["content"][-1]
    return call


def test_arguments_that_parse_are_sent_with_the_call() -> None:
    """The model sees the call it made, as ChatAnthropic sends it (generated differential
    tests); only arguments that do not parse become ``{}``."""
    llm, emu = emulated()
    llm.invoke(_parsed_but_invalid())
    assert _sent_call(emu.last_request["body"])["input"] == {"word": "grass"}


def test_arguments_that_parse_are_sent_with_the_call_async() -> None:
    llm, emu = emulated()
    asyncio.run(llm.ainvoke(_parsed_but_invalid()))
    assert _sent_call(emu.last_request["body"])["input"] == {"word": "grass"}


def test_a_v1_invalid_tool_call_block_keeps_arguments_that_parse() -> None:
    from langchain_cometapi._wire.blocks import convert_block

    block = {"type": "invalid_tool_call", "id": "t", "name": "f", "args": '{"a": 1}'}
    assert convert_block(block, "assistant") == {
        "type": "tool_use", "id": "t", "name": "f", "input": {"a": 1}
    }  # fmt: skip
    assert convert_block({**block, "args": "{oops"}, "assistant")["input"] == {}  # type: ignore[index]
