"""MessagesEmulator: the offline ``POST /v1/messages`` endpoint (validation, replies, cache),
plus ``POST /v1/messages/count_tokens`` and ``GET /v1/models`` (``_endpoints``)."""

from __future__ import annotations

import collections
import email.utils
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ._betas import check_betas, enabled_betas
from ._cache import CacheEntry, CacheStats, PromptCache
from ._default_reply import default_reply
from ._endpoints import count_tokens, model_list, model_object
from ._layout import build_layout
from ._render import Final, finalize, message_body, sse_error_event, sse_stream, usage_dict
from ._replies import Reply, status_for_error_type
from ._response import EmulatorResponse
from ._validate import ApiError, check_model, validate_request

__all__ = ["EMULATOR_HEADER", "MessagesEmulator"]

EMULATOR_HEADER = ("x-emulator", "langchain-cometapi")
#: Recorded requests never hold a credential header (``x-api-key``, ``api-key``, any ``*auth*``,
#: ``*token*``, ``*secret*``, cookies): a test or demo that prints ``requests`` leaks nothing.
_SECRET_HEADER = re.compile(r"auth|cookie|key|token|secret|password|credential", re.IGNORECASE)
_NOT_FOUND_HTML = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_NOT_ALLOWED_HTML = _NOT_FOUND_HTML.replace("404 Not Found", "405 Not Allowed")
_JSON = "application/json"
_SSE = "text/event-stream; charset=utf-8"

_POST_ROUTES = frozenset({"/v1/messages", "/v1/messages/count_tokens"})

Responder = Callable[[dict[str, Any]], "Reply | None"]
_INSTANCES = itertools.count(1)


