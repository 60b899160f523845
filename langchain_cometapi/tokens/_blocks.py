"""Tokens of one content block or tool definition under a :class:`TokenCosts`.

Split from the request walk so each stays readable. Everything here tolerates any JSON-like
value (``invoke`` passes foreign blocks through, ``trim_messages`` counts odd slices): what
is not a known block counts as its JSON text, nothing raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ._costs import TokenCosts
from ._media import image_dimensions, image_tokens, pdf_page_count
from ._text import cached_tokens

__all__ = [
    "block_tokens",
    "jsonish_tokens",
    "nested_blocks",
    "schema_tokens",
    "text_tokens",
    "tool_tokens",
    "unknowns",
    "uses_citations",
]

_CUSTOM_TOOL_TYPES = (None, "custom")


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except RecursionError:  # it could not be sent either: say so, never a raw RecursionError
        raise ValueError(
            "a value in the request is nested too deeply to encode as JSON; nothing was sent"
        ) from None
    except (TypeError, ValueError):  # circular or exotic: its repr is all we can count
        return repr(value)


def _get(value: Any, key: str) -> Any:
    if type(value) is dict:  # the common case, without the ABC check
        return value.get(key)
    return value.get(key) if isinstance(value, Mapping) else None


def text_tokens(text: Any, p: TokenCosts) -> float:
    return cached_tokens(text) * p.text_factor if isinstance(text, str) and text else 0.0


def jsonish_tokens(value: Any, p: TokenCosts) -> float:
    if value is None or value == {} or value == []:
        return 0.0
    return cached_tokens(_json(value)) * p.json_factor


def schema_tokens(schema: Any, p: TokenCosts) -> float:
    """A structured-output schema as the API bills it: like its indented rendering (one key
    per line), not its compact form. On the recorded requests with ``output_config.format``
    the compact form left them 4 % under on average (up to 14 % for the larger schemas),
    growing with the schema; tool schemas, by contrast, are billed like compact JSON."""
    if not isinstance(schema, (Mapping, list)) or not schema:
        return jsonish_tokens(schema, p)
    try:
        rendered = json.dumps(schema, ensure_ascii=False, indent=2, default=str)
    except (RecursionError, TypeError, ValueError):
        return jsonish_tokens(schema, p)  # raises the same clear error, or counts the repr
    return cached_tokens(rendered) * p.json_factor


def _items(value: Any) -> Sequence[Any]:
    if type(value) is list:
        return value
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return value
    return ()


def _image(block: Mapping[str, Any], p: TokenCosts) -> float:
    source = _get(block, "source")
    data = _get(source, "data")
    if _get(source, "type") == "base64" and isinstance(data, str):
        dims = image_dimensions(data)
        if dims is not None:
            return p.image * image_tokens(*dims, p.image_max_edge, p.image_max_tokens)
    return p.image_url


def _document(block: Mapping[str, Any], p: TokenCosts) -> float:
    source = _get(block, "source")
    kind = _get(source, "type")
    data = _get(source, "data")
    total = p.document + text_tokens(block.get("title"), p) + text_tokens(block.get("context"), p)
    if kind == "text":
        total += text_tokens(data, p)
    elif kind == "content":
        content = _get(source, "content")
        if isinstance(content, str):
            total += text_tokens(content, p)
        else:
            total += sum(block_tokens(b, p) for b in _items(content))
    elif kind == "base64" and isinstance(data, str):
        if "pdf" in str(_get(source, "media_type") or "pdf"):
            total += pdf_page_count(data) * p.pdf_page
        else:
            total += len(data) * 3 / 4 / 4 * p.text_factor
    else:  # url / file: the page count is unknown offline; assume one page
        total += p.pdf_page
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
                total += text_tokens(value, p)
            elif value not in (None, "", [], {}):
                total += jsonish_tokens({key: value}, p) / 2
        return total
    if isinstance(content, list):
        return sum(_server_payload(item, p) for item in content)
    return text_tokens(content, p)


def _tool_input(value: Any, p: TokenCosts) -> float:
    """A call's arguments are rendered one parameter at a time (name, then value)."""
    if not isinstance(value, Mapping):
        return jsonish_tokens(value, p)
    total = 0.0
    for key, item in value.items():
        total += p.tool_param + text_tokens(str(key), p)
        total += text_tokens(item, p) if isinstance(item, str) else jsonish_tokens(item, p)
    return total


def _id_tokens(value: Any, p: TokenCosts) -> float:
    return cached_tokens(value) * p.tool_id if isinstance(value, str) and value else 0.0


def _tool_result(block: Mapping[str, Any], p: TokenCosts) -> float:
    content = block.get("content")
    p_id = _id_tokens(block.get("tool_use_id"), p)
    if isinstance(content, str):
        return p.tool_result + p_id + text_tokens(content, p)
    if isinstance(content, Mapping):
        return p.tool_result + p_id + _server_payload(content, p)
    return p.tool_result + p_id + sum(block_tokens(b, p) for b in _items(content))


