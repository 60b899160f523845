"""Leaving a stream early (break, task cancel) closes its connection; nothing stays open."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator, Reply
from tests.helpers.hostile import drip, event, json_reply, serving, sse_head
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

LONG = " ".join(f"word{i}" for i in range(3000))


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


def _busy(client: Any) -> list[Any]:
    """Pool connections not idle and not closed: i.e. a response still being read."""
    pool = client._transport._pool
    return [c for c in pool.connections if not c.is_idle() and not c.is_closed()]


def test_break_out_of_stream_closes_the_connection(server: EmulatorServer) -> None:
    server.emulator.script(Reply.text(LONG, chunks=1000), Reply.text("after"))
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-cancel", prompt_cache="off")
    for seen, _ in enumerate(llm.stream("hi")):  # no reference kept: break finalises it
        if seen == 5:
            break
    client = llm._client.sync_client()
    assert _busy(client) == []
    assert llm.invoke("again").content == "after"  # the instance is still usable
    llm._client.close()


async def test_break_out_of_astream_closes_the_connection(server: EmulatorServer) -> None:
    server.emulator.script(Reply.text(LONG, chunks=1000), Reply.text("after"))
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-cancel", prompt_cache="off")
    stream = llm.astream("hi")
    seen = 0
    async for _ in stream:
        seen += 1
        if seen == 5:
            break
    await stream.aclose()  # what `async with aclosing(...)` or the loop's finaliser does
    # the inner generators are closed by the loop's finaliser hook, a few ticks later
    for _ in range(20):
        if not _busy(llm._client.async_client()):
            break
        await asyncio.sleep(0.01)
    assert _busy(llm._client.async_client()) == []
    assert (await llm.ainvoke("again")).content == "after"
    await llm._client.aclose()


def test_interrupted_stream_consumer_leaves_nothing_open(server: EmulatorServer) -> None:
    """The sync twin of a cancelled task: the consumer raises (e.g. KeyboardInterrupt)."""
    server.emulator.script(Reply.text(LONG, chunks=1000), Reply.text("after"))
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-cancel", prompt_cache="off")

    def consume() -> None:
        for seen, _ in enumerate(llm.stream("hi")):
            if seen == 5:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        consume()
    assert _busy(llm._client.sync_client()) == []
    assert llm.invoke("again").content == "after"
    llm._client.close()


async def test_interrupted_astream_consumer_leaves_nothing_open(server: EmulatorServer) -> None:
    """The async twin of the one above: the consumer raises inside ``async for``."""
    server.emulator.script(Reply.text(LONG, chunks=1000), Reply.text("after"))
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-cancel", prompt_cache="off")

    async def consume() -> None:
        seen = 0
        async for _ in llm.astream("hi"):
            seen += 1
            if seen == 5:
                raise RuntimeError("consumer gave up")

    with pytest.raises(RuntimeError, match="gave up"):
        await consume()
    # the abandoned async generators are closed by the loop's finaliser hook, a few ticks later
    for _ in range(20):
        await asyncio.sleep(0.01)
        if not _busy(llm._client.async_client()):
            break
    assert _busy(llm._client.async_client()) == []
    assert (await llm.ainvoke("again")).content == "after"
    await llm._client.aclose()


async def test_cancelled_task_leaves_nothing_open(server: EmulatorServer) -> None:
    server.emulator.script(Reply.text(LONG, chunks=1000), Reply.text("after"))
    llm = ChatCometAPI(base_url=server.base_url, api_key="sk-cancel", prompt_cache="off")
    started = asyncio.Event()

    async def consume() -> None:
        async for _ in llm.astream("hi"):
            started.set()
            await asyncio.sleep(0.001)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the abandoned async generators are closed by the loop's finaliser hook, a few ticks later
    for _ in range(20):
        await asyncio.sleep(0.01)
        if not _busy(llm._client.async_client()):
            break
    assert _busy(llm._client.async_client()) == []
    assert (await llm.ainvoke("again")).content == "after"
    await llm._client.aclose()


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "streaming"])
async def test_ainvoke_timed_out_mid_reply_leaves_nothing_behind(streaming: bool) -> None:
    """``asyncio.wait_for(llm.ainvoke(...), t)`` expiring while the reply is still arriving (a
    JSON body or, with ``streaming=True``, an event stream, dripped byte by byte): the
    connection is closed, no task is left running and nothing warns."""
    text = "steady progress " * 40
    payload = (
        sse_head() + b"".join(event(e) for e in text_stream(text))
        if streaming
        else json_reply(message([{"type": "text", "text": text}]))
    )
    with serving(drip(payload, 0.002)) as slow, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        llm = ChatCometAPI(base_url=slow.base_url, api_key="sk-cancel-0123456789",
                           prompt_cache="off", streaming=streaming, max_retries=0)  # fmt: skip
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(llm.ainvoke("hi"), 0.1)
        for _ in range(50):
            if not _busy(llm._client.async_client()):
                break
            await asyncio.sleep(0.01)
        assert _busy(llm._client.async_client()) == []
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        await llm.aclose()
        del llm
        gc.collect()
    assert [str(w.message) for w in caught] == []
