"""Reading a whole response body: capped once decoded, within the attempt's deadline, as UTF-8.

A 398 KB gzip body can decode to gigabytes, and a server can drip a body forever; both are
stopped while reading, chunk by chunk. Error bodies are read up to a smaller cap and the rest is
ignored (only their message matters); a success body over the cap is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx2

from .deadline import expired

MAX_BODY_BYTES = 64 * 1024 * 1024  # a decoded (decompressed) success body
MAX_ERROR_BODY_BYTES = 1024 * 1024  # an error body is read this far, the rest ignored

TooLarge = Callable[[httpx2.Response], Exception]


class _Reader:
    def __init__(self, response: httpx2.Response, too_large: TooLarge) -> None:
        self.response = response
        self.too_large = too_large
        self.error = response.status_code >= 400
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
            raise self.too_large(self.response)
        if expired():
            raise httpx2.ReadTimeout("the request's total deadline passed")
        return True


def read(response: httpx2.Response, too_large: TooLarge) -> bytes:
    reader = _Reader(response, too_large)
    for chunk in response.iter_bytes():
        if not reader.add(chunk):
            break
    return b"".join(reader.parts)


async def aread(response: httpx2.Response, too_large: TooLarge) -> bytes:
    reader = _Reader(response, too_large)
    async for chunk in response.aiter_bytes():
        if not reader.add(chunk):
            break
    return b"".join(reader.parts)


def text(raw: bytes) -> str:
    """JSON is UTF-8 whatever charset a server declares (RFC 8259); a BOM is dropped."""
    return raw.decode("utf-8-sig", "replace")
