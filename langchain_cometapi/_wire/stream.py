"""Stream events -> LangChain AIMessageChunks: a pure accumulator, no I/O.

``StreamAssembler.feed(event)`` is all the chat model's sync and async stream wrappers call, so
both paths assemble identically. Chunks follow the shape langchain-core's Anthropic block
translator reads (blocks keyed by ``index``, ``tool_use`` then ``input_json_delta`` fragments),
so ``content_blocks`` and output_version="v1" work, and a sum of chunks carries the same text,
tool calls and usage as ``invoke``. Unknown block and delta types are kept, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from langchain_core.messages import AIMessageChunk
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk

from ..errors import StreamError
from .response import (
    CLIENT_TOOL_BLOCKS,
    PASSED_FIELDS,
    PROVIDER,
    message_id,
    response_metadata,
)
from .usage import usage_metadata
from .validate import thinking_on

_M = TypeVar("_M")


def _add(left: AIMessageChunk, right: AIMessageChunk) -> AIMessageChunk:
    total = left + right
    assert isinstance(total, AIMessageChunk)
    return total


def reply_is_text_only(body: Mapping[str, Any]) -> bool:
    """Whether the reply to ``body`` can only be text, so streamed text may be plain strings
    (the summed stream is then a ``str``, like ``invoke``'s message for a text-only reply)."""
    if body.get("tools") or thinking_on(body.get("thinking")) or body.get("mcp_servers"):
        return False
    if body.get("context_management") or body.get("container"):
        return False  # compaction / context-editing and code-execution blocks may come back
    for turn in body.get("messages", ()):
        content = turn.get("content")
        if isinstance(content, list):
            for block in content:
                if block.get("type") in ("document", "search_result") and block.get("citations"):
                    return False
    return True


def _chunk(**fields: Any) -> AIMessageChunk:
    # Every chunk names its provider: output_version="v1" translates chunks one by one, and
    # langchain-core merges equal model_provider values instead of concatenating them.
    return AIMessageChunk(response_metadata={"model_provider": PROVIDER}, **fields)


def _content_fields(content: str | list[Any]) -> dict[str, Any]:
    """The field values pydantic gives ``AIMessageChunk(content=..., response_metadata=...)``."""
    return {
        "content": content,
        "additional_kwargs": {},
        "response_metadata": {"model_provider": PROVIDER},
        "type": "AIMessageChunk",
        "name": None,
        "id": None,
        "tool_calls": [],
        "invalid_tool_calls": [],
        "usage_metadata": None,
        "tool_call_chunks": [],
        "chunk_position": None,
    }


_SET_FIELDS = frozenset({"content", "response_metadata"})
# Build without validation only while it yields exactly what validation would (checked once, at
# import, against this langchain-core): a new field or validator turns the shortcut off.
_FAST = AIMessageChunk(
    content="x", response_metadata={"model_provider": PROVIDER}
).__dict__ == _content_fields("x")


def _unvalidated(cls: type[_M], fields: dict[str, Any], fields_set: frozenset[str]) -> _M:
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields_set))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def content_chunk(content: str | list[Any]) -> AIMessageChunk:
    """A chunk carrying only content: the bulk of a stream (one per text/thinking delta).

    Validation costs ~4 us per chunk and, for these fields, only copies defaults; thousands of
    deltas a stream make that the largest part of the client's own per-event time.
    """
    if not _FAST:
        return _chunk(content=content)
    return _unvalidated(AIMessageChunk, _content_fields(content), _SET_FIELDS)


def _generation_fields(message: AIMessageChunk, text: str) -> dict[str, Any]:
    """The field values pydantic gives ``ChatGenerationChunk(message=...)`` (text from message)."""
    return {
        "text": text,
        "generation_info": None,
        "type": "ChatGenerationChunk",
        "message": message,
    }


_GEN_SET = frozenset({"message", "text"})
_FAST_GEN = all(
    ChatGenerationChunk(message=probe).__dict__ == _generation_fields(probe, probe.text)
    for probe in (_chunk(content="x"), _chunk(content=[{"type": "text", "text": "x", "index": 0}]))
)


