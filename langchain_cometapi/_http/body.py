"""Request and response bodies: encoding (strict JSON: no NaN, no Infinity) and reading a whole
response body, capped once decoded, within the attempt's deadline, as UTF-8.

A 398 KB gzip body can decode to gigabytes, and a server can drip a body forever; both are
stopped while reading, chunk by chunk. A body in an encoding we did not ask for, or whose
compression is corrupt, is an InvalidResponseError naming the encoding (httpx2 would pass the
first on as garbage and raise the second as an untyped DecodingError). Error bodies are read up
to a smaller cap and the rest is ignored (only their message matters); a success body over the
cap is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx2
from pydantic import SecretStr

from . import errors
from .credentials import Redactor
from .deadline import expired

MAX_BODY_BYTES = 64 * 1024 * 1024  # a decoded (decompressed) success body
MAX_ERROR_BODY_BYTES = 1024 * 1024  # an error body is read this far, the rest ignored


class _Reader:
    def __init__(self, response: httpx2.Response, url: str) -> None:
        self.response = response
        self.url = url
        self.error = response.status_code >= 400
        # an error keeps its status class (and retry) even if its body cannot be decoded
        foreign = None if self.error else errors.foreign_encoding(response, url)
        if foreign is not None:
            raise foreign
        self.limit = MAX_ERROR_BODY_BYTES if self.error else MAX_BODY_BYTES
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Keep the chunk; False once an error body is long enough."""
        self.parts.append(chunk)
        self.size += len(chunk)
        if self.size > self.limit:
            if self.error:
                return False
            raise errors.invalid_response(
                f"the response from {self.url} is larger than {MAX_BODY_BYTES // 2**20} MiB "
                "once decoded; refused",
                self.response,
            )
        if expired():
            raise httpx2.ReadTimeout("the request's total deadline passed")
        return True


def read(response: httpx2.Response, url: str) -> bytes:
    reader = _Reader(response, url)
    try:
        for chunk in response.iter_bytes():
            if not reader.add(chunk):
                break
    except httpx2.DecodingError as exc:  # no TransportError: it would escape untyped
        if not reader.error:  # an error answer is still its status, with what could be read
            raise errors.undecodable(exc, response, url) from exc
    return b"".join(reader.parts)


async def aread(response: httpx2.Response, url: str) -> bytes:
    reader = _Reader(response, url)
    try:
        async for chunk in response.aiter_bytes():
            if not reader.add(chunk):
                break
    except httpx2.DecodingError as exc:
        if not reader.error:
            raise errors.undecodable(exc, response, url) from exc
    return b"".join(reader.parts)


def text(raw: bytes) -> str:
    """JSON is UTF-8 whatever charset a server declares (RFC 8259); a BOM is dropped."""
    return raw.decode("utf-8-sig", "replace")


class Payload(bytes):
    """The encoded request: its ``repr`` gives the size only. Tracebacks that capture locals
    (Sentry, ``traceback.TracebackException(capture_locals=True)``) print it, and it holds the
    prompt and any MCP ``authorization_token``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<request body, {len(self)} bytes>"


def _open_secret(value: Any, opened: list[str]) -> Any:
    """JSON for a ``SecretStr`` the body builder kept a credential in; TypeError otherwise."""
    if isinstance(value, SecretStr):
        opened.append(value.get_secret_value())
        return opened[-1]
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(body: Mapping[str, Any], redact: Redactor | None = None) -> bytes:
    """The request as strict JSON (a ValueError, nothing sent, for what the API cannot parse).
    Each credential opened for it (a ``SecretStr``) is remembered by ``redact``: a server that
    echoes the body into an error must not put an MCP token given per call in the message."""
    opened: list[str] = []
    try:
        content = Payload(
            json.dumps(
                body, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                default=lambda value: _open_secret(value, opened),
            ).encode()
        )  # fmt: skip
    except (TypeError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ValueError(
            f"the request cannot be encoded as JSON ({reason}); tool arguments, metadata "
            "and model_kwargs must be JSON-serialisable, without NaN or Infinity; nothing "
            "was sent"
        ) from exc
    if redact is not None and opened:
        redact.remember_values(opened)
    return content
