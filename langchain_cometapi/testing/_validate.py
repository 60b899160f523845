"""Request validation with the real API's 400 texts, limited to what the real API checks."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from ._blocks import check_block, check_fields, check_tool_result_order
from ._errors import ApiError, bad
from ._models import canonical_model, check_model, check_prefill, max_output_tokens

__all__ = ["ApiError", "cache_control_sites", "check_model", "validate_request"]

_KNOWN_FIELDS = frozenset(
    {
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream",
        "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "service_tier",
        "container", "mcp_servers", "context_management", "cache_control", "output_format",
        "output_config", "inference_geo", "betas", "user_profile_id",
    }
)  # fmt: skip
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
_TOOL_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
_THINKING_DOCS = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"


def _blocks(content: Any) -> list[Any]:
    return content if isinstance(content, list) else []


def cache_control_sites(body: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(path, block type, cache_control) for every explicit breakpoint, in cache order."""
    for ti, tool in enumerate(body.get("tools") or []):
        if isinstance(tool, Mapping) and isinstance(tool.get("cache_control"), Mapping):
            yield f"tools.{ti}", "tool", tool["cache_control"]
    system = body.get("system")
    if isinstance(system, list):
        for si, block in enumerate(system):
            if isinstance(block, Mapping) and isinstance(block.get("cache_control"), Mapping):
                yield f"system.{si}", str(block.get("type")), block["cache_control"]
    for mi, message in enumerate(body.get("messages") or []):
        if not isinstance(message, Mapping):
            continue
        for bi, block in enumerate(_blocks(message.get("content"))):
            if isinstance(block, Mapping) and isinstance(block.get("cache_control"), Mapping):
                yield f"messages.{mi}.content.{bi}", str(block.get("type")), block["cache_control"]
            if isinstance(block, Mapping) and block.get("type") == "tool_result":
                for ci, inner in enumerate(_blocks(block.get("content"))):
                    if isinstance(inner, Mapping) and isinstance(
                        inner.get("cache_control"), Mapping
                    ):
                        path = f"messages.{mi}.content.{bi}.content.{ci}"
                        yield path, str(inner.get("type")), inner["cache_control"]


_COUNT_FIELDS = frozenset(
    {
        "model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers",
        "context_management", "output_config", "output_format", "cache_control",
    }
)  # fmt: skip


def validate_request(
    body: Any,
    *,
    strict_fields: bool = True,
    count_tokens: bool = False,
    betas: Collection[str] = (),
) -> None:
    """Raise :class:`ApiError` for a body the real endpoint would reject.

    ``count_tokens``: the body of ``POST /v1/messages/count_tokens`` (no ``max_tokens``, and
    only the fields that endpoint takes). ``betas``: those the request's headers enable.
    """
    if not isinstance(body, Mapping):
        raise bad("Input should be a valid dictionary or object to extract fields from")
    required = ("model", "messages") if count_tokens else ("model", "messages", "max_tokens")
    for field in required:
        if field not in body:
            raise bad(f"{field}: Field required")
    known = _COUNT_FIELDS if count_tokens else _KNOWN_FIELDS
    if strict_fields:
        for key in body:
            if key not in known:
                raise bad(f"{key}: Extra inputs are not permitted")
    model = body["model"]
    if not isinstance(model, str) or not model:
        raise bad("model: Input should be a valid string")
    max_tokens = 1_000_000 if count_tokens else _check_max_tokens(model, body["max_tokens"], betas)
    _check_sampling(body)
    _check_system(body.get("system"))
    _check_tools(body.get("tools"))
    _check_messages(body["messages"])
    check_prefill(model, body["messages"])
    _check_cache_control(body)
    _check_thinking(body, max_tokens)


#: Raises Claude 3.7 Sonnet's output limit to 128K (Anthropic's extended output beta).
_OUTPUT_128K = "output-128k-2025-02-19"


