"""The Messages client: sends wire dicts to ``POST {base}/v1/messages``, sync and async.

It speaks wire dicts only; nothing here knows about LangChain. What it adds to httpx2, and why:
pools shared per process and per event loop (``pools``), a total deadline per attempt for
non-streaming calls and an idle bound for streams (``deadline``, ``sse``), credentials signed per
request for the configured origin only (``credentials``), a cap on decoded bodies, and retries
(``retry``) that wrap everything up to the first stream event, so a stream that has yielded
something is never silently restarted. A call's own timeout and query (``options``) apply to
each of its attempts; what the senders share (setup, request building, answers read) is in
``base``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

from . import body as bodies
from .base import ClientBase
from .deadline import attempt_deadline
from .errors import interrupted, transport_error
from .options import CallOptions
from .retry import acall_with_retries, call_with_retries
from .sse import Event, EventStream, adecode, aiter_events, decode, events_from_message, is_sse

__all__ = ["CLIENT_SETTINGS", "CallOptions", "MessagesClient"]

#: the chat model's settings a client is built from (besides the key)
CLIENT_SETTINGS = (
    "base_url", "auth", "timeout", "stream_chunk_timeout", "max_retries", "anthropic_version",
    "default_headers", "betas", "http_client", "http_async_client",
)  # fmt: skip

_NONE = CallOptions()


@dataclass(frozen=True)
class _Call:
    """A stream's request headers (as sent) and its options, for each attempt to open it."""

    headers: Mapping[str, str] | None
    options: CallOptions


class MessagesClient(ClientBase):
    """Sync and async client for ``POST {base_url}/v1/messages``; one per chat model instance."""

    # -- JSON ----------------------------------------------------------------------------------
    def create(
        self, body: Mapping[str, Any], options: CallOptions | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One Messages call; returns the response body and its headers."""
        options = options or _NONE
        content = bodies.encode(body, self._redact)
        headers = self._headers_for(False, options.headers, user=self._user_client is not None)
        return call_with_retries(
            lambda: self._create_once(content, headers, options), self.max_retries, self._sleep
        )

    def _create_once(
        self, content: bytes, headers: Mapping[str, str] | None, options: CallOptions
    ) -> tuple[dict[str, Any], dict[str, str]]:
        client = self.sync_client()
        with attempt_deadline(options.deadline(self.timeout)):
            try:
                request = self._request(client, content, headers, options)
                response = client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
                try:
                    raw = bodies.read(response, self.url)
                finally:
                    response.close()
            except httpx2.TransportError as exc:
                raise transport_error(exc, self.url, self._redact) from exc
        return self._finish(response, raw)

    async def acreate(
        self, body: Mapping[str, Any], options: CallOptions | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        options = options or _NONE
        content = bodies.encode(body, self._redact)
        user = self._user_async_client is not None
        headers = self._headers_for(False, options.headers, user=user)
        return await acall_with_retries(
            lambda: self._acreate_once(content, headers, options),
            self.max_retries,
            self._async_sleep,
        )

    async def _acreate_once(
        self, content: bytes, headers: Mapping[str, str] | None, options: CallOptions
    ) -> tuple[dict[str, Any], dict[str, str]]:
        client = self.async_client()
        with attempt_deadline(options.deadline(self.timeout)):
            try:
                request = self._request(client, content, headers, options)
                response = await client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
                try:
                    raw = await bodies.aread(response, self.url)
                finally:
                    await response.aclose()
            except httpx2.TransportError as exc:
                raise transport_error(exc, self.url, self._redact) from exc
        return self._finish(response, raw)

    # -- SSE -----------------------------------------------------------------------------------
    def stream(self, body: Mapping[str, Any], options: CallOptions | None = None) -> EventStream:
        """Messages events (ping dropped); raises on an error event or a cut stream."""
        options = options or _NONE
        content = bodies.encode({**body, "stream": True}, self._redact)
        headers = self._headers_for(True, options.headers, user=self._user_client is not None)
        opened = EventStream()
        opened._events = self._events(content, _Call(headers, options), opened.headers)
        return opened

    def _events(self, content: bytes, call: _Call, opened: dict[str, str]) -> Iterator[Event]:
        response, events, first = call_with_retries(
            lambda: self._open_stream(content, call, opened), self.max_retries, self._sleep
        )
        try:
            yield first
            if first.get("type") == "message_stop":
                return
            try:
                for event in events:
                    yield event
                    if event.get("type") == "message_stop":
                        return
            except httpx2.TransportError as exc:
                raise interrupted(exc, self.url, self._redact) from exc
        finally:
            response.close()

    def _open_stream(
        self, content: bytes, call: _Call, opened: dict[str, str]
    ) -> tuple[httpx2.Response, Iterator[Event], Event]:
        client = self.sync_client()
        deadline = call.options.deadline(self.timeout)
        try:
            with attempt_deadline(deadline):  # a total bound up to the headers
                request = self._request(client, content, call.headers, call.options)
                response = client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.url, self._redact) from exc
        try:
            if response.status_code >= 300 or not is_sse(response):
                with attempt_deadline(deadline):
                    data, _ = self._finish(response, bodies.read(response, self.url))
                events: Iterator[Event] = iter(events_from_message(data))
            else:
                events = decode(self._decoder(response, idle=call.options.idle(self.stream_idle)))
            first = next(events)
            opened.update(response.headers)
            return response, events, first
        except httpx2.TransportError as exc:
            response.close()
            raise transport_error(exc, self.url, self._redact) from exc
        except BaseException:
            response.close()
            raise

    def astream(self, body: Mapping[str, Any], options: CallOptions | None = None) -> EventStream:
        options = options or _NONE
        content = bodies.encode({**body, "stream": True}, self._redact)
        user = self._user_async_client is not None
        headers = self._headers_for(True, options.headers, user=user)
        opened = EventStream()
        opened._events = self._aevents(content, _Call(headers, options), opened.headers)
        return opened

    async def _aevents(
        self, content: bytes, call: _Call, opened: dict[str, str]
    ) -> AsyncIterator[Event]:
        response, events, first = await acall_with_retries(
            lambda: self._aopen_stream(content, call, opened),
            self.max_retries,
            self._async_sleep,
        )
        try:
            yield first
            if first.get("type") == "message_stop":
                return
            try:
                async for event in events:
                    yield event
                    if event.get("type") == "message_stop":
                        return
            except httpx2.TransportError as exc:
                raise interrupted(exc, self.url, self._redact) from exc
        finally:
            await response.aclose()

    async def _aopen_stream(
        self, content: bytes, call: _Call, opened: dict[str, str]
    ) -> tuple[httpx2.Response, AsyncIterator[Event], Event]:
        client = self.async_client()
        deadline = call.options.deadline(self.timeout)
        try:
            with attempt_deadline(deadline):
                request = self._request(client, content, call.headers, call.options)
                response = await client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.url, self._redact) from exc
        try:
            if response.status_code >= 300 or not is_sse(response):
                with attempt_deadline(deadline):
                    data, _ = self._finish(response, await bodies.aread(response, self.url))
                events: AsyncIterator[Event] = aiter_events(events_from_message(data))
            else:
                events = adecode(self._decoder(response, idle=call.options.idle(self.stream_idle)))
            first = await events.__anext__()
            opened.update(response.headers)
            return response, events, first
        except httpx2.TransportError as exc:
            await response.aclose()
            raise transport_error(exc, self.url, self._redact) from exc
        except BaseException:
            await response.aclose()
            raise
