"""Requests in flight (``MessagesEmulator(latency=...)``): a cache entry is readable only once the
response that wrote it has begun, so concurrent requests all miss and all write a shared prefix."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from langchain_cometapi.testing import (
    EmulatorServer,
    EmulatorTransport,
    ManualClock,
    MessagesEmulator,
    Reply,
)
from tests.helpers.emulator import KEY, SentTogether, body, post, usage, words

HEAD = [{"type": "text", "text": words(1200, "sys"), "cache_control": {"type": "ephemeral"}}]
LATENCY = 0.3  # long enough that four requests sent together all arrive before any answer


def cached(question: str = "Hello there") -> dict[str, Any]:
    return body(system=HEAD, messages=[{"role": "user", "content": question}])


def handled(emu: MessagesEmulator, payload: dict[str, Any]) -> Any:
    return emu.handle("POST", "/v1/messages", KEY, payload)


def test_writes_land_when_the_response_begins() -> None:
    emu = MessagesEmulator(clock=ManualClock(), latency=0.0)
    first = handled(emu, cached("one"))
    second = handled(emu, cached("two"))  # arrives while the first is still in flight
    assert first.json()["usage"]["cache_creation_input_tokens"] > 1024
    assert second.json()["usage"]["cache_creation_input_tokens"] > 1024
    assert second.json()["usage"]["cache_read_input_tokens"] == 0
    assert emu.cache_entries() == []  # nothing readable before a response begins
    first.begin()
    first.begin()  # once only
    third = handled(emu, cached("three")).json()["usage"]
    assert third["cache_read_input_tokens"] == first.json()["usage"]["cache_creation_input_tokens"]
    assert third["cache_creation_input_tokens"] == 0
    second.begin()  # the later writer rewrites the same entry, as the API would
    [entry] = emu.cache_entries()
    assert entry.reads == 0


def test_without_latency_the_next_request_reads_at_once() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    handled(emu, cached("one"))  # never begun: the default cache is atomic
    second = handled(emu, cached("two")).json()["usage"]
    assert second["cache_read_input_tokens"] > 1024
    assert second["cache_creation_input_tokens"] == 0


def test_latency_delays_the_response_and_adds_to_a_scripted_delay() -> None:
    emu = MessagesEmulator(latency=0.25)
    emu.script(Reply.delay(0.5))
    assert handled(emu, cached()).delay == pytest.approx(0.75)
    assert handled(emu, cached()).delay == pytest.approx(0.25)
    assert MessagesEmulator().handle("POST", "/v1/messages", KEY, cached()).delay == 0.0


@pytest.mark.parametrize("latency", [-1.0, float("nan")])
def test_latency_must_be_a_duration(latency: float) -> None:
    with pytest.raises(ValueError, match="latency"):
        MessagesEmulator(latency=latency)


def _written(usages: list[dict[str, Any]]) -> list[int]:
    return [u["cache_creation_input_tokens"] for u in usages]


def test_concurrent_requests_through_the_sync_transport_all_write() -> None:
    emu = SentTogether(4, latency=LATENCY)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda i: usage(post(emu, cached(f"q{i}"))), range(4)))
    assert all(w > 1024 for w in _written(together))
    after = usage(post(emu, cached("later")))
    assert after["cache_read_input_tokens"] == together[0]["cache_creation_input_tokens"]


async def test_concurrent_requests_through_the_async_transport_all_write() -> None:
    emu = MessagesEmulator(latency=LATENCY)
    async with httpx2.AsyncClient(
        transport=EmulatorTransport(emu), base_url="http://emulator"
    ) as c:

        async def send(question: str) -> dict[str, Any]:
            return usage(await c.post("/v1/messages", headers=KEY, json=cached(question)))

        together = await asyncio.gather(*(send(f"q{i}") for i in range(4)))
        after = await send("later")
    assert all(w > 1024 for w in _written(list(together)))
    assert after["cache_read_input_tokens"] == together[0]["cache_creation_input_tokens"]


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_concurrent_requests_to_the_loopback_server_all_write() -> None:
    with EmulatorServer(SentTogether(4, latency=LATENCY)) as srv:

        def send(question: str) -> dict[str, Any]:
            with httpx2.Client(base_url=srv.base_url) as c:
                return usage(c.post("/v1/messages", headers=KEY, json=cached(question)))

        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(send, [f"q{i}" for i in range(4)]))
        after = send("later")
    assert all(w > 1024 for w in _written(together))
    assert after["cache_read_input_tokens"] == together[0]["cache_creation_input_tokens"]


def test_a_response_that_never_begins_writes_nothing() -> None:
    emu = MessagesEmulator(latency=0.0)
    emu.script(Reply.delay(5.0))
    with pytest.raises(httpx2.ReadTimeout):
        post(emu, cached(), timeout=httpx2.Timeout(1.0, read=0.05))
    assert emu.cache_entries() == []
    assert usage(post(emu, cached()))["cache_read_input_tokens"] == 0