def _check_max_tokens(model: str, max_tokens: Any, betas: Collection[str]) -> int:
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
        raise bad("max_tokens: Input should be a valid integer")
    if max_tokens < 1:
        raise bad("max_tokens: Input should be greater than or equal to 1")
    limit = max_output_tokens(model)
    if _OUTPUT_128K in betas and canonical_model(model).startswith("claude-3-7-sonnet"):
        limit = 128_000
    if limit is not None and max_tokens > limit:
        raise bad(
            f"max_tokens: {max_tokens} > {limit}, which is the maximum allowed number of "
            f"output tokens for {model}"
        )
    return max_tokens


def _check_sampling(body: Mapping[str, Any]) -> None:
    temperature = body.get("temperature")
    if temperature is not None:
        if not isinstance(temperature, (int, float)) or isinstance(temperature, bool):
            raise bad("temperature: Input should be a valid number")
        if temperature < 0:
            raise bad("temperature: Input should be greater than or equal to 0")
        if temperature > 1:
            raise bad("temperature: Input should be less than or equal to 1")
    stops = body.get("stop_sequences")
    if stops is not None and (
        not isinstance(stops, list) or not all(isinstance(s, str) for s in stops)
    ):
        raise bad("stop_sequences: Input should be a valid list")
    for stop in stops or ():
        if not stop:
            raise bad("stop_sequences: each stop sequence must be non-empty")
        if not stop.strip():
            raise bad("stop_sequences: each stop sequence must contain non-whitespace")


def _check_system(system: Any) -> None:
    if system is None or isinstance(system, str):
        return
    if not isinstance(system, list):
        raise bad("system: Input should be a valid list")
    for si, block in enumerate(system):
        if not isinstance(block, Mapping) or block.get("type") != "text":
            raise bad(f"system.{si}.type: Input should be 'text'")
        if not isinstance(block.get("text"), str):
            raise bad(f"system.{si}.text: Field required")
        check_fields(block, f"system.{si}", "text")
        if not block["text"] and isinstance(block.get("cache_control"), Mapping):
            raise bad(f"system.{si}.text: cache_control cannot be set for empty text blocks")


