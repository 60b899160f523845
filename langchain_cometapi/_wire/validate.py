"""Checks on settings and the finished body that the API would answer with a 400 anyway."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def thinking_on(thinking: Mapping[str, Any] | None) -> bool:
    return bool(thinking) and (thinking or {}).get("type") in ("enabled", "adaptive")


def validate_sampling(
    thinking: Mapping[str, Any] | None,
    max_tokens: Any,
    temperature: Any,
    top_k: Any,
    top_p: Any,
) -> None:
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}.")
    if temperature is not None and not (0.0 <= float(temperature) <= 1.0):
        raise ValueError(f"temperature must be between 0 and 1, got {temperature!r}.")
    if top_p is not None and not (0.0 <= float(top_p) <= 1.0):
        raise ValueError(f"top_p must be between 0 and 1, got {top_p!r}.")
    if thinking is None:
        return
    if not isinstance(thinking, Mapping) or thinking.get("type") not in (
        "enabled",
        "adaptive",
        "disabled",
    ):
        raise ValueError(
            "thinking must be {'type': 'enabled', 'budget_tokens': N}, {'type': 'adaptive'} "
            f"or {{'type': 'disabled'}}, got {thinking!r}."
        )
    if thinking["type"] == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024:
            raise ValueError(f"thinking budget_tokens must be an integer >= 1024, got {budget!r}.")
        if budget >= max_tokens:
            raise ValueError(
                f"thinking budget_tokens ({budget}) must be less than max_tokens ({max_tokens})."
            )
    if thinking_on(thinking):
        if temperature is not None and float(temperature) != 1.0:
            raise ValueError("temperature cannot be changed while thinking is enabled.")
        if top_k is not None:
            raise ValueError("top_k cannot be set while thinking is enabled.")
        if top_p is not None and float(top_p) < 0.95:
            raise ValueError("top_p must be between 0.95 and 1 while thinking is enabled.")


def validate_stop(stops: Any) -> list[str]:
    """Stop sequences as the API takes them: a list of strings with some non-whitespace."""
    if isinstance(stops, str) or not isinstance(stops, (list, tuple)):
        raise ValueError(f"stop must be a list of strings, got {stops!r}.")
    for stop in stops:
        if not isinstance(stop, str) or not stop:
            raise ValueError("stop must be a list of non-empty strings.")
        if not stop.strip():
            raise ValueError(
                f"stop sequence {stop!r} is only whitespace; the API rejects those (each stop "
                "sequence must contain non-whitespace)."
            )
    return list(stops)


def forcing_blocked(thinking: Mapping[str, Any] | None) -> bool:
    """Thinking with a budget refuses a forced tool_choice; adaptive thinking accepts it."""
    return isinstance(thinking, Mapping) and thinking.get("type") == "enabled"


def validate_body(body: Mapping[str, Any]) -> None:
    """Checks on the finished body that the API would fail with a 400 after a round trip.

    Only checks: nothing here changes the body.
    """
    markers = count_cache_markers(body)
    if markers > 4:
        raise ValueError(
            f"the request carries {markers} cache_control markers; the API allows at most 4."
        )


def count_cache_markers(body: Mapping[str, Any]) -> int:
    """Markers the API counts against its limit of 4: on tools, system and message blocks,
    blocks nested in a tool_result, and a top-level (automatic caching) ``cache_control``."""
    count = int(body.get("cache_control") is not None)
    count += sum(1 for tool in body.get("tools") or () if "cache_control" in tool)
    system = body.get("system")
    if isinstance(system, list):
        count += sum(1 for block in system if "cache_control" in block)
    for turn in body.get("messages", ()):
        content = turn.get("content")
        for block in content if isinstance(content, list) else ():
            count += "cache_control" in block
            nested = block.get("content") if block.get("type") == "tool_result" else None
            if isinstance(nested, list):
                count += sum(1 for b in nested if isinstance(b, Mapping) and "cache_control" in b)
    return count
