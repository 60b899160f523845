"""Shared helpers for the cache planner tests: marker census and body builders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa")


def words(n: int, salt: int = 0) -> str:
    return " ".join(WORDS[(i * 7 + salt) % len(WORDS)] + str((i + salt) % 13) for i in range(n))


def markers(body: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], Mapping[str, Any], str]]:
    """(location, block, ttl) for every cache_control in cache order, nested ones included."""
    for i, tool in enumerate(body.get("tools") or ()):
        if "cache_control" in tool:
            yield ("tools", i), tool, tool["cache_control"].get("ttl", "5m")
    system = body.get("system")
    if isinstance(system, list):
        for i, block in enumerate(system):
            if "cache_control" in block:
                yield ("system", i), block, block["cache_control"].get("ttl", "5m")
    for m, message in enumerate(body.get("messages") or ()):
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for b, block in enumerate(content):
            if isinstance(block, Mapping) and "cache_control" in block:
                yield ("messages", m, b), block, block["cache_control"].get("ttl", "5m")
            if isinstance(block, Mapping) and isinstance(block.get("content"), list):
                for k, inner in enumerate(block["content"]):
                    if isinstance(inner, Mapping) and "cache_control" in inner:
                        yield ("messages", m, b, k), inner, inner["cache_control"].get("ttl", "5m")


def strip_markers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: strip_markers(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [strip_markers(v) for v in value]
    return value


def chat_body(
    turns: int, system_words: int = 1500, model: str = "claude-sonnet-4-5"
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for t in range(turns):
        messages.append({"role": "user", "content": f"question {t}: " + words(40, t)})
        if t < turns - 1:
            messages.append(
                {"role": "assistant", "content": [{"type": "text", "text": words(120, t + 50)}]}
            )
    return {
        "model": model,
        "max_tokens": 256,
        "system": "You help.\n" + words(system_words),
        "messages": messages,
    }


AGENT_TOOLS = [
    {"name": f"tool_{i}", "description": words(60, i),
     "input_schema": {"type": "object", "properties": {"p": {"type": "string"}}}}
    for i in range(5)
]


def agent_body(task: int, steps: int) -> dict[str, Any]:
    """A tool loop after ``steps`` tool calls: each step an assistant tool_use and its result."""
    first = {"role": "user", "content": f"task {task}: " + words(60, task)}
    messages: list[dict[str, Any]] = [first]
    for s in range(steps):
        ident = f"toolu_{task:03d}_{s:03d}"
        messages.append({"role": "assistant", "content": [
            {"type": "text", "text": words(12, s)},
            {"type": "tool_use", "id": ident, "name": "tool_1", "input": {"p": words(4, s)}}]})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": ident, "content": words(500, task * 31 + s)}]})
    return {"model": "claude-sonnet-4-6", "max_tokens": 256, "tools": AGENT_TOOLS,
            "system": "You operate the cluster.\n" + words(1800), "messages": messages}
