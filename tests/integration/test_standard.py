"""LangChain's standard integration suite for ChatCometAPI, on cassettes.

Flags claim exactly what the Messages API (through CometAPI) supports; everything claimed runs.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_cometapi import ChatCometAPI

from ..standard_flags import CometAPICapabilities
from . import _harness

# Long enough to pass the 1024-token minimum cacheable prefix of Sonnet models.
_MANUAL = " ".join(
    f"Rule {i}: when a customer asks about order {i}, answer politely, quote the order number, "
    f"and offer the standard {i % 7 + 1}-day return window."
    for i in range(45)
)


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

        return once(), once()

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
