"""One scenario, two models: ChatAnthropic and ChatCometAPI, each against its own emulator.

The drop-in tests (tests/unit/chat_model/test_agents_dropin.py) run what a user runs (an agent,
a chain) once with ``langchain_anthropic.ChatAnthropic`` and once with ``ChatCometAPI``, both
over HTTP to a loopback ``EmulatorServer`` that answers the same scripted replies, and compare
what the user sees. The emulator validates each request as the API does, so a request
ChatCometAPI builds wrongly fails the scenario. Callers import langchain-anthropic through
``pytest.importorskip`` so the tests skip cleanly without it.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import ToolException, tool

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator, Reply

MODEL = "claude-sonnet-4-6"


@tool
def get_weather(city: str) -> str:
    """Today's weather for a city."""
    return f"sunny in {city}"


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def fail(reason: str) -> str:
    """A tool that always fails."""
    raise ToolException(f"cannot: {reason}")


fail.handle_tool_error = True
TOOLS = [get_weather, add, fail]


def tool_loop() -> list[Reply]:
    """Two parallel calls, then a failing call, then the answer: three model calls."""
    return [
        Reply.tool_calls([("get_weather", {"city": "Paris"}), ("add", {"a": 1, "b": 2})],
                         text="Let me check."),
        Reply.tool_use("fail", {"reason": "test"}),
        Reply.text("Sunny in Paris; 1 + 2 = 3."),
    ]  # fmt: skip


@dataclass
class Run:
    """What one model did in a scenario."""

    result: Any
    requests: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    @property
    def model_calls(self) -> int:
        return sum(1 for r in self.requests if r["path"] == "/v1/messages")


def _theirs(base_url: str, settings: Mapping[str, Any]) -> Any:
    from langchain_anthropic import ChatAnthropic

    return ChatAnthropic(
        **{"model": MODEL, "api_key": "sk-ant-test", "base_url": base_url, "max_retries": 0,
           **settings}
    )  # fmt: skip


def _ours(base_url: str, settings: Mapping[str, Any]) -> Any:
    return ChatCometAPI(
        **{"model": MODEL, "api_key": "sk-test", "base_url": base_url, "max_retries": 0,
           "prompt_cache": "off", **settings}
    )  # fmt: skip


def _run(make: Callable[..., Any], scenario: Callable[[Any], Any], replies: list[Reply],
         settings: Mapping[str, Any]) -> Run:  # fmt: skip
    emu = MessagesEmulator()
    emu.script(*replies)
    with warnings.catch_warnings(record=True) as caught, EmulatorServer(emu) as server:
        warnings.simplefilter("always")
        llm = make(server.base_url, settings)
        result = scenario(llm)
        if asyncio.iscoroutine(result):
            result = asyncio.run(_closing(result, llm))
        _close(llm)
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    return Run(result, list(emu.requests), [w for w in shown if "Deprecat" not in w])


async def _closing(scenario: Any, llm: Any) -> Any:
    """Await ``scenario``, then close ``llm``'s async connections while their loop runs
    (``asyncio.run`` closes the loop; a connection left in the pool would warn later)."""
    try:
        return await scenario
    finally:
        if isinstance(llm, ChatCometAPI):
            await llm.aclose()
        else:
            await llm._async_client.close()
            _forget_closed_clients()


def _close(llm: Any) -> None:
    if isinstance(llm, ChatCometAPI):
        llm.close()
    else:
        llm._client.close()
        _forget_closed_clients()


def _forget_closed_clients() -> None:
    """langchain-anthropic caches one httpx client per base URL (``lru_cache``): once closed, a
    later server that the OS gives the same port would get the closed client."""
    from langchain_anthropic import _client_utils

    _client_utils._get_default_httpx_client.cache_clear()
    _client_utils._get_default_async_httpx_client.cache_clear()


def both(scenario: Callable[[Any], Any], replies: list[Reply] | None = None,
         **settings: Any) -> tuple[Run, Run]:  # fmt: skip
    """``scenario(llm)`` with ChatAnthropic, then with ChatCometAPI, on the same replies."""
    replies = replies or []
    return _run(_theirs, scenario, replies, settings), _run(_ours, scenario, replies, settings)


def seen(message: BaseMessage) -> dict[str, Any]:
    """What a user reads off a message: its type, content shape, text, tool calls, tool status
    and which usage fields it has."""
    content = message.content
    out: dict[str, Any] = {
        "type": type(message).__name__,
        "shape": "str" if isinstance(content, str) else [
            b.get("type") if isinstance(b, dict) else "str" for b in content],
        "text": message.text,
    }  # fmt: skip
    if isinstance(message, AIMessage):
        out["tool_calls"] = [(c["name"], c["args"]) for c in message.tool_calls]
        usage: Mapping[str, Any] = message.usage_metadata or {}
        out["usage"] = sorted(usage)
        out["input_details"] = sorted(usage.get("input_token_details") or {})
    if isinstance(message, ToolMessage):
        out["status"] = message.status
    return out


def seen_all(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    return [seen(m) for m in messages]
