"""A call's own ``timeout`` bounds our own pooled connections on a real socket.

The pools are built with the model's timeout (here 30 s); a call's ``timeout=0.3`` must still
bound that call's socket reads: the wait for a reply that never comes, and a stream's idle
time after its first events. Each runs sync and async; a call that outlives its bound is
abandoned on a daemon thread so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import MODES, Request, event, serving, sse_head
from tests.helpers.responses import text_stream
from tests.helpers.threads import outcome_within

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-call-timeout-0123456789"



def _run(llm: ChatCometAPI, mode: str, stream: bool) -> None:
    if mode == "sync":
        if stream:
            list(llm.stream("hi", timeout=0.3))
        else:
            llm.invoke("hi", timeout=0.3)
        return

    async def arun() -> None:
        if stream:
            async for _ in llm.astream("hi", timeout=0.3):
                pass
        else:
            await llm.ainvoke("hi", timeout=0.3)

    asyncio.run(arun())


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("mode", MODES)
def test_a_call_timeout_bounds_a_silent_peer_on_our_own_pool(mode: str, stream: bool) -> None:
    """Silent after the request (JSON), or after the first events (stream: the idle bound)."""
    start = text_stream("partial answer", stop=False)[:3]

    def handle(conn: socket.socket, request: Request) -> None:
        if stream:
            conn.sendall(sse_head() + b"".join(event(item) for item in start))
        time.sleep(3.0)

    with serving(handle) as srv:
        llm = ChatCometAPI(
            base_url=srv.base_url, api_key=KEY, timeout=30, max_retries=0, prompt_cache="off"
        )
        began = time.monotonic()
        raised = outcome_within(lambda: _run(llm, mode, stream), within=2.5)
    assert isinstance(raised, errors.APITimeoutError), raised
    assert time.monotonic() - began < 2.0
