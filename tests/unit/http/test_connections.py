"""Connections (issue 10 item 18): pools shared by instances with the same settings, nothing left
unclosed when an instance is dropped, close()/aclose()/context managers, and model_copy(update=)
building a client from the new settings (sync and async)."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings
from collections.abc import Iterator

import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator
from tests.helpers.hostile import MODES, Handler, Request, call, json_reply, serving
from tests.helpers.responses import message

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]



@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


@pytest.mark.parametrize("mode", MODES)
def test_a_model_per_request_reuses_one_connection(server: EmulatorServer, mode: str) -> None:
    async def many() -> None:
        for i in range(8):
            llm = ChatCometAPI(base_url=server.base_url, api_key=f"sk-user-{i:04d}-xxxx")
            await llm.ainvoke("hi")

    if mode == "sync":
        for i in range(8):
            ChatCometAPI(base_url=server.base_url, api_key=f"sk-user-{i:04d}-xxxx").invoke("hi")
    else:
        asyncio.run(many())
    assert server.connections_accepted == 1
    keys = [r["headers"].get("x-api-key") for r in server.emulator.requests]
    assert keys == ["<redacted>"] * 8  # every request signed (the emulator redacts what it keeps)


@pytest.mark.parametrize("mode", MODES)
def test_dropped_instances_leave_no_resource_warning(server: EmulatorServer, mode: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(5):
            call(ChatCometAPI(base_url=server.base_url, api_key="sk-dropped-0000"), mode)
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_close_and_context_managers(server: EmulatorServer) -> None:
    gc.collect()  # earlier tests' dropped instances no longer hold the shared pool
    with ChatCometAPI(base_url=server.base_url, api_key="sk-ctx-00000000") as llm:
        assert llm.invoke("hi").content
        client = llm._client.sync_client()
    assert client.is_closed
    assert llm.invoke("again").content  # a closed pool reopens on the next call
    llm.close()

    async def run() -> None:
        async with ChatCometAPI(base_url=server.base_url, api_key="sk-ctx-00000000") as allm:
            assert (await allm.ainvoke("hi")).content
            aclient = allm._client.async_client()
        assert aclient.is_closed

    asyncio.run(run())


def test_closing_one_instance_keeps_the_shared_pool_for_the_others(
    server: EmulatorServer,
) -> None:
    """``with ChatCometAPI(...) as llm`` per request: one request's close must not cut another
    instance's call in flight on the same shared pool; the last user closes it."""
    gc.collect()
    first = ChatCometAPI(base_url=server.base_url, api_key="sk-share-0000000")
    second = ChatCometAPI(base_url=server.base_url, api_key="sk-share-0000000")
    stream = first.stream("tell me a story")
    head = next(stream)
    pool = first._client.sync_client()
    assert second._client.sync_client() is pool
    second.close()
    assert not pool.is_closed
    rest = list(stream)  # the call in flight on ``first`` finishes
    assert (head + sum(rest[1:], rest[0])).text
    first.close()
    assert pool.is_closed


def test_closing_one_instance_keeps_the_loop_pool_for_the_others(server: EmulatorServer) -> None:
    async def run() -> None:
        first = ChatCometAPI(base_url=server.base_url, api_key="sk-share-0000000")
        second = ChatCometAPI(base_url=server.base_url, api_key="sk-share-0000000")
        stream = first.astream("tell me a story")
        head = await stream.__anext__()
        pool = first._client.async_client()
        assert second._client.async_client() is pool
        await second.aclose()
        assert not pool.is_closed
        rest = [chunk async for chunk in stream]
        assert (head + sum(rest[1:], rest[0])).text
        await first.aclose()
        assert pool.is_closed

    gc.collect()
    asyncio.run(run())


def _tagged(tag: str) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(json_reply(message([{"type": "text", "text": tag}])))

    return handle


@pytest.mark.parametrize("mode", MODES)
def test_model_copy_with_new_settings_gets_a_new_client(mode: str) -> None:
    with serving(_tagged("old")) as old, serving(_tagged("new")) as new:
        llm = ChatCometAPI(base_url=old.base_url, api_key="sk-old-00000000", prompt_cache="off")
        assert call(llm, mode) == "old"
        moved = llm.model_copy(update={"base_url": new.base_url, "api_key": "sk-new-00000000"})
        assert call(moved, mode) == "new"
        assert new.requests[-1].headers["x-api-key"] == "sk-new-00000000"
        assert call(llm, mode) == "old"  # the original is untouched
        assert old.requests[-1].headers["x-api-key"] == "sk-old-00000000"
        slower = llm.model_copy(update={"timeout": 7.5})
        assert slower._client.timeout == 7.5 and llm._client.timeout != 7.5
