"""Resources and deadlines on hostile networks: sockets per event loop, dripping servers, pings
forever, huge bodies, fork, first-call races, pools shared across instances (sync and async)."""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import os
import socket
import threading
import time
import tracemalloc
import uuid
from collections.abc import Iterator

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI, errors
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator
from tests.helpers.forking import child_code_while_held
from tests.helpers.hostile import (
    MODES,
    Handler,
    Request,
    call,
    event,
    json_reply,
    no_sleep,
    response,
    serving,
    sse_head,
)
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-resources-0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# -- 4: one pool per event loop, closed with its loop -------------------------------------------
@pytest.mark.parametrize("stream", [False, True])
def test_asyncio_run_in_a_loop_leaks_no_socket(server: EmulatorServer, stream: bool) -> None:
    llm = ChatCometAPI(base_url=server.base_url, api_key=KEY, prompt_cache="off")
    call(llm, "async", stream=stream)  # warm up imports and the server
    gc.collect()
    before = _fds()
    for _ in range(60):
        call(llm, "async", stream=stream)
    gc.collect()
    assert _fds() <= before + 3  # 60 closed loops, not 60 sockets
    from langchain_cometapi._http import pools

    assert pools.open_loop_pools() == 0


def test_a_loop_closed_without_shutdown_is_swept(server: EmulatorServer) -> None:
    llm = ChatCometAPI(base_url=server.base_url, api_key=KEY, prompt_cache="off")
    loop = asyncio.new_event_loop()
    loop.run_until_complete(llm.ainvoke("hi"))
    loop.close()  # no shutdown_asyncgens: the pool cannot be closed by its loop
    from langchain_cometapi._http import pools

    assert pools.open_loop_pools() == 0


# -- 5: deadlines --
def _dripper(payload: bytes, every: float, give_up: float = 4.0) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        end = time.monotonic() + give_up  # bounds the test on a client that never gives up
        for i in range(len(payload)):
            if time.monotonic() > end:
                return
            conn.sendall(payload[i : i + 1])
            time.sleep(every)

    return handle


@pytest.mark.parametrize("mode", MODES)
def test_dripping_server_cannot_hold_a_call_past_its_timeout(mode: str) -> None:
    payload = json_reply(message())  # status line, headers and body: one byte every 20 ms
    with serving(_dripper(payload, 0.02)) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, timeout=0.5, max_retries=0)
        start = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            call(llm, mode)
        assert time.monotonic() - start < 1.2


@pytest.mark.parametrize("mode", MODES)
def test_total_time_with_retries_is_bounded(mode: str) -> None:
    payload = json_reply(message())
    with serving(_dripper(payload, 0.02)) as srv:
        llm = no_sleep(ChatCometAPI(base_url=srv.base_url, api_key=KEY, timeout=0.3))
        start = time.monotonic()
        with pytest.raises(errors.APITimeoutError):
            call(llm, mode)
        elapsed = time.monotonic() - start
        assert len(srv.settled()) == 3  # the last one may still be unread: it was sent
        assert elapsed < 3 * 0.3 + 0.9  # (max_retries + 1) * timeout + slack


def _keepalive_forever(filler: bytes) -> Handler:
    start = text_stream("x")[0]

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(sse_head() + event(start))
        end = time.monotonic() + 4.0
        while time.monotonic() < end:
            conn.sendall(filler)
            time.sleep(0.05)

    return handle


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "filler", [b'event: ping\ndata: {"type": "ping"}\n\n', b": keep-alive\n\n"], ids=["ping", ":"]
)
def test_pings_and_comments_are_not_progress(mode: str, filler: bytes) -> None:
    with serving(_keepalive_forever(filler)) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, timeout=0.5, max_retries=0)
        start = time.monotonic()
        with pytest.raises(errors.StreamTimeoutError, match="no event but pings"):
            call(llm, mode, stream=True)
        assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("mode", MODES)
def test_a_long_healthy_stream_is_not_cut(mode: str) -> None:
    """The idle bound is not a total bound: 1.2 s of steady events with timeout=0.4."""
    events = text_stream("steady progress " * 3)

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(sse_head())
        for item in events:
            conn.sendall(event(item))
            time.sleep(0.06)

    with serving(handle) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, timeout=0.4, max_retries=0)
        start = time.monotonic()
        assert call(llm, mode, stream=True) == "steady progress " * 3
        assert time.monotonic() - start > 0.8


# -- 6: body size --
_BOMB_MB = 80


def _bomb(status: int) -> bytes:
    body = {**message(), "padding": "x" * (_BOMB_MB * 2**20)}
    packed = gzip.compress(json.dumps(body).encode(), compresslevel=1)
    return response(
        status, packed, {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    )


@pytest.mark.parametrize("mode", MODES)
def test_decompressed_body_is_capped(mode: str) -> None:
    with serving(lambda conn, request: conn.sendall(_bomb(200))) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, max_retries=0)
        with pytest.raises(errors.InvalidResponseError, match="larger than 64 MiB"):
            call(llm, mode)


@pytest.mark.parametrize("mode", MODES)
def test_huge_error_body_is_read_only_in_part(mode: str) -> None:
    """Measured in memory, not time: decoding the whole 80 MiB body would peak far above 16 MiB
    (the compressed bomb is built before tracing starts, so the server's copy is not counted)."""
    bomb = _bomb(503)
    with serving(lambda conn, request: conn.sendall(bomb)) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, max_retries=0)
        tracemalloc.start()
        try:
            with pytest.raises(errors.InternalServerError) as info:
                call(llm, mode)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * 2**20
    assert len(str(info.value)) < 600  # a snippet, not the body


# -- 7: fork --
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_fork_gets_its_own_pool_and_locks(server: EmulatorServer) -> None:
    server.emulator.clear()
    llm = ChatCometAPI(base_url=server.base_url, api_key=KEY)  # planner on: it has a lock
    assert llm.invoke("parent first").content
    planner = llm._planner
    assert planner is not None
    parent_client = llm._client.sync_client()

    def child() -> int:  # must not deadlock on the lock, must not reuse the parent's socket
        fresh = llm._client.sync_client() is not parent_client
        text = llm.invoke("child").content
        return 0 if fresh and text else 2

    code = child_code_while_held(planner.state.lock, child)
    assert code == 0, "the child deadlocked, reused the parent's pool or failed"
    assert llm.invoke("parent again").content


# -- 8: first calls from many threads --
def test_first_calls_from_16_threads_share_one_client(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    original = httpx2.Client.__init__

    def slow_init(self: httpx2.Client, *args: object, **kwargs: object) -> None:
        made.append(self)
        time.sleep(0.02)  # widen the race window
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx2.Client, "__init__", slow_init)
    fresh = {"x-pool": uuid.uuid4().hex}  # a pool key no earlier run in this process used
    llm = ChatCometAPI(base_url=server.base_url, api_key=KEY, default_headers=fresh)
    barrier = threading.Barrier(16)
    seen: list[object] = []

    def first_call() -> None:
        barrier.wait()
        seen.append(llm._client.sync_client())

    threads = [threading.Thread(target=first_call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len({id(c) for c in seen}) == 1
