"""Checks on settings and the finished body that the API would answer with a 400 anyway."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .._models import model_info, output_limit, setting_refusal
from .media import check_image_type, checked_url

#: ``between_tools``: the 5.5 generation's thinking between tool calls (langchain-anthropic's
#: Sonnet 5.5 tests send it with ``effort``; its other fields are left to the API).
_THINKING_TYPES = ("enabled", "adaptive", "between_tools", "disabled")


def thinking_on(thinking: Mapping[str, Any] | None) -> bool:
    return bool(thinking) and (thinking or {}).get("type") in _THINKING_TYPES[:3]


def validate_sampling(
    thinking: Mapping[str, Any] | None,
    max_tokens: Any,
    temperature: Any,
    top_k: Any,
    top_p: Any,
) -> None:
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}.")
    check_number("temperature", temperature)
    check_number("top_p", top_p)
    check_number("top_k", top_k, integer=True)
    if temperature is not None and not (0.0 <= float(temperature) <= 1.0):
        raise ValueError(f"temperature must be between 0 and 1, got {temperature!r}.")
    # -1 is the API's own "not set" value for top_p (recorded: answered 200, like omitting it)
    if top_p is not None and top_p != -1 and not (0.0 <= float(top_p) <= 1.0):
        raise ValueError(f"top_p must be between 0 and 1, got {top_p!r}.")
    if thinking is None:
        return
    if not isinstance(thinking, Mapping) or thinking.get("type") not in _THINKING_TYPES:
        raise ValueError(
            "thinking must be {'type': 'enabled', 'budget_tokens': N}, {'type': 'adaptive'}, "
            f"{{'type': 'between_tools'}} or {{'type': 'disabled'}}, got {thinking!r}."
        )
    if thinking["type"] == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024:
            raise ValueError(f"thinking budget_tokens must be an integer >= 1024, got {budget!r}.")
        if budget >= max_tokens:
            raise ValueError(
                f"thinking budget_tokens ({budget}) must be less than max_tokens ({max_tokens})."
            )
    if thinking_on(thinking):
        if temperature is not None and float(temperature) != 1.0:
            raise ValueError("temperature cannot be changed while thinking is enabled.")
        if top_k is not None:
            raise ValueError("top_k cannot be set while thinking is enabled.")
        if top_p is not None and float(top_p) < 0.95:
            raise ValueError("top_p must be between 0.95 and 1 while thinking is enabled.")


def validate_stop(stops: Any) -> list[str]:
    """Stop sequences as the API takes them: a list of strings with some non-whitespace."""
    if isinstance(stops, str) or not isinstance(stops, (list, tuple)):
        raise ValueError(f"stop must be a list of strings, got {stops!r}.")
    for stop in stops:
        if not isinstance(stop, str) or not stop:
            raise ValueError("stop must be a list of non-empty strings.")
        if not stop.strip():
            raise ValueError(
                f"stop sequence {stop!r} is only whitespace; the API rejects those (each stop "
                "sequence must contain non-whitespace)."
            )
    return list(stops)


def forcing_blocked(thinking: Mapping[str, Any] | None) -> bool:
    """Thinking with a budget refuses a forced tool_choice; adaptive thinking accepts it."""
    return isinstance(thinking, Mapping) and thinking.get("type") == "enabled"


def validate_body(body: Mapping[str, Any]) -> None:
    """Checks on the finished body that the API would fail with a 400 after a round trip.

    Only checks: nothing here changes the body.
    """
    check_fields(body)
    if refusal := setting_refusal(str(body.get("model", "")), body):
        raise ValueError(refusal)
    check_tools(body.get("tools"))
    check_media_urls(body.get("messages"))
    check_cache_markers(body)
    markers = count_cache_markers(body)
    if markers > 4:
        raise ValueError(
            f"the request carries {markers} cache_control markers; the API allows at most 4."
        )


def check_output_limit(body: Mapping[str, Any], betas: Sequence[str]) -> None:
    """A ``max_tokens`` above what the model can write (``_models.output_limit``; unknown
    models are not checked) is a 400 after a round trip: a ValueError that says the limit."""
    model, max_tokens = str(body.get("model", "")), body.get("max_tokens")
    limit = output_limit(model, betas)
    if limit and isinstance(max_tokens, int) and max_tokens > limit:
        raise ValueError(
            f"max_tokens={max_tokens} is more than {model} can write ({limit} tokens), which "
            f"the API refuses: pass max_tokens={limit} or less, or leave max_tokens unset for "
            "the model's default; nothing was sent."
        )


def check_prefill(body: Mapping[str, Any]) -> None:
    """A conversation that ends in assistant text asks the model to continue it (a prefill),
    which Claude 4.6 and later refuse with a 400 (``_models.ModelInfo.prefill``). A final
    assistant turn that ends in a server tool block (a ``pause_turn`` continuation) is fine."""
    messages = body.get("messages")
    if not isinstance(messages, Sequence) or not messages or model_info(body["model"]).prefill:
        return
    last = messages[-1]
    if not isinstance(last, Mapping) or last.get("role") != "assistant":
        return
    content = last.get("content")
    final = content[-1] if isinstance(content, list) and content else None
    if isinstance(content, str) or (isinstance(final, Mapping) and final.get("type") == "text"):
        raise ValueError(
            f"{body['model']} does not continue a final assistant message (a prefill): the API "
            "answers 400 'This model does not support assistant message prefill'. End the "
            "conversation with a user message; shape the answer with the system prompt or "
            "with_structured_output instead."
        )


def count_cache_markers(body: Mapping[str, Any]) -> int:
    """Markers the API counts against its limit of 4: on tools, system and message blocks,
    blocks nested in a tool_result, and a top-level (automatic caching) ``cache_control``."""
    count = int(body.get("cache_control") is not None)
    count += sum(1 for tool in body.get("tools") or () if "cache_control" in tool)
    system = body.get("system")
    if isinstance(system, list):
        count += sum(1 for block in system if "cache_control" in block)
    for turn in body.get("messages", ()):
        content = turn.get("content")
        for block in content if isinstance(content, list) else ():
            count += "cache_control" in block
            nested = block.get("content") if block.get("type") == "tool_result" else None
            if isinstance(nested, list):
                count += sum(1 for b in nested if isinstance(b, Mapping) and "cache_control" in b)
    return count


def _marker_sites(body: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(where, cache_control) of every block marker, in the order the API reads them: tools,
    system, then messages (a tool_result's nested blocks after the tool_result)."""
    sites = [(f"tools[{i}]", t["cache_control"]) for i, t in enumerate(body.get("tools") or ())
             if isinstance(t, Mapping) and "cache_control" in t]  # fmt: skip
    system = body.get("system")
    for i, block in enumerate(system if isinstance(system, list) else ()):
        if isinstance(block, Mapping) and "cache_control" in block:
            sites.append((f"system[{i}]", block["cache_control"]))
    for t, turn in enumerate(body.get("messages", ())):
        content = turn.get("content") if isinstance(turn, Mapping) else None
        for b, block in enumerate(content if isinstance(content, list) else ()):
            nested = block.get("content") if block.get("type") == "tool_result" else None
            inner = nested if isinstance(nested, list) else []
            for n, item in enumerate([block, *inner]):
                if isinstance(item, Mapping) and "cache_control" in item:
                    where = f"messages[{t}].content[{b}]" + (f".content[{n - 1}]" if n else "")
                    sites.append((where, item["cache_control"]))
    return sites


