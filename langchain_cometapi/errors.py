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
    ├── InvalidResponseError          a 2xx answer that is no Messages response (bad JSON, HTML)
    └── StreamError                   an ``error`` event mid-stream, or a cut before message_stop
        └── StreamInterruptedError    the connection failed mid-stream (also an APIConnectionError)
            └── StreamTimeoutError    the stream stalled past the timeout (also APITimeoutError)

Each class is also langchain-core's matching ``ModelError`` (``ModelInvalidRequestError``,
``ContextOverflowError``, ``ModelRateLimitError``, ...) with its ``is_retryable``, as
ChatAnthropic's errors are: agent middleware (retries, summarization on context overflow)
branches on those types.

A stream is retried only before its first event; after that a failure raises, never a partial
reply passed off as complete.

The API key never appears in any message: messages are built from the response body, the URL and
the status only, and the key is redacted from them all the same in case a proxy echoes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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
    "error_from_response",
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
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.error_type = error_type
        self.error_code = error_code
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body
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
    is_retryable = True


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


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    529: OverloadedError,
}

# Anthropic error types that decide the class when a proxy hides the real status (e.g. 200/500).
_BY_TYPE: dict[str, type[APIStatusError]] = {
    "invalid_request_error": BadRequestError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "not_found_error": NotFoundError,
    "rate_limit_error": RateLimitError,
    "overloaded_error": OverloadedError,
    "api_error": InternalServerError,
}


# Anthropic: "prompt is too long: 210000 tokens > 200000 maximum", "input length and `max_tokens`
# exceed context limit: ..."; proxies in OpenAI style: "maximum context length is ...".
_OVERFLOW = re.compile(
    r"prompt is too long|exceed(s)? (the )?context (limit|window)|maximum context length", re.I
)


def _status_class(status: int) -> type[APIStatusError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return InternalServerError
    return APIStatusError


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None]:
    """(message, type, code) from an Anthropic-style or OpenAI-style error body, else Nones."""
    if not isinstance(body, Mapping):
        return None, None, None
    err = body.get("error")
    if isinstance(err, Mapping):
        message = err.get("message")
        etype = err.get("type")
        code = err.get("code")
        return (
            str(message) if message is not None else None,
            str(etype) if etype else None,
            str(code) if code not in (None, "") else None,
        )
    if isinstance(err, str):
        return err, None, None
    message = body.get("message") or body.get("detail")
    return (str(message) if message else None), None, None


def redact(text: str, secret: str | None) -> str:
    """Remove the key from text that a misbehaving proxy might echo back."""
    if secret and len(secret) >= 4 and secret in text:
        text = text.replace(secret, "***")
    return text


def error_from_response(
    status: int,
    text: str,
    *,
    url: str,
    request_id: str | None = None,
    retry_after: float | None = None,
    secret: str | None = None,
) -> APIStatusError:
    """The right exception for an HTTP error answer (JSON of either style, or anything else)."""
    text = redact(text, secret)
    try:
        body: Any = json.loads(text) if text else None
    except ValueError:
        body = None
    message, etype, code = parse_error_body(body)
    if message is None:
        snippet = " ".join(text.split())[:200]
        kind = "an HTML page" if "<html" in text[:500].lower() else "a non-JSON body"
        message = (
            f"HTTP {status} from {url} with {kind}"
            + (f": {snippet!r}" if snippet else "")
            + (
                "; is base_url right? It should be the CometAPI host, e.g. https://api.cometapi.com"
                if status == 404
                else ""
            )
        )
    cls = _status_class(status)
    if cls is APIStatusError and etype in _BY_TYPE:
        cls = _BY_TYPE[etype]
    if cls is BadRequestError and _OVERFLOW.search(message):
        cls = PromptTooLongError
    error = cls(
        message,
        status_code=status,
        error_type=etype,
        error_code=code,
        request_id=request_id,
        retry_after=retry_after,
        body=body,
    )
    if status == 500 and code == "invalid_request":
        error.is_retryable = False  # CometAPI's way of saying the request itself is wrong
    return error


def error_from_event(data: Mapping[str, Any], *, request_id: str | None = None) -> StreamError:
    """A StreamError for an ``error`` event received mid-stream."""
    message, etype, code = parse_error_body(data)
    error = StreamError(
        message or "the stream reported an error",
        error_type=etype,
        error_code=code,
        request_id=request_id,
        body=dict(data),
    )
    error.is_retryable = etype in ("overloaded_error", "rate_limit_error", "api_error")
    return error
