"""Load on one instance over loopback: 300 ainvoke, 50 astream, many threads; no fd leak."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

SYSTEM = "You are patient assistant number {}. " + "Follow every policy clause carefully. " * 400


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settled_fds(limit: int) -> int:
    """Fd count once the in-process server's handler threads have seen the clients close."""
    for _ in range(100):
        gc.collect()
        if (count := _fds()) <= limit:
            return count
        time.sleep(0.02)
    return _fds()


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_300_ainvoke_and_50_astream_then_no_leak(server: EmulatorServer) -> None:
    gc.collect()
    before = _fds()

    async def run() -> tuple[list[AIMessage], list[str]]:
        llm = ChatCometAPI(base_url=server.base_url, api_key="sk-load", max_retries=0)
        invokes = [llm.ainvoke(f"question {i}") for i in range(300)]

        async def stream(i: int) -> str:
            return "".join([c.text async for c in llm.astream(f"stream {i}")])

        results = await asyncio.gather(*invokes)
        streamed = await asyncio.gather(*(stream(i) for i in range(50)))
        await llm._client.aclose()
        return list(results), list(streamed)

    results, streamed = asyncio.run(run())
    assert len(results) == 300 and all(r.content for r in results)
    assert all(isinstance(r, AIMessage) and r.usage_metadata for r in results)
    assert len(streamed) == 50 and all(streamed)
    assert _settled_fds(before + 2) <= before + 2, "connections or files left open"


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_threads_share_one_instance_with_learning_planner(server: EmulatorServer) -> None:
    before = _fds()
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-load", prompt_cache="auto")

    def conversation(user: int) -> list[str]:
        history: list[object] = [SystemMessage(SYSTEM.format(user % 3))]
        out = []
        for turn in range(4):
            history.append(HumanMessage(f"user {user} turn {turn}"))
            reply = llm.invoke(history)  # type: ignore[arg-type]
            assert isinstance(reply, AIMessage)
            history.append(reply)
            out.append(str(reply.content))
        return out

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(conversation, range(32)))
    assert len(results) == 32 and all(len(r) == 4 and all(r) for r in results)
    # the planner learned from 128 calls without corrupting its state; the cache was used
    assert server.emulator.cache_stats().read_tokens > 0
    plan = llm.plan_cache([SystemMessage(SYSTEM.format(0)), HumanMessage("next")])
    assert plan is not None
    llm._client.close()
    assert _settled_fds(before + 2) <= before + 2
