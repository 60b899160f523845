"""``effort`` on a model whose thinking is adaptive only and off unless asked for (Opus 4.7+,
the 5 series) turns adaptive thinking on, summarised, as ChatAnthropic does: an effort that
bought no reasoning at all would silently change what a migrating user gets."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

SUMMARISED = {"type": "adaptive", "display": "summarized"}


def _sent(emu: MessagesEmulator) -> dict[str, Any]:
    body: dict[str, Any] = emu.last_request["body"]
    return body


def test_effort_turns_on_summarised_thinking_sync() -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-opus-4-7", effort="high")
    emu.script(Reply.text("ok"))
    llm.invoke("x")
    assert _sent(emu)["thinking"] == SUMMARISED
    assert _sent(emu)["output_config"] == {"effort": "high"}


async def test_call_effort_turns_on_summarised_thinking_async() -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-sonnet-5")
    emu.script(Reply.text("ok"))
    await llm.ainvoke("x", effort="low")
    assert _sent(emu)["thinking"] == SUMMARISED


@pytest.mark.parametrize(
    ("settings", "call"),
    [
        ({"model": "claude-opus-4-6", "effort": "high"}, {}),  # thinking is not off by default
        ({"model": "claude-opus-4-7", "output_config": {"effort": "high"}}, {}),  # no effort=
        ({"model": "claude-opus-4-7", "effort": "high", "temperature": 0.2}, {}),  # excluded
        ({"model": "claude-opus-4-7", "effort": "high"}, {"thinking": {"type": "disabled"}}),
    ],
    ids=["older model", "effort only in output_config", "temperature set", "thinking given"],
)
def test_effort_leaves_thinking_alone(settings: dict[str, Any], call: dict[str, Any]) -> None:
    llm, emu = emulated(MessagesEmulator(), **settings)
    emu.script(Reply.text("ok"))
    llm.invoke("x", **call)
    assert _sent(emu).get("thinking") == call.get("thinking")
