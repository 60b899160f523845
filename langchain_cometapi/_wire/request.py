"""LangChain messages -> Messages API request body (pure conversion, validated before sending).

The API wants alternating user/assistant turns, tool results first in a user turn, no empty or
whitespace-only text and no trailing whitespace in a final assistant turn; LangChain histories
are looser. Everything here reshapes or rejects: nothing is dropped except blank text, which the
API would refuse anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from . import lc_v1

Block = dict[str, Any]

# Keys LangChain adds to content blocks that the API would reject.
_LC_ONLY_KEYS = frozenset({"index", "partial_json", "id_", "extras", "annotations"})


def convert_messages(
    messages: Sequence[BaseMessage], *, lenient: bool = False
) -> tuple[list[Block] | None, list[dict[str, Any]]]:
    """(system blocks, turns) for a LangChain history; raises ValueError on what the API rejects."""
    if not messages and not lenient:
        raise ValueError("ChatCometAPI needs at least one message; got an empty list.")
    system: list[Block] = []
    turns: list[dict[str, Any]] = []
    seen_other = after_system = False
    for position, message in enumerate(messages):
        if isinstance(message, SystemMessage) or (
            isinstance(message, ChatMessage) and message.role == "system"
        ):
            if seen_other and not lenient and not after_system:
                if system:
                    raise ValueError(
                        f"message {position} is a second system message, after the "
                        "conversation started; the Messages API takes one system prompt before "
                        "all turns. Merge it into the first or send it as a HumanMessage."
                    )
                warnings.warn(  # ChatAnthropic hoists a lone late system message the same way
                    f"message {position} is a system message after the conversation started; "
                    "it was moved to the top-level system prompt and applies to the whole "
                    "conversation.",
                    UserWarning,
                    stacklevel=4,
                )
            system.extend(_system_blocks(message.content))
            after_system = True
            continue
        seen_other, after_system = True, False
        role, blocks = _turn(message, position)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if lenient:
        # Token counting (trim_messages probes any slice of a history): shape, don't judge.
        _finish(turns)
        return (system or None), turns
    if not turns:
        raise ValueError(
            "the conversation has no user or assistant turn with content (only a system prompt "
            "or blank text)."
        )
    if turns[0]["role"] != "user":
        raise ValueError(
            "the first turn is from the assistant; the Messages API needs the conversation to "
            "start with a user turn (add a HumanMessage first)."
        )
    _finish(turns)
    _check_tool_pairs(turns)
    return (system or None), turns


def _finish(turns: list[dict[str, Any]]) -> None:
    for turn in turns:
        if turn["role"] == "user":
            turn["content"] = _tool_results_first(turn["content"])
        turn["content"] = [_with_valid_ids(b) for b in turn["content"]]
    if turns:
        _strip_prefill(turns[-1])


_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]+$")


def valid_tool_id(tool_id: Any) -> Any:
    """An id the API accepts: other providers' ids (``functions.write_todos:0``) are hashed to
    ``toolu_...`` the same way every time, so a call and its result still pair (as ChatAnthropic
    does)."""
    if not isinstance(tool_id, str) or not tool_id or _VALID_ID.match(tool_id):
        return tool_id
    return "toolu_" + hashlib.sha256(tool_id.encode()).hexdigest()[:24]


def _with_valid_ids(block: Block) -> Block:
    kind = block.get("type")
    if kind == "tool_use" and not _VALID_ID.match(str(block.get("id") or "")):
        return {**block, "id": valid_tool_id(block.get("id"))}
    if kind == "tool_result" and not _VALID_ID.match(str(block.get("tool_use_id") or "")):
        return {**block, "tool_use_id": valid_tool_id(block.get("tool_use_id"))}
    return block


def _strip_prefill(turn: dict[str, Any]) -> None:
    """A final assistant turn (a prefill) may not end with whitespace: the API answers 400."""
    last = turn["content"][-1]
    if turn["role"] == "assistant" and last.get("type") == "text":
        turn["content"][-1] = {**last, "text": last["text"].rstrip()}


def _system_blocks(content: str | list[Any]) -> list[Block]:
    blocks = _content_blocks(content, "system")
    for block in blocks:
        if block.get("type") != "text":
            raise ValueError(
                f"system prompts may hold only text blocks; got a {block.get('type')!r} block."
            )
    return blocks


def _turn(message: BaseMessage, position: int) -> tuple[str, list[Block]]:
    if isinstance(message, AIMessage):
        return "assistant", _assistant_blocks(message)
    if isinstance(message, ToolMessage):
        return "user", [_tool_result(message)]
    if isinstance(message, HumanMessage):
        return "user", _content_blocks(message.content, "user")
    if isinstance(message, ChatMessage) and message.role in ("user", "human"):
        return "user", _content_blocks(message.content, "user")
    if isinstance(message, ChatMessage) and message.role in ("assistant", "ai"):
        return "assistant", _content_blocks(message.content, "assistant")
    if isinstance(message, FunctionMessage):
        raise ValueError(
            f"message {position}: FunctionMessage is OpenAI's legacy format; use ToolMessage."
        )
    raise ValueError(f"message {position}: unsupported message type {type(message).__name__}.")


def _tool_result(message: ToolMessage) -> Block:
    if not message.tool_call_id:
        raise ValueError("a ToolMessage needs the tool_call_id of the call it answers.")
    block: Block = {"type": "tool_result", "tool_use_id": message.tool_call_id}
    content = message.content
    if isinstance(content, str):
        if content:
            block["content"] = content
    else:
        inner = _content_blocks(content, "tool")
        if inner:
            block["content"] = inner
    if message.status == "error":
        block["is_error"] = True
    extra_cache = message.additional_kwargs.get("cache_control")
    if extra_cache:
        block["cache_control"] = extra_cache
    return block


def _assistant_blocks(message: AIMessage) -> list[Block]:
    blocks = _content_blocks(message.content, "assistant")
    provider = message.response_metadata.get("model_provider")
    if provider not in (None, "anthropic"):
        # Another provider's thinking (e.g. after a model fallback) carries a signature Claude
        # cannot verify: the API would answer 400.
        blocks = [b for b in blocks if b.get("type") not in ("thinking", "redacted_thinking")]
    calls = {tc["id"]: tc for tc in message.tool_calls if tc.get("id")}
    seen: set[str] = set()
    for block in blocks:
        if block.get("type") == "tool_use":
            if not isinstance(block.get("id"), str) or not block["id"]:
                raise ValueError(f"a tool_use block needs a string id; got {block.get('id')!r}.")
            call = calls.get(block["id"])
            if call is not None:
                # tool_calls are the source of truth: users and agents edit them, and in streamed
                # content the input may be an empty dict next to partial JSON.
                block["input"] = call["args"]
                block["name"] = call["name"]
            seen.add(block.get("id", ""))
    for call in message.tool_calls:
        call_id = call.get("id")
        if not call_id:
            raise ValueError(f"tool call {call['name']!r} has no id; the API needs one.")
        if call_id not in seen:
            blocks.append(
                {"type": "tool_use", "id": call_id, "name": call["name"], "input": call["args"]}
            )
    return blocks


def _content_blocks(content: str | list[Any], role: str) -> list[Block]:
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
        block = _block(item, role)
        if block is not None:
            out.append(block)
    return out


def _cache_control(item: Mapping[str, Any]) -> Any:
    if "cache_control" in item:
        return item["cache_control"]
    extras = item.get("extras")
    if isinstance(extras, Mapping):
        return extras.get("cache_control")
    return None


def _block(item: Mapping[str, Any], role: str) -> Block | None:
    kind = item.get("type")
    block: Block | None
    if kind == "text":
        text = item.get("text", "")
        if not isinstance(text, str):
            raise ValueError(f"a text block's text must be a string, got {type(text).__name__}.")
        if not text.strip():
            return None  # the API rejects empty and whitespace-only text blocks
        block = {"type": "text", "text": text}
        cited = item.get("citations") or lc_v1.citations(item.get("annotations"))
        if cited:
            block["citations"] = cited
    elif kind == "image_url":
        block = _image_from_url(item.get("image_url"))
    elif kind in ("image", "file", "text-plain", "document") and "source" not in item:
        block = _data_block(item)
    elif kind == "reasoning":
        block = _reasoning(item)
    elif kind == "tool_call":
        block = {
            "type": "tool_use",
            "id": item.get("id"),
            "name": item.get("name"),
            "input": item.get("args") or {},
        }
    elif kind == "invalid_tool_call":
        if not (item.get("id") and item.get("name")):
            return None  # nothing the API could pair a tool_result with
        block = {"type": "tool_use", "id": item["id"], "name": item["name"], "input": {}}
    elif kind == "server_tool_call":
        block = lc_v1.server_tool_use(item)
    elif kind == "server_tool_result":
        block = lc_v1.server_tool_result(item)
    elif kind in ("tool_call_chunk", "server_tool_call_chunk", "input_json_delta"):
        return None  # streaming fragments; the assembled tool_calls carry the call
    elif kind == "non_standard" and isinstance(item.get("value"), Mapping):
        return _block(item["value"], role)
    elif kind == "thinking":
        if not item.get("signature"):
            return None  # unsigned (cut stream, other provider): the API needs the signature
        block = {k: v for k, v in item.items() if k not in _LC_ONLY_KEYS}
    elif isinstance(kind, str):
        block = {k: v for k, v in item.items() if k not in _LC_ONLY_KEYS}
        if item.get("partial_json") and not item.get("input") and kind != "tool_use":
            # a streamed server_tool_use / mcp_tool_use: its input arrived as JSON fragments
            # (a client tool_use takes its input from tool_calls, even when cut by max_tokens)
            block["input"] = _parse_partial(str(item["partial_json"]))
    else:
        raise ValueError(f"content block without a type: {sorted(item)}.")
    if block is None:
        return None
    cache = _cache_control(item)
    if cache is not None:
        block["cache_control"] = cache
    return block


def _parse_partial(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValueError(
            f"a streamed tool block's input is not complete JSON ({raw[:80]!r}); the stream "
            "was probably cut before the block ended."
        ) from exc


def _reasoning(item: Mapping[str, Any]) -> Block | None:
    extras = item.get("extras") if isinstance(item.get("extras"), Mapping) else {}
    assert isinstance(extras, Mapping)
    signature = item.get("signature") or extras.get("signature")
    if extras.get("type") == "redacted_thinking" or "data" in extras:
        return {"type": "redacted_thinking", "data": extras.get("data", "")}
    if not signature:
        # Unsigned reasoning (e.g. from another provider) cannot be replayed as thinking.
        text = item.get("reasoning") or ""
        return {"type": "text", "text": text} if text else None
    return {"type": "thinking", "thinking": item.get("reasoning") or "", "signature": signature}


def _image_from_url(image_url: Any) -> Block:
    url = image_url.get("url") if isinstance(image_url, Mapping) else image_url
    if not isinstance(url, str) or not url:
        raise ValueError("an image_url block needs a url (https://... or data:...;base64,...).")
    if url.startswith("data:"):
        media_type, data = _split_data_url(url)
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data},
        }
    return {"type": "image", "source": {"type": "url", "url": url}}


def _split_data_url(url: str) -> tuple[str, str]:
    header, _, data = url.partition(",")
    if ";base64" not in header or not data:
        raise ValueError("only base64 data URLs are supported for images and files.")
    return header[len("data:") :].split(";", 1)[0] or "application/octet-stream", data


def _data_block(item: Mapping[str, Any]) -> Block:
    """LangChain standard data blocks (v1 and v0 shapes) -> image/document blocks."""
    kind = item["type"]
    mime = item.get("mime_type") or ""
    source: Block
    if kind == "text-plain" or item.get("source_type") == "text":
        source = {"type": "text", "media_type": "text/plain", "data": item.get("text", "")}
    elif item.get("base64") or item.get("source_type") == "base64":
        data = item.get("base64") or item.get("data")
        if not data:
            raise ValueError(f"a base64 {kind} block has no data.")
        if not mime:
            raise ValueError(f"a base64 {kind} block needs mime_type.")
        source = {"type": "base64", "media_type": mime, "data": data}
    elif item.get("url") or item.get("source_type") == "url":
        url = item.get("url")
        if isinstance(url, str) and url.startswith("data:"):
            mime, data = _split_data_url(url)
            source = {"type": "base64", "media_type": mime, "data": data}
        else:
            source = {"type": "url", "url": url}
    elif item.get("file_id") or (item.get("id") and item.get("source_type") == "id"):
        source = {"type": "file", "file_id": item.get("file_id") or item.get("id")}
    else:
        raise ValueError(f"a {kind} block needs base64 data, a url or a file id.")
    is_image = kind == "image" or (mime.startswith("image/") and kind != "document")
    if not is_image and source["type"] == "base64" and mime.startswith("text/"):
        source = _text_source(str(source["data"]))  # base64 documents may only be PDFs
    if is_image:
        return {"type": "image", "source": source}
    block: Block = {"type": "document", "source": source}
    extras = item.get("extras") if isinstance(item.get("extras"), Mapping) else {}
    assert isinstance(extras, Mapping)
    for key in ("title", "context", "citations"):
        value = item.get(key, extras.get(key))
        if value is not None:
            block[key] = value
    return block


def _text_source(data: str) -> Block:
    """Base64 text (a .txt/.md/.csv upload) -> the ``text`` source documents take for text."""
    try:
        text = base64.b64decode(data, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"a base64 text file is not valid base64 UTF-8 text: {exc}") from exc
    return {"type": "text", "media_type": "text/plain", "data": text}


def _tool_results_first(blocks: list[Block]) -> list[Block]:
    results = [b for b in blocks if b.get("type") == "tool_result"]
    if not results or len(results) == len(blocks):
        return blocks
    return results + [b for b in blocks if b.get("type") != "tool_result"]


def _check_tool_pairs(turns: list[dict[str, Any]]) -> None:
    """Each tool_result must answer a tool_use of the turn before, and every call be answered."""
    pending: set[str] = set()
    for turn in turns:
        blocks = turn["content"]
        if turn["role"] == "assistant":
            if pending:
                raise ValueError(_unanswered(pending))
            pending = {b["id"] for b in blocks if b.get("type") == "tool_use"}
            continue
        answered = {b["tool_use_id"] for b in blocks if b.get("type") == "tool_result"}
        stray = answered - pending
        if stray:
            raise ValueError(
                f"ToolMessage(s) with tool_call_id {sorted(stray)} do not answer a tool call of "
                "the AIMessage just before them; every ToolMessage must follow the AIMessage "
                "whose tool_calls it answers."
            )
        missing = pending - answered
        if missing:
            raise ValueError(_unanswered(missing))
        pending = set()


def _unanswered(ids: set[str]) -> str:
    return (
        f"the tool call(s) {sorted(ids)} have no ToolMessage answering them before the next "
        "turn; add a ToolMessage per tool call (the API rejects unanswered tool_use blocks)."
    )
