"""The Messages client's setup: credentials, headers, pools, request building, answers read.

``client.MessagesClient`` sends; this base holds what every send shares, so that each sending
path (sync and async, JSON and stream) builds its request and reads its answer the same way:
the URL (with a call's ``extra_query``), the headers, the credentials signed for the configured
origin only, the call's timeout (``options``), and a response turned into a dict or an error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
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
from .errors import (
    error_from_response,
    error_in_2xx,
    invalid_response,
    loads,
    not_a_message,
    redirect_error,
    request_id,
    snippet,
)
from .options import CallOptions, call_options
from .sse import EventDecoder, decode, is_sse

logger = logging.getLogger("langchain_cometapi")

_SSE_ACCEPT = {"accept": "text/event-stream"}
_AUTH_HEADERS = ("x-api-key", "authorization")


class ClientBase:
    """What the sync and async senders of ``MessagesClient`` share (see the module doc)."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str,
        auth: Literal["x-api-key", "bearer"] = "x-api-key",
        timeout: float | None = 60.0,
        stream_chunk_timeout: float | None = None,
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
        #: a stream's idle bound (pings aside): ``stream_chunk_timeout``, else ``timeout``; 0: none
        self.stream_idle = timeout if stream_chunk_timeout is None else stream_chunk_timeout or None
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

    def prepare(self, headers: Mapping[str, str] | None, given: Mapping[str, Any]) -> CallOptions:
        """One call's checked options (``given``: its ``timeout`` / ``extra_query``); a
        ValueError before anything is sent, also when no credentials would be sent."""
        options = call_options(headers, given)
        self.require_auth(headers)
        return options

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

    def _request(
        self,
        client: httpx2.Client | httpx2.AsyncClient,
        content: bytes,
        headers: Mapping[str, str] | None,
        options: CallOptions,
    ) -> httpx2.Request:
        """The POST of one attempt: the call's query merged into the URL, its timeout applied."""
        url = self._origin.copy_merge_params(options.query) if options.query else self.url
        timeout = options.httpx_timeout()
        return client.build_request("POST", url, content=content, headers=headers, timeout=timeout)

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
        if _carries_events(response, text):  # events for a JSON request, or unlabelled ones
            decoder = self._decoder(buffered(response, raw), True, self.timeout)
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
        if _content_left_out(data):  # Go's omitempty dropped an empty list (new-api's replies)
            data["content"] = []
        if not isinstance(data.get("content"), list):  # e.g. an OpenAI chat.completion
            raise not_a_message(data, response, self.url, self._redact)
        return data, dict(response.headers)

    def _decoder(
        self, response: httpx2.Response, folded: bool = False, idle: float | None = None
    ) -> EventDecoder:
        """Events of ``response``; ``idle``: the call's idle bound (``CallOptions.idle``)."""
        return EventDecoder(response, url=self.url, idle=idle, redact=self._redact, folded=folded)


def _carries_events(response: httpx2.Response, text: str) -> bool:
    """Whether a 2xx body is an event stream: labelled so unless it holds a JSON reply (new-api
    sets the label before it knows the answer), or framed as one under another label or none
    (``event:`` / ``data:`` / a ``:`` comment first, which no JSON starts with), as a proxy that
    drops or rewrites ``Content-Type`` leaves it; the Anthropic SDK reads such a stream too."""
    start = text.lstrip("\ufeff \t\r\n")
    if is_sse(response):
        return not start.startswith("{")
    return start.startswith(("event:", "data:", ":"))


def _content_left_out(data: dict[str, Any]) -> bool:
    """An assistant ``message`` without ``content`` (absent or null) is an empty reply: new-api
    writes the replies it converts from a Go struct whose ``content`` is ``omitempty``. Other
    objects without a content list (an OpenAI ``chat.completion``) stay refused."""
    return (
        data.get("type") == "message"
        and data.get("role") == "assistant"
        and data.get("content") is None
    )
