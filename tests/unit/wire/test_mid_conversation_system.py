"""System messages inside the conversation, on the models that take them.

Opus 4.8 and the 5 series accept ``system`` messages in ``messages`` (langchain-anthropic's
profiles: ``mid_conversation_system_messages``), including the ``tool_addition`` /
``tool_removal`` blocks that change the tools mid-conversation. There a late SystemMessage
after a user turn, last or before an AI message, is sent in place: the system prompt (and the
cache prefix behind it) stays as it was. Elsewhere it is hoisted into the system prompt, with
a warning, as before.
"""

from __future__ import annotations

import asyncio
import warnings

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from langchain_cometapi._models import model_info
from langchain_cometapi._wire.body import RequestDefaults, build_request
from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model

ADD = {"type": "tool_addition", "tool": {"type": "tool_reference", "name": "answer"}}
HISTORY: list[BaseMessage] = [
    SystemMessage("You are terse."),
    HumanMessage("hello"),
    SystemMessage("From now on, answer in French."),
    AIMessage("bonjour"),
    HumanMessage("next"),
]


def _body(history: list[BaseMessage], model: str) -> dict[str, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sent in place: no hoisting warning
        return build_request(history, RequestDefaults(model=model, max_tokens=100), None, {}).body


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-opus-4-8", "claude-haiku-5-5"])
def test_a_late_system_message_stays_in_place_on_models_that_take_it(model: str) -> None:
    body = _body(HISTORY, model)
    assert [m["role"] for m in body["messages"]] == ["user", "system", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "From now on, answer in French."}
    ]
    assert body["system"] == [{"type": "text", "text": "You are terse."}]


def test_tool_changes_are_sent_in_a_system_message_in_place() -> None:
    history = [HumanMessage("hello"), SystemMessage([ADD]), AIMessage("ok"), HumanMessage("go")]
    body = _body(history, "claude-sonnet-5")
    assert body["messages"][1] == {"role": "system", "content": [ADD]}


def test_a_late_system_message_before_a_user_turn_is_hoisted() -> None:
    history = [HumanMessage("hello"), SystemMessage("late"), HumanMessage("again")]
    with pytest.warns(UserWarning, match="moved to the top-level system prompt"):
        body = build_request(
            history, RequestDefaults(model="claude-sonnet-5-5", max_tokens=100), None, {}
        ).body
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert body["system"] == [{"type": "text", "text": "late"}]


def test_older_models_hoist_a_late_system_message() -> None:
    assert model_info("claude-sonnet-4-6").mid_system is False
    with pytest.warns(UserWarning, match="moved to the top-level system prompt"):
        body = build_request(
            HISTORY[1:], RequestDefaults(model="claude-sonnet-4-6", max_tokens=100), None, {}
        ).body
    assert "system" not in [m["role"] for m in body["messages"]]


def test_a_block_no_system_message_takes_is_a_value_error() -> None:
    image = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    with pytest.raises(ValueError, match="cannot be in a system message"):
        _body([HumanMessage("hi"), SystemMessage([image]), AIMessage("ok"), HumanMessage("go")],
              "claude-sonnet-5")  # fmt: skip


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_emulator_accepts_it_with_the_planner_on(mode: str) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model="claude-sonnet-5-5")  # prompt_cache="auto"
    history = [SystemMessage("You are terse. " * 600), *HISTORY[1:]]
    reply = llm.invoke(history) if mode == "sync" else asyncio.run(llm.ainvoke(history))
    assert reply.text
    sent = emulator.requests[-1]["body"]
    assert [m["role"] for m in sent["messages"]] == ["user", "system", "assistant", "user"]
    assert llm.get_num_tokens_from_messages(history) > 600
