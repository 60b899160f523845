"""The prompt as the cache sees it: block positions in order tools -> system -> messages.

Each position carries its token cost, a digest of the whole prefix up to and including it and
the TTL of its ``cache_control`` breakpoint, if any. Section salts follow Anthropic's
invalidation table: tool definitions key everything after them; ``tool_choice``, ``thinking``
and the presence of images key only the messages section.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._models import canonical_model
from ._tokens import (
    MESSAGE_FRAMING,
    PROMPT_TRAILER,
    SYSTEM_FRAMING,
    TOOLS_PREAMBLE,
    block_tokens,
    canonical,
    tool_tokens,
)

__all__ = ["Layout", "Position", "build_layout", "has_images"]

_NON_CACHEABLE = frozenset({"thinking", "redacted_thinking"})


@dataclass(frozen=True, slots=True)
class Position:
    """One block of the prompt in cache order."""

    section: str  # "tools" | "system" | "messages"
    path: str  # e.g. "messages.3.content.1" (for error texts and debugging)
    tokens: int
    cumulative: int  # tokens of the prefix up to and including this block
    digest: bytes  # identity of that whole prefix
    ttl: str | None  # "5m" / "1h" when the block is a cache breakpoint


@dataclass(frozen=True, slots=True)
class Layout:
    positions: tuple[Position, ...]
    total_tokens: int

    @property
    def breakpoints(self) -> list[int]:
        return [i for i, p in enumerate(self.positions) if p.ttl is not None]


@lru_cache(maxsize=16384)
def _text_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16, person=b"text").digest()


def _block_digest(block: Mapping[str, Any] | str) -> bytes:
    if isinstance(block, str):
        return _text_digest(block)
    if block.get("type") == "text" and len(block) <= 3:
        extra = [k for k in block if k not in ("type", "text", "cache_control")]
        text = block.get("text")
        if not extra and isinstance(text, str):
            return _text_digest(text)
    rest = {k: v for k, v in block.items() if k != "cache_control"}
    return hashlib.blake2b(canonical(rest).encode("utf-8"), digest_size=16).digest()


def _chain(prev: bytes, item: bytes) -> bytes:
    return hashlib.blake2b(prev + item, digest_size=16).digest()


def _ttl_of(block: Mapping[str, Any] | str) -> str | None:
    if isinstance(block, str):
        return None
    cc = block.get("cache_control")
    if not isinstance(cc, Mapping):
        return None
    ttl = cc.get("ttl", "5m")
    return ttl if isinstance(ttl, str) else "5m"


def has_images(body: Mapping[str, Any]) -> bool:
    """Whether any message carries an image (adding/removing one invalidates message caches)."""
    for message in body.get("messages") or ():
        content = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(content, list):
            continue
        for block in content:
            if not isinstance(block, Mapping):
                continue
            if block.get("type") == "image":
                return True
            inner = block.get("content") if block.get("type") == "tool_result" else None
            if isinstance(inner, list) and any(
                isinstance(b, Mapping) and b.get("type") == "image" for b in inner
            ):
                return True
    return False


def _message_blocks(content: Any) -> Sequence[Mapping[str, Any] | str]:
    if isinstance(content, str):
        return (content,)
    if isinstance(content, list):
        return content
    return ()


def _automatic_breakpoint(body: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where top-level ``cache_control`` lands: the last cacheable message block."""
    messages = body.get("messages") or []
    for mi in range(len(messages) - 1, -1, -1):
        blocks = _message_blocks(messages[mi].get("content"))
        for bi in range(len(blocks) - 1, -1, -1):
            block = blocks[bi]
            if isinstance(block, str) or block.get("type") not in _NON_CACHEABLE:
                return mi, bi
    return None


def build_layout(body: Mapping[str, Any]) -> Layout:
    """Lay a (validated) request body out in cache order."""
    positions: list[Position] = []
    digest = hashlib.blake2b(
        b"model:" + canonical_model(str(body.get("model", ""))).encode(), digest_size=16
    ).digest()
    total = 0

    def add(section: str, path: str, tokens: int, item: bytes, ttl: str | None) -> None:
        nonlocal digest, total
        digest = _chain(digest, item)
        total += tokens
        positions.append(Position(section, path, tokens, total, digest, ttl))

    tools = body.get("tools") or []
    for ti, tool in enumerate(tools):
        rest = {k: v for k, v in tool.items() if k != "cache_control"}
        item = hashlib.blake2b(canonical(rest).encode("utf-8"), digest_size=16).digest()
        tokens = tool_tokens(tool) + (TOOLS_PREAMBLE if ti == 0 else 0)
        add("tools", f"tools.{ti}", tokens, item, _ttl_of(tool))

    digest = _chain(digest, b"\x00system")
    system = body.get("system")
    system_blocks: Sequence[Mapping[str, Any] | str]
    if isinstance(system, str):
        system_blocks = (system,) if system else ()
    elif isinstance(system, list):
        system_blocks = system
    else:
        system_blocks = ()
    for si, sblock in enumerate(system_blocks):
        tokens = block_tokens(sblock) + (SYSTEM_FRAMING if si == 0 else 0)
        add("system", f"system.{si}", tokens, _block_digest(sblock), _ttl_of(sblock))

    tool_choice = body.get("tool_choice") or {"type": "auto"}
    context = {
        "tool_choice": tool_choice,
        "thinking": body.get("thinking"),
        "images": has_images(body),
    }
    digest = _chain(digest, b"\x00messages" + canonical(context).encode("utf-8"))

    auto = _automatic_breakpoint(body) if isinstance(body.get("cache_control"), Mapping) else None
    auto_ttl = _ttl_of({"cache_control": body.get("cache_control")}) if auto else None
    for mi, message in enumerate(body.get("messages") or []):
        role = str(message.get("role", ""))
        for bi, block in enumerate(_message_blocks(message.get("content"))):
            tokens = block_tokens(block) + (MESSAGE_FRAMING if bi == 0 else 0)
            item = _chain(role.encode(), _block_digest(block))
            ttl = _ttl_of(block)
            if ttl is None and auto == (mi, bi):
                ttl = auto_ttl
            add("messages", f"messages.{mi}.content.{bi}", tokens, item, ttl)
    return Layout(tuple(positions), total + PROMPT_TRAILER)
