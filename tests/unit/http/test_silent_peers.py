"""Peers that go quiet on a real socket: every socket operation of our own pools is bounded.

httpcore2 gets each read, write and connect through ``_http.deadline``'s wrappers; these tests
are the ones that notice when a wrapper drops the bound it was given (the call would then hang),
or sends the connection somewhere else. Each runs sync and async; a call that outlives its
bound is abandoned on a daemon thread so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import MODES, Request, call, event, json_reply, serving, sse_head
from tests.helpers.responses import message, text_stream
from tests.helpers.threads import outcome_within

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1", "127.0.0.2"])]

KEY = "sk-silent-0123456789"



@pytest.mark.parametrize("mode", MODES)
def test_a_stream_that_goes_silent_is_a_timeout(mode: str) -> None:
    """No byte at all after the first events (no pings either): the idle bound still holds."""
    start = text_stream("partial answer", stop=False)[:3]

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(sse_head() + b"".join(event(item) for item in start))
        time.sleep(5.0)

    with serving(handle) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key=KEY, timeout=0.5, max_retries=0)
        began = time.monotonic()
        raised = outcome_within(lambda: call(llm, mode, stream=True), within=4.0)
    assert isinstance(raised, errors.APITimeoutError), raised
    assert time.monotonic() - began < 2.0


@pytest.fixture
def deaf_server() -> Iterator[str]:
    """A listener that never accepts: the kernel completes the handshake, then the request
    fills the socket buffers and the client's writes block."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.mark.parametrize(("mode", "stream"), [(m, s) for s in (False, True) for m in MODES])
def test_a_peer_that_never_reads_the_request_cannot_hold_the_call(
    deaf_server: str, mode: str, stream: bool
) -> None:
    llm = ChatCometAPI(
        base_url=deaf_server, api_key=KEY, timeout=0.5, max_retries=0, prompt_cache="off"
    )
    prompt = "x" * (24 * 2**20)  # far more than the loopback socket buffers hold

    def run() -> None:
        if mode == "sync":
            if stream:
                list(llm.stream(prompt))
            else:
                llm.invoke(prompt)
            return
        async def arun() -> None:
            if stream:
                async for _ in llm.astream(prompt):
                    pass
            else:
                await llm.ainvoke(prompt)

        asyncio.run(arun())

    began = time.monotonic()
    raised = outcome_within(run, within=6.0)
    assert isinstance(raised, errors.APITimeoutError), raised
    assert time.monotonic() - began < 4.0


@pytest.mark.parametrize("mode", MODES)
def test_the_connection_goes_to_the_configured_host(mode: str) -> None:
    """127.0.0.2 is loopback too, but only there does anything listen on this port."""
    other = socket.socket()
    try:
        other.bind(("127.0.0.2", 0))
    except OSError:
        other.close()
        pytest.skip("127.0.0.2 cannot be bound here")
    other.listen(8)
    answered: list[bytes] = []

    def answer() -> None:
        with contextlib.suppress(OSError):
            conn, _ = other.accept()
            with conn:
                answered.append(conn.recv(65536))
                conn.sendall(json_reply(message([{"type": "text", "text": "from .2"}])))

    threading.Thread(target=answer, daemon=True).start()
    port = other.getsockname()[1]
    llm = ChatCometAPI(base_url=f"http://127.0.0.2:{port}", api_key=KEY, timeout=5, max_retries=0)
    try:
        assert call(llm, mode) == "from .2"
    finally:
        other.close()
    assert answered


@pytest.mark.parametrize("client", ["own", "user"])
@pytest.mark.parametrize("mode", MODES)
def test_a_dripping_body_ends_at_the_total_deadline(mode: str, client: str) -> None:
    """Our pools bound every read by the time left (the read times out); a user's client is
    not rewired, so there the total bound is checked between body chunks, and named."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(head + b"Connection: close\r\n\r\n")
        for _ in range(200):  # 10 s of body, one small chunk every 50 ms
            conn.sendall(b" " * 16)
            time.sleep(0.05)

    clients: dict[str, object] = {}
    if client == "user":
        clients = {"http_client": httpx2.Client(), "http_async_client": httpx2.AsyncClient()}
    with serving(handle) as srv:
        llm = ChatCometAPI(
            base_url=srv.base_url, api_key=KEY, timeout=0.5, max_retries=0, **clients
        )  # type: ignore[arg-type]
        began = time.monotonic()
        raised = outcome_within(lambda: call(llm, mode), within=8.0)
    assert isinstance(raised, errors.APITimeoutError), raised
    assert client == "own" or "total deadline passed" in str(raised)
    assert time.monotonic() - began < 2.0
