"""THE retry decision, and the retry loop that acts on it (tenacity).

``decide`` is the only place that says whether a failure is worth retrying. Every exception the
client raises is built by ``_http.errors``, which stores ``decide``'s answer in the declared
``is_retryable`` field (langchain-core's ``ModelError`` field, read by agent middleware); the loop
below reads that field and nothing else. The server may overrule the defaults with
``x-should-retry``, which lands in the declared ``server_retry`` field that ``decide`` reads.

The first attempt runs bare: almost every call succeeds, and building tenacity's Retrying,
RetryCallState and attempt objects (and importing tenacity) cost ~20 µs a call for nothing. Only
after a retryable failure does tenacity take over, with that failure replayed as its first
attempt so its wait, stop and logging policy sees the whole history.

Policy: up to ``max_retries`` retries of retryable errors; the server's retry-after when given
(up to a minute), else exponential backoff from 0.5 s capped at 8 s plus up to 0.5 s of jitter;
a warning log before each wait. So a call takes at most
``(max_retries + 1) * timeout + max_retries * 60`` seconds, and without a retry-after header at
most ``(max_retries + 1) * timeout + sum of the backoffs`` (0.5-1 s, 1-1.5 s, 2-2.5 s, ...).
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import (
    APIConnectionError,
    APIStatusError,
    CometAPIError,
    InvalidResponseError,
    StreamError,
)

if TYPE_CHECKING:
    from tenacity import RetryCallState

logger = logging.getLogger("langchain_cometapi")

T = TypeVar("T")
MAX_RETRY_AFTER = 60.0
#: Statuses retried besides every 5xx (``decide``; Cloudflare's 520-523 in front of a gateway
#: too), as the Anthropic SDK and new-api's own channel retry do.
RETRY_STATUSES = frozenset({408, 409, 429})
# relay_stream_error: new-api's chunk for a relay that failed mid-stream (upstream timeout, reset)
RETRY_ERROR_TYPES = frozenset(
    {"overloaded_error", "rate_limit_error", "api_error", "relay_stream_error"}
)


def decide(exc: CometAPIError) -> bool:
    """Whether the same request may succeed if sent again (CometAPI's guidance).

    The server's ``x-should-retry`` wins; then: connection faults and timeouts yes; a stream's
    error event by its type; an HTTP error by status (408, 409, 429 and every 5xx, but not
    CometAPI's 500 ``invalid_request``, which means the request itself is wrong); anything else
    (a 2xx that is no Messages response, a request we refused) no.
    """
    if exc.server_retry is not None:
        return exc.server_retry
    if isinstance(exc, StreamError) and not isinstance(exc, APIConnectionError):
        return exc.error_type in RETRY_ERROR_TYPES
    if isinstance(exc, APIConnectionError):
        return True
    if isinstance(exc, APIStatusError):
        if exc.status_code == 500 and (exc.error_code or "") == "invalid_request":
            return False
        if exc.status_code is not None and exc.status_code < 400:
            return exc.error_type in RETRY_ERROR_TYPES  # an error body with a 2xx/3xx status
        return exc.status_code in RETRY_STATUSES or (exc.status_code or 0) >= 500
    if isinstance(exc, InvalidResponseError):
        return False
    return False


def marked(exc: CometAPIError) -> CometAPIError:
    """Store ``decide``'s answer on the exception (done once, where it is built)."""
    exc.is_retryable = decide(exc)
    return exc


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, CometAPIError) and exc.is_retryable is True


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from retry-after-ms / retry-after (seconds or HTTP date); None if absent
    or unusable (``garbage``, ``0x10``, ``1, 2`` from a duplicated header, NaN): never raises."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        seconds = _number(raw_ms)
        if seconds is not None:
            return max(0.0, seconds / 1000.0)
    raw = headers.get("retry-after")
    if not raw:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        parsed = email.utils.parsedate_to_datetime(raw.strip())
        return max(0.0, parsed.timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Wait:
    """The server's retry-after when sane, else tenacity's exponential backoff with jitter."""

    def __init__(self) -> None:
        from tenacity import wait_exponential, wait_random

        self._backoff = wait_exponential(multiplier=0.5, max=8.0) + wait_random(0, 0.5)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None)
        if after is not None and 0 <= after <= MAX_RETRY_AFTER:
            return float(after)
        return float(self._backoff(state))


def _log(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    delay = state.next_action.sleep if state.next_action else 0.0
    logger.warning(
        "CometAPI call failed (attempt %d), retrying in %.2fs: %s", state.attempt_number, delay, exc
    )


def _policy(max_retries: int) -> dict[str, Any]:
    from tenacity import retry_if_exception, stop_after_attempt

    return {
        "stop": stop_after_attempt(max_retries + 1),
        "wait": _Wait(),
        "retry": retry_if_exception(_retryable),
        "reraise": True,
        "before_sleep": _log,
    }


def call_with_retries(fn: Callable[[], T], max_retries: int, sleep: Callable[[float], None]) -> T:
    try:
        return fn()
    except Exception as exc:
        if max_retries < 1 or not _retryable(exc):
            raise
        failures = [exc]

    def attempt() -> T:
        if failures:
            raise failures.pop()
        return fn()

    from tenacity import Retrying

    return Retrying(sleep=sleep, **_policy(max_retries))(attempt)


async def acall_with_retries(
    fn: Callable[[], Awaitable[T]], max_retries: int, sleep: Callable[[float], Awaitable[None]]
) -> T:
    try:
        return await fn()
    except Exception as exc:
        if max_retries < 1 or not _retryable(exc):
            raise
        failures = [exc]

    async def attempt() -> T:
        if failures:
            raise failures.pop()
        return await fn()

    from tenacity import AsyncRetrying

    result: T = await AsyncRetrying(sleep=sleep, **_policy(max_retries))(attempt)
    return result
