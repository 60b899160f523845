"""Errors raised by langchain-cometapi.

Exception hierarchy::

    CometAPIError                     every error this package raises about a call
    ├── APIStatusError                the endpoint answered with an HTTP error status
    │   ├── BadRequestError           400 (also 413 and 422): the request is wrong; never retried
    │   │   └── PromptTooLongError    the input does not fit the context window
    │   ├── AuthenticationError       401: missing or wrong key; never retried
    │   ├── PermissionDeniedError     403: the key may not use this model or feature; never retried
    │   ├── NotFoundError             404: wrong path or unknown model; never retried
    │   ├── ConflictError             409: retried
    │   ├── RequestTimeoutError       408: the server gave up waiting; retried
    │   ├── RateLimitError            429: retried, honouring retry-after
    │   └── InternalServerError       >= 500: retried, but not a 500 with code invalid_request
    │       └── OverloadedError       529: retried
    ├── APIConnectionError            no usable HTTP answer (refused, reset, DNS): retried
    │   └── APITimeoutError           connect/read/write/pool timeout: retried
    ├── InvalidResponseError          a 2xx/3xx answer that is no Messages response (bad JSON,
    │                                 HTML, a redirect, a body over the size limit)
    └── StreamError                   an ``error`` event (or a gateway's raw JSON error) mid-stream,
        │                             a cut before message_stop, a stream the gateway restarted
        └── StreamInterruptedError    the connection failed mid-stream, or the stream closed
            │                         before any event (also an APIConnectionError)
            └── StreamTimeoutError    no progress within the idle bound (also APITimeoutError)

Each class is also langchain-core's matching ``ModelError`` (``ModelInvalidRequestError``,
``ContextOverflowError``, ``ModelRateLimitError``, ...), as ChatAnthropic's errors are: agent
middleware (retries, summarization on context overflow) branches on those types. Each raised
instance's ``is_retryable`` is the client's own retry decision (``_http.retry.decide``), and
``server_retry`` holds the server's ``x-should-retry`` verdict when it sent one.

A stream is retried only before its first event; after that a failure raises, never a partial
reply passed off as complete.

The API key never appears in any message: messages are built from the response body, the URL
(without userinfo) and the status only, and every form of the key (raw, escaped, bytes repr) is
redacted from them all the same in case a proxy echoes it. Building exceptions from HTTP answers
lives in ``_http.errors``; this module holds the classes only.
"""

from __future__ import annotations

from typing import Any

from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CometAPIError",
    "ConflictError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "OverloadedError",
    "PermissionDeniedError",
    "PromptTooLongError",
    "RateLimitError",
    "RequestTimeoutError",
    "StreamError",
    "StreamInterruptedError",
    "StreamTimeoutError",
]


class CometAPIError(ModelError):
    """Base class: carries what the API said, so callers can branch without parsing text."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        error_code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
        server_retry: bool | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.error_type = error_type
        self.error_code = error_code
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body
        #: the server's own verdict (``x-should-retry``), when it gave one
        self.server_retry = server_retry
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = [self.message]
        extras = []
        if self.status_code is not None:
            extras.append(f"status {self.status_code}")
        if self.error_type:
            extras.append(f"type {self.error_type}")
        if self.error_code:
            extras.append(f"code {self.error_code}")
        if self.request_id:
            extras.append(f"request_id {self.request_id}")
        if extras:
            parts.append(f"({', '.join(extras)})")
        return " ".join(parts)


class APIStatusError(CometAPIError):
    """The endpoint answered with an HTTP error status."""


class BadRequestError(APIStatusError, ModelInvalidRequestError):
    pass


class PromptTooLongError(BadRequestError, ContextOverflowError):
    """The prompt (plus max_tokens) exceeds the model's context window."""


class AuthenticationError(APIStatusError, ModelAuthenticationError):
    pass


class PermissionDeniedError(APIStatusError, ModelPermissionDeniedError):
    pass


class NotFoundError(APIStatusError, ModelNotFoundError):
    pass


class ConflictError(APIStatusError):
    pass


class RequestTimeoutError(APIStatusError, ModelTimeoutError):
    pass


class RateLimitError(APIStatusError, ModelRateLimitError):
    pass


class InternalServerError(APIStatusError, ModelAPIError):
    pass


class OverloadedError(InternalServerError):
    pass


class APIConnectionError(CometAPIError, ModelConnectionError):
    pass


class APITimeoutError(APIConnectionError, ModelTimeoutError):
    pass


class InvalidResponseError(CometAPIError):
    pass


class StreamError(CometAPIError, ModelAPIError):
    pass


class StreamInterruptedError(StreamError, APIConnectionError):
    """Both a stream error and a connection error: callers catching either see it."""


class StreamTimeoutError(StreamInterruptedError, APITimeoutError):
    pass

