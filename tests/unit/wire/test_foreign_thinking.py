"""Thinking blocks the API cannot verify are not replayed: unsigned ones (a stream cut before
the signature) and another provider's (after a model fallback); the API answers 400 to both."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

THINKING = {"type": "thinking", "thinking": "let me see", "signature": "c2ln"}
TEXT = {"type": "text", "text": "Answer."}


@pytest.mark.parametrize(
    "ai",
    [
        AIMessage([{"type": "thinking", "thinking": "no signature"}, TEXT]),
        AIMessage([THINKING, TEXT], response_metadata={"model_provider": "google_genai"}),
        AIMessage(
            [{"type": "redacted_thinking", "data": "x"}, TEXT],
            response_metadata={"model_provider": "bedrock_converse"},
        ),
    ],
    ids=["unsigned", "other_provider", "other_provider_redacted"],
)
def test_unverifiable_thinking_is_dropped(ai: AIMessage) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke([HumanMessage("q"), ai, HumanMessage("again")])
    assert emu.last_request["body"]["messages"][1]["content"] == [TEXT]


@pytest.mark.parametrize("provider", [None, "anthropic"])
def test_claude_thinking_is_kept(provider: Any) -> None:
    meta = {"model_provider": provider} if provider else {}
    ai = AIMessage([THINKING, TEXT], response_metadata=meta)
    _, turns = convert_messages([HumanMessage("q"), ai])
    assert turns[1]["content"] == [THINKING, TEXT]


def test_emulator_requires_a_signature() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 16,
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "t"}, TEXT]},
            {"role": "user", "content": "again"},
        ],
    }
    response = MessagesEmulator().handle("POST", "/v1/messages", {"x-api-key": "k"}, body)
    assert response.status == 400


@pytest.mark.parametrize(
    "ai",
    [
        # v1 reasoning without a signature (another provider, or ours cut short)
        AIMessage(
            [{"type": "reasoning", "reasoning": "step by step"}, TEXT],
            response_metadata={"model_provider": "openai", "output_version": "v1"},
        ),
        AIMessage([{"type": "reasoning", "reasoning": "cut short"}, TEXT]),
        # v1 reasoning with another provider's signature
        AIMessage(
            [{"type": "reasoning", "reasoning": "r", "extras": {"signature": "x"}}, TEXT],
            response_metadata={"model_provider": "google_genai"},
        ),
    ],
    ids=["v1_unsigned_foreign", "v1_unsigned_own", "v1_foreign_signed"],
)
def test_unverifiable_v1_reasoning_is_dropped_not_replayed_as_text(ai: AIMessage) -> None:
    _, turns = convert_messages([HumanMessage("q"), ai, HumanMessage("again")])
    assert turns[1]["content"] == [TEXT]


def test_signed_v1_reasoning_is_replayed_as_thinking() -> None:
    ai = AIMessage(
        [{"type": "reasoning", "reasoning": "let me see", "extras": {"signature": "c2ln"}}, TEXT],
        response_metadata={"model_provider": "anthropic"},
    )
    _, turns = convert_messages([HumanMessage("q"), ai])
    assert turns[1]["content"] == [THINKING, TEXT]
