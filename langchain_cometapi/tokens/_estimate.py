"""Offline token estimation for Anthropic Messages request bodies.

Estimates what the API bills as the prompt (``input_tokens + cache_read_input_tokens +
cache_creation_input_tokens``) without a network call: text is counted with tiktoken's
cl100k when its encoding file is already on disk, otherwise by a calibrated
character-class estimator, then scaled to Claude's tokenizer; everything the API adds
around the content (hidden tool-use prompt, role headers, tool framing, thinking and
structured-output instructions, images, PDF pages) comes from a few fitted constants
(``tokens._costs``).  Method and accuracy: docs/token-estimation.md.

Identity kept exactly, so a cache planner can place breakpoints by cumulative counts::

    estimate_request_tokens(body)
        == request_overhead_tokens(body)
         + sum(estimate_tool_tokens(t, model=m) for t in body["tools"])
         + sum(estimate_block_tokens(b, model=m) for b in system blocks)
         + sum(message_overhead_tokens(m) + sum(billed block tokens) for each message)

where a block's billed tokens are ``estimate_block_tokens(block, model=m)`` except for
thinking blocks of earlier turns, which the API strips (0) on models that do not keep
them.  :func:`request_token_breakdown` returns exactly these terms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._costs import TokenCosts, costs_for
from ._media import image_dimensions, image_tokens, pdf_page_count
from ._text import cached_tokens

__all__ = [
    "TokenBreakdown",
    "estimate_block_tokens",
    "estimate_request_tokens",
    "estimate_text_tokens",
    "estimate_tool_tokens",
    "message_overhead_tokens",
    "request_overhead_tokens",
    "request_token_breakdown",
]

_CUSTOM_TOOL_TYPES = (None, "custom")
_THINKING_TYPES = ("thinking", "redacted_thinking")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _text(text: Any, p: TokenCosts) -> float:
    return cached_tokens(text) * p.text_factor if isinstance(text, str) and text else 0.0


def _jsonish(value: Any, p: TokenCosts) -> float:
    if value is None or value == {} or value == []:
        return 0.0
    return cached_tokens(_json(value)) * p.json_factor


def estimate_text_tokens(text: str, *, model: str | None = None) -> int:
    """Claude tokens of plain text (no framing)."""
    return round(_text(text, costs_for(model))) if text else 0


# --- blocks -------------------------------------------------------------------------------


def _image(block: Mapping[str, Any], p: TokenCosts) -> float:
    source = block.get("source") or {}
    if source.get("type") == "base64" and isinstance(source.get("data"), str):
        dims = image_dimensions(source["data"])
        if dims is not None:
            return float(image_tokens(*dims))
    return float(p.image_url)


def _document(block: Mapping[str, Any], p: TokenCosts) -> float:
    source = block.get("source") or {}
    kind = source.get("type")
    total = p.document + _text(block.get("title"), p) + _text(block.get("context"), p)
    if kind == "text":
        total += _text(source.get("data"), p)
    elif kind == "content":
        content = source.get("content")
        if isinstance(content, str):
            total += _text(content, p)
        elif isinstance(content, Sequence):
            total += sum(_block(b, p) for b in content)
    elif kind == "base64" and isinstance(source.get("data"), str):
        if "pdf" in str(source.get("media_type", "pdf")):
            total += pdf_page_count(source["data"]) * p.pdf_page
        else:
            total += len(source["data"]) * 3 / 4 / 4 * p.text_factor
    else:  # url / file: the page count is unknown offline; assume one page
        total += p.pdf_page
    return total


def _tool_result(block: Mapping[str, Any], p: TokenCosts) -> float:
    content = block.get("content")
    total = float(p.tool_result)
    if isinstance(content, str):
        total += _text(content, p)
    elif isinstance(content, Sequence):
        total += sum(_block(b, p) for b in content)
    elif isinstance(content, Mapping):
        total += _server_payload(content, p)
    return total


def _server_payload(content: Any, p: TokenCosts) -> float:
    """Server tool results: text fields as text, encrypted page content ~ len/5."""
    if isinstance(content, Mapping):
        total = 0.0
        for key, value in content.items():
            if key in ("encrypted_content", "encrypted_index") and isinstance(value, str):
                total += len(value) / 5
            elif isinstance(value, (Mapping, list)):
                total += _server_payload(value, p)
            elif isinstance(value, str) and key in ("text", "stdout", "stderr", "content"):
                total += _text(value, p)
            elif value not in (None, "", [], {}):
                total += _jsonish({key: value}, p) / 2
        return total
    if isinstance(content, list):
        return sum(_server_payload(item, p) for item in content)
    if isinstance(content, str):
        return _text(content, p)
    return 0.0


def _block(block: Mapping[str, Any] | str, p: TokenCosts) -> float:
    if isinstance(block, str):
        return p.block + _text(block, p)
    kind = block.get("type")
    if kind == "text":
        total = p.block + _text(block.get("text"), p)
        citations = block.get("citations")
        if citations:
            total += sum(_text(c.get("cited_text"), p) for c in citations if isinstance(c, Mapping))
        return total
    if kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
        return p.tool_use + _text(block.get("name"), p) + _jsonish(block.get("input"), p)
    if kind in ("tool_result", "mcp_tool_result"):
        return _tool_result(block, p)
    if kind == "thinking":
        return p.thinking_block + _text(block.get("thinking"), p)
    if kind == "redacted_thinking":
        return p.thinking_block + len(str(block.get("data", ""))) / 5
    if kind == "image":
        return p.block + _image(block, p)
    if kind == "document":
        return _document(block, p)
    if kind == "compaction":
        return p.block + _text(block.get("content"), p)
    if kind == "search_result":
        extra = _text(block.get("title"), p) + _text(block.get("source"), p)
        return p.document + extra + sum(_block(b, p) for b in block.get("content") or [])
    if isinstance(kind, str) and kind.endswith("_tool_result"):
        return p.tool_result + _server_payload(block.get("content"), p)
    if kind == "container_upload":
        return p.block + 10.0
    rest = {k: v for k, v in block.items() if k not in ("type", "cache_control")}
    return p.block + _jsonish(rest, p)


def estimate_block_tokens(block: Mapping[str, Any] | str, *, model: str | None = None) -> int:
    """Tokens of one content block including its framing (a str is a string content)."""
    return round(_block(block, costs_for(model)))


def estimate_tool_tokens(tool: Mapping[str, Any], *, model: str | None = None) -> int:
    """Tokens of one tool definition (the shared hidden tool prompt is request overhead)."""
    p = costs_for(model)
    kind = tool.get("type")
    if kind not in _CUSTOM_TOOL_TYPES:
        return p.server_tool(str(kind))
    total = p.tool_definition + _text(tool.get("name"), p) + _text(tool.get("description"), p)
    total += _jsonish(tool.get("input_schema"), p) + _jsonish(tool.get("input_examples"), p)
    return round(total)


# --- request ------------------------------------------------------------------------------


def message_overhead_tokens(model: str | None = None) -> int:
    """Role header and separator the API adds around each message."""
    return costs_for(model).message


def _uses_citations(body: Mapping[str, Any]) -> bool:
    for message in body.get("messages") or ():
        content = message.get("content")
        if isinstance(content, list):
            for block in content:
                if block.get("type") == "document" and (block.get("citations") or {}).get(
                    "enabled"
                ):
                    return True
    return False


def _request_overhead(body: Mapping[str, Any], p: TokenCosts, citations: bool) -> int:
    total = float(p.request)
    system = body.get("system")
    if system:
        total += p.system
    if body.get("tools"):
        choice = (body.get("tool_choice") or {}).get("type") or "auto"
        total += p.tool_prompt.get(choice, p.tool_prompt["auto"])
        if system:
            total += p.system_with_tools
    thinking = body.get("thinking") or {}
    if thinking.get("type") in ("enabled", "adaptive"):
        total += p.thinking_config
    config = body.get("output_config") or {}
    fmt = config.get("format") or body.get("output_format")
    if fmt:
        total += p.output_format + _jsonish(fmt.get("schema"), p)
    if config.get("effort") or config.get("task_budget"):
        total += p.effort
    edits = (body.get("context_management") or {}).get("edits") or ()
    if any(str(e.get("type", "")).startswith("compact") for e in edits):
        total += p.context_compaction
    if citations:
        total += p.citations
    return round(total)


def request_overhead_tokens(body: Mapping[str, Any]) -> int:
    """Everything billed once per request rather than per tool/block/message: the hidden
    tool-use prompt (by ``tool_choice``), system header, thinking, structured-output,
    effort, compaction and citation instructions."""
    p = costs_for(body.get("model"))
    return _request_overhead(body, p, _uses_citations(body))


@dataclass
class TokenBreakdown:
    """The terms of the identity in the module docstring, in prompt order."""

    overhead: int
    tools: list[int] = field(default_factory=list)
    system: list[int] = field(default_factory=list)
    message_overhead: int = 0
    messages: list[list[int]] = field(default_factory=list)  # billed tokens per block

    @property
    def total(self) -> int:
        per_message = sum(self.message_overhead + sum(m) for m in self.messages)
        return self.overhead + sum(self.tools) + sum(self.system) + per_message


def _last_human_turn(messages: Sequence[Mapping[str, Any]]) -> int:
    """Index of the last user message that is not only tool results: thinking before it
    belongs to finished turns and is stripped by models that do not preserve it."""
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str) or any(b.get("type") != "tool_result" for b in content or ()):
            return i
    return -1


def request_token_breakdown(body: Mapping[str, Any]) -> TokenBreakdown:
    """Per-tool, per-system-block and per-message-block billed tokens plus overheads."""
    model = body.get("model")
    p = costs_for(model)
    messages: Sequence[Mapping[str, Any]] = body.get("messages") or ()
    system = body.get("system")
    system_blocks: Sequence[Any] = [system] if isinstance(system, str) else (system or ())
    cut = -1 if p.preserves_thinking else _last_human_turn(messages)
    citations = False
    per_message: list[list[int]] = []
    for index, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            per_message.append([round(_block(content, p))])
            continue
        row: list[int] = []
        for block in content or ():
            kind = block.get("type")
            if kind in _THINKING_TYPES and index < cut:
                row.append(0)
                continue
            if kind == "document" and (block.get("citations") or {}).get("enabled"):
                citations = True
            row.append(round(_block(block, p)))
        per_message.append(row)
    return TokenBreakdown(
        overhead=_request_overhead(body, p, citations),
        tools=[estimate_tool_tokens(t, model=model) for t in body.get("tools") or ()],
        system=[round(_block(b, p)) for b in system_blocks if b],
        message_overhead=p.message,
        messages=per_message,
    )


def estimate_request_tokens(body: Mapping[str, Any]) -> int:
    """Prompt tokens the API bills for ``body`` (input + cache read + cache creation)."""
    return request_token_breakdown(body).total
