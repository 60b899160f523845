"""Caching strategies compared by the workload benchmark (the lower bound: ``_bound``).

Peers are re-implemented from their documented behaviour as body transforms:
Anthropic automatic caching (top-level cache_control), LangChain's
AnthropicPromptCachingMiddleware (last system block + last tool + automatic tail),
LiteLLM's injection points (system + last user message) and the rolling rule of Anthropic's
multi-turn guide and agent CLIs (last system block, last tool, last block of each of the last two
user messages: the previous request's tail is always a breakpoint, so the lookback never bites).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from langchain_cometapi.cache._planner import CachePlanner, CachePolicy

Transform = Callable[[float, dict[str, Any]], dict[str, Any]]
MARK = {"type": "ephemeral"}


def none(_t: float, body: dict[str, Any]) -> dict[str, Any]:
    return body


def anthropic_auto(_t: float, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "cache_control": dict(MARK)}


def _mark_system_last(body: dict[str, Any]) -> None:
    system = body.get("system")
    if isinstance(system, str) and system:
        body["system"] = [{"type": "text", "text": system, "cache_control": dict(MARK)}]
    elif isinstance(system, list) and system:
        body["system"] = [*system[:-1], {**system[-1], "cache_control": dict(MARK)}]


def langchain_middleware(_t: float, body: dict[str, Any]) -> dict[str, Any]:
    out = {**body, "cache_control": dict(MARK)}
    _mark_system_last(out)
    if out.get("tools"):
        out["tools"] = [*out["tools"][:-1], {**out["tools"][-1], "cache_control": dict(MARK)}]
    return out


def _mark_last_users(out: dict[str, Any], count: int) -> None:
    """Mark the last block of each of the last ``count`` user messages."""
    messages = list(out["messages"])
    marked = 0
    for i in range(len(messages) - 1, -1, -1):
        if marked >= count:
            break
        if messages[i]["role"] == "user":
            content = messages[i]["content"]
            blocks = (
                [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
            )
            blocks[-1] = {**blocks[-1], "cache_control": dict(MARK)}
            messages[i] = {**messages[i], "content": blocks}
            marked += 1
    out["messages"] = messages


def litellm(_t: float, body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    _mark_system_last(out)
    _mark_last_users(out, 1)
    return out


def rolling(_t: float, body: dict[str, Any]) -> dict[str, Any]:
    """Last system block, last tool, last block of each of the last two user messages."""
    out = dict(body)
    _mark_system_last(out)
    if out.get("tools"):
        out["tools"] = [*out["tools"][:-1], {**out["tools"][-1], "cache_control": dict(MARK)}]
    _mark_last_users(out, 2)
    return out


class PlannerStrategy:
    """This package's planner, one instance per replay, sharing the replay's clock."""

    def __init__(self, clock: Callable[[], float], policy: CachePolicy | None = None) -> None:
        self.planner = CachePlanner(policy, clock=clock)
        self.last_plan: Any = None

    def __call__(self, _t: float, body: dict[str, Any]) -> dict[str, Any]:
        out, self.last_plan = self.planner.plan(body)
        return out

    def observe(self, usage: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        self.planner.observe(self.last_plan, usage, headers)


class FleetStrategy:
    """``size`` planners behind a round-robin balancer (worker processes, each its own state)."""

    def __init__(
        self, clock: Callable[[], float], size: int = 8, policy: CachePolicy | None = None
    ) -> None:
        self.workers = [PlannerStrategy(clock, policy) for _ in range(size)]
        self.turn = -1

    def __call__(self, t: float, body: dict[str, Any]) -> dict[str, Any]:
        self.turn = (self.turn + 1) % len(self.workers)
        return self.workers[self.turn](t, body)

    def observe(self, usage: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        self.workers[self.turn].observe(usage, headers)