def generation_chunk(message: AIMessageChunk) -> ChatGenerationChunk:
    """The ChatGenerationChunk for one streamed chunk, without its ~8 us of re-validation.

    Its validator only derives ``text`` from the message (through validated attribute
    assignment); our chunks never hold the legacy untyped text blocks it special-cases.
    Checked once at import like ``content_chunk``; falls back to validation otherwise.
    """
    if not _FAST_GEN:
        return ChatGenerationChunk(message=message)
    return _unvalidated(ChatGenerationChunk, _generation_fields(message, message.text), _GEN_SET)


def _piece(delta: Mapping[str, Any], key: str) -> str:
    """A delta's string field; ``null`` (a converted channel's empty delta) is no text, as the
    fold of an event stream answering ``invoke`` reads it. ``content_chunk`` skips validation,
    so anything else that is not a string would fail later, outside ``feed``, as a bare
    TypeError: it is refused here, where it becomes the malformed-event StreamError."""
    value = delta.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{delta.get('type')} {key} is {type(value).__name__}, not a string")
    return value


class StreamAssembler:
    """Turns one stream's events into chunks; keeps what must be merged (usage, block kinds)."""

    def __init__(self, *, coerce_text: bool, stream_usage: bool = True) -> None:
        # coerce_text: stream text as plain strings (the sum is then a str, like invoke of a
        # text-only reply); used when the request cannot produce non-text blocks.
        self.coerce_text = coerce_text
        self.stream_usage = stream_usage
        self.usage: dict[str, Any] = {}
        self.meta: dict[str, Any] = {}
        self._kinds: dict[int, str] = {}
        self._json_seen: set[int] = set()
        self._id: str | None = None
        self._start_meta: dict[str, Any] | None = None
        self._fed = False

    @property
    def billed(self) -> dict[str, Any] | None:
        """The usage to account for once the stream is over, however it ended (a caller that
        stopped reading, an error mid-stream): what the stream reported so far, from
        message_start's input and cache counts on; None before any event (nothing billed)."""
        return self.usage if self._fed else None

    def feed(self, event: Mapping[str, Any]) -> AIMessageChunk | None:
        """The chunk for one event; a well-formed event of the wrong shape is a StreamError."""
        self._fed = True
        try:
            chunk = self._feed(event)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise StreamError(
                f"malformed {event.get('type')!r} event in the stream: {type(exc).__name__}: {exc}"
            ) from exc
        if chunk is None:
            return None
        if self._start_meta is not None:
            # message_start's metadata rides on the first chunk with content (or the last):
            # no empty leading chunk, and no leading "" that would make a later list a mix.
            chunk.response_metadata = {**self._start_meta, **chunk.response_metadata}
            self._start_meta = None
        if self._id is not None and chunk.id is None:
            # Every chunk carries the message id, not just the first: LangGraph's "messages"
            # stream and chat UIs group chunks by id (a mix showed as two messages).
            chunk.__dict__["id"] = self._id
            chunk.__pydantic_fields_set__.add("id")
        return chunk

    def _feed(self, event: Mapping[str, Any]) -> AIMessageChunk | None:
        kind = event.get("type")
        if kind == "content_block_delta":
            return self._delta(event)
        if kind == "content_block_start":
            return self._start(event)
        if kind == "message_start":
            return self._message_start(event)
        if kind == "message_delta":
            self._message_delta(event)
            return None
        if kind == "message_stop":
            return self._final()
        return None  # content_block_stop, ping and unknown event types carry nothing to add

    def _message_start(self, event: Mapping[str, Any]) -> AIMessageChunk | None:
        message = event.get("message") or {}
        self._id = message_id(message.get("id"))
        self.usage = dict(message.get("usage") or {})
        meta = response_metadata(message)
        for key in ("stop_reason", "stop_sequence", "stop_details"):
            meta.pop(key, None)  # reported once, in the final chunk
        self.meta = meta
        self._start_meta = dict(meta)
        chunk: AIMessageChunk | None = None
        for index, block in enumerate(message.get("content") or []):
            # Rare: a proxy pre-filling content in message_start; keep it.
            self._kinds[index] = block.get("type", "")
            piece = self._block_chunk(index, dict(block))
            if piece is not None:
                chunk = piece if chunk is None else _add(chunk, piece)
        return chunk

    def _start(self, event: Mapping[str, Any]) -> AIMessageChunk | None:
        index = int(event.get("index", len(self._kinds)))
        block = dict(event.get("content_block") or {})
        self._kinds[index] = block.get("type", "")
        return self._block_chunk(index, block)

    def _block_chunk(self, index: int, block: dict[str, Any]) -> AIMessageChunk | None:
        kind = block.get("type")
        # a text block that announces citations (even "citations": [] at its start) is
        # streamed as a block, so its citations_delta events stay with its text
        if kind == "text" and self.coerce_text and "citations" not in block:
            text = block.get("text", "")
            return _chunk(content=text) if text else None
        if self.coerce_text:
            # A block a text-only request did not expect (compaction, a new type): from here
            # on, text is streamed as blocks, so the sum is a list of blocks like invoke's.
            self.coerce_text = False
        if kind == "text" and not block.get("text") and not block.get("citations"):
            return None  # an opening with nothing to show: its deltas carry the text
        block["index"] = index
        if kind in CLIENT_TOOL_BLOCKS:
            args = block.get("input")
            return _chunk(
                content=[block],
                tool_call_chunks=[
                    tool_call_chunk(
                        id=block.get("id"),
                        name=block.get("name"),
                        # a converted channel's unparsed arguments come as a string
                        args=args if isinstance(args, str) else json.dumps(args) if args else "",
                        index=index,
                    )
                ],
            )
        return _chunk(content=[block])

    def _delta(self, event: Mapping[str, Any]) -> AIMessageChunk | None:
        index = int(event.get("index", 0))
        delta = event.get("delta") or {}
        dtype = delta.get("type")
        block_kind = self._kinds.get(index, "")
        if dtype == "text_delta":
            text = _piece(delta, "text")
            if self.coerce_text and block_kind == "text":
                return content_chunk(text)
            return content_chunk([{"type": "text", "text": text, "index": index}])
        if dtype == "input_json_delta":
            partial = delta.get("partial_json", "")
            piece = {"type": "input_json_delta", "partial_json": partial, "index": index}
            if block_kind in CLIENT_TOOL_BLOCKS:
                return _chunk(
                    content=[piece],
                    tool_call_chunks=[tool_call_chunk(args=partial, index=index)],
                )
            return _chunk(content=[piece])
        if dtype == "thinking_delta":
            return content_chunk(
                [{"type": "thinking", "thinking": _piece(delta, "thinking"), "index": index}]
            )
        if dtype == "signature_delta":
            return _chunk(
                content=[
                    {"type": "thinking", "signature": _piece(delta, "signature"), "index": index}
                ]
            )
        if dtype == "citations_delta":
            citation = delta.get("citation")
            return _chunk(content=[{"type": "text", "citations": [citation], "index": index}])
        # Unknown delta: keep its fields on the block, so nothing the API sent is lost.
        fields = {k: v for k, v in delta.items() if k != "type"}
        if not fields:
            return None
        return _chunk(content=[{"type": block_kind or str(dtype), **fields, "index": index}])

    def _message_delta(self, event: Mapping[str, Any]) -> None:
        delta = event.get("delta") or {}
        for key in PASSED_FIELDS:
            if key in delta:
                self.meta[key] = delta[key]
        if event.get("context_management") is not None:  # where the API puts it
            self.meta["context_management"] = event["context_management"]
        usage = event.get("usage")
        if isinstance(usage, Mapping):
            # Newer streams resend input and cache counts here; the last non-null value wins.
            for key, value in usage.items():
                if value is not None:
                    self.usage[key] = value

    def _final(self) -> AIMessageChunk:
        meta = {k: self.meta.get(k) for k in ("stop_reason", "stop_sequence")}
        for key in PASSED_FIELDS[2:]:  # stop_details, container, context_management
            if key in self.meta:
                meta[key] = self.meta[key]
        meta["usage"] = dict(self.usage)
        meta["model_provider"] = PROVIDER
        # a reply with no block at all sums to "", as invoke's message of it, not to []
        empty = self.coerce_text or not self._kinds
        chunk = _chunk(content="" if empty else [], chunk_position="last")
        chunk.response_metadata = meta
        if self.stream_usage:
            chunk.usage_metadata = usage_metadata(self.usage)
        return chunk
