"""A final assistant message (a prefill) on models that refuse one: a clear error, nothing sent.

Claude 4.6 and later answer 400 "This model does not support assistant message prefill"
(Anthropic's "What's new in Claude 4.6"); earlier models continue the text. The registry's
``ModelInfo.prefill`` says which; the emulator holds the same rule independently.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_cometapi._models import model_info
from langchain_cometapi.testing import MessagesEmulator, Reply, emulated_chat_model
from tests.helpers.hostile import PATH_IDS, PATHS

PREFILL = [HumanMessage("Name a colour."), AIMessage("The colour is")]


def _call(llm: Any, mode: str, stream: bool) -> str:
    """invoke / ainvoke / stream / astream of PREFILL; returns the text."""
    if mode == "sync":
        if stream:
            return "".join(str(c.content) for c in llm.stream(PREFILL))
        return str(llm.invoke(PREFILL).content)

    async def run() -> str:
        if stream:
            return "".join([str(c.content) async for c in llm.astream(PREFILL)])
        return str((await llm.ainvoke(PREFILL)).content)

    return asyncio.run(run())


@pytest.mark.parametrize(
    "model",
    ["claude-sonnet-4-6", "claude-opus-4-6-thinking", "cometapi-opus-4-7", "claude-sonnet-5"],
)
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_prefill_is_refused_before_sending_from_claude_4_6_on(
    model: str, mode: str, stream: bool
) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model=model)
    with pytest.raises(ValueError, match="does not continue a final assistant message"):
        _call(llm, mode, stream)
    assert emulator.requests == []


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-3-5-haiku"])
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_prefill_is_sent_to_models_that_continue_it(model: str, mode: str, stream: bool) -> None:
    emulator = MessagesEmulator()
    emulator.script(Reply.text(" blue."))
    llm = emulated_chat_model(emulator, model=model)
    assert "blue" in _call(llm, mode, stream)
    assert emulator.requests[-1]["body"]["messages"][-1]["role"] == "assistant"


def test_a_pause_turn_continuation_is_not_a_prefill() -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model="claude-sonnet-4-6")
    paused = AIMessage(
        [{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
          "input": {"query": "colours"}}]
    )  # fmt: skip
    built = llm._prepare([HumanMessage("Search colours."), paused], None, {})[0]
    assert built["messages"][-1]["content"][-1]["type"] == "server_tool_use"


def test_counting_a_slice_that_ends_with_an_answer_does_not_refuse_it() -> None:
    llm = emulated_chat_model(model="claude-sonnet-4-6")
    assert llm.get_num_tokens_from_messages(PREFILL) > 0
    assert model_info("claude-sonnet-4-6").prefill is False
    assert model_info("claude-sonnet-4-5").prefill is True
