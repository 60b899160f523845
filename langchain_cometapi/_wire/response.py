"""A JSON Messages API response -> a LangChain AIMessage (streams: ``stream``).

Unknown block types are kept, never dropped; a wrongly shaped response is an
InvalidResponseError, never a bare TypeError.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, InvalidToolCall, ToolCall
from langchain_core.messages.tool import invalid_tool_call, tool_call
from langchain_core.outputs import ChatGeneration, ChatResult

from ..errors import InvalidResponseError
from .usage import usage_metadata

PROVIDER = "anthropic"
CLIENT_TOOL_BLOCKS = frozenset({"tool_use"})


#: Reply fields passed into ``response_metadata`` as they come (``stop_details``: why a refusal
#: stopped, e.g. ``{"type": "refusal", "category": "cyber"}``, as ChatAnthropic keeps it).
PASSED_FIELDS = ("stop_reason", "stop_sequence", "stop_details", "container", "context_management")


def response_metadata(data: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": data.get("id"),
        "model": data.get("model"),
        "model_name": data.get("model"),
        "model_provider": PROVIDER,
    }
    for key in PASSED_FIELDS:
        if key in data:
            meta[key] = data[key]
    return meta


def message_id(value: Any) -> str | None:
    """The reply id as the message id, or None (LangChain then gives its run id): only a
    non-blank string. A gateway's ``"id": ""`` made every such reply the same message for
    LangGraph's ``add_messages`` (which fills in ids only where there are none), each one
    replacing the previous; a non-string id cost the whole reply."""
    return value if isinstance(value, str) and value.strip() else None


def message_from_response(data: Mapping[str, Any]) -> AIMessage:
    """An AIMessage from a JSON Messages response; a wrongly shaped one is InvalidResponseError."""
    try:
        return _message_from_response(data)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise InvalidResponseError(
            f"malformed Messages response: {type(exc).__name__}: {exc}"
        ) from exc


def _call(block: Mapping[str, Any]) -> ToolCall | InvalidToolCall:
    """A tool_use block's call. Its input is an object, but a converted channel (new-api's
    OpenAI -> Claude conversion) passes on as a string the arguments it could not parse: JSON
    text of an object is read as that object (as the stream path reads it), anything else is an
    invalid tool call, and the reply is kept either way."""
    ident, name, args = block.get("id", ""), block.get("name", ""), block.get("input") or {}
    if isinstance(args, str):
        with contextlib.suppress(ValueError, RecursionError):
            args = json.loads(args)
    if isinstance(args, dict):
        return tool_call(id=ident, name=name, args=args)
    raw = block["input"] if isinstance(block["input"], str) else json.dumps(block["input"])
    return invalid_tool_call(
        id=ident, name=name, args=raw, error="the tool input is not a JSON object"
    )


def _message_from_response(data: Mapping[str, Any]) -> AIMessage:
    blocks: list[Any] = [dict(b) for b in data.get("content") or [] if isinstance(b, Mapping)]
    calls = [_call(b) for b in blocks if b.get("type") in CLIENT_TOOL_BLOCKS]
    content: str | list[Any]
    if all(b.get("type") == "text" and not b.get("citations") for b in blocks):
        content = "".join(b.get("text", "") for b in blocks)
    else:
        content = blocks
    usage = data.get("usage")
    meta = response_metadata(data)
    meta["usage"] = dict(usage) if isinstance(usage, Mapping) else usage
    return AIMessage(
        content=content,
        tool_calls=[c for c in calls if c["type"] == "tool_call"],
        invalid_tool_calls=[c for c in calls if c["type"] == "invalid_tool_call"],
        id=message_id(data.get("id")),
        response_metadata=meta,
        usage_metadata=usage_metadata(usage if isinstance(usage, Mapping) else None),
    )


def chat_result(message: AIMessage) -> ChatResult:
    """The ChatResult for one reply; ``llm_output`` carries id, model name and raw usage."""
    meta = message.response_metadata
    return ChatResult(
        generations=[ChatGeneration(message=message)],
        llm_output={
            "id": meta.get("id"),
            "model_name": meta.get("model_name"),
            "usage": meta.get("usage"),
        },
    )
