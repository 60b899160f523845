"""Batches that share a cacheable head: send the first request alone, then the rest together.

A cache entry becomes readable only once the response that wrote it has begun. ``batch`` and
``abatch`` send their inputs concurrently, so when they share a long system prompt (batch
extraction: one instruction prompt and output tool, a different document each) every request
arrives before any entry exists, and every one of them *writes* the shared head at 1.25x: the
batch costs more than no caching at all. Sending the first input alone, then the others, makes
the head one write and N-1 reads at 0.1x, at the price of one request's latency.

Done only when it pays: prompt caching is on, the batch has at least
``CachePolicy.warm_batches`` inputs (3 by default; None turns it off), the planner would write a
shared head (tools, system, leading documents) for the first input that is not already cached,
and the second input holds the very same head. Results keep their order; ``return_exceptions``
and per-input configs behave as in LangChain's ``batch``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import get_config_list

from ._wire.body import build_request
from .cache._plan import CachePlan

__all__ = ["WarmBatchMixin", "shares_head"]

_HEAD_SEGMENTS = frozenset({"tools", "system", "documents"})


class WarmBatchMixin:
    """Goes before BaseChatModel in the bases; the class provides ``_planner``, ``_defaults``,
    ``_convert_input`` (LangChain's) and the runnable ``batch`` / ``abatch``."""

    def batch(
        self,
        inputs: list[Any],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        run: Callable[..., list[Any]] = super().batch  # type: ignore[misc]
        if not _warm(self, inputs, kwargs):
            return run(inputs, config, return_exceptions=return_exceptions, **kwargs)
        configs = get_config_list(config, len(inputs))
        first = run(inputs[:1], configs[:1], return_exceptions=return_exceptions, **kwargs)
        return first + run(inputs[1:], configs[1:], return_exceptions=return_exceptions, **kwargs)

    async def abatch(
        self,
        inputs: list[Any],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        run: Callable[..., Coroutine[Any, Any, list[Any]]] = super().abatch  # type: ignore[misc]
        if not _warm(self, inputs, kwargs):
            return await run(inputs, config, return_exceptions=return_exceptions, **kwargs)
        configs = get_config_list(config, len(inputs))
        first = await run(inputs[:1], configs[:1], return_exceptions=return_exceptions, **kwargs)
        rest = await run(inputs[1:], configs[1:], return_exceptions=return_exceptions, **kwargs)
        return first + rest


def _warm(model: Any, inputs: Sequence[Any], kwargs: Mapping[str, Any]) -> bool:
    """Whether to send the first input alone (see the module docstring)."""
    planner = model._planner
    smallest = planner.policy.warm_batches if planner is not None else None
    if smallest is None or len(inputs) < smallest:
        return False
    call = {k: v for k, v in kwargs.items() if k != "stop"}  # build_request copies it
    defaults, stop = model._defaults(), kwargs.get("stop")
    try:
        first, second = (
            build_request(model._convert_input(x).to_messages(), defaults, stop, call).body
            for x in inputs[:2]
        )
    except (ValueError, TypeError):  # a bad input: let ``batch`` report it where it belongs
        return False
    return shares_head(planner.preview(first), first, second)


def shares_head(plan: CachePlan, first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether ``plan`` (for ``first``) writes a shared head that ``second`` holds unchanged."""
    heads = [bp for bp in plan.breakpoints
             if bp.action == "write" and bp.segment in _HEAD_SEGMENTS and bp.source == "planner"]
    if not heads or plan.expected_read_tokens >= heads[-1].prefix_tokens:
        return False
    if first.get("model") != second.get("model") or first.get("tools") != second.get("tools"):
        return False
    if heads[-1].location[0] == "tools":
        return True
    if first.get("system") != second.get("system"):
        return False
    if heads[-1].location[0] == "system":
        return True
    location = heads[-1].location  # ("messages", m, b): leading documents of a user message
    message, block = int(location[1]), int(location[2])
    return _content(first, message)[: block + 1] == _content(second, message)[: block + 1]


def _content(body: Mapping[str, Any], index: int) -> list[Any]:
    messages = body.get("messages") or []
    content = messages[index].get("content") if index < len(messages) else None
    return content if isinstance(content, list) else [content]
