"""Flatten a Messages body into cacheable block positions with prefix fingerprints.

Anthropic caches prefixes at content-block boundaries in the order tools -> system ->
messages; a position's fingerprint chains every earlier block, so two requests share a
cache entry exactly when they share a position fingerprint. Fingerprints use Python's
``hash`` (cached on str objects), so re-scanning the same long strings is cheap; they only
steer the planner and are never sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tokens import _estimate as _tokens
from ._plan import Location

__all__ = ["Scan", "block_fingerprint", "marker_ttl", "scan_body"]

#: Block types that may carry cache_control (thinking blocks and unknown types may not).
ELIGIBLE_TYPES = frozenset(
    {"text", "image", "document", "tool_use", "tool_result", "search_result"}
)
IMAGE_TYPES = frozenset({"image"})


def _fp(value: Any) -> int:
    if isinstance(value, str):
        return hash(value)
    if isinstance(value, Mapping):
        return hash(
            tuple(sorted((k, _fp(v)) for k, v in value.items() if k != "cache_control"))
        )
    if isinstance(value, (list, tuple)):
        return hash(("L", *(_fp(v) for v in value)))
    try:
        return hash((value.__class__.__name__, value))
    except TypeError:
        return hash(repr(value))


def block_fingerprint(block: Any) -> int:
    """Fingerprint of a block's content, ignoring any cache_control it carries."""
    if isinstance(block, str):
        return hash(("text", block))
    if isinstance(block, Mapping) and block.get("type") == "text":
        extra = len(block) - 2 - ("cache_control" in block)
        text = block.get("text")
        if extra == 0 and isinstance(text, str):
            return hash(("text", text))
    return _fp(block)


def marker_ttl(block: Any) -> str | None:
    """TTL of a block's own cache_control, or None when it has none."""
    if not isinstance(block, Mapping):
        return None
    cc = block.get("cache_control")
    if not isinstance(cc, Mapping):
        return None
    ttl = cc.get("ttl")
    return ttl if isinstance(ttl, str) else "5m"


def _nested_markers(block: Any) -> int:
    if not isinstance(block, Mapping) or block.get("type") != "tool_result":
        return 0
    content = block.get("content")
    if not isinstance(content, list):
        return 0
    return sum(1 for b in content if marker_ttl(b) is not None)


def _eligible(block: Any) -> bool:
    if isinstance(block, str):
        return bool(block)
    if not isinstance(block, Mapping):
        return False
    kind = block.get("type")
    if kind not in ELIGIBLE_TYPES:
        return False
    return not (kind == "text" and not block.get("text"))


@dataclass
class Scan:
    """Parallel arrays, one entry per block position, in prefix order."""

    locations: list[Location] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    prefix_tokens: list[int] = field(default_factory=list)
    hashes: list[int] = field(default_factory=list)
    block_fps: list[int] = field(default_factory=list)  # each block's own content fingerprint
    eligible: list[bool] = field(default_factory=list)
    message_of: list[int] = field(default_factory=list)
    user_ttl: dict[int, str] = field(default_factory=dict)
    extra_user_markers: int = 0
    tools_end: int = -1
    system_end: int = -1
    system_block_ends: list[int] = field(default_factory=list)
    message_starts: list[int] = field(default_factory=list)
    message_roles: list[str] = field(default_factory=list)
    has_images: bool = False

    @property
    def user_marker_count(self) -> int:
        return len(self.user_ttl) + self.extra_user_markers

    @property
    def total(self) -> int:
        return self.prefix_tokens[-1] if self.prefix_tokens else 0

    def tokens_at(self, pos: int) -> int:
        return self.prefix_tokens[pos] if pos >= 0 else 0


TokenMemo = Callable[[int, Any, bool], int]


def _default_tokens(fp: int, block: Any, is_tool: bool) -> int:
    if is_tool:
        return _tokens.estimate_tool_tokens(block)
    return _tokens.estimate_block_tokens(block)


def scan_body(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    token_of: TokenMemo = _default_tokens,
) -> Scan:
    """Positions of ``body`` with ``system`` (already normalized to a block list) in its place."""
    scan = Scan()
    fps = scan.block_fps
    raw_cc = body.get("cache_control")
    if raw_cc:
        scan.extra_user_markers += 1

    def add(loc: Location, section: str, block: Any, msg: int, is_tool: bool, extra: int) -> None:
        fp = block_fingerprint(block)
        fps.append(fp)
        scan.locations.append(loc)
        scan.sections.append(section)
        prev = scan.prefix_tokens[-1] if scan.prefix_tokens else 0
        scan.prefix_tokens.append(prev + token_of(fp, block, is_tool) + extra)
        scan.eligible.append(_eligible(block) or is_tool)
        scan.message_of.append(msg)
        ttl = marker_ttl(block)
        if ttl is not None:
            scan.user_ttl[len(scan.locations) - 1] = ttl
        scan.extra_user_markers += _nested_markers(block)

    for i, tool in enumerate(body.get("tools") or ()):
        add(("tools", i), "tools", tool, -1, True, 0)
    scan.tools_end = len(scan.locations) - 1
    for i, block in enumerate(system or ()):
        add(("system", i), "system", block, -1, False, 0)
        scan.system_block_ends.append(len(scan.locations) - 1)
    scan.system_end = len(scan.locations) - 1
    for m, message in enumerate(body.get("messages") or ()):
        scan.message_starts.append(len(scan.locations))
        role = str(message.get("role", "")) if isinstance(message, Mapping) else ""
        scan.message_roles.append(role)
        content = message.get("content") if isinstance(message, Mapping) else None
        if isinstance(content, str):
            add(("messages", m, 0), "messages", content, m, False, 4)
            continue
        for b, block in enumerate(content or ()):
            if isinstance(block, Mapping) and block.get("type") in IMAGE_TYPES:
                scan.has_images = True
            add(("messages", m, b), "messages", block, m, False, 4 if b == 0 else 0)

    _chain(scan, fps, body)
    return scan


def _chain(scan: Scan, fps: list[int], body: Mapping[str, Any]) -> None:
    """Prefix fingerprints; settings that invalidate the message cache fold in before messages."""
    h = hash(("cometapi-cache-v1", str(body.get("model", ""))))
    first_message = scan.message_starts[0] if scan.message_starts else len(fps)
    out = scan.hashes
    for pos, fp in enumerate(fps):
        if pos == first_message:
            h = hash(
                (
                    h,
                    "ctx",
                    _fp(body.get("tool_choice")),
                    _fp(body.get("thinking")),
                    scan.has_images,
                )
            )
        section = scan.sections[pos]
        if section == "messages":
            loc = scan.locations[pos]
            m = scan.message_of[pos]
            h = hash((h, scan.message_roles[m], loc[2] == 0, fp))
        else:
            h = hash((h, section, fp))
        out.append(h)
