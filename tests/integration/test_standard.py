"""LangChain's standard integration suite for ChatCometAPI, on cassettes.

Flags claim exactly what the Messages API (through CometAPI) supports; everything claimed runs.

What the replayed cassettes prove: they were recorded from the offline emulator
(``cassettes/emulator/``; ``cassettes/live/`` holds none yet) whose default responder,
``testing._features.feature_reply``, is built to answer this suite's prompts (it parses
``magic_function(3)``-style requests, fills JSON schemas, echoes tool arguments). A green run
shows that requests are built and responses parsed correctly end to end through LangChain; it
is not evidence of how the live service answers.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_cometapi import ChatCometAPI

from ..standard_flags import CometAPICapabilities
from . import _harness

# ~7,000 tokens: comfortably above every model's minimum cacheable prefix (Anthropic documents
# 1024 to 4096 tokens depending on the model), so a live recording caches too.
_MANUAL = " ".join(
    f"Rule {i}: when a customer asks about order {i}, answer politely, quote the order number, "
    f"and offer the standard {i % 7 + 1}-day return window."
    for i in range(240)
)


def cache_markers(body: dict[str, Any]) -> list[tuple[str, ...]]:
    """Where a request body carries cache_control (tools, system, message blocks)."""
    found: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            if "cache_control" in node:
                found.append(path)
            for key, value in node.items():
                if key != "cache_control":
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, str(i)))

    walk(body, ())
    return found


def _sent_bodies(llm: ChatCometAPI) -> list[dict[str, Any]]:
    """The Messages bodies this model actually sends (recorded before vcr answers them)."""
    sent: list[dict[str, Any]] = []

    def keep(request: httpx2.Request) -> None:
        sent.append(json.loads(request.content))

    llm._client.sync_client().event_hooks["request"].append(keep)
    return sent


class TestChatCometAPIIntegration(CometAPICapabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return _harness.model_params()

    # -- what ChatCometAPI supports -----------------------------------------------------------

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return _harness.OVERRIDE_MODEL

    # -- usage details: prompt caching ----------------------------------------------------------
    def _cached_twice(self, tag: str, *, stream: bool) -> tuple[AIMessage, AIMessage]:
        """The same long system prompt twice: the planner caches it, the second call reads."""
        llm = ChatCometAPI(**self.chat_model_params)
        sent = _sent_bodies(llm)
        messages = [SystemMessage(f"[{tag}] {_MANUAL}"), HumanMessage("What is rule 3?")]

        def once() -> AIMessage:
            if not stream:
                return llm.invoke(messages)
            full: Any = None
            for chunk in llm.stream(messages):
                full = chunk if full is None else full + chunk
            assert full is not None
            return AIMessage(
                content=full.content,
                usage_metadata=full.usage_metadata,
                response_metadata=full.response_metadata,
            )

        first, second = once(), once()
        # The replay matcher ignores cache_control and the usage is recorded, so the usage checks
        # alone would pass with the planner off: check what was actually sent. The planner marks
        # the long system prompt on the first call and marks the same prefix again on the second.
        assert len(sent) == 2
        marked = cache_markers(sent[0])
        assert any(path[0] == "system" for path in marked), marked
        assert set(marked) <= set(cache_markers(sent[1]))
        return first, second

    def invoke_with_cache_creation_input(self, *, stream: bool = False) -> AIMessage:
        first, _ = self._cached_twice(f"creation-{stream}", stream=stream)
        usage: dict[str, Any] = dict(first.usage_metadata or {})
        details: dict[str, Any] = dict(usage.get("input_token_details") or {})
        written = sum(
            details.get(k, 0)
            for k in ("cache_creation", "ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")
        )
        assert written > 0, first.usage_metadata
        return first

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        _, second = self._cached_twice(f"read-{stream}", stream=stream)
        details = (second.usage_metadata or {}).get("input_token_details") or {}
        assert details.get("cache_read", 0) > 0, second.usage_metadata
        return second
