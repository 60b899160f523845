"""Replies for request features the default reply ignores (structured output, citations).

``feature_reply`` is a ``MessagesEmulator`` responder: it answers what the real API is bound to
answer for these features and returns None otherwise, so the default reply still applies.
Install it with ``MessagesEmulator(responder=feature_reply)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ._default_reply import example_args
from ._replies import Reply

__all__ = ["cited_reply", "feature_reply", "structured_reply", "tool_call_reply"]


def _last_user_blocks(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return [b for b in content if isinstance(b, Mapping)]
            return []
    return []


def _user_text(blocks: list[Mapping[str, Any]]) -> str:
    return " ".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text")


def structured_reply(body: Mapping[str, Any]) -> Reply | None:
    """``output_config.format`` json_schema: the text is JSON valid for the schema."""
    config = body.get("output_config")
    fmt = config.get("format") if isinstance(config, Mapping) else None
    if not isinstance(fmt, Mapping) or fmt.get("type") != "json_schema":
        return None
    hint = " ".join(_user_text(_last_user_blocks(body)).split()[:4]).strip(" ?.!,")
    value = example_args(fmt.get("schema"), hint or "example")
    return Reply.text(json.dumps(value, ensure_ascii=False))


def cited_reply(body: Mapping[str, Any]) -> Reply | None:
    """Documents with ``citations.enabled``: answer with a text block citing the first one."""
    blocks = _last_user_blocks(body)
    for index, block in enumerate(b for b in blocks if b.get("type") == "document"):
        citations = block.get("citations")
        source = block.get("source")
        if not (isinstance(citations, Mapping) and citations.get("enabled")):
            continue
        if not isinstance(source, Mapping) or source.get("type") != "text":
            continue
        text = str(source.get("data", ""))
        quote = text.split(".")[0].strip() or text[:40]
        start = text.find(quote)
        citation = {
            "type": "char_location",
            "cited_text": quote,
            "document_index": index,
            "document_title": block.get("title"),
            "start_char_index": start,
            "end_char_index": start + len(quote),
        }
        return Reply.content(
            [
                {"type": "text", "text": "According to the document, "},
                {"type": "text", "text": quote, "citations": [citation]},
            ]
        )
    return None


_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_-]*)\(([^()]*)\)")
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _coerce(raw: str, schema: Any) -> Any:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    raw = raw.strip().strip("'\"")
    try:
        if kind == "integer":
            return int(float(raw))
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return raw.lower() in ("true", "yes", "1")
    return raw


def _args_from_text(text: str, name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments the user spelled out: ``name(3, x)`` positionally, else quoted strings and
    numbers by property type; what the text does not give comes from the schema's example."""
    props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
    assert isinstance(props, Mapping)
    raw_required = schema.get("required")
    required: list[Any] = raw_required if isinstance(raw_required, list) else list(props)
    order = [p for p in required if p in props] + [p for p in props if p not in required]
    args = example_args(schema, " ".join(text.split()[:4]).strip(" ?.!,") or "example")
    args = dict(args) if isinstance(args, dict) else {}
    call = next((m for m in _CALL.finditer(text) if m.group(1) == name), None)
    if call is not None:
        values = [v for v in call.group(2).split(",") if v.strip()]
        for prop, raw in zip(order, values, strict=False):
            args[prop] = _coerce(raw, props[prop])
        return args
    quoted = [a or b for a, b in _QUOTED.findall(text)]
    numbers = _NUMBER.findall(text)
    for prop in order:
        kind = props[prop].get("type") if isinstance(props[prop], Mapping) else None
        if kind == "string" and quoted:
            args[prop] = quoted.pop(0)
        elif kind in ("integer", "number") and numbers:
            args[prop] = _coerce(numbers.pop(0), props[prop])
    return args


def tool_call_reply(body: Mapping[str, Any]) -> Reply | None:
    """When the default reply would call a tool, call it with the arguments the user gave."""
    tools = [t for t in body.get("tools") or [] if isinstance(t, Mapping) and "input_schema" in t]
    raw_choice = body.get("tool_choice")
    choice: Mapping[str, Any] = raw_choice if isinstance(raw_choice, Mapping) else {}
    if not tools or choice.get("type") == "none":
        return None
    blocks = _last_user_blocks(body)
    forced = choice.get("type") in ("any", "tool")
    if not forced and any(b.get("type") == "tool_result" for b in blocks):
        return None
    text = _user_text(blocks)
    if choice.get("type") == "tool":
        tool = next((t for t in tools if t.get("name") == choice.get("name")), tools[0])
    else:
        # the tool the user names, else the first (as the default reply does)
        tool = next((t for t in tools if str(t.get("name")) in text), tools[0])
    name = str(tool.get("name"))
    schema = tool.get("input_schema")
    args = _args_from_text(text, name, schema if isinstance(schema, Mapping) else {})
    content: list[dict[str, Any]] = []
    thinking = body.get("thinking")
    if isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "adaptive"):
        content.append({"type": "thinking", "thinking": f"The user needs {name}; calling it."})
    if not forced:
        content.append({"type": "text", "text": f"I'll use the {name} tool."})
    content.append({"type": "tool_use", "id": None, "name": name, "input": args})
    return Reply.content(content)


def feature_reply(body: dict[str, Any]) -> Reply | None:
    return structured_reply(body) or cited_reply(body) or tool_call_reply(body)
