"""Every streamed chunk carries the message id (only the first did, the rest got lc_run ids):
LangGraph's "messages" stream and chat UIs group chunks by id."""

from __future__ import annotations

import asyncio

from langchain.agents import create_agent

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated


def test_stream_chunks_share_one_id() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.tool_use("f", {"x": 1}, text="Calling.", chunks=3))
    tool = {"name": "f", "description": "f", "input_schema": {"type": "object"}}
    chunks = list(llm.bind_tools([tool]).stream("go"))
    ids = {c.id for c in chunks}
    assert len(chunks) > 4 and len(ids) == 1
    (only,) = ids
    assert only is not None and only.startswith("msg_")
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert full.id == only


def test_langgraph_messages_stream_has_one_id_per_message() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Hello there friend", chunks=3))
    agent = create_agent(llm, [])

    async def collect() -> set[str | None]:
        seen: set[str | None] = set()
        async for message, _ in agent.astream(
            {"messages": [("user", "hi")]}, stream_mode="messages"
        ):
            seen.add(message.id)
        return seen

    ids = asyncio.run(collect())
    assert len(ids) == 1
    assert str(ids.pop()).startswith("msg_")
