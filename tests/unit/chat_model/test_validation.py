"""Bad input is refused with a clear ValueError before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from tests.helpers.responses import Recorder, json_response, message, model_with


def _sent_nothing(rec: Recorder) -> None:
    assert rec.requests == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": "many"}, "max_tokens"),
        ({"temperature": 1.5}, "temperature"),
        ({"temperature": -0.1}, "temperature"),
        ({"top_p": 2}, "top_p"),
        ({"thinking": {"type": "enabled", "budget_tokens": 4096}, "max_tokens": 2048}, "less than"),
        ({"thinking": {"type": "enabled", "budget_tokens": 100}}, "1024"),
        ({"thinking": {"type": "sometimes"}}, "thinking"),
        ({"stop": "END"}, "stop"),
        ({"stop": [3]}, "stop"),
    ],
)
def test_invalid_call_parameters(kwargs: dict[str, Any], fragment: str) -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec)
    with pytest.raises(ValueError, match=fragment):
        llm.invoke("hi", **kwargs)
    _sent_nothing(rec)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"temperature": 3}, "temperature"),
        ({"thinking": {"type": "enabled", "budget_tokens": 9000}, "max_tokens": 4000}, "less than"),
        ({"stop": "END"}, "stop"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_invalid_constructor_parameters(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        model_with(Recorder(json_response(message())), **kwargs)


def test_unknown_tool_choice() -> None:
    rec = Recorder(json_response(message()))
    tool = {"name": "lookup", "description": "d", "input_schema": {"type": "object"}}
    with pytest.raises(ValueError, match="tool_choice"):
        model_with(rec).bind_tools([tool], tool_choice={"type": "sometimes"}).invoke("hi")
    with pytest.raises(ValueError, match="not one of the bound tools"):
        model_with(rec).bind_tools([tool], tool_choice="other_tool").invoke("hi")
    _sent_nothing(rec)


def test_too_many_user_cache_markers() -> None:
    rec = Recorder(json_response(message()))
    marked = {"type": "ephemeral"}
    messages: list[Any] = []
    for i in range(5):
        messages.append(
            HumanMessage([{"type": "text", "text": f"part {i}", "cache_control": marked}])
        )
        messages.append(AIMessage(f"ok {i}"))
    messages.append(HumanMessage("last"))
    with pytest.raises(ValueError, match="at most 4"):
        model_with(rec).invoke(messages)
    _sent_nothing(rec)


def test_non_serialisable_tool_args() -> None:
    rec = Recorder(json_response(message()))
    call = {"id": "toolu_1", "name": "lookup", "args": {"when": object()}}
    history = [HumanMessage("hi"), AIMessage("", tool_calls=[call])]
    with pytest.raises(ValueError, match="JSON"):
        model_with(rec).invoke(history)
    _sent_nothing(rec)


def test_top_p_minus_one_is_sent_as_the_api_takes_it() -> None:
    """``top_p=-1`` (and ``top_k=-1``) is the API's own "not set" value: recorded requests with
    it were answered 200, so it is not refused."""
    rec = Recorder(json_response(message()))
    model_with(rec).invoke("hi", top_p=-1, top_k=-1)
    assert len(rec.requests) == 1


async def test_top_p_minus_one_is_sent_as_the_api_takes_it_async() -> None:
    rec = Recorder(json_response(message()))
    await model_with(rec).ainvoke("hi", top_p=-1, top_k=-1)
    assert len(rec.requests) == 1