def check_cache_markers(body: Mapping[str, Any]) -> None:
    """Each ``cache_control`` is ``{"type": "ephemeral"}`` with an optional ``ttl`` of "5m" or
    "1h", and no 1h marker comes after a 5m one (tools, system, messages): the API answers 400
    to any of these, whoever set the marker."""
    top = [("cache_control", body["cache_control"])] if "cache_control" in body else []
    seen_5m = False
    for where, marker in [*_marker_sites(body), *top]:
        if not isinstance(marker, Mapping) or marker.get("type") != "ephemeral":
            raise ValueError(f"{where}: cache_control must be {{'type': 'ephemeral'}}, got "
                             f"{marker!r}.")  # fmt: skip
        ttl = marker.get("ttl", "5m")
        if ttl not in ("5m", "1h"):
            raise ValueError(f"{where}: cache_control ttl must be '5m' or '1h', got {ttl!r}.")
        if ttl == "1h" and seen_5m and where != "cache_control":
            raise ValueError(
                f"{where}: a ttl='1h' cache_control comes after a 5-minute one; the API reads "
                "tools, system, then messages, and refuses a 1h marker after a 5m marker."
            )
        seen_5m = seen_5m or ttl == "5m"


# -- input checks (issue 11 item 14): what the API would refuse, refused before sending ---------
def check_number(name: str, value: Any, *, integer: bool = False) -> None:
    """A per-call or constructor sampling value of the wrong type (``top_k="5"``)."""
    if value is None:
        return
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {kind}, got {type(value).__name__} {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")


def check_message_contents(messages: Sequence[Any]) -> None:
    """Content must be a string or a list of blocks (``content=None`` or an int is refused)."""
    for position, message in enumerate(messages):
        content = getattr(message, "content", "")
        if not isinstance(content, (str, list)):
            raise ValueError(
                f"message {position} ({type(message).__name__}) has content of type "
                f"{type(content).__name__}; content must be a string or a list of content blocks."
            )


def check_fields(body: Mapping[str, Any]) -> None:
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise ValueError(f"model must be a non-empty model id, got {model!r}.")
    if "stream" in body:
        raise ValueError(
            "'stream' is chosen by the call (stream()/astream(), streaming=True, or LangChain's "
            "invoke(..., stream=True)); remove it from model_kwargs and extra_body."
        )
    metadata = body.get("metadata")
    user_id = metadata.get("user_id") if isinstance(metadata, Mapping) else None
    if user_id is not None and not isinstance(user_id, str):
        raise ValueError(f"user_id must be a string, got {type(user_id).__name__} {user_id!r}.")


#: What the API takes as a client tool's name (a 400 otherwise): MCP-style ``server.tool`` names,
#: spaces and non-ASCII letters are refused.
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


def check_tools(tools: Any) -> None:
    """Client tools need a valid name and an object ``input_schema``; server tools have a
    ``type``; no two tools share a name (the API answers 400 for each of these)."""
    names: set[str] = set()
    for position, tool in enumerate(tools or ()):
        if not isinstance(tool, Mapping):
            raise ValueError(f"tools[{position}] must be a dict, got {type(tool).__name__}.")
        schema = tool.get("input_schema")
        if "input_schema" in tool and not isinstance(schema, Mapping):
            raise ValueError(
                f"tools[{position}].input_schema must be a JSON schema object (a dict), got "
                f"{type(schema).__name__}."
            )
        if tool.get("type") in (None, "custom"):
            name = tool.get("name")
            if not isinstance(name, str) or not name:
                raise ValueError(f"tools[{position}] has no name; a client tool needs one.")
            if schema is None:
                raise ValueError(f"tools[{position}] ({name!r}) has no input_schema.")
            _check_tool_name(position, name)
        name = tool.get("name")
        if isinstance(name, str) and name in names:
            raise ValueError(
                f"tools[{position}]: another tool is already named {name!r}; the API needs "
                "every tool's name to be unique."
            )
        if isinstance(name, str):
            names.add(name)


def _check_tool_name(position: int, name: str) -> None:
    if not _TOOL_NAME.match(name):
        suggestion = re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:128]
        raise ValueError(
            f"tools[{position}] is named {name!r}; the API takes only letters, digits, '_' and "
            f"'-' in a tool name (1 to 128 characters). Rename the tool, e.g. {suggestion!r}."
        )


