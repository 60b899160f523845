"""Remote MCP: an ``mcp_toolset`` tool binds (with its beta), and an ``authorization_token``
never appears in repr, dumps() (what tracers serialise) or the recorded invocation params."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumps

from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

TOKEN = "mcp-oauth-token-SECRET"
SERVERS = [
    {
        "type": "url",
        "url": "https://mcp.example.com/sse",
        "name": "docs",
        "authorization_token": TOKEN,
    }
]
TOOLSET = {"type": "mcp_toolset", "mcp_server_name": "docs"}


class _Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append(repr(serialized) + repr(kwargs))


def test_mcp_toolset_binds_and_sends_the_beta() -> None:
    llm, emu = emulated(MessagesEmulator(), mcp_servers=SERVERS)
    emu.script(Reply.text("ok"))
    llm.bind_tools([TOOLSET]).invoke("search the docs")
    sent = emu.last_request
    assert sent["body"]["tools"] == [TOOLSET]
    assert sent["body"]["mcp_servers"] == SERVERS  # the server needs the real token
    assert "mcp-client-2025-11-20" in sent["headers"]["anthropic-beta"]


def test_token_not_in_repr_or_dumps() -> None:
    llm, _ = emulated(MessagesEmulator(), mcp_servers=SERVERS)
    for text in (repr(llm), str(llm), dumps(llm)):
        assert TOKEN not in text


async def test_token_not_in_what_tracers_receive() -> None:
    recorder = _Recorder()
    llm, emu = emulated(MessagesEmulator(), mcp_servers=SERVERS)
    emu.script(Reply.text("ok"), Reply.text("ok"))
    llm.invoke("x", config={"callbacks": [recorder]})
    await llm.ainvoke("x", config={"callbacks": [recorder]})
    assert len(recorder.seen) == 2
    assert all(TOKEN not in s for s in recorder.seen)


def test_token_not_in_invocation_params_of_a_bound_call() -> None:
    recorder = _Recorder()
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("ok"))
    llm.bind(mcp_servers=SERVERS).invoke("x", config={"callbacks": [recorder]})
    assert emu.last_request["body"]["mcp_servers"] == SERVERS
    assert recorder.seen and all(TOKEN not in s for s in recorder.seen)
