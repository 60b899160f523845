"""EmulatorTransport: an in-process httpx2 transport (sync and async) over a MessagesEmulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx2

from ._emulator import MessagesEmulator
from ._response import EmulatorResponse

__all__ = ["EmulatorTransport"]


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout")
    if isinstance(timeout, dict):
        value = timeout.get("read")
        return float(value) if isinstance(value, (int, float)) else None
    return None


class _Stream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """Delivers the precomputed chunks one by one, then raises the scripted fault if any."""

    def __init__(self, response: EmulatorResponse, request: httpx2.Request) -> None:
        self._response = response
        self._request = request

    def _fault(self) -> Exception:
        if self._response.streaming:
            msg = (
                "peer closed connection without sending complete message body "
                "(incomplete chunked read)"
            )
        else:
            msg = "peer closed connection without sending complete message body"
        return httpx2.RemoteProtocolError(msg, request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        yield from self._response.chunks
        if self._response.fault == "reset_midstream":
            raise self._fault()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._response.chunks:
            yield chunk
            await asyncio.sleep(0)  # let other tasks run between events, like a socket would
        if self._response.fault == "reset_midstream":
            raise self._fault()


class EmulatorTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """``httpx2.Client(transport=EmulatorTransport(emu))`` / ``httpx2.AsyncClient(...)``.

    Faults map to the exceptions a real socket would raise: ``Reply.reset()`` ->
    ``RemoteProtocolError`` (``ReadError`` with ``rst=True``), ``Reply.reset_midstream`` ->
    ``RemoteProtocolError`` while reading the body, and a ``Reply.delay`` longer than the
    request's read timeout -> ``ReadTimeout`` after waiting that timeout.
    """

    def __init__(self, emulator: MessagesEmulator | None = None) -> None:
        self.emulator = emulator if emulator is not None else MessagesEmulator()

    def _dispatch(self, request: httpx2.Request) -> EmulatorResponse:
        return self.emulator.handle(
            request.method,
            request.url.raw_path.decode("ascii"),
            {k: v for k, v in request.headers.items()},
            request.content,
        )

    def _finish(self, request: httpx2.Request, response: EmulatorResponse) -> httpx2.Response:
        if response.fault == "reset":
            if response.rst:
                raise httpx2.ReadError("[Errno 104] Connection reset by peer", request=request)
            raise httpx2.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        response.begin()  # the status line is out: this request's cache writes are readable
        return httpx2.Response(
            response.status,
            headers=response.headers,
            stream=_Stream(response, request),
            request=request,
        )

    def _wait(self, request: httpx2.Request, delay: float) -> tuple[float, bool]:
        limit = _read_timeout(request)
        if limit is not None and delay > limit:
            return limit, True
        return delay, False

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        response = self._dispatch(request)
        if response.delay > 0:
            wait, timed_out = self._wait(request, response.delay)
            time.sleep(wait)
            if timed_out:
                raise httpx2.ReadTimeout("The read operation timed out", request=request)
        return self._finish(request, response)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        response = self._dispatch(request)
        if response.delay > 0:
            wait, timed_out = self._wait(request, response.delay)
            await asyncio.sleep(wait)
            if timed_out:
                raise httpx2.ReadTimeout("The read operation timed out", request=request)
        return self._finish(request, response)
