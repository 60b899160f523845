"""The Messages client: sends wire dicts to ``POST {base}/v1/messages``, sync and async.

It speaks wire dicts only; nothing here knows about LangChain. What it adds to httpx2, and why:
pools shared per process and per event loop (``pools``), a total deadline per attempt for
non-streaming calls and an idle bound for streams (``deadline``, ``sse``), credentials signed per
request for the configured origin only (``credentials``), a cap on decoded bodies, and retries
(``retry``) that wrap everything up to the first stream event, so a stream that has yielded
something is never silently restarted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import httpx2

from . import body as bodies
from . import pools
from .assemble import buffered, fold
from .credentials import (
    KeyAuth,
    Redactor,
    check_headers,
    clean_key,
    messages_url,
    split_base_url,
)
from .deadline import attempt_deadline
from .errors import (
    error_from_response,
    error_in_2xx,
    interrupted,
    invalid_response,
    loads,
    not_a_message,
    redirect_error,
    request_id,
    snippet,
    transport_error,
)
from .retry import acall_with_retries, call_with_retries
from .sse import (
    Event,
    EventDecoder,
    EventStream,
    adecode,
    aiter_events,
    decode,
    events_from_message,
    is_sse,
)

logger = logging.getLogger("langchain_cometapi")

_SSE_ACCEPT = {"accept": "text/event-stream"}
_AUTH_HEADERS = ("x-api-key", "authorization")
#: the chat model's settings a client is built from (besides the key)
CLIENT_SETTINGS = (
    "base_url", "auth", "timeout", "max_retries", "anthropic_version", "default_headers", "betas",
    "http_client", "http_async_client",
)  # fmt: skip


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
        betas: Sequence[str] | None = None,
        http_client: httpx2.Client | None = None,
        http_async_client: httpx2.AsyncClient | None = None,
        secrets: Sequence[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        key = clean_key(api_key)
        base, basic = split_base_url(base_url)
        self.url = messages_url(base)  # never has userinfo: safe to print
        check_headers(default_headers, "default_headers")
        own = [v for k, v in (default_headers or {}).items() if k.lower() in _AUTH_HEADERS]
        password = httpx2.URL(base_url.strip()).password
        self._redact = Redactor(api_key, key, basic, password, *own, *secrets)
        check_headers({"anthropic-version": anthropic_version}, "anthropic_version")
        self.timeout = timeout
        self.max_retries = max_retries
        self._sleep = sleep
        self._async_sleep = async_sleep
        credentials: dict[str, str] = {}
        if basic:
            credentials["authorization"] = basic
        if key:
            credentials.update(
                {"authorization": f"Bearer {key}"} if auth == "bearer" else {"x-api-key": key}
            )
        self._origin = httpx2.URL(self.url)
        self._credentials = credentials
        self._auth = KeyAuth(self._origin, credentials)
        headers = {
            "anthropic-version": anthropic_version,
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": pools.USER_AGENT,
        }
        for name, value in (default_headers or {}).items():
            headers[name.lower()] = value
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
            check_headers({"anthropic-beta": headers["anthropic-beta"]}, "betas")
        self._headers = headers
        self._stream_headers = {**headers, **_SSE_ACCEPT}
        self._pool_key = pools.pool_key(timeout, headers)
        self._holder = pools.Holder()
        self._user_client = http_client
        self._user_async_client = http_async_client

    def has_auth(self, extra_headers: Mapping[str, str] | None = None) -> bool:
        """Whether requests carry credentials (the key, or auth headers the user supplies)."""
        if self._credentials or "x-api-key" in self._headers or "authorization" in self._headers:
            return True
        return any(k.lower() in ("x-api-key", "authorization") for k in extra_headers or ())

    def require_auth(self, extra_headers: Mapping[str, str] | None = None) -> None:
        if not self.has_auth(extra_headers):
            raise ValueError(
                "no CometAPI key: pass api_key=... or set COMETAPI_KEY (or COMETAPI_API_KEY); "
                "nothing was sent."
            )

    # -- clients and their lifecycle ------------------------------------------------------------
    def sync_client(self) -> httpx2.Client:
        return self._user_client or pools.sync_client(self._pool_key, self._holder)

    def async_client(self) -> httpx2.AsyncClient:
        """The running loop's client (an httpx2 pool cannot cross event loops)."""
        return self._user_async_client or pools.async_client(self._pool_key, self._holder)

    def close(self) -> None:
        """Release the shared pool for these settings; it is closed once no other live instance
        uses it (a user-supplied client is never closed)."""
        if self._user_client is None:
            pools.close_sync(self._pool_key, self._holder)

    async def aclose(self) -> None:
        if self._user_async_client is None:
            await pools.close_async(self._pool_key, self._holder)

    # -- request pieces -------------------------------------------------------------------------
    def _headers_for(
        self, stream: bool, extra: Mapping[str, str] | None, *, user: bool
    ) -> Mapping[str, str] | None:
        """Per-request headers. Our own clients carry the fixed ones as defaults (httpx2 merges
        those ~15 us a call cheaper than per-request ones); a user's client gets them all."""
        if extra:
            check_headers(extra, "headers")
            self._redact.remember(extra)  # a server echoing a per-call key is redacted too
        if not user:
            if stream:
                return {**_SSE_ACCEPT, **extra} if extra else _SSE_ACCEPT
            return extra or None
        base = self._stream_headers if stream else self._headers
        return {**base, **extra} if extra else base

    def _auth_for(self, client: httpx2.Client | httpx2.AsyncClient) -> KeyAuth:
        if client.follow_redirects:
            return KeyAuth(
                self._origin, self._credentials, follow=True, max_redirects=client.max_redirects
            )
        return self._auth

    def _finish(
        self, response: httpx2.Response, raw: bytes
    ) -> tuple[dict[str, Any], dict[str, str]]:
        status = response.status_code
        logger.debug(
            "POST %s -> %s (request-id %s)", self.url, status, request_id(response.headers)
        )
        text = bodies.text(raw)
        if status >= 400:
            raise error_from_response(
                status, text, url=self.url, headers=response.headers, redact=self._redact
            )
        if status >= 300:
            raise redirect_error(response, self.url, self._redact)
        if is_sse(response) and not text.lstrip().startswith("{"):  # events for a JSON request
            decoder = self._decoder(buffered(response, raw), folded=True)
            return fold(decode(decoder)), dict(response.headers)
        try:
            data = loads(text)
        except ValueError as exc:
            quoted = snippet(self._redact(text))
            raise invalid_response(
                f"expected a JSON Messages response from {self.url}, got {quoted!r} ({exc})",
                response,
            ) from None
        if not isinstance(data, dict):
            raise invalid_response(
                f"expected a JSON object from {self.url}, got {type(data).__name__}", response
            )
        if data.get("type") == "error" or ("error" in data and "content" not in data):
            raise error_in_2xx(response, text, self.url, self._redact)
        if not isinstance(data.get("content"), list):  # e.g. an OpenAI chat.completion
            raise not_a_message(data, response, self.url, self._redact)
        return data, dict(response.headers)

    # -- JSON ----------------------------------------------------------------------------------
    def create(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One Messages call; returns the response body and its headers."""
        content = bodies.encode(body, self._redact)
        headers = self._headers_for(False, extra_headers, user=self._user_client is not None)
        return call_with_retries(
            lambda: self._create_once(content, headers), self.max_retries, self._sleep
        )

    def _create_once(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        client = self.sync_client()
        with attempt_deadline(self.timeout):
            try:
                request = client.build_request("POST", self.url, content=content, headers=headers)
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
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        content = bodies.encode(body, self._redact)
        user = self._user_async_client is not None
        headers = self._headers_for(False, extra_headers, user=user)
        return await acall_with_retries(
            lambda: self._acreate_once(content, headers), self.max_retries, self._async_sleep
        )

    async def _acreate_once(
        self, content: bytes, headers: Mapping[str, str] | None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        client = self.async_client()
        with attempt_deadline(self.timeout):
            try:
                request = client.build_request("POST", self.url, content=content, headers=headers)
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
    def stream(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> EventStream:
        """Messages events (ping dropped); raises on an error event or a cut stream."""
        content = bodies.encode({**body, "stream": True}, self._redact)
        headers = self._headers_for(True, extra_headers, user=self._user_client is not None)
        opened = EventStream()
        opened._events = self._events(content, headers, opened.headers)
        return opened

    def _events(
        self, content: bytes, headers: Mapping[str, str] | None, opened: dict[str, str]
    ) -> Iterator[Event]:
        response, events, first = call_with_retries(
            lambda: self._open_stream(content, headers, opened), self.max_retries, self._sleep
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
        self, content: bytes, headers: Mapping[str, str] | None, opened: dict[str, str]
    ) -> tuple[httpx2.Response, Iterator[Event], Event]:
        client = self.sync_client()
        try:
            with attempt_deadline(self.timeout):  # a total bound up to the headers
                request = client.build_request("POST", self.url, content=content, headers=headers)
                response = client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.url, self._redact) from exc
        try:
            if response.status_code >= 300 or not is_sse(response):
                with attempt_deadline(self.timeout):
                    data, _ = self._finish(response, bodies.read(response, self.url))
                events: Iterator[Event] = iter(events_from_message(data))
            else:
                events = decode(self._decoder(response))
            first = next(events)
            opened.update(response.headers)
            return response, events, first
        except httpx2.TransportError as exc:
            response.close()
            raise transport_error(exc, self.url, self._redact) from exc
        except BaseException:
            response.close()
            raise

    def _decoder(self, response: httpx2.Response, folded: bool = False) -> EventDecoder:
        return EventDecoder(
            response, url=self.url, idle=self.timeout, redact=self._redact, folded=folded
        )

    def astream(
        self, body: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> EventStream:
        content = bodies.encode({**body, "stream": True}, self._redact)
        user = self._user_async_client is not None
        headers = self._headers_for(True, extra_headers, user=user)
        opened = EventStream()
        opened._events = self._aevents(content, headers, opened.headers)
        return opened

    async def _aevents(
        self, content: bytes, headers: Mapping[str, str] | None, opened: dict[str, str]
    ) -> AsyncIterator[Event]:
        response, events, first = await acall_with_retries(
            lambda: self._aopen_stream(content, headers, opened),
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
        self, content: bytes, headers: Mapping[str, str] | None, opened: dict[str, str]
    ) -> tuple[httpx2.Response, AsyncIterator[Event], Event]:
        client = self.async_client()
        try:
            with attempt_deadline(self.timeout):
                request = client.build_request("POST", self.url, content=content, headers=headers)
                response = await client.send(
                    request, stream=True, auth=self._auth_for(client), follow_redirects=False
                )
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.url, self._redact) from exc
        try:
            if response.status_code >= 300 or not is_sse(response):
                with attempt_deadline(self.timeout):
                    data, _ = self._finish(response, await bodies.aread(response, self.url))
                events: AsyncIterator[Event] = aiter_events(events_from_message(data))
            else:
                events = adecode(self._decoder(response))
            first = await events.__anext__()
            opened.update(response.headers)
            return response, events, first
        except httpx2.TransportError as exc:
            await response.aclose()
            raise transport_error(exc, self.url, self._redact) from exc
        except BaseException:
            await response.aclose()
            raise

