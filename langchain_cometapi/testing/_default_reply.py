"""The deterministic reply used when nothing is scripted: agent-friendly by design.

With tools and no pending ``tool_result`` it calls one tool with plausible arguments derived from
the schema; once results come back it answers with text; otherwise it echoes the last user text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._replies import Reply

__all__ = ["default_reply", "example_args"]

_SUMMARY_CHARS = 200


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts: list[str] = []
    if isinstance(content, list):
        for block in content:
            if isinstance(block, Mapping):
                if block.get("type") == "text":
                    parts.append(str(block.get("text", "")))
                elif block.get("type") == "tool_result":
                    parts.append(text_of(block.get("content")))
    return " ".join(p for p in parts if p)


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 3] + "..."


def example_args(schema: Any, hint: str = "", depth: int = 0) -> Any:
    """A plausible value for a JSON schema (enum/const/default first, then by type)."""
    if not isinstance(schema, Mapping) or depth > 4:
        return hint or "example"
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [
                o for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")
            ]
            return example_args((non_null or options)[0], hint, depth + 1)
    stype = schema.get("type")
    if isinstance(stype, list):
        stype = next((t for t in stype if t != "null"), "string")
    if stype == "object" or (stype is None and "properties" in schema):
        raw_props = schema.get("properties")
        props: Mapping[str, Any] = raw_props if isinstance(raw_props, Mapping) else {}
        raw_required = schema.get("required")
        required = raw_required if isinstance(raw_required, list) else None
        names = [n for n in props if required is None or n in required] or list(props)
        return {n: example_args(props[n], hint if n == names[0] else n, depth + 1) for n in names}
    if stype == "array":
        return [example_args(schema.get("items"), hint, depth + 1)]
    if stype == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if stype == "number":
        return float(schema.get("minimum", 1.0))
    if stype == "boolean":
        return True
    if stype == "null":
        return None
    return hint or "example"


def _last_user(messages: list[Any]) -> Mapping[str, Any] | None:
    for message in reversed(messages):
        if isinstance(message, Mapping) and message.get("role") == "user":
            return message
    return None


def _has_tool_result(message: Mapping[str, Any] | None) -> bool:
    content = message.get("content") if message else None
    return isinstance(content, list) and any(
        isinstance(b, Mapping) and b.get("type") == "tool_result" for b in content
    )


def _hint(text: str) -> str:
    words = text.split()
    return " ".join(words[:4]).strip(" ?.!,") or "example"


def default_reply(body: Mapping[str, Any]) -> Reply:
    messages = body.get("messages") or []
    last = _last_user(messages)
    user_text = text_of(last.get("content")) if last else ""
    tools = [t for t in body.get("tools") or [] if isinstance(t, Mapping) and "input_schema" in t]
    raw_choice = body.get("tool_choice")
    choice: Mapping[str, Any] = raw_choice if isinstance(raw_choice, Mapping) else {}
    forced = choice.get("type") in ("any", "tool")
    thinking = body.get("thinking")
    thinks = isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "adaptive")

    if tools and choice.get("type") != "none" and (forced or not _has_tool_result(last)):
        tool = tools[0]
        if choice.get("type") == "tool":
            tool = next((t for t in tools if t.get("name") == choice.get("name")), tool)
        args = example_args(tool.get("input_schema"), _hint(user_text))
        if not isinstance(args, dict):
            args = {}
        name = str(tool.get("name"))
        blocks: list[dict[str, Any]] = []
        if thinks:
            blocks.append({"type": "thinking", "thinking": f"The user needs {name}; calling it."})
        if not forced:
            blocks.append({"type": "text", "text": f"I'll use the {name} tool."})
        blocks.append({"type": "tool_use", "id": None, "name": name, "input": args})
        return Reply.content(blocks)

    if _has_tool_result(last):
        summary = _summary(user_text)
        answer = f"Based on the tool result: {summary}" if summary else "Done: the tool ran."
    else:
        answer = f"You said: {_summary(user_text)}" if user_text else "Hello! How can I help?"
    if thinks:
        return Reply.thinking(f"Let me consider: {_summary(user_text)}", answer)
    return Reply.text(answer)
