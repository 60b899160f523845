"""Headers on the wire, for the package's own pooled clients and for injected ones alike."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


def _check(headers: dict[str, str], accept: str) -> None:
    assert headers["anthropic-version"] == "2023-06-01"
    assert headers["x-api-key"] == "<redacted>"  # present; the emulator redacts what it records
    assert headers["user-agent"].startswith("langchain-cometapi/")
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == accept
    assert headers["anthropic-beta"] == "b-1,b-2"
    assert headers["x-team"] == "blue"


@pytest.mark.parametrize("injected", [False, True])
async def test_headers_json_and_stream_sync_and_async(
    server: EmulatorServer, injected: bool
) -> None:
    clients = (
        {"http_client": httpx2.Client(), "http_async_client": httpx2.AsyncClient()}
        if injected
        else {}
    )
    llm = ChatCometAPI(
        base_url=server.base_url,
        api_key="sk-wire-test",
        prompt_cache="off",
        betas=["b-1", "b-2"],
        default_headers={"X-Team": "blue"},
        **clients,
    )
    emu = server.emulator
    llm.invoke("hi")
    "".join(c.text for c in llm.stream("hi"))
    await llm.ainvoke("hi")
    async for _ in llm.astream("hi"):
        pass
    accepts = ["application/json", "text/event-stream", "application/json", "text/event-stream"]
    assert len(emu.requests) == 4
    for request, accept in zip(emu.requests, accepts, strict=True):
        _check(request["headers"], accept)
    # per-call headers reach every path
    llm.invoke("hi", betas=["b-3"])
    list(llm.stream("hi", betas=["b-4"]))
    await llm.ainvoke("hi", betas=["b-5"])
    async for _ in llm.astream("hi", betas=["b-6"]):
        pass
    per_call = [r["headers"]["anthropic-beta"] for r in emu.requests[-4:]]
    assert per_call == ["b-3", "b-4", "b-5", "b-6"]
    assert [r["headers"]["accept"] for r in emu.requests[-4:]] == accepts
