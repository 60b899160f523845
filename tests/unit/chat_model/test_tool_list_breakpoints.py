"""Tool lists through the chat model: an agent's nodes bind one registry's core tools plus a few
of their own; each call (invoke, ainvoke, stream, astream) marks where its list parts from the
others the model has sent, ``plan_cache`` shows the same, and a list only previewed is not
remembered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model
from tests.helpers.cache_bodies import markers, words
from tests.helpers.chat_model import acall
from tests.helpers.hostile import PATH_IDS, PATHS
from tests.helpers.tool_traffic import CORE

MESSAGES = [SystemMessage("Route requests.\n" + words(300)), HumanMessage("route " + words(30))]


def _tools(node: int) -> list[dict[str, Any]]:
    own = [{"name": f"own_{node}_{k}", "description": words(120, 50 + 3 * node + k),
            "input_schema": {"type": "object"}} for k in range(2)]
    return [*CORE, *own]


def _tool_marks(body: dict[str, Any]) -> list[int]:
    return [loc[1] for loc, _, _ in markers(body) if loc[0] == "tools"]


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_each_call_marks_where_its_tool_list_parts_from_the_others(
    mode: str, stream: bool
) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model="claude-sonnet-4-5", max_tokens=16)
    core_end = len(CORE) - 1
    for node in range(3):
        shown = llm.plan_cache(MESSAGES, tools=_tools(node))
        llm.plan_cache(MESSAGES, tools=_tools(7))  # previewed only: never part of what is sent
        bound = llm.bind_tools(_tools(node))
        if mode == "sync":
            _ = list(bound.stream(MESSAGES)) if stream else bound.invoke(MESSAGES)
        else:
            asyncio.run(acall(bound, MESSAGES, stream))
        sent = emulator.last_request["body"]
        assert [t["name"] for t in sent["tools"]] == [t["name"] for t in _tools(node)]
        planned = [bp.location[1] for bp in shown.breakpoints if bp.location[0] == "tools"]
        assert _tool_marks(sent) == planned, node
        expected = [core_end, len(CORE) + 1] if node else [len(CORE) + 1]
        assert _tool_marks(sent) == expected, node
