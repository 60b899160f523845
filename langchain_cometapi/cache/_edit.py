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
    if isinstance(block, str):
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
    by_area: dict[str, list[Location]] = {}
    for loc in marks:
        area = loc[0] if type(loc[0]) is str else str(loc[0])
        if area in by_area:
            by_area[area].append(loc)
        else:
            by_area[area] = [loc]

    if system_blocks is not None or "system" in by_area:
        source = system_blocks if system_blocks is not None else body.get("system")
        blocks: list[Any] = [source] if isinstance(source, str) else list(source or ())
        for loc in by_area.get("system", ()):
            index = int(loc[1])
            blocks[index] = _marked(blocks[index], marks[loc])
        out["system"] = blocks

    if "tools" in by_area:
        tools = list(body.get("tools") or ())
        for loc in by_area["tools"]:
            index = int(loc[1])
            tools[index] = _marked(tools[index], marks[loc])
        out["tools"] = tools

    if "messages" in by_area:
        messages = list(body.get("messages") or ())
        per_message: dict[int, list[Location]] = {}
        for loc in by_area["messages"]:
            per_message.setdefault(int(loc[1]), []).append(loc)
        for m, locs in per_message.items():
            message = dict(messages[m])
            content = message.get("content")
            blocks = [content] if isinstance(content, str) else list(content or ())
            for loc in locs:
                index = int(loc[2])
                blocks[index] = _marked(blocks[index], marks[loc])
            message["content"] = blocks
            messages[m] = message
        out["messages"] = messages
    return out