def check_media_urls(turns: Any) -> None:
    """Image and document blocks given by URL must name an http(s) URL (no javascript:, file:);
    a base64 document must be a PDF (text goes in a ``text`` source). The API answers 400 to
    either, also inside a tool result."""
    for turn in turns or ():
        content = turn.get("content") if isinstance(turn, Mapping) else None
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, Mapping):
                continue
            nested = block.get("content") if block.get("type") == "tool_result" else None
            for item in [block, *(nested if isinstance(nested, list) else ())]:
                if isinstance(item, Mapping):
                    _check_source(item)


def _check_source(block: Mapping[str, Any]) -> None:
    source = block.get("source")
    if not isinstance(source, Mapping):
        return
    if source.get("type") == "url":
        checked_url(source.get("url"), f"the {block.get('type')} block's source")
    if block.get("type") == "image" and source.get("type") == "base64":
        check_image_type(source.get("media_type"))
    if block.get("type") == "document" and source.get("type") == "base64":
        media_type = source.get("media_type")
        if media_type != "application/pdf":
            raise ValueError(
                f"a document with a base64 source of media_type {media_type!r}: the API takes "
                "base64 documents only as application/pdf; send text as a text source "
                '({"type": "text", "media_type": "text/plain", "data": ...}).'
            )