class MessagesEmulator:
    """Endpoint logic: ``handle(method, path, headers, body) -> EmulatorResponse``.

    Replies come from the script queue (:meth:`script`, :meth:`enqueue`), then ``responder``,
    then a deterministic default derived from the request. Every request is recorded in
    :attr:`requests` (secrets redacted). Thread-safe: one instance can serve a threaded server.

    ``latency`` (seconds, default None) models requests in flight: each ``/v1/messages`` answer
    starts ``latency`` seconds after the request arrived (added to any scripted delay), its cache
    reads are decided on arrival and its cache writes become readable only when the response
    begins (``EmulatorResponse.begin``, which both transports call), so requests sent
    concurrently all miss and all write a shared prefix, as on the real API. None keeps the
    cache atomic: a request's writes are readable by the very next request.

    ``lengthen_on_read`` (default True): a read under a marker with a longer TTL than the entry
    (``1h`` on a live ``5m`` entry) lengthens the entry for free. The real API does not document
    this case; False keeps the entry's own TTL, to check that a figure does not depend on it.

    ``base_url`` is this instance's own origin (``http://emulator-<n>.invalid``): what a planner
    learns about an endpoint (it refused ``ttl``, it ignores 1h) is remembered per base URL for
    the whole process, so two emulators, e.g. in two tests, must not look like one endpoint.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        responder: Responder | None = None,
        clock: Callable[[], float] = time.monotonic,
        usage_in_delta: bool = False,
        ping_every: int = 0,
        service_tier: str = "standard",
        strict_fields: bool = True,
        strict_models: bool = True,
        seed: int = 0,
        latency: float | None = None,
        lengthen_on_read: bool = True,
    ) -> None:
        if latency is not None and not latency >= 0:
            raise ValueError(f"latency must be None or a number of seconds >= 0; got {latency}")
        self.latency = latency
        self.api_key = api_key
        self.responder = responder
        self.clock = clock
        # Date headers follow the injectable clock, from today's wall time, like a real server.
        self._epoch_base = time.time() - clock()
        self.usage_in_delta = usage_in_delta
        self.ping_every = ping_every
        self.service_tier = service_tier
        self.strict_fields = strict_fields
        # False: serve any model id (a gateway's own names), not only Claude-shaped ones.
        self.strict_models = strict_models
        self.seed = seed
        self.cache = PromptCache(clock, lengthen_on_read)
        self.requests: list[dict[str, Any]] = []
        self._queue: collections.deque[Reply] = collections.deque()
        self._lock = threading.Lock()
        self._counter = 0
        self.base_url = f"http://emulator-{next(_INSTANCES)}.invalid"

    # ----- scripting -----------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        """Replace the queue of scripted replies (consumed one per request, in order)."""
        with self._lock:
            self._queue = collections.deque(replies)

    def enqueue(self, *replies: Reply) -> None:
        """Append scripted replies after those already queued."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet consumed."""
        return len(self._queue)

    # ----- inspection ----------------------------------------------------------------------
    @property
    def last_request(self) -> dict[str, Any]:
        if not self.requests:
            raise LookupError("the emulator has received no request")
        return self.requests[-1]

    def cache_stats(self) -> CacheStats:
        return self.cache.stats()

    def cache_entries(self) -> list[CacheEntry]:
        return self.cache.entries()

    def clear(self) -> None:
        """Forget recorded requests, scripted replies and cache entries."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()
        self.cache.clear()

    # ----- ids -----------------------------------------------------------------------------
    def _next_id(self, prefix: str, length: int = 24) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        return prefix + hashlib.sha256(f"{self.seed}:{prefix}:{n}".encode()).hexdigest()[:length]

    # ----- endpoint ------------------------------------------------------------------------
    def handle(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | Mapping[str, Any],
    ) -> EmulatorResponse:
        """Answer one HTTP request (``body`` as raw bytes, or an already-parsed dict)."""
        request_id = self._next_id("req_emu_")
        lower = {k.lower(): v for k, v in headers.items()}
        parsed: Any
        if isinstance(body, Mapping):
            parsed = body
        else:
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body
        route = path.split("?", 1)[0].rstrip("/")
        record = {
            "method": method.upper(),
            "path": route,
            "headers": {
                k: ("<redacted>" if _SECRET_HEADER.search(k) else v) for k, v in lower.items()
            },
            "body": parsed,
        }
        with self._lock:
            self.requests.append(record)

        expected = "GET" if route.startswith("/v1/models") else "POST"
        if route not in _POST_ROUTES and not route.startswith("/v1/models"):
            return self._raw(404, _NOT_FOUND_HTML.encode(), "text/html", request_id)
        if method.upper() != expected:
            return self._raw(405, _NOT_ALLOWED_HTML.encode(), "text/html", request_id)
        auth_error = self._check_auth(lower)
        if auth_error:
            return self._error(401, "authentication_error", auth_error, request_id)
        if route != "/v1/messages":
            return self._side_endpoint(route, parsed, lower, request_id)
        if not isinstance(parsed, Mapping):
            return self._error(
                400,
                "invalid_request_error",
                "There was an issue with your request body: it is not valid JSON",
                request_id,
            )
        try:
            validate_request(parsed, strict_fields=self.strict_fields, betas=enabled_betas(lower))
            if self.strict_models:
                check_model(str(parsed["model"]))
            check_betas(parsed, lower)
        except ApiError as exc:
            return self._error(exc.status, exc.error_type, exc.message, request_id)
        return self._reply(parsed, self._next_reply(parsed), request_id)

    def _side_endpoint(
        self, route: str, parsed: Any, headers: Mapping[str, str], request_id: str
    ) -> EmulatorResponse:
        """``count_tokens`` and ``/v1/models`` (see ``_endpoints``)."""
        payload: dict[str, Any] | None
        if route == "/v1/messages/count_tokens":
            try:
                payload = count_tokens(parsed, strict_fields=self.strict_fields)
                check_betas(parsed, headers)
            except ApiError as exc:
                return self._error(exc.status, exc.error_type, exc.message, request_id)
        elif route == "/v1/models":
            payload = model_list()
        else:
            model_id = route[len("/v1/models/") :]
            payload = model_object(model_id)
            if payload is None:
                return self._error(404, "not_found_error", f"model: {model_id}", request_id)
        data = json.dumps(payload, separators=(",", ":")).encode()
        return self._raw(200, data, _JSON, request_id)

    def _check_auth(self, headers: Mapping[str, str]) -> str | None:
        key = headers.get("x-api-key", "").strip()
        bearer = headers.get("authorization", "")
        if not key and bearer.lower().startswith("bearer "):
            key = bearer[7:].strip()
        if not key:
            return "x-api-key header is required"
        if self.api_key is not None and key != self.api_key:
            return "invalid x-api-key"
        return None

    def _next_reply(self, body: Mapping[str, Any]) -> Reply:
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        if scripted is not None:
            return scripted
        return self._fallback(body)

    def _fallback(self, body: Mapping[str, Any]) -> Reply:
        if self.responder is not None:
            answer = self.responder(dict(body))
            if answer is not None:
                return answer
        return default_reply(body)

    # ----- rendering -----------------------------------------------------------------------
    def _headers(self, request_id: str, content_type: str) -> list[tuple[str, str]]:
        date = email.utils.formatdate(self._epoch_base + self.clock(), usegmt=True)
        return [
            ("content-type", content_type),
            ("request-id", request_id),
            ("date", date),
            EMULATOR_HEADER,
        ]

    def _raw(
        self,
        status: int,
        data: bytes,
        content_type: str,
        request_id: str,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> EmulatorResponse:
        headers = self._headers(request_id, content_type) + list(extra)
        headers.append(("content-length", str(len(data))))
        return EmulatorResponse(status, headers, [data])

    def _error(
        self,
        status: int,
        error_type: str,
        message: str,
        request_id: str,
        style: str = "anthropic",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> EmulatorResponse:
        payload: dict[str, Any]
        if style == "openai":
            payload = {
                "error": {"message": message, "type": error_type, "param": None, "code": None}
            }
        else:
            payload = {
                "type": "error",
                "error": {"type": error_type, "message": message},
                "request_id": request_id,
            }
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self._raw(status, data, _JSON, request_id, extra)

    def _reply(self, body: Mapping[str, Any], reply: Reply, request_id: str) -> EmulatorResponse:
        delay = 0.0
        while reply.kind == "delay":
            delay += reply.seconds
            reply = reply.then if reply.then is not None else self._fallback(body)
        response = self._render(body, reply, request_id)
        response.delay = delay + (self.latency or 0.0)
        return response

    def _render(self, body: Mapping[str, Any], reply: Reply, request_id: str) -> EmulatorResponse:
        kind = reply.kind
        if kind == "error":
            return self._error(reply.status, reply.error_type or "api_error", reply.message,
                               request_id, reply.style, reply.headers)  # fmt: skip
        if kind == "raw":
            return self._raw(
                reply.status, reply.body, reply.content_type, request_id, reply.headers
            )
        if kind == "reset":
            return EmulatorResponse(0, [], fault="reset", rst=reply.rst)
        stream = bool(body.get("stream"))
        if kind == "stream_error" and not stream:
            status = reply.status or status_for_error_type(reply.error_type or "api_error")
            return self._error(status, reply.error_type or "api_error", reply.message, request_id)

        model = str(reply.model or body["model"])
        layout = build_layout(body)
        commit = None
        if self.latency is None:
            usage = self.cache.account(layout, str(body["model"]))
        else:
            usage, commit = self.cache.account_in_flight(layout, str(body["model"]))
        final = finalize(
            reply.blocks,
            max_tokens=int(body["max_tokens"]),
            stop_sequences=body.get("stop_sequences") or (),
            stop_reason=reply.stop_reason,
            new_tool_id=lambda: self._next_id("toolu_emu_"),
        )
        message = message_body(
            self._next_id("msg_emu_"),
            model,
            final,
            usage_dict(
                input_tokens=usage.input_tokens,
                cache_read=usage.cache_read_input_tokens,
                write_5m=usage.cache_write_5m,
                write_1h=usage.cache_write_1h,
                output_tokens=final.output_tokens,
                service_tier=self.service_tier,
            ),
        )
        response = self._render_message(message, final, reply, request_id, stream)
        response.on_begin = commit
        return response

    def _render_message(
        self, message: dict[str, Any], final: Final, reply: Reply, request_id: str, stream: bool
    ) -> EmulatorResponse:
        if stream:
            return self._render_stream(message, final, reply, request_id)
        kind = reply.kind
        data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
        if kind in ("malformed_json", "stream_cut"):
            return self._raw(200, data[: max(1, len(data) // 2)], _JSON, request_id)
        response = self._raw(200, data, _JSON, request_id)
        if kind == "reset_midstream":
            response.chunks = [data[: len(data) // 2]]
            response.fault = "reset_midstream"
        return response

    def _render_stream(
        self, message: dict[str, Any], final: Final, reply: Reply, request_id: str
    ) -> EmulatorResponse:
        kind = reply.kind
        complete = kind in ("content", "malformed_json")
        events = sse_stream(
            message,
            chunks=reply.chunks,
            ping_every=self.ping_every,
            usage_in_delta=self.usage_in_delta,
            complete=complete,
        )
        response = EmulatorResponse(200, self._headers(request_id, _SSE), events, streaming=True)
        response.headers.append(("cache-control", "no-cache"))
        if kind == "malformed_json":
            broken = (
                b'event: content_block_start\ndata: {"type":"content_block_start","index":0,\n\n'
            )
            events.insert(1, broken)
        elif kind == "stream_error":
            if events and events[-1].startswith(b"event: content_block_stop"):
                events.pop()  # the error interrupts the open block
            events.append(sse_error_event(reply.error_type or "api_error", reply.message))
        elif kind == "reset_midstream":
            if events and events[-1].startswith(b"event: content_block_stop"):
                events.pop()
            response.fault = "reset_midstream"
        return response
