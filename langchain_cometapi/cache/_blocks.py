"""What the planner needs to know of a block: its fingerprint, and whether it may carry a marker.

Fingerprints ignore ``cache_control`` (a marker does not change what is cached) and never fail
on anything that encodes as JSON: nesting deeper than the recursion limit or dicts mixing int and
str keys take a flat, non-recursive walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ELIGIBLE_TYPES",
    "IMAGE_TYPES",
    "block_fingerprint",
    "eligible",
    "fingerprint",
    "marker_ttl",
    "nested_markers",
    "text_chars",
]

#: Block types that may carry cache_control (thinking blocks and unknown types may not).
ELIGIBLE_TYPES = frozenset(
    {"text", "image", "document", "tool_use", "tool_result", "search_result"}
)
IMAGE_TYPES = frozenset({"image"})


def fingerprint(value: Any) -> int:
    if value is None:  # an absent setting: the value the general case gives, without ABC checks
        return _NONE_FINGERPRINT
    if isinstance(value, str):
        return hash(value)
    if isinstance(value, Mapping):
        return hash(
            tuple(sorted((k, fingerprint(v)) for k, v in value.items() if k != "cache_control"))
        )
    if isinstance(value, (list, tuple)):
        return hash(("L", *(fingerprint(v) for v in value)))
    try:
        return hash((value.__class__.__name__, value))
    except TypeError:
        return hash(repr(value))


_NONE_FINGERPRINT = hash((type(None).__name__, None))


def _flat_fingerprint(value: Any) -> int:
    """``fingerprint`` without recursion, for any key types: for what it cannot take (nesting
    deeper than the recursion limit, dicts mixing int and str keys), as json.dumps can."""
    parts: list[Any] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            pairs = sorted(
                ((str(k), v) for k, v in item.items() if k != "cache_control"), key=lambda p: p[0]
            )
            parts.append(("M", len(pairs)))
            for key, child in reversed(pairs):
                stack.append(child)
                stack.append(("K", key))
        elif isinstance(item, (list, tuple)) and not (len(item) == 2 and item[0] == "K"):
            parts.append(("L", len(item)))
            stack.extend(reversed(item))
        else:
            parts.append(item if isinstance(item, (str, int, float, bool, tuple)) else repr(item))
    return hash(tuple(parts))


def block_fingerprint(block: Any) -> int:
    """Fingerprint of a block's content, ignoring any cache_control it carries."""
    if isinstance(block, str):
        return hash(("text", block))
    if isinstance(block, Mapping) and block.get("type") == "text":
        extra = len(block) - 2 - ("cache_control" in block)
        text = block.get("text")
        if extra == 0 and isinstance(text, str):
            return hash(("text", text))
    try:
        return fingerprint(block)
    except (RecursionError, TypeError):
        return _flat_fingerprint(block)


def marker_ttl(block: Any) -> str | None:
    """TTL of a block's own cache_control, or None when it has none."""
    if not isinstance(block, Mapping):
        return None
    cc = block.get("cache_control")
    if not isinstance(cc, Mapping):
        return None
    ttl = cc.get("ttl")
    return ttl if isinstance(ttl, str) else "5m"


def nested_markers(block: Any) -> int:
    if not isinstance(block, Mapping) or block.get("type") != "tool_result":
        return 0
    content = block.get("content")
    if not isinstance(content, list):
        return 0
    return sum(1 for b in content if marker_ttl(b) is not None)


def eligible(block: Any) -> bool:
    if isinstance(block, str):
        return bool(block)
    if not isinstance(block, Mapping):
        return False
    kind = block.get("type")
    if kind not in ELIGIBLE_TYPES:
        return False
    return not (kind == "text" and not block.get("text"))


def text_chars(content: Any) -> int:
    """Characters of a message's text: its text blocks' strings and its tool results' string
    contents (what ``_fastpath`` counts to know a prompt is surely large)."""
    if isinstance(content, list):  # the common case first (a value is a list or a str)
        total = 0
        for block in content:
            if type(block) is dict or isinstance(block, Mapping):
                text = block.get("text") or block.get("content")
                if isinstance(text, str):
                    total += len(text)
        return total
    return len(content) if isinstance(content, str) else 0
