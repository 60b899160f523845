"""Scripted replies: what the emulator answers next, including transport faults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Reply", "ReplyKind"]

ReplyKind = Literal[
    "content",
    "error",
    "raw",
    "malformed_json",
    "stream_error",
    "stream_cut",
    "delay",
    "reset",
    "reset_midstream",
]

_DEFAULT_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_STATUS_FOR_TYPE = {v: k for k, v in reversed(_DEFAULT_ERROR_TYPES.items())}


def default_error_type(status: int) -> str:
    return _DEFAULT_ERROR_TYPES.get(
        status, "api_error" if status >= 500 else "invalid_request_error"
    )


def status_for_error_type(error_type: str) -> int:
    return _STATUS_FOR_TYPE.get(error_type, 500)


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build with the classmethods, not the constructor.

    Content replies (``text``, ``tool_use``, ``tool_calls``, ``thinking``, ``content``) are
    rendered as JSON or SSE depending on the request's ``stream`` flag, go through the same
    ``max_tokens`` / ``stop_sequences`` handling as the default reply and are priced by the
    prompt cache. ``chunks`` fixes how many deltas each text/thinking block is streamed in.
    """

    kind: ReplyKind
    blocks: tuple[Mapping[str, Any], ...] = ()
    stop_reason: str | None = None
    chunks: int | None = None
    status: int = 200
    message: str = ""
    error_type: str | None = None
    style: Literal["anthropic", "openai"] = "anthropic"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str = "application/json"
    seconds: float = 0.0
    then: Reply | None = None
    rst: bool = False
    model: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ----- content -------------------------------------------------------------------------
    @classmethod
    def text(cls, text: str, *, chunks: int | None = None, stop_reason: str | None = None) -> Reply:
        """A plain text answer (``chunks`` = number of ``text_delta`` events when streamed)."""
        return cls("content", ({"type": "text", "text": text},), stop_reason, chunks)

    @classmethod
    def tool_use(
        cls,
        name: str,
        input: Mapping[str, Any],
        id: str | None = None,
        text: str | None = None,
        *,
        chunks: int | None = None,
    ) -> Reply:
        """One tool call, optionally preceded by text (``id`` generated when None)."""
        call = (name, input) if id is None else (name, input, id)
        return cls.tool_calls([call], text, chunks=chunks)

    @classmethod
    def tool_calls(
        cls,
        calls: Iterable[tuple[str, Mapping[str, Any]] | tuple[str, Mapping[str, Any], str]],
        text: str | None = None,
        *,
        chunks: int | None = None,
    ) -> Reply:
        """Parallel tool calls: ``[(name, input), ...]`` or ``[(name, input, id), ...]``."""
        blocks: list[Mapping[str, Any]] = []
        if text:
            blocks.append({"type": "text", "text": text})
        for call in calls:
            name, args = call[0], call[1]
            call_id = call[2] if len(call) > 2 else None
            blocks.append({"type": "tool_use", "id": call_id, "name": name, "input": dict(args)})
        return cls("content", tuple(blocks), None, chunks)

    @classmethod
    def thinking(
        cls,
        thinking: str,
        text: str,
        signature: str | None = None,
        *,
        chunks: int | None = None,
    ) -> Reply:
        """Extended thinking then text (``signature`` derived from the thinking when None)."""
        blocks = (
            {"type": "thinking", "thinking": thinking, "signature": signature},
            {"type": "text", "text": text},
        )
        return cls("content", blocks, None, chunks)

    @classmethod
    def content(
        cls,
        blocks: Sequence[Mapping[str, Any]],
        *,
        stop_reason: str | None = None,
        chunks: int | None = None,
        model: str | None = None,
    ) -> Reply:
        """Arbitrary content blocks (e.g. ``redacted_thinking``), sent as given."""
        return cls("content", tuple(dict(b) for b in blocks), stop_reason, chunks, model=model)

    # ----- HTTP errors ---------------------------------------------------------------------
    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        type: str | None = None,
        style: Literal["anthropic", "openai"] = "anthropic",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """An error status with an Anthropic-style (or OpenAI-style, as proxies send) body."""
        return cls(
            "error",
            status=status,
            message=message,
            error_type=type or default_error_type(status),
            style=style,
            headers=tuple((headers or {}).items()),
        )

    @classmethod
    def overloaded(cls) -> Reply:
        return cls.error(529, "Overloaded", "overloaded_error")

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0) -> Reply:
        return cls.error(
            429,
            "Number of request tokens has exceeded your per-minute rate limit",
            "rate_limit_error",
            headers={"retry-after": f"{retry_after:g}"},
        )

    # ----- faults --------------------------------------------------------------------------
    @classmethod
    def html(cls, status: int, html: str) -> Reply:
        """An HTML page instead of JSON (what a misconfigured proxy or gateway sends)."""
        return cls(
            "raw", status=status, body=html.encode("utf-8"), content_type="text/html; charset=utf-8"
        )

    @classmethod
    def raw(
        cls,
        status: int,
        body: bytes | str,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return cls(
            "raw",
            status=status,
            body=data,
            content_type=content_type,
            headers=tuple((headers or {}).items()),
        )

    @classmethod
    def malformed_json(cls) -> Reply:
        """200 whose JSON body (or, when streaming, one SSE data line) does not parse."""
        return cls("malformed_json")

    @classmethod
    def stream_error_midway(
        cls,
        text: str,
        error_type: str = "overloaded_error",
        message: str = "Overloaded",
        *,
        chunks: int | None = None,
    ) -> Reply:
        """Stream some text, then an ``event: error`` (non-streaming requests get the error)."""
        return cls(
            "stream_error",
            ({"type": "text", "text": text},),
            chunks=chunks,
            message=message,
            error_type=error_type,
            status=status_for_error_type(error_type),
        )

    @classmethod
    def stream_cut(cls, text: str, *, chunks: int | None = None) -> Reply:
        """Stream some text and end cleanly *without* ``message_delta``/``message_stop``."""
        return cls("stream_cut", ({"type": "text", "text": text},), chunks=chunks)

    @classmethod
    def delay(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Wait before answering with ``then`` (default reply when None)."""
        return cls("delay", seconds=seconds, then=then)

    @classmethod
    def reset(cls, *, rst: bool = False) -> Reply:
        """Close the connection before any byte (``rst=True``: TCP reset instead of FIN)."""
        return cls("reset", rst=rst)

    @classmethod
    def reset_midstream(cls, text: str, *, chunks: int | None = None) -> Reply:
        """Send headers and part of the body, then drop the connection."""
        return cls("reset_midstream", ({"type": "text", "text": text},), chunks=chunks)
