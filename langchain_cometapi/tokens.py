"""Offline token estimation for Messages requests (placeholder: being replaced by the calibrated estimator)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "estimate_block_tokens",
    "estimate_request_tokens",
    "estimate_text_tokens",
    "estimate_tool_tokens",
]


def estimate_text_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


def estimate_block_tokens(block: Mapping[str, Any] | str) -> int:
    if isinstance(block, str):
        return estimate_text_tokens(block) + 3
    return estimate_text_tokens(json.dumps(block, ensure_ascii=False)) + 3


def estimate_tool_tokens(tool: Mapping[str, Any]) -> int:
    return estimate_text_tokens(json.dumps(tool, ensure_ascii=False)) + 10


def estimate_request_tokens(body: Mapping[str, Any]) -> int:
    total = 0
    for tool in body.get("tools") or []:
        total += estimate_tool_tokens(tool)
    system = body.get("system")
    if isinstance(system, str):
        total += estimate_block_tokens(system)
    elif isinstance(system, list):
        total += sum(estimate_block_tokens(b) for b in system)
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            total += estimate_block_tokens(content) + 4
        else:
            total += sum(estimate_block_tokens(b) for b in content or []) + 4
    return total
