"""The Messages client: httpx2 transport, error mapping, retries (tenacity) and SSE (EventSource).

It speaks wire dicts only; nothing here knows about LangChain. Retries wrap everything up to the
first stream event, so a stream that has yielded something is never silently restarted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Literal

import httpx2

from .._version import __version__
from ..errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    CometAPIError,
    InvalidResponseError,
    StreamError,
    StreamInterruptedError,
    StreamTimeoutError,
    error_from_event,
    error_from_response,
    redact,
)
from .retry import acall_with_retries, call_with_retries, is_retryable, parse_retry_after

logger = logging.getLogger("langchain_cometapi")

_SSE_ACCEPT = {"accept": "text/event-stream"}
MAX_EVENT_BYTES = 16 * 1024 * 1024  # one event; a runaway stream must not eat memory
USER_AGENT = f"langchain-cometapi/{__version__}"

Event = dict[str, Any]


class MessagesClient:
    """Sync and async client for ``POST {base_url}/v1/messages``; one per chat model instance."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        auth: Literal["x-api-key", "bearer"] = "x-api-key",
        timeout: float | None = 60.0,
        max_retries: int = 2,
        anthropic_version: str = "2023-06-01",
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        http_async_client: httpx2.AsyncClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.url = messages_url(base_url)
        self._secret = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self._sleep = sleep
        self._async_sleep = async_sleep
        headers = {
            "anthropic-version": anthropic_version,
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": USER_AGENT,
        }
        if api_key:
            if auth == "bearer":
                headers["authorization"] = f"Bearer {api_key}"
            else:
                headers["x-api-key"] = api_key
        for key, value in (default_headers or {}).items():
            headers[key.lower()] = value
        self._headers = headers
        self._stream_headers = {**headers, "accept": "text/event-stream"}
        self._client = http_client
        self._owns_client = http_client is None
        # Called with each successful response's Date header (the cache planner's clock).
        self.on_date: Callable[[str | None], None] | None = None
        self._async_client = http_async_client
        self._async_clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, httpx2.AsyncClient
        ] = weakref.WeakKeyDictionary()

    def has_auth(self, extra_headers: Mapping[str, str] | None = None) -> bool:
        """Whether requests carry credentials (the key, or auth headers the user supplies)."""
        if "x-api-key" in self._headers or "authorization" in self._headers:
            return True
        return any(k.lower() in ("x-api-key", "authorization") for k in extra_headers or ())

    # -- clients -------------------------------------------------------------------------------
    def _timeout(self) -> httpx2.Timeout:
        if self.timeout is None:
            return httpx2.Timeout(None)
        return httpx2.Timeout(self.timeout, connect=min(10.0, self.timeout))

    def _limits(self) -> httpx2.Limits:
        return httpx2.Limits(max_connections=512, max_keepalive_connections=128)

    def sync_client(self) -> httpx2.Client:
        if self._client is None:
            self._client = httpx2.Client(
                timeout=self._timeout(), limits=self._limits(), headers=self._headers
            )
        return self._client

    def async_client(self) -> httpx2.AsyncClient:
        """One AsyncClient per event loop: an httpx2 pool cannot outlive or cross loops."""
        if self._async_client is not None:
            return self._async_client
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = httpx2.AsyncClient(
                timeout=self._timeout(), limits=self._limits(), headers=self._headers
            )
            self._async_clients[loop] = client
        return client

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        client = self._async_clients.pop(loop, None)
        if client is not None:
            await client.aclose()

    # -- helpers -------------------------------------------------------------------------------
    def _encode(self, body: Mapping[str, Any]) -> bytes:
        try:
            return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"the request cannot be encoded as JSON ({exc}); tool arguments, metadata and "
                "model_kwargs must be JSON-serialisable"
            ) from exc

    def _headers_for(
        self, stream: bool, extra: Mapping[str, str] | None, *, in_client: bool
    ) -> Mapping[str, str] | None:
        """Per-request headers. Our own clients carry the fixed ones as defaults (httpx2 merges
        those ~15 us a call cheaper than per-request ones); a user's client gets them all."""
        if in_client:
            if stream:
                return {**_SSE_ACCEPT, **extra} if extra else _SSE_ACCEPT
            return extra or None
        base = self._stream_headers if stream else self._headers
        return {**base, **extra} if extra else base

    def _status_error(self, response: httpx2.Response, text: str) -> APIStatusError:
        exc = error_from_response(
            response.status_code,
            text,
            url=self.url,
            request_id=_request_id(response.headers),
            retry_after=parse_retry_after(response.headers),
            secret=self._secret,
        )
        should = response.headers.get("x-should-retry")
        if should in ("true", "false"):
            exc.should_retry = should == "true"  # type: ignore[attr-defined]
        return exc

    def _map_transport_error(self, exc: Exception) -> CometAPIError:
        msg = redact(f"{type(exc).__name__}: {exc}", self._secret)
        if isinstance(exc, httpx2.TimeoutException):
            return APITimeoutError(f"request to {self.url} timed out ({msg})")
        return APIConnectionError(f"connection to {self.url} failed ({msg})")

    def _cut(self) -> StreamError:
        return StreamError(
            f"the stream from {self.url} ended before message_stop; the reply is incomplete"
        )

    def _interrupted(self, exc: Exception) -> StreamInterruptedError:
        msg = redact(f"{type(exc).__name__}: {exc}", self._secret)
        if isinstance(exc, httpx2.TimeoutException):
            return StreamTimeoutError(
                f"the stream from {self.url} stalled ({msg}); reply incomplete"
            )
        return StreamInterruptedError(
            f"the connection to {self.url} failed mid-stream ({msg}); the reply is incomplete"
        )

    def _parse_json(self, response: httpx2.Response, text: str) -> dict[str, Any]:
        try:
            data = json.loads(text)
        except ValueError:
            snippet = redact(" ".join(text.split())[:200], self._secret)
            raise InvalidResponseError(
                f"expected a JSON Messages response from {self.url}, got {snippet!r}",
                status_code=response.status_code,
                request_id=_request_id(response.headers),
            ) from None
        if not isinstance(data, dict):
            raise InvalidResponseError(
                f"expected a JSON object from {self.url}, got {type(data).__name__}",
                status_code=response.status_code,
                request_id=_request_id(response.headers),
            )
        if data.get("type") == "error" or ("error" in data and "content" not in data):
            raise self._status_error_from_200(response, text)
        return data

    def _status_error_from_200(self, response: httpx2.Response, text: str) -> APIStatusError:
        """Some proxies answer 200 with an error body: treat it by its error type."""
        exc = error_from_response(
            500, text, url=self.url, request_id=_request_id(response.headers), secret=self._secret
        )
        exc.status_code = response.status_code
        return exc

    # -- JSON ----------------------------------------------------------------------------------
    def create(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One Messages call; returns the response body and its headers."""
        content = self._encode(body)
        headers = self._headers_for(False, extra_headers, in_client=self._owns_client)
        return call_with_retries(
            lambda: self._create_once(content, headers), self.max_retries, is_retryable, self._sleep
        )

    def _create_once(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        try:
            response = self.sync_client().post(self.url, content=content, headers=headers)
        except httpx2.TransportError as exc:
            raise self._map_transport_error(exc) from exc
        return self._finish(response, response.text)

    def _finish(
        self, response: httpx2.Response, text: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        logger.debug(
            "POST %s -> %s (request-id %s)",
            self.url,
            response.status_code,
            _request_id(response.headers),
        )
        if response.status_code >= 400:
            raise self._status_error(response, text)
        data = self._parse_json(response, text)
        self._date_seen(response)
        return data, dict(response.headers)

    def _date_seen(self, response: httpx2.Response) -> None:
        if self.on_date is not None:
            self.on_date(response.headers.get("date"))

    async def acreate(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        content = self._encode(body)
        headers = self._headers_for(False, extra_headers, in_client=self._async_client is None)
        return await acall_with_retries(
            lambda: self._acreate_once(content, headers),
            self.max_retries,
            is_retryable,
            self._async_sleep,
        )

    async def _acreate_once(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        try:
            response = await self.async_client().post(self.url, content=content, headers=headers)
        except httpx2.TransportError as exc:
            raise self._map_transport_error(exc) from exc
        return self._finish(response, response.text)

    # -- SSE -----------------------------------------------------------------------------------
    def stream(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> Iterator[Event]:
        """Messages events (ping dropped); raises on an error event or a cut stream."""
        content = self._encode({**body, "stream": True})
        headers = self._headers_for(True, extra_headers, in_client=self._owns_client)
        cm, events, first = call_with_retries(
            lambda: self._open_stream(content, headers), self.max_retries, is_retryable, self._sleep
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
                raise self._interrupted(exc) from exc
            raise self._cut()
        finally:
            cm.__exit__(None, None, None)

    def _open_stream(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[AbstractContextManager[httpx2.Response], Iterator[Event], Event]:
        cm = self.sync_client().stream("POST", self.url, content=content, headers=headers)
        try:
            response = cm.__enter__()
        except httpx2.TransportError as exc:
            raise self._map_transport_error(exc) from exc
        try:
            if response.status_code >= 400:
                raise self._status_error(response, response.read().decode("utf-8", "replace"))
            self._date_seen(response)
            if not _is_sse(response):
                data, _ = self._finish(response, response.read().decode("utf-8", "replace"))
                events: Iterator[Event] = iter(events_from_message(data))
            else:
                events = self._decode(response)
            first = next(events, None)
            if first is None:
                raise StreamError(f"the stream from {self.url} ended before any event")
            return cm, events, first
        except httpx2.TransportError as exc:
            cm.__exit__(type(exc), exc, exc.__traceback__)
            raise self._map_transport_error(exc) from exc
        except BaseException as exc:
            cm.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def _decode(self, response: httpx2.Response) -> Iterator[Event]:
        try:
            for item in httpx2.EventSource(response, max_event_size=MAX_EVENT_BYTES):
                event = self._event(item.event, item.data, response)
                if event is not None:
                    yield event
        except httpx2.SSEError as exc:
            raise self._sse_error(exc, response) from exc

    def _sse_error(self, exc: httpx2.SSEError, response: httpx2.Response) -> StreamError:
        # SSEError is an httpx2 TransportError, but it means a bad stream, not a bad connection.
        return StreamError(
            f"unusable event stream from {self.url}: {exc}",
            request_id=_request_id(response.headers),
        )

    def _event(self, name: str, raw: str, response: httpx2.Response) -> Event | None:
        if name == "ping" or not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            raise StreamError(
                f"malformed event data in the stream from {self.url}: {raw[:200]!r}",
                request_id=_request_id(response.headers),
            ) from None
        if not isinstance(data, dict):
            return None
        kind = data.get("type") or name
        if kind == "error" or name == "error":
            raise error_from_event(data, request_id=_request_id(response.headers))
        if kind == "ping":
            return None
        if "type" not in data:
            data["type"] = kind
        return data

    async def astream(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> AsyncIterator[Event]:
        content = self._encode({**body, "stream": True})
        headers = self._headers_for(True, extra_headers, in_client=self._async_client is None)
        cm, events, first = await acall_with_retries(
            lambda: self._aopen_stream(content, headers),
            self.max_retries,
            is_retryable,
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
                raise self._interrupted(exc) from exc
            raise self._cut()
        finally:
            await cm.__aexit__(None, None, None)

    async def _aopen_stream(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[AbstractAsyncContextManager[httpx2.Response], AsyncIterator[Event], Event]:
        cm = self.async_client().stream("POST", self.url, content=content, headers=headers)
        try:
            response = await cm.__aenter__()
        except httpx2.TransportError as exc:
            raise self._map_transport_error(exc) from exc
        try:
            if response.status_code >= 400:
                raw = await response.aread()
                raise self._status_error(response, raw.decode("utf-8", "replace"))
            self._date_seen(response)
            if not _is_sse(response):
                raw = await response.aread()
                data, _ = self._finish(response, raw.decode("utf-8", "replace"))
                events: AsyncIterator[Event] = _aiter(events_from_message(data))
            else:
                events = self._adecode(response)
            try:
                first = await events.__anext__()
            except StopAsyncIteration:
                raise StreamError(f"the stream from {self.url} ended before any event") from None
            return cm, events, first
        except httpx2.TransportError as exc:
            await cm.__aexit__(type(exc), exc, exc.__traceback__)
            raise self._map_transport_error(exc) from exc
        except BaseException as exc:
            await cm.__aexit__(type(exc), exc, exc.__traceback__)
            raise

    async def _adecode(self, response: httpx2.Response) -> AsyncIterator[Event]:
        try:
            async for item in httpx2.EventSource(response, max_event_size=MAX_EVENT_BYTES):
                event = self._event(item.event, item.data, response)
                if event is not None:
                    yield event
        except httpx2.SSEError as exc:
            raise self._sse_error(exc, response) from exc


async def _aiter(items: list[Event]) -> AsyncIterator[Event]:
    for item in items:
        yield item


def _is_sse(response: httpx2.Response) -> bool:
    return "text/event-stream" in response.headers.get("content-type", "")


def _request_id(headers: Mapping[str, str]) -> str | None:
    return headers.get("request-id") or headers.get("x-request-id")


def messages_url(base_url: str) -> str:
    """``{base}/v1/messages``, tolerating a base that already ends in /v1 or /v1/messages."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/v1/messages"):
        return base
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return f"{base}/v1/messages"


def events_from_message(message: Mapping[str, Any]) -> list[Event]:
    """The event sequence equivalent to a full message, for proxies that ignore ``stream``."""
    start = {k: v for k, v in message.items() if k not in ("content", "stop_reason", "usage")}
    start["content"] = []
    usage = dict(message.get("usage") or {})
    start["usage"] = usage
    events: list[Event] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(message.get("content") or []):
        events.append({"type": "content_block_start", "index": index, "content_block": block})
        events.append({"type": "content_block_stop", "index": index})
    events.append(
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": message.get("stop_reason"),
                "stop_sequence": message.get("stop_sequence"),
            },
            "usage": {"output_tokens": usage.get("output_tokens", 0)},
        }
    )
    events.append({"type": "message_stop"})
    return events
