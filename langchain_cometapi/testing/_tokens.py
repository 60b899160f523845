"""The emulator's own token counter: a deterministic stand-in for the real tokenizer.

Deliberately independent of ``langchain_cometapi.tokens`` (the planner's estimator): the planner
learns its ratio from the usage this counter reports, so it must not share code with it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..tokens._media import image_dimensions

__all__ = [
    "BLOCK_FRAMING",
    "MESSAGE_FRAMING",
    "PROMPT_TRAILER",
    "TOOLS_PREAMBLE",
    "block_tokens",
    "canonical",
    "image_tokens",
    "text_tokens",
    "tool_tokens",
]

BYTES_PER_TOKEN = 3.7
BLOCK_FRAMING = 3  # per content block (type tags, separators)
MESSAGE_FRAMING = 4  # per message turn (role header)
TOOL_FRAMING = 12  # per tool definition
TOOLS_PREAMBLE = 346  # hidden tool-use system prompt (Anthropic's published figure for auto)
SYSTEM_FRAMING = 4
PROMPT_TRAILER = 3  # the assistant-turn opener after the last block: never cacheable
_DEFAULT_IMAGE_SIDE = 1092  # URL / undecodable images: assume a full-budget square image
_PAGE_TOKENS = 1_550  # per PDF page (text + page image)


@lru_cache(maxsize=8192)
def text_tokens(text: str) -> int:
    """ceil(UTF-8 bytes / 3.7): stable, cheap and close to Claude's real ratio for English."""
    if not text:
        return 0
    return math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN)


def canonical(value: Any) -> str:
    """Key-order independent JSON, the identity of a block for counting and cache hashing."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


JSON_BYTES_PER_TOKEN = 3.0  # punctuation-dense JSON (schemas, tool inputs) tokenizes tighter


@lru_cache(maxsize=4096)
def _canonical_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / JSON_BYTES_PER_TOKEN) if text else 0


def image_tokens(width: int, height: int) -> int:
    """Anthropic's published rule: scale so the long edge is <= 1568 px, then (w*h)/750."""
    if width <= 0 or height <= 0:
        return 0
    long_edge = max(width, height)
    if long_edge > 1568:
        scale = 1568 / long_edge
        width, height = max(1, round(width * scale)), max(1, round(height * scale))
    return max(1, min(1_600, math.ceil(width * height / 750)))


@lru_cache(maxsize=1024)
def _base64_image_tokens(data: str) -> int:
    # Reading the header is a fact, not an estimate: shared with the client's estimator.
    size = image_dimensions(data)
    if size is None:
        return image_tokens(_DEFAULT_IMAGE_SIDE, _DEFAULT_IMAGE_SIDE)
    return image_tokens(*size)


def _source_tokens(block: Mapping[str, Any]) -> int:
    source = block.get("source")
    if not isinstance(source, Mapping):
        return text_tokens(canonical(block))
    kind = source.get("type")
    data = source.get("data")
    if block.get("type") == "image":
        if kind == "base64" and isinstance(data, str):
            return _base64_image_tokens(data)
        return image_tokens(_DEFAULT_IMAGE_SIDE, _DEFAULT_IMAGE_SIDE)
    # documents
    if kind == "text" and isinstance(data, str):
        return text_tokens(data) + 10
    if kind == "content" and isinstance(source.get("content"), list):
        return sum(block_tokens(b) for b in source["content"]) + 10
    if kind == "base64" and isinstance(data, str):
        return _pdf_tokens(data)
    return _PAGE_TOKENS * 2  # URL / file documents: assume two pages


@lru_cache(maxsize=256)
def _pdf_tokens(data: str) -> int:
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        raw = b""
    pages = raw.count(b"/Type /Page") - raw.count(b"/Type /Pages")
    pages = max(pages, raw.count(b"/Type/Page") - raw.count(b"/Type/Pages"), 1)
    return pages * _PAGE_TOKENS


def block_tokens(block: Mapping[str, Any] | str) -> int:
    """Tokens one content block costs as input (its framing included)."""
    if isinstance(block, str):
        return text_tokens(block) + BLOCK_FRAMING
    btype = block.get("type")
    if btype == "text":
        text = block.get("text")
        return text_tokens(text if isinstance(text, str) else "") + BLOCK_FRAMING
    if btype in ("image", "document"):
        return _source_tokens(block) + BLOCK_FRAMING
    if btype == "thinking":
        thinking = block.get("thinking")
        return text_tokens(thinking if isinstance(thinking, str) else "") + BLOCK_FRAMING
    if btype == "redacted_thinking":
        data = block.get("data")
        return (len(data) // 6 if isinstance(data, str) else 0) + BLOCK_FRAMING
    if btype == "tool_use":
        name = block.get("name")
        args = canonical(block.get("input", {}))
        return text_tokens(name if isinstance(name, str) else "") + _canonical_tokens(args) + 8
    if btype == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            inner = text_tokens(content)
        elif isinstance(content, list):
            inner = sum(block_tokens(b) for b in content)
        else:
            inner = 0
        return inner + 8
    rest = {k: v for k, v in block.items() if k != "cache_control"}
    return _canonical_tokens(canonical(rest)) + BLOCK_FRAMING


def tool_tokens(tool: Mapping[str, Any]) -> int:
    """A tool definition: its JSON (minus cache_control) plus framing."""
    rest = {k: v for k, v in tool.items() if k != "cache_control"}
    return _canonical_tokens(canonical(rest)) + TOOL_FRAMING
