"""``effort`` and ``output_config`` merge (the explicit effort wins, a conflict warns), and
``effort="xhigh"`` is accepted, as by the API and ChatAnthropic."""

from __future__ import annotations

import warnings

import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

BUDGET = {"type": "tokens", "total": 64_000}


def test_effort_and_output_config_merge() -> None:
    llm, emu = emulated(MessagesEmulator(), effort="low", output_config={"task_budget": BUDGET})
    emu.script(Reply.text("ok"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llm.invoke("x")
    assert emu.last_request["body"]["output_config"] == {"task_budget": BUDGET, "effort": "low"}


async def test_conflicting_effort_warns_and_the_field_wins_async() -> None:
    llm, emu = emulated(MessagesEmulator(), effort="low", output_config={"effort": "high"})
    emu.script(Reply.text("ok"))
    with pytest.warns(UserWarning, match="disagree"):
        await llm.ainvoke("x")
    assert emu.last_request["body"]["output_config"] == {"effort": "low"}


def test_output_config_in_model_kwargs_keeps_effort() -> None:
    with pytest.warns(UserWarning):
        llm, emu = emulated(
            MessagesEmulator(),
            effort="medium",
            model_kwargs={"output_config": {"task_budget": BUDGET}},
        )
    emu.script(Reply.text("ok"))
    llm.invoke("x")
    assert emu.last_request["body"]["output_config"] == {"task_budget": BUDGET, "effort": "medium"}


@pytest.mark.parametrize("how", ["effort", "reasoning_effort"])
def test_xhigh_is_accepted(how: str) -> None:
    llm, emu = emulated(MessagesEmulator(), model="claude-opus-4-7", **{how: "xhigh"})
    emu.script(Reply.text("ok"))
    llm.invoke("x")
    assert emu.last_request["body"]["output_config"] == {"effort": "xhigh"}


def test_call_time_effort_is_checked_and_merged() -> None:
    llm, emu = emulated(MessagesEmulator(), output_config={"task_budget": BUDGET})
    emu.script(Reply.text("ok"))
    llm.invoke("x", reasoning_effort="max")
    assert emu.last_request["body"]["output_config"] == {"task_budget": BUDGET, "effort": "max"}
    with pytest.raises(ValueError, match="effort must be one of"):
        llm.invoke("x", effort="extreme")


def test_unknown_effort_is_refused_at_construction() -> None:
    with pytest.raises(ValueError):
        ChatCometAPI(api_key="k", effort="extreme")
