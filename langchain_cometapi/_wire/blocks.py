"""Content blocks: the ONE table of what the Messages API accepts, and the per-block conversion.

A LangChain history holds blocks from many places: our own replies (Anthropic blocks plus
LangChain's streaming keys), LangChain v1 standard blocks, OpenAI-style parts, and replies of
other providers after a model fallback. The API refuses any block type it does not know and any
extra key on a block, and one refused block fails every later turn of the thread. So every
block goes through one rule:

* a type in :data:`ACCEPTED` for the turn's role is sent, with LangChain-only keys removed;
* a type in :data:`CONVERTED` becomes the Anthropic block it stands for (``image_url`` ->
  ``image``, v1 ``reasoning`` -> ``thinking``, ``tool_call`` -> ``tool_use`` ...);
* a type in :data:`DROPPED` is left out, for the reason the table gives (logged at DEBUG);
* any other type is kept when the message is Claude's or the user's (a newer Anthropic block
  type must still reach the API) and dropped with a warning when another provider wrote it.

docs/features.md ("Histories from any provider") lists the same table for users.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Mapping
from typing import Any

from langchain_core.utils.json import parse_partial_json

from . import lc_v1
from .media import data_block, image_from_url

logger = logging.getLogger("langchain_cometapi")

Block = dict[str, Any]

#: Input block types the Messages API accepts, per place ("tool" = inside tool_result.content).
ACCEPTED: dict[str, frozenset[str]] = {
    "system": frozenset({"text"}),
    "user": frozenset(
        {"text", "image", "document", "search_result", "tool_result", "container_upload"}
    ),
    "assistant": frozenset(
        {
            "text", "document", "search_result", "thinking", "redacted_thinking",
            "tool_use", "server_tool_use", "mcp_tool_use", "mcp_tool_result",
            "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
            "bash_code_execution_tool_result", "text_editor_code_execution_tool_result",
            "tool_search_tool_result", "container_upload", "compaction",
        }
    ),
    "tool": frozenset({"text", "image", "document", "search_result", "tool_reference"}),
}

#: LangChain / OpenAI block types that stand for an Anthropic block and are converted to it.
CONVERTED = frozenset(
    {
        "image_url", "file", "text-plain", "reasoning", "tool_call", "invalid_tool_call",
        "server_tool_call", "server_tool_result", "non_standard", "output_text", "input_text",
        "json",
    }
)  # fmt: skip

#: Block types the API refuses and that carry nothing it could take: left out, and why.
DROPPED: dict[str, str] = {
    "function_call": "OpenAI Responses tool call; the call is sent from tool_calls",
    "refusal": "the Messages API has no refusal input block (ChatAnthropic drops it too)",
    "tool_call_chunk": "streaming fragment; the assembled tool_calls carry the call",
    "server_tool_call_chunk": "streaming fragment of a server tool call",
    "input_json_delta": "streaming fragment; the assembled tool_calls carry the call",
    "web_search_call": "OpenAI built-in tool record, which Claude cannot replay",
    "file_search_call": "OpenAI built-in tool record, which Claude cannot replay",
    "code_interpreter_call": "OpenAI built-in tool record, which Claude cannot replay",
    "computer_call": "OpenAI built-in tool record, which Claude cannot replay",
    "image_generation_call": "OpenAI built-in tool record, which Claude cannot replay",
    "mcp_call": "OpenAI built-in tool record, which Claude cannot replay",
    "mcp_list_tools": "OpenAI built-in tool record, which Claude cannot replay",
    "mcp_approval_request": "OpenAI built-in tool record, which Claude cannot replay",
    "custom_tool_call": "OpenAI Responses tool call; the call is sent from tool_calls",
    "reasoning_content": "Bedrock Converse reasoning: another provider's reasoning is dropped",
}

#: Types Claude cannot take as input at all: a clear error instead of a 400.
REFUSED = frozenset({"audio", "video", "input_audio"})

# Keys LangChain adds to content blocks (streaming, v1 ids) that the API refuses.
LC_ONLY_KEYS = frozenset({"index", "partial_json", "id_", "extras", "annotations"})
#: The fields the API takes on these block types; other keys (legacy ``tool_input``, a
#: ``text: None`` from old SDK dumps) would be a 400 and are left out, as ChatAnthropic does.
FIELDS: dict[str, frozenset[str]] = {
    "tool_use": frozenset(
        {"type", "id", "name", "input", "cache_control", "caller", "toolset_name"}
    ),
    "server_tool_use": frozenset({"type", "id", "name", "input", "cache_control", "caller"}),
    "mcp_tool_use": frozenset({"type", "id", "name", "input", "server_name", "cache_control"}),
    "thinking": frozenset({"type", "thinking", "signature"}),
    "redacted_thinking": frozenset({"type", "data"}),
    "tool_result": frozenset({"type", "tool_use_id", "content", "is_error", "cache_control"}),
}


def cache_control(item: Mapping[str, Any]) -> Any:
    if "cache_control" in item:
        return item["cache_control"]
    extras = item.get("extras")
    if isinstance(extras, Mapping):
        return extras.get("cache_control")
    return None


def convert_block(item: Mapping[str, Any], role: str, *, foreign: bool = False) -> Block | None:
    """One content item -> the Anthropic block to send, or None when it is left out.

    ``role``: "user", "assistant", "system" or "tool" (inside a tool_result); ``foreign``: the
    message was written by another provider (unknown block types are then dropped).
    """
    kind = item.get("type")
    if not isinstance(kind, str):
        raise ValueError(f"content block without a type: {sorted(item)}.")
    if kind in DROPPED:
        logger.debug("left a %r block out of the request: %s", kind, DROPPED[kind])
        return None
    if kind in REFUSED:
        raise ValueError(f"Claude does not take {kind!r} input; the Messages API refuses it.")
    if role == "assistant" and kind == "image":
        _image_in_assistant_turn(foreign)
        return None
    if kind in CONVERTED:
        block = _converted(item, kind, role, foreign=foreign)
        if role == "assistant" and block is not None and block.get("type") == "image":
            _image_in_assistant_turn(foreign)  # image_url, an image file
            return None
    elif any(kind in accepted for accepted in ACCEPTED.values()):
        _check_role(kind, role)
        block = _accepted(item, kind)
    elif foreign:
        warnings.warn(
            f"left a {kind!r} content block from another provider out of the request: the "
            "Messages API does not accept that block type.",
            UserWarning,
            stacklevel=6,
        )
        return None
    else:
        block = {k: v for k, v in item.items() if k not in LC_ONLY_KEYS}
    if block is None:
        return None
    cache = cache_control(item)
    if cache is not None and block.get("type") not in ("thinking", "redacted_thinking"):
        block["cache_control"] = cache
    return block


def _image_in_assistant_turn(foreign: bool) -> None:
    """The API refuses an image in an assistant turn ("'image' blocks are not permitted within
    assistant turns"). Another provider's generated image (Gemini, OpenAI's image generation)
    is left out with a warning (the caller returns None), as its other unknown blocks are; one
    written by the caller is a ValueError, like any block in the wrong place."""
    if not foreign:
        raise ValueError(
            "an 'image' block cannot be in an assistant message: the Messages API takes images "
            "only in user turns and tool results (put it in a HumanMessage or ToolMessage)."
        )
    warnings.warn(
        "left an image from another provider's AIMessage out of the request: the Messages API "
        "takes no image in an assistant turn.",
        UserWarning,
        stacklevel=6,
    )


def _check_role(kind: str, role: str) -> None:
    if kind not in ACCEPTED[role]:
        where = {"tool": "a tool result", "assistant": "an assistant message"}.get(
            role, f"a {role} message"
        )
        raise ValueError(
            f"a {kind!r} block cannot be in {where}; the Messages API accepts there only "
            f"{sorted(ACCEPTED[role])}."
        )


def _accepted(item: Mapping[str, Any], kind: str) -> Block | None:
    if kind == "text":
        return _text(item)
    if kind == "thinking" and not item.get("signature"):
        return None  # unsigned (cut stream, other provider): the API needs the signature
    if kind == "tool_result":
        return tool_result_block(item)
    if kind in ("image", "document") and "source" not in item:
        return data_block(item)  # a LangChain standard (v1 or v0) data block
    block = _known_fields(item, kind)
    if item.get("partial_json") and not item.get("input"):
        block["input"] = _streamed_input(kind, str(item["partial_json"]))
    if kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
        block.setdefault("input", {})
    return block


def _known_fields(item: Mapping[str, Any], kind: str) -> Block:
    """The keys of ``item`` the API takes on a ``kind`` block. On the types of :data:`FIELDS`
    an optional field set to None (``toolset_name: None``, ``caller: None``: how the Anthropic
    SDK dumps an unset field, so every ChatAnthropic history carries them) is left out, as
    ChatAnthropic leaves it out: the API's schema has no null for those fields."""
    fields = FIELDS.get(kind)
    block = {
        k: v
        for k, v in item.items()
        if k not in LC_ONLY_KEYS and (fields is None or (k in fields and v is not None))
    }
    extra = sorted(k for k in item if k not in block and k not in LC_ONLY_KEYS)
    if extra:
        logger.debug("left keys %s of a %r block out: the API does not take them", extra, kind)
    return block


def _text(item: Mapping[str, Any]) -> Block | None:
    text = item.get("text", "")
    if not isinstance(text, str):
        raise ValueError(f"a text block's text must be a string, got {type(text).__name__}.")
    if not text.strip():
        return None  # the API rejects empty and whitespace-only text blocks
    block: Block = {"type": "text", "text": text}
    cited = item.get("citations") or lc_v1.citations(item.get("annotations"))
    if cited and not isinstance(cited, list):
        raise ValueError(f"a text block's citations must be a list, got {type(cited).__name__}.")
    if cited:
        block["citations"] = [_request_citation(c) for c in cited]
    return block


def _request_citation(citation: Any) -> Any:
    """A citation as a request takes it: responses (and the SDK's dumps of them) carry
    ``file_id: null`` on document citations, a field the request schema does not have (the
    API answers "Extra inputs are not permitted"); ChatAnthropic drops it the same way."""
    if isinstance(citation, Mapping) and "file_id" in citation and citation["file_id"] is None:
        return {k: v for k, v in citation.items() if k != "file_id"}
    return citation


def _converted(item: Mapping[str, Any], kind: str, role: str, *, foreign: bool) -> Block | None:
    if kind in ("output_text", "input_text"):  # OpenAI Responses text parts
        return _text({"text": item.get("text", "")})
    if kind == "json":  # Bedrock Converse's structured tool result: the same data, as text
        return _text({"text": json.dumps(item.get("json"), ensure_ascii=False)})
    if kind == "image_url":
        return image_from_url(item.get("image_url"))
    if kind in ("file", "text-plain"):
        return data_block(item)
    if kind == "reasoning":
        return _reasoning(item, foreign=foreign)
    if kind == "tool_call":
        block = {
            "type": "tool_use",
            "id": item.get("id"),
            "name": item.get("name"),
            "input": item.get("args") or {},
        }
        extras = item.get("extras")
        if isinstance(extras, Mapping):  # programmatic tool calling: who made the call
            block.update(
                {k: extras[k] for k in ("caller", "toolset_name") if extras.get(k) is not None}
            )
        return block
    if kind == "invalid_tool_call":
        if not (item.get("id") and item.get("name")):
            return None  # nothing the API could pair a tool_result with
        return {"type": "tool_use", "id": item["id"], "name": item["name"],
                "input": invalid_call_input(item.get("args"))}  # fmt: skip
    if kind in ("server_tool_call", "server_tool_result") and foreign:
        # another provider's built-in tool (OpenAI web search or code interpreter, Gemini
        # grounding): a record Claude cannot replay, like those tools' v0 blocks in DROPPED
        logger.debug("left another provider's %r block out of the request", kind)
        return None
    if kind == "server_tool_call":
        return lc_v1.server_tool_use(item)
    if kind == "server_tool_result":
        return lc_v1.server_tool_result(item)
    # non_standard: the provider block it wraps
    value = item.get("value")
    if not isinstance(value, Mapping):
        return None
    return convert_block(value, role, foreign=foreign)


def invalid_call_input(args: Any) -> dict[str, Any]:
    """The input to send for an invalid tool call: its arguments when they are a JSON object
    (a call refused for another reason, such as an unknown tool), so the model sees what it
    sent, as ChatAnthropic sends them; ``{}`` when they do not parse."""
    try:
        parsed = json.loads(args) if isinstance(args, str) else args
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _reasoning(item: Mapping[str, Any], *, foreign: bool) -> Block | None:
    """v1 ``reasoning`` -> thinking / redacted_thinking; unsigned or foreign reasoning is
    dropped, exactly like a v0 ``thinking`` block without a signature (one rule, both forms)."""
    extras = item.get("extras") if isinstance(item.get("extras"), Mapping) else {}
    assert isinstance(extras, Mapping)
    if foreign:
        return None  # another provider's signature (if any) is not Claude's
    signature = item.get("signature") or extras.get("signature")
    if extras.get("type") == "redacted_thinking" or "data" in extras:
        return {"type": "redacted_thinking", "data": extras.get("data", "")}
    if not signature:
        logger.debug("left unsigned reasoning out of the request: the API needs a signature")
        return None
    return {"type": "thinking", "thinking": item.get("reasoning") or "", "signature": signature}


def _streamed_input(kind: str, raw: str) -> Any:
    """The input of a tool block that arrived as JSON fragments (no ``input`` yet).

    A client ``tool_use`` cut mid-stream gets what the fragments parse to (partial JSON
    completed, as ChatAnthropic does; ``{}`` if nothing parses): its tool_calls entry, when
    there is one, overrides it. A server tool (web search, code execution...) ran on the
    API's side, so its input is only a record: a cut one is sent as ``{}`` (as ChatAnthropic
    does), with a warning, rather than a half query that the model would read as the one run,
    so that a history from an interrupted stream can still be sent.
    """
    if kind == "tool_use":
        parsed = parse_partial_json(raw)
        return parsed if isinstance(parsed, dict) else {}
    try:
        return json.loads(raw)
    except ValueError:
        warnings.warn(
            f"a {kind} block's streamed input is not complete JSON ({raw[:80]!r}; the stream "
            "was probably cut before the block ended); it is sent with input {}.",
            UserWarning,
            stacklevel=2,
        )
        return {}


def tool_result_block(item: Mapping[str, Any]) -> Block:
    """A ``tool_result`` as the API takes it: nested blocks converted, and a ``cache_control``
    set on a nested block moved up to the tool_result itself, the only place the API accepts
    it there (it answers ``invalid_cache`` otherwise; ChatAnthropic does the same)."""
    block = _known_fields(item, "tool_result")
    content = item.get("content")
    if isinstance(content, list):
        inner = [b for b in (convert_content(content, "tool")) if b]
        hoisted = [b.pop("cache_control") for b in inner if "cache_control" in b]
        # a marker on a block left out (blank text) still marks the result, as in ChatAnthropic
        written = [cache_control(b) for b in content if isinstance(b, Mapping)]
        hoisted = [m for m in written if m is not None] or hoisted
        if inner:
            block["content"] = inner
        else:
            block.pop("content", None)
        if hoisted and "cache_control" not in block:
            block["cache_control"] = hoisted[-1]
    elif isinstance(content, str) and not content:
        block.pop("content", None)
    return block


def convert_content(content: Any, role: str, *, foreign: bool = False) -> list[Block]:
    """A message's content (a string or a list of strings and blocks) -> Anthropic blocks."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content.strip() else []
    out: list[Block] = []
    for item in content:
        if isinstance(item, str):
            if item.strip():
                out.append({"type": "text", "text": item})
            continue
        if not isinstance(item, Mapping):
            raise ValueError(f"unsupported content item of type {type(item).__name__}.")
        block = convert_block(item, role, foreign=foreign)
        if block is not None:
            out.append(block)
    return out
