"""Histories from any provider: block types the Messages API does not accept are converted or
left out by one table (``_wire.blocks``), for other providers' messages and our own."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.blocks import ACCEPTED, CONVERTED, DROPPED
from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

OPENAI = {"model_provider": "openai"}


def _openai_responses_turn() -> AIMessage:
    """What ChatOpenAI (Responses API, output_version="responses/v1") returns for a tool call."""
    return AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "text", "text": "Checking.", "annotations": [], "id": "msg_1"},
            {"type": "function_call", "name": "get", "arguments": '{"q": 1}',
             "call_id": "call_1", "id": "fc_1"},
        ],
        tool_calls=[{"id": "call_1", "name": "get", "args": {"q": 1}}],
        response_metadata=OPENAI,
    )  # fmt: skip


def test_openai_function_call_blocks_are_not_forwarded() -> None:
    _, turns = convert_messages(
        [HumanMessage("q"), _openai_responses_turn(), ToolMessage("r", tool_call_id="call_1")]
    )
    assert turns[1]["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "call_1", "name": "get", "input": {"q": 1}},
    ]


@pytest.mark.parametrize("provider", [OPENAI, {"model_provider": "anthropic"}, {}])
def test_refusal_block_is_left_out(provider: dict[str, Any]) -> None:
    refused = AIMessage(
        [{"type": "text", "text": "Sorry."}, {"type": "refusal", "refusal": "I can't."}],
        response_metadata=provider,
    )
    _, turns = convert_messages([HumanMessage("q"), refused, HumanMessage("again")])
    assert turns[1]["content"] == [{"type": "text", "text": "Sorry."}]


def test_v1_refusal_thread_keeps_working_against_the_emulator() -> None:
    llm, emu = emulated(MessagesEmulator(), output_version="v1")
    emu.script(Reply.text("ok"), Reply.text("ok"))
    refused = AIMessage(
        [{"type": "non_standard", "value": {"type": "refusal", "refusal": "no"}},
         {"type": "text", "text": "Sorry."}],
        response_metadata={"model_provider": "anthropic", "output_version": "v1"},
    )  # fmt: skip
    history = [HumanMessage("q"), refused, HumanMessage("again")]
    llm.invoke(history)
    assert emu.last_request["body"]["messages"][1]["content"] == [
        {"type": "text", "text": "Sorry."}
    ]


async def test_foreign_history_reaches_the_api_async() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("done"))
    history = [HumanMessage("q"), _openai_responses_turn(), ToolMessage("r", tool_call_id="call_1")]
    await llm.ainvoke(history)
    types = [b["type"] for b in emu.last_request["body"]["messages"][1]["content"]]
    assert types == ["text", "tool_use"]


def test_unknown_foreign_block_is_dropped_with_a_warning() -> None:
    ai = AIMessage(
        [{"type": "text", "text": "hi"}, {"type": "executable_code", "code": "print(1)"}],
        response_metadata={"model_provider": "google_genai"},
    )
    with pytest.warns(UserWarning, match="executable_code"):
        _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("more")])
    assert turns[1]["content"] == [{"type": "text", "text": "hi"}]


def test_unknown_block_of_our_own_is_kept() -> None:
    """A newer Anthropic block type must still reach the API (it, not we, decides)."""
    ai = AIMessage([{"type": "advisor_tool_result", "tool_use_id": "srvtoolu_1", "content": {}}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("more")])
    assert turns[1]["content"][0]["type"] == "advisor_tool_result"


def test_tool_result_in_an_ai_message_is_a_value_error() -> None:
    ai = AIMessage([{"type": "tool_result", "tool_use_id": "t1", "content": "x"}])
    with pytest.raises(ValueError, match="tool_result"):
        convert_messages([HumanMessage("q"), ai, HumanMessage("more")])


def test_one_table() -> None:
    """Every type is in exactly one column of the table."""
    accepted = set().union(*ACCEPTED.values())
    assert not accepted & set(DROPPED)
    assert not accepted & CONVERTED
    assert not CONVERTED & set(DROPPED)