def _text_block(block: Mapping[str, Any], p: TokenCosts) -> float:
    total = p.block + text_tokens(block.get("text"), p)
    for citation in _items(block.get("citations")):
        total += text_tokens(_get(citation, "cited_text"), p)
    return total


def _search_result(block: Mapping[str, Any], p: TokenCosts) -> float:
    extra = text_tokens(block.get("title"), p) + text_tokens(block.get("source"), p)
    return p.document + extra + sum(block_tokens(b, p) for b in _items(block.get("content")))


def _known_block(kind: str, block: Mapping[str, Any], p: TokenCosts) -> float | None:
    if kind == "text":
        return _text_block(block, p)
    if kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
        name = text_tokens(block.get("name"), p) + _id_tokens(block.get("id"), p)
        return p.tool_use + name + _tool_input(block.get("input"), p)
    if kind in ("tool_result", "mcp_tool_result"):
        return _tool_result(block, p)
    if kind == "thinking":
        return p.thinking_block + text_tokens(block.get("thinking"), p)
    if kind == "redacted_thinking":
        return p.thinking_block + len(str(block.get("data", ""))) / 5
    if kind == "image":
        return p.block + _image(block, p)
    if kind == "document":
        return _document(block, p)
    if kind == "compaction":
        return p.block + text_tokens(block.get("content"), p)
    if kind == "search_result":
        return _search_result(block, p)
    if kind.endswith("_tool_result"):
        return p.tool_result + _server_payload(block.get("content"), p)
    if kind == "container_upload":
        return p.block + 10.0
    return None


def block_tokens(block: Any, p: TokenCosts) -> float:
    """Tokens of one content block with its framing; a str is a string content."""
    if isinstance(block, str):
        return p.block + text_tokens(block, p)
    if type(block) is not dict and not isinstance(block, Mapping):
        return p.block + jsonish_tokens(block, p)
    kind = block.get("type")
    known = _known_block(kind, block, p) if isinstance(kind, str) else None
    if known is not None:
        return known
    rest = {k: v for k, v in block.items() if k not in ("type", "cache_control")}
    return p.block + jsonish_tokens(rest, p)


def tool_tokens(tool: Any, p: TokenCosts) -> float:
    """Tokens of one tool definition (the shared hidden tool prompt is request overhead)."""
    if not isinstance(tool, Mapping):
        return p.tool_definition + jsonish_tokens(tool, p)
    kind = tool.get("type")
    if kind not in _CUSTOM_TOOL_TYPES:
        return p.server_tool(str(kind))
    total = p.tool_definition + text_tokens(tool.get("name"), p)
    total += text_tokens(tool.get("description"), p)
    return total + jsonish_tokens(tool.get("input_schema"), p)


def nested_blocks(messages: Any) -> Iterator[Mapping[str, Any]]:
    """Every content block of ``messages``, including those inside tool results and
    documents (where images, documents and search results can sit), without descending into
    text, arguments or other leaves: a long conversation is walked in one cheap pass."""
    for message in _items(messages):
        content = _get(message, "content")
        stack = list(_items(content)) if type(content) is not str else []
        while stack:
            block = stack.pop()
            if type(block) is not dict and not isinstance(block, Mapping):
                continue
            yield block
            if block.get("type") == "text":
                continue
            inner = block.get("content")
            if isinstance(inner, Mapping):
                stack.append(inner)
                inner = inner.get("content")
            if isinstance(inner, Mapping):
                stack.append(inner)
            else:
                stack.extend(_items(inner))
            source = block.get("source")
            if isinstance(source, Mapping):
                stack.extend(_items(source.get("content")))


def uses_citations(messages: Any) -> bool:
    """A document or search result with citations enabled: the API adds its instructions."""
    for block in nested_blocks(messages):
        if block.get("type") != "text" and _get(block.get("citations"), "enabled"):
            return True
    return False


def unknowns(body: Mapping[str, Any]) -> list[str]:
    """What ``body`` is billed for but an offline estimate cannot size."""
    found: set[str] = set()
    servers = body.get("mcp_servers")
    toolsets = [t for t in _items(body.get("tools")) if _get(t, "type") == "mcp_toolset"]
    if servers or toolsets:
        found.add("the tool definitions of remote MCP servers (fetched by the API, not counted)")
    for block in nested_blocks(body.get("messages")):
        kind = block.get("type")
        source_type = _get(block.get("source"), "type")
        if kind in ("image", "document") and source_type in ("url", "file"):
            found.add(f"the size of a {kind} given by {source_type} (assumed, not read)")
    return sorted(found)
