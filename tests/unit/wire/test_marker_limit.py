"""More than 4 user cache_control markers is refused before sending, wherever they sit.

The API counts markers inside tool_result content and a top-level ``cache_control``
(automatic caching, as AnthropicPromptCachingMiddleware passes it) too.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

CC = {"type": "ephemeral"}
TOOL = {"name": "f", "description": "f", "input_schema": {"type": "object", "properties": {}}}


def _marked(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text, "cache_control": CC}]


def _calls(n: int) -> list[Any]:
    history: list[Any] = [HumanMessage("start")]
    for i in range(n):
        history.append(AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": f"t{i}"}]))
        history.append(ToolMessage(_marked(f"result {i}"), tool_call_id=f"t{i}"))
    return history


@pytest.mark.parametrize(
    ("messages", "kwargs"),
    [
        ([SystemMessage(_marked("a")), *_calls(4)], {}),
        (
            [SystemMessage(_marked("a") + _marked("b")), HumanMessage(_marked("c") + _marked("d"))],
            {"cache_control": CC},
        ),
    ],
    ids=["nested_in_tool_results", "top_level"],
)
def test_five_markers_are_refused_before_sending(
    messages: list[Any], kwargs: dict[str, Any]
) -> None:
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="5 cache_control markers"):
        llm.bind_tools([TOOL]).invoke(messages, **kwargs)
    assert emu.requests == []


def test_four_markers_including_nested_and_top_level_are_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.bind_tools([TOOL]).invoke([SystemMessage(_marked("a")), *_calls(2)], cache_control=CC)
    assert emu.last_request["body"]["cache_control"] == CC


def _with(marker: dict[str, Any], text: str = "x") -> list[dict[str, Any]]:
    return [{"type": "text", "text": text, "cache_control": marker}]


H1 = {"type": "ephemeral", "ttl": "1h"}
WRONG_MARKERS = {
    "1h_after_5m_system_then_message": (
        [SystemMessage(_with(CC, "s")), HumanMessage(_with(H1))], {}, "comes after a 5-minute"
    ),
    "1h_in_a_tool_result_after_5m": (
        [*_calls(1)[:2], ToolMessage(_with(H1), tool_call_id="t0")], {"tools": [{**TOOL,
         "cache_control": CC}]}, "comes after a 5-minute"),
    "ttl_not_5m_or_1h": ([HumanMessage(_with({"type": "ephemeral", "ttl": "24h"}))], {},
                         "'5m' or '1h'"),
    "type_not_ephemeral": ([HumanMessage(_with({"type": "persistent"}))], {}, "'ephemeral'"),
    "top_level_ttl": ([HumanMessage("x")], {"cache_control": {"type": "ephemeral", "ttl": "1d"}},
                      "'5m' or '1h'"),
}  # fmt: skip


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize("case", sorted(WRONG_MARKERS))
async def test_markers_the_api_refuses_are_refused_before_sending(mode: str, case: str) -> None:
    """The emulator, like the API, answers these with a 400; each is named before sending."""
    messages, kwargs, fragment = WRONG_MARKERS[case]
    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match=fragment):
        if mode == "invoke":
            llm.invoke(messages, **kwargs)
        else:
            await llm.ainvoke(messages, **kwargs)
    assert emu.requests == []


def test_a_1h_marker_before_a_5m_one_is_sent() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.invoke([SystemMessage(_with(H1, "s")), HumanMessage(_with(CC))])
    body = emu.last_request["body"]
    assert body["system"][0]["cache_control"] == H1
    assert body["messages"][0]["content"][0]["cache_control"] == CC
