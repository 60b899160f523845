"""Settings newer models refuse: a clear ValueError before anything is sent.

Fable 5 and Sonnet 5.5 run with fixed sampling (no ``top_k``, ``temperature``/``top_p`` only at
1, thinking never disabled); Opus 5, Fable 5 and Sonnet 5.5 take adaptive thinking only; Opus 5
refuses disabled thinking at effort ``xhigh``/``max``. langchain-anthropic 1.7.10 refuses the
same before sending; the rule lives in ``_models.setting_refusal``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model

REFUSED = [
    ("claude-sonnet-5-5", {"thinking": {"type": "disabled"}}),
    ("claude-sonnet-5-5", {"thinking": {"type": "enabled", "budget_tokens": 1024}}),
    ("claude-sonnet-5-5", {"temperature": 0}),
    ("claude-sonnet-5-5", {"top_p": 0.5}),
    ("claude-sonnet-5-5", {"top_k": 10}),
    ("claude-fable-5-1", {"temperature": 0.3}),
    ("claude-opus-5", {"thinking": {"type": "enabled", "budget_tokens": 2048}}),
    ("claude-opus-5", {"thinking": {"type": "disabled"}, "effort": "max"}),
]
ACCEPTED = [
    ("claude-sonnet-5-5", {"temperature": 1}),
    ("claude-sonnet-5-5", {"thinking": {"type": "adaptive"}}),
    ("claude-sonnet-5", {"temperature": 0.5}),
    ("claude-opus-5", {"thinking": {"type": "disabled"}, "effort": "high"}),
    ("claude-sonnet-4-5", {"thinking": {"type": "enabled", "budget_tokens": 1024}}),
]


def _ids(cases: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [f"{model}-{sorted(settings)}" for model, settings in cases]


@pytest.mark.parametrize(("model", "settings"), REFUSED, ids=_ids(REFUSED))
@pytest.mark.parametrize("where", ["construction", "call", "async call"])
def test_a_setting_the_model_refuses_is_a_value_error_before_sending(
    model: str, settings: dict[str, Any], where: str
) -> None:
    emulator = MessagesEmulator()
    with pytest.raises(ValueError, match="not supported for"):
        if where == "construction":
            emulated_chat_model(emulator, model=model, max_tokens=4096, **settings).invoke("hi")
        elif where == "call":
            emulated_chat_model(emulator, model=model, max_tokens=4096).invoke("hi", **settings)
        else:
            llm = emulated_chat_model(emulator, model=model, max_tokens=4096)
            asyncio.run(llm.ainvoke("hi", **settings))
    assert emulator.requests == []


@pytest.mark.parametrize(("model", "settings"), ACCEPTED, ids=_ids(ACCEPTED))
def test_settings_the_model_takes_are_sent(model: str, settings: dict[str, Any]) -> None:
    emulator = MessagesEmulator()
    emulated_chat_model(emulator, model=model, max_tokens=4096).invoke("hi", **settings)
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("effort", ["low", "medium", "high", "xhigh", "max"])
def test_between_tools_thinking_is_sent_with_effort(effort: str) -> None:
    emulator = MessagesEmulator()
    thinking = {"type": "between_tools"}
    llm = emulated_chat_model(emulator, model="claude-sonnet-5-5", thinking=thinking)
    llm.invoke("hello", effort=effort)
    sent = emulator.requests[-1]["body"]
    assert sent["thinking"] == {"type": "between_tools"}
    assert sent["output_config"] == {"effort": effort}
