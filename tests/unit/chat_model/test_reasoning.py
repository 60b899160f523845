"""Thinking (enabled / adaptive), effort, and exact round-trips of signed thinking blocks."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import Reply
from tests.helpers.chat_model import emulated, stream_sum

THINK = {"type": "enabled", "budget_tokens": 2048}


@tool
def lookup(term: str) -> str:
    """Look a term up."""
    return f"{term}: a thing"


@pytest.mark.parametrize(
    ("thinking", "max_tokens", "fragment"),
    [
        ({"type": "enabled", "budget_tokens": 1000}, 4096, ">= 1024"),
        ({"type": "enabled", "budget_tokens": 4096}, 4096, "less than max_tokens"),
        ({"type": "enabled"}, 4096, ">= 1024"),
        ({"type": "sometimes"}, 4096, "thinking must be"),
    ],
)
def test_thinking_budget_validated_before_sending(
    thinking: dict[str, Any], max_tokens: int, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        ChatCometAPI(api_key="k", thinking=thinking, max_tokens=max_tokens)
    llm, emu = emulated(max_tokens=max_tokens)
    with pytest.raises(ValueError, match=fragment):
        llm.invoke("hi", thinking=thinking)
    assert emu.requests == []


def test_thinking_temperature_conflict_rejected() -> None:
    with pytest.raises(ValueError, match="temperature"):
        ChatCometAPI(api_key="k", thinking=THINK, temperature=0.2)


@pytest.mark.parametrize("thinking", [THINK, {"type": "adaptive"}])
def test_thinking_and_effort_on_the_wire(thinking: dict[str, Any]) -> None:
    llm, emu = emulated(thinking=thinking, effort="low")
    out = llm.invoke("Why is the sky blue?")
    body = emu.last_request["body"]
    assert body["thinking"] == thinking
    assert body["output_config"] == {"effort": "low"}
    assert out.content[0]["type"] == "thinking"
    assert out.content[0]["signature"]
    assert [b["type"] for b in out.content_blocks] == ["reasoning", "text"]
    assert out.content_blocks[0]["reasoning"] == out.content[0]["thinking"]


def test_effort_merges_with_structured_output_config() -> None:
    from pydantic import BaseModel

    class Answer(BaseModel):
        value: str

    llm, emu = emulated(effort="high")
    result = llm.with_structured_output(Answer, method="json_schema").invoke("Say hi")
    assert isinstance(result, Answer)
    config = emu.last_request["body"]["output_config"]
    assert config["effort"] == "high"
    assert config["format"]["type"] == "json_schema"


def test_redacted_thinking_round_trips() -> None:
    llm, emu = emulated(thinking=THINK)
    emu.script(
        Reply.content(
            [
                {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
                {"type": "text", "text": "Done."},
            ]
        ),
        Reply.text("ok"),
    )
    first = llm.invoke("x")
    llm.invoke([HumanMessage("x"), first, HumanMessage("y")])
    assert emu.last_request["body"]["messages"][1]["content"] == [
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
        {"type": "text", "text": "Done."},
    ]


@pytest.mark.parametrize("streaming", [False, True])
def test_multi_turn_tool_use_with_thinking_replays_blocks_unmodified(streaming: bool) -> None:
    llm, emu = emulated(thinking=THINK)
    bound = llm.bind_tools([lookup])
    question = HumanMessage("What does 'gnomon' mean?")
    if streaming:
        first, _ = stream_sum(bound, [question])
    else:
        first = bound.invoke([question])
    answered = emu.requests[-1]
    assert first.tool_calls and first.tool_calls[0]["args"] == {"term": "gnomon"}
    call = first.tool_calls[0]
    history = [question, first, ToolMessage(lookup.invoke(call["args"]), tool_call_id=call["id"])]
    final = bound.invoke(history)
    assert "gnomon: a thing" in final.text
    sent_assistant = emu.last_request["body"]["messages"][1]["content"]
    # the thinking block goes back byte for byte, signature included, before the tool_use
    thinking = sent_assistant[0]
    assert thinking["type"] == "thinking"
    assert set(thinking) == {"type", "thinking", "signature"}
    original = next(b for b in _content(first) if b.get("type") == "thinking")
    assert thinking["thinking"] == original["thinking"]
    assert thinking["signature"] == original["signature"]
    assert sent_assistant[-1]["type"] == "tool_use"
    assert answered["body"]["thinking"] == THINK


def _content(message: AIMessage) -> list[dict[str, Any]]:
    return [b for b in message.content if isinstance(b, dict)]


def test_v1_output_keeps_reasoning_and_round_trips() -> None:
    llm, emu = emulated(thinking=THINK, output_version="v1")
    first = llm.invoke("Hello")
    assert first.content[0]["type"] == "reasoning"
    assert first.content[0]["extras"]["signature"]
    llm.invoke([HumanMessage("Hello"), first, HumanMessage("Again")])
    sent = emu.last_request["body"]["messages"][1]["content"][0]
    assert sent["type"] == "thinking"
    assert sent["signature"] == first.content[0]["extras"]["signature"]


def test_reasoning_tokens_reported_when_the_api_gives_them() -> None:
    from langchain_cometapi._wire.usage import usage_metadata

    details = {"thinking_tokens": 20}
    usage = {"input_tokens": 5, "output_tokens": 30, "output_tokens_details": details}

    assert usage_metadata(usage)["output_token_details"] == {"reasoning": 20}
    assert "output_token_details" not in usage_metadata({"input_tokens": 5, "output_tokens": 3})