def _check_tools(tools: Any) -> None:
    if tools is None:
        return
    if not isinstance(tools, list):
        raise bad("tools: Input should be a valid list")
    names: set[str] = set()
    for ti, tool in enumerate(tools):
        if not isinstance(tool, Mapping):
            raise bad(f"tools.{ti}: Input should be a valid dictionary")
        if tool.get("type") == "mcp_toolset":  # named by the MCP server it exposes
            if not isinstance(tool.get("mcp_server_name"), str):
                raise bad(f"tools.{ti}.mcp_toolset.mcp_server_name: Field required")
            continue
        name = tool.get("name")
        if not isinstance(name, str):
            raise bad(f"tools.{ti}.name: Field required")
        if tool.get("type") in (None, "custom"):
            if not _TOOL_NAME.match(name):
                raise bad(
                    f"tools.{ti}.custom.name: String should match pattern "
                    "'^[a-zA-Z0-9_-]{1,128}$'"
                )
            if not isinstance(tool.get("input_schema"), Mapping):
                raise bad(f"tools.{ti}.custom.input_schema: Field required")
        if name in names:
            raise bad("tools: Tool names must be unique.")
        names.add(name)


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list):
        raise bad("messages: Input should be a valid list")
    if not messages:
        raise bad("messages: at least one message is required")
    for mi, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise bad(f"messages.{mi}: Input does not match the expected shape.")
        if message.get("role") not in ("user", "assistant", "system"):
            raise bad(f"messages.{mi}.role: Input should be 'user', 'assistant' or 'system'")
        if "content" not in message:
            raise bad(f"messages.{mi}.content: Field required")
        content = message["content"]
        final_assistant = mi == len(messages) - 1 and message["role"] == "assistant"
        if (content == "" or content == []) and not final_assistant:
            raise bad(
                f"messages.{mi}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )
        if not isinstance(content, (str, list)):
            raise bad(f"messages.{mi}.content: Input should be a valid list")
        for bi, block in enumerate(_blocks(content)):
            if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
                raise bad(f"messages.{mi}.content.{bi}.type: Field required")
            btype = block["type"]
            check_block(block, mi, bi, message["role"])
            for inner in [
                block,
                *(_blocks(block.get("content")) if btype == "tool_result" else []),
            ]:
                _check_document_source(inner, f"messages.{mi}.content.{bi}")
            if btype == "tool_use" and not _TOOL_ID.match(str(block.get("id") or "")):
                raise bad(
                    f"messages.{mi}.content.{bi}.tool_use.id: String should match pattern "
                    "'^[a-zA-Z0-9_-]+$'"
                )
            if btype == "thinking" and not isinstance(block.get("signature"), str):
                raise bad(f"messages.{mi}.content.{bi}.thinking.signature: Field required")
            if btype in ("thinking", "redacted_thinking") and "cache_control" in block:
                raise bad(
                    f"messages.{mi}.content.{bi}.{btype}.cache_control: "
                    "Extra inputs are not permitted"
                )
            if btype == "text" and block.get("text") == "":
                if isinstance(block.get("cache_control"), Mapping):
                    raise bad(
                        f"messages.{mi}.content.{bi}.text: "
                        "cache_control cannot be set for empty text blocks"
                    )
                raise bad("messages: text content blocks must be non-empty")
        _check_blank_text(content, final_assistant)
    _check_tool_pairing(messages)


def _check_document_source(block: Any, where: str) -> None:
    """Base64 documents are PDFs only (text goes in a ``text`` source), as the API enforces."""
    if not isinstance(block, Mapping) or block.get("type") != "document":
        return
    source = block.get("source")
    if not isinstance(source, Mapping) or source.get("type") != "base64":
        return
    if source.get("media_type") != "application/pdf":
        raise bad(f"{where}.document.source.base64.media_type: Input should be 'application/pdf'")


def _check_blank_text(content: Any, final_assistant: bool) -> None:
    """Whitespace-only text is refused unless the message has real text or another block; a
    final assistant message (prefill) may not end with whitespace."""
    texts = (
        [content]
        if isinstance(content, str)
        else [b.get("text") for b in content if isinstance(b, Mapping) and b.get("type") == "text"]
    )
    texts = [t for t in texts if isinstance(t, str) and t]
    # a message with other blocks (" " beside a tool_use, as Claude itself writes) is accepted
    only_text = isinstance(content, str) or all(
        isinstance(b, Mapping) and b.get("type") == "text" for b in content
    )
    if only_text and texts and not any(t.strip() for t in texts):
        raise bad("messages: text content blocks must contain non-whitespace text")
    last = content if isinstance(content, str) else (content[-1] if content else None)
    if isinstance(last, Mapping):
        last = last.get("text") if last.get("type") == "text" else None
    if final_assistant and isinstance(last, str) and last != last.rstrip():
        raise bad("messages: final assistant content cannot end with trailing whitespace")


def _turns(messages: list[Any]) -> list[tuple[str, int, list[Any]]]:
    """Consecutive same-role messages merged into one turn, as the API does (system skipped)."""
    turns: list[tuple[str, int, list[Any]]] = []
    for mi, message in enumerate(messages):
        role = message["role"]
        if role == "system":
            continue
        content = message["content"]
        blocks = content if isinstance(content, list) else []
        located = [(mi, bi, b) for bi, b in enumerate(blocks) if isinstance(b, Mapping)]
        if turns and turns[-1][0] == role:
            turns[-1][2].extend(located)
            turns[-1] = (role, mi, turns[-1][2])
        else:
            turns.append((role, mi, located))
    return turns


def _check_tool_pairing(messages: list[Any]) -> None:
    """tool_use ids must be answered by tool_result blocks in the very next (user) turn."""
    turns = _turns(messages)
    for ti, (role, last_index, located) in enumerate(turns):
        if role == "assistant":
            ids = [b.get("id") for _, _, b in located if b.get("type") == "tool_use"]
            if not ids or ti == len(turns) - 1:
                continue
            answered = check_tool_result_order(turns[ti + 1][2])
            missing = [str(i) for i in ids if i not in answered]
            if missing:
                raise bad(
                    f"messages.{last_index}: `tool_use` ids were found without `tool_result` "
                    f"blocks immediately after: {', '.join(missing)}. Each `tool_use` block must "
                    "have a corresponding `tool_result` block in the next message."
                )
        else:
            prev = turns[ti - 1] if ti and turns[ti - 1][0] == "assistant" else None
            offered = (
                {b.get("id") for _, _, b in prev[2] if b.get("type") == "tool_use"}
                if prev
                else set()
            )
            for mi, bi, block in located:
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in offered:
                    raise bad(
                        f"messages.{mi}.content.{bi}: unexpected `tool_use_id` found in "
                        f"`tool_result` blocks: {block.get('tool_use_id')}. Each `tool_result` "
                        "block must have a corresponding `tool_use` block in the previous message."
                    )


def _check_cache_control(body: Mapping[str, Any]) -> None:
    sites = list(cache_control_sites(body))
    automatic = isinstance(body.get("cache_control"), Mapping)
    found = len(sites) + (1 if automatic else 0)
    if found > 4:
        raise bad(f"A maximum of 4 blocks with cache_control may be provided. Found {found}.")
    seen_5m = False
    for path, _btype, cc in sites:
        if cc.get("type") != "ephemeral":
            raise bad(f"{path}.cache_control.type: Input should be 'ephemeral'")
        ttl = cc.get("ttl", "5m")
        if ttl not in ("5m", "1h"):
            raise bad(f"{path}.cache_control.ttl: Input should be '5m' or '1h'")
        if ttl == "1h" and seen_5m:
            raise bad(
                f"{path}.cache_control.ttl: a ttl='1h' cache_control block must not come after "
                "a ttl='5m' cache_control block. Note that blocks are processed in the following "
                "order: `tools`, `system`, `messages`."
            )
        seen_5m = seen_5m or ttl == "5m"


def _check_thinking(body: Mapping[str, Any], max_tokens: int) -> None:
    thinking = body.get("thinking")
    enabled = forced_ok = False
    if thinking is not None:
        if not isinstance(thinking, Mapping) or thinking.get("type") not in (
            "enabled", "disabled", "adaptive", "between_tools",  # the last: the 5.5 generation
        ):  # fmt: skip
            raise bad(
                "thinking: Input tag does not match any of the expected tags: "
                "'enabled', 'disabled', 'adaptive'"
            )
        if thinking["type"] == "enabled":
            enabled = True
            budget = thinking.get("budget_tokens")
            if budget is None:
                raise bad("thinking.enabled.budget_tokens: Field required")
            if not isinstance(budget, int) or isinstance(budget, bool):
                raise bad("thinking.enabled.budget_tokens: Input should be a valid integer")
            if budget < 1024:
                raise bad(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
                )
            if budget >= max_tokens:
                raise bad(
                    "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult "
                    f"our documentation at {_THINKING_DOCS}#max-tokens-and-context-window-size"
                )
        forced_ok = thinking["type"] == "adaptive"  # the API accepts forced tools here
        enabled = enabled or forced_ok
    if not enabled:
        return
    choice = body.get("tool_choice")
    if not forced_ok and isinstance(choice, Mapping) and choice.get("type") in ("any", "tool"):
        raise bad("Thinking may not be enabled when tool_choice forces tool use.")
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        raise bad(
            "`temperature` may only be set to 1 when thinking is enabled. Please consult our "
            f"documentation at {_THINKING_DOCS}#feature-compatibility"
        )
