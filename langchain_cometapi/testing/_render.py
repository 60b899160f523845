"""Turn reply blocks into Messages API JSON bodies and SSE event streams (bytes, precomputed)."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._tokens import canonical, text_tokens

__all__ = [
    "Final",
    "finalize",
    "message_body",
    "sign",
    "sse_error_event",
    "sse_stream",
    "usage_dict",
]

_TEXT_PIECE_CHARS = 18  # default delta size: roughly what the real API sends (3-6 tokens)
_JSON_PIECE_CHARS = 16


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def sign(thinking: str) -> str:
    """A deterministic stand-in for a thinking signature (opaque base64, ~170 chars)."""
    digest = hashlib.sha512(thinking.encode("utf-8")).digest()
    return base64.b64encode(b"EMU1" + digest + hashlib.sha512(digest).digest()[:60]).decode()


def _output_cost(block: Mapping[str, Any]) -> int:
    btype = block.get("type")
    if btype == "text":
        return text_tokens(str(block.get("text", "")))
    if btype == "thinking":
        return text_tokens(str(block.get("thinking", "")))
    if btype == "tool_use":
        return (
            text_tokens(str(block.get("name", ""))) + text_tokens(canonical(block.get("input"))) + 8
        )
    if btype == "redacted_thinking":
        return len(str(block.get("data", ""))) // 6 + 1
    return text_tokens(canonical(block))


def _truncate(text: str, tokens: int) -> str:
    """Longest prefix of ``text`` that costs at most ``tokens`` output tokens."""
    limit = math.floor(tokens * 3.7)
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")


@dataclass(frozen=True, slots=True)
class Final:
    """The content the emulated model actually returns, with its stop reason and cost."""

    blocks: list[dict[str, Any]]
    stop_reason: str
    stop_sequence: str | None
    output_tokens: int


def finalize(
    blocks: Sequence[Mapping[str, Any]],
    *,
    max_tokens: int,
    stop_sequences: Sequence[str] = (),
    stop_reason: str | None = None,
    new_tool_id: Callable[[], str],
) -> Final:
    """Apply stop sequences then the ``max_tokens`` budget, fill ids and signatures."""
    work = [dict(b) for b in blocks]
    reason: str | None = None
    matched: str | None = None
    if stop_sequences:
        for i, block in enumerate(work):
            if block.get("type") != "text":
                continue
            text = str(block.get("text", ""))
            hits = [(text.find(s), s) for s in stop_sequences if s and s in text]
            if hits:
                pos, matched = min(hits)
                work = work[:i] + ([{**block, "text": text[:pos]}] if pos else [])
                reason = "stop_sequence"
                break
    out: list[dict[str, Any]] = []
    used = 0
    for block in work:
        if block.get("type") == "tool_use" and not block.get("id"):
            block["id"] = new_tool_id()
        if block.get("type") == "thinking" and not block.get("signature"):
            block["signature"] = sign(str(block.get("thinking", "")))
        cost = _output_cost(block)
        if used + cost <= max_tokens:
            out.append(block)
            used += cost
            continue
        field = {"text": "text", "thinking": "thinking"}.get(str(block.get("type")))
        if field:
            cut = _truncate(str(block.get(field, "")), max_tokens - used)
            if cut:
                out.append({**block, field: cut})
                used += text_tokens(cut)
        reason, matched = "max_tokens", None
        break
    if reason is None:
        reason = stop_reason or (
            "tool_use" if any(b.get("type") == "tool_use" for b in out) else "end_turn"
        )
    return Final(out, reason, matched, max(used, 1))


def usage_dict(
    *,
    input_tokens: int,
    cache_read: int,
    write_5m: int,
    write_1h: int,
    output_tokens: int,
    service_tier: str = "standard",
) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": write_5m + write_1h,
        "cache_read_input_tokens": cache_read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": write_5m,
            "ephemeral_1h_input_tokens": write_1h,
        },
        "output_tokens": output_tokens,
        "service_tier": service_tier,
    }


def message_body(msg_id: str, model: str, final: Final, usage: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": final.blocks,
        "stop_reason": final.stop_reason,
        "stop_sequence": final.stop_sequence,
        "usage": dict(usage),
    }


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


_PING = _event("ping", '{"type": "ping"}')


def _split(text: str, n: int | None, piece: int) -> list[str]:
    if not text:
        return []
    count = n if n is not None else math.ceil(len(text) / piece)
    count = max(1, min(count, len(text)))
    size, extra = divmod(len(text), count)
    parts, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        parts.append(text[start:end])
        start = end
    return parts


def _start(index: int, content_block: Mapping[str, Any]) -> bytes:
    payload = {"type": "content_block_start", "index": index, "content_block": content_block}
    return _event("content_block_start", _dumps(payload))


def _delta(index: int, kind: str, field: str, value: str) -> bytes:
    data = (
        f'{{"type":"content_block_delta","index":{index},"delta":'
        f'{{"type":"{kind}","{field}":{_dumps(value)}}}}}'
    )
    return _event("content_block_delta", data)


def _block_events(index: int, block: Mapping[str, Any], chunks: int | None) -> list[bytes]:
    btype = block.get("type")
    events: list[bytes] = []
    if btype == "text":
        start: dict[str, Any] = {"type": "text", "text": ""}
        if block.get("citations") is not None:
            start["citations"] = []
        events.append(_start(index, start))
        for citation in block.get("citations") or ():
            # the real API sends each citation as its own delta, before the cited text
            payload = {"type": "citations_delta", "citation": citation}
            data = {"type": "content_block_delta", "index": index, "delta": payload}
            events.append(_event("content_block_delta", _dumps(data)))
        for piece in _split(str(block.get("text", "")), chunks, _TEXT_PIECE_CHARS):
            events.append(_delta(index, "text_delta", "text", piece))
    elif btype == "thinking":
        events.append(_start(index, {"type": "thinking", "thinking": "", "signature": ""}))
        for piece in _split(str(block.get("thinking", "")), chunks, _TEXT_PIECE_CHARS):
            events.append(_delta(index, "thinking_delta", "thinking", piece))
        signature = str(block.get("signature", ""))
        events.append(_delta(index, "signature_delta", "signature", signature))
    elif btype == "tool_use":
        start = {"type": "tool_use", "id": block.get("id"), "name": block.get("name"), "input": {}}
        events.append(_start(index, start))
        args = _dumps(block.get("input", {}))
        pieces = _split(args if args != "{}" else "", None, _JSON_PIECE_CHARS)
        for piece in ["", *pieces]:  # the real API opens with an empty fragment
            events.append(_delta(index, "input_json_delta", "partial_json", piece))
    else:  # redacted_thinking and anything else arrive whole in content_block_start
        events.append(_start(index, dict(block)))
    events.append(_event("content_block_stop", f'{{"type":"content_block_stop","index":{index}}}'))
    return events


def sse_stream(
    message: Mapping[str, Any],
    *,
    chunks: int | None = None,
    ping_every: int = 0,
    usage_in_delta: bool = False,
    complete: bool = True,
) -> list[bytes]:
    """The full event sequence for ``message`` (``complete=False`` stops after the last block)."""
    usage = message["usage"]
    start_usage = {**usage, "output_tokens": 1}
    start_msg = {
        **message,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": start_usage,
    }
    events = [_event("message_start", _dumps({"type": "message_start", "message": start_msg}))]
    deltas = 0
    for index, block in enumerate(message["content"]):
        for ev in _block_events(index, block, chunks):
            events.append(ev)
            if index == 0 and len(events) == 2:
                events.append(_PING)  # the real API pings right after the first block opens
            elif ping_every and ev.startswith(b"event: content_block_delta"):
                deltas += 1
                if deltas % ping_every == 0:
                    events.append(_PING)
    if not complete:
        return events
    delta_usage: dict[str, Any] = {"output_tokens": usage["output_tokens"]}
    if usage_in_delta:
        delta_usage = {
            "input_tokens": usage["input_tokens"],
            "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
            "cache_read_input_tokens": usage["cache_read_input_tokens"],
            "output_tokens": usage["output_tokens"],
        }
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]}
    payload = {"type": "message_delta", "delta": delta, "usage": delta_usage}
    events.append(_event("message_delta", _dumps(payload)))
    events.append(_event("message_stop", '{"type":"message_stop"}'))
    return events


def sse_error_event(error_type: str, message: str) -> bytes:
    return _event(
        "error", _dumps({"type": "error", "error": {"type": error_type, "message": message}})
    )
