"""A call that fails before its response begins leaves no write in flight.

The planner holds a planned write "in flight" until its response begins, so that requests
planned meanwhile neither wait for it nor write it again. A call answered 529 (or cut before
its first event) never writes; a retry a second later (``with_retry``, an agent's retry
middleware, the user's own loop) must mark the prefix again and write it, not go out bare.
Four paths: invoke, ainvoke, stream, astream.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.errors import OverloadedError
from langchain_cometapi.testing import MessagesEmulator, Reply, emulated_chat_model
from tests.helpers.cache_bodies import words
from tests.helpers.hostile import PATHS

SYSTEM = "You answer questions about the staff handbook.\n" + words(3000)


def _markers(body: dict[str, Any]) -> int:
    system = body.get("system")
    blocks = system if isinstance(system, list) else []
    for message in body["messages"]:
        if isinstance(message["content"], list):
            blocks = [*blocks, *message["content"]]
    return sum("cache_control" in b for b in blocks if isinstance(b, dict))


def _call(llm: ChatCometAPI, mode: str, stream: bool, question: str) -> None:
    messages = [SystemMessage(SYSTEM), HumanMessage(question)]
    if mode == "sync":
        if stream:
            list(llm.stream(messages))
        else:
            llm.invoke(messages)
        return

    async def run() -> None:
        if stream:
            async for _ in llm.astream(messages):
                pass
        else:
            await llm.ainvoke(messages)

    asyncio.run(run())


@pytest.mark.parametrize(("mode", "stream"), PATHS)
def test_a_retry_after_a_failed_call_marks_and_writes_the_prefix(mode: str, stream: bool) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, max_retries=0)
    emulator.script(Reply.overloaded())
    with pytest.raises(OverloadedError):
        _call(llm, mode, stream, "How many days of leave do I get?")
    _call(llm, mode, stream, "How many days of leave do I get?")  # the retry, at once
    _call(llm, mode, stream, "And for parental leave?")
    failed, retry, next_call = (r["body"] for r in emulator.requests)
    assert _markers(failed) > 0
    assert _markers(retry) > 0  # not sent bare while waiting for a write that never happened
    report = llm.cache_report
    assert report.write_5m_tokens + report.write_1h_tokens > 2000  # the retry wrote the head...
    assert report.read_tokens > 2000  # ... and the next call read it
    assert _markers(next_call) > 0
