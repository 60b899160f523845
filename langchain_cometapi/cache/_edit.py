"""Copy-on-write placement of markers: only the containers on a marker's path are copied.

Request bodies can hold 150k tokens, so a deepcopy per call is not affordable; untouched
messages and blocks are shared with the caller's body, which is never mutated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._plan import Location

__all__ = ["apply_markers", "cache_control"]


def cache_control(ttl: str) -> dict[str, str]:
    """Wire form of a marker; 5m is the API default, so it is sent without a ttl field."""
    return {"type": "ephemeral"} if ttl == "5m" else {"type": "ephemeral", "ttl": ttl}


def _marked(block: Any, ttl: str) -> dict[str, Any]:
    if type(block) is str or isinstance(block, str):
        return {"type": "text", "text": block, "cache_control": cache_control(ttl)}
    return {**block, "cache_control": cache_control(ttl)}


def apply_markers(
    body: Mapping[str, Any],
    marks: Mapping[Location, str],
    system_blocks: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """New body with a marker of the given ttl at each location.

    ``system_blocks`` replaces the system prompt (a split or str-to-block conversion);
    system locations index into it.
    """
    out = dict(body)
    in_system: list[Location] = []
    in_tools: list[Location] = []
    in_messages: list[Location] = []
    for loc in marks:  # one pass, appends only: a plan has a few marks
        area = loc[0]
        if area == "messages":
            in_messages.append(loc)
        elif area == "system":
            in_system.append(loc)
        elif area == "tools":
            in_tools.append(loc)
    if system_blocks is not None or in_system:
        source = system_blocks if system_blocks is not None else body.get("system")
        blocks: list[Any] = [source] if isinstance(source, str) else list(source or ())
        for loc in in_system:
            index = int(loc[1])
            blocks[index] = _marked(blocks[index], marks[loc])
        out["system"] = blocks
    if in_tools:
        tools = list(body.get("tools") or ())
        for loc in in_tools:
            index = int(loc[1])
            tools[index] = _marked(tools[index], marks[loc])
        out["tools"] = tools
    if in_messages:
        out["messages"] = _marked_messages(body.get("messages"), in_messages, marks)
    return out


def _marked_messages(
    source: Any, locations: list[Location], marks: Mapping[Location, str]
) -> list[Any]:
    """A copy of the messages with the marked ones (and their content lists) copied too."""
    messages = list(source or ())
    copied: dict[int, list[Any]] = {}  # message index -> its content blocks, copied once
    for loc in locations:
        m, index = loc[1], loc[2]
        assert type(m) is int and type(index) is int  # from ``Scan.location``
        blocks = copied.get(m)
        if blocks is None:
            message = messages[m] = dict(messages[m])
            content = message.get("content")
            blocks = [content] if isinstance(content, str) else list(content or ())
            message["content"] = copied[m] = blocks
        blocks[index] = _marked(blocks[index], marks[loc])
    return messages
