"""A JSON Messages API response -> a LangChain AIMessage (streams: ``stream``).

Unknown block types are kept, never dropped; a wrongly shaped response is an
InvalidResponseError, never a bare TypeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGeneration, ChatResult

from ..errors import InvalidResponseError
from .usage import usage_metadata

PROVIDER = "anthropic"
CLIENT_TOOL_BLOCKS = frozenset({"tool_use"})


def response_metadata(data: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": data.get("id"),
        "model": data.get("model"),
        "model_name": data.get("model"),
        "model_provider": PROVIDER,
    }
    for key in ("stop_reason", "stop_sequence", "container", "context_management"):
        if key in data:
            meta[key] = data[key]
    return meta


def message_from_response(data: Mapping[str, Any]) -> AIMessage:
    """An AIMessage from a JSON Messages response; a wrongly shaped one is InvalidResponseError."""
    try:
        return _message_from_response(data)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise InvalidResponseError(
            f"malformed Messages response: {type(exc).__name__}: {exc}"
        ) from exc


def _message_from_response(data: Mapping[str, Any]) -> AIMessage:
    blocks: list[Any] = [dict(b) for b in data.get("content") or [] if isinstance(b, Mapping)]
    calls = [
        tool_call(id=b.get("id", ""), name=b.get("name", ""), args=b.get("input") or {})
        for b in blocks
        if b.get("type") in CLIENT_TOOL_BLOCKS
    ]
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
        tool_calls=calls,
        id=data.get("id"),
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
