"""Retries for one Messages call, run by tenacity.

The first attempt runs bare: almost every call succeeds, and building tenacity's Retrying,
RetryCallState and attempt objects (and importing tenacity) cost ~20 µs a call for nothing. Only
after a retryable failure does tenacity take over, with that failure replayed as its first
attempt so its wait, stop and logging policy sees the whole history.

Policy: up to ``max_retries`` retries of retryable errors; the server's retry-after when given
(up to a minute), else exponential backoff from 0.5 s capped at 8 s plus up to 0.5 s of jitter;
a warning log before each wait.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import APIConnectionError, APIStatusError, StreamError

if TYPE_CHECKING:
    from tenacity import RetryCallState

logger = logging.getLogger("langchain_cometapi")

T = TypeVar("T")
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 524, 529})
_RETRYABLE_STREAM_ERRORS = frozenset({"overloaded_error", "rate_limit_error", "api_error"})


def is_retryable(exc: BaseException) -> bool:
    """CometAPI's guidance: transient statuses and connection faults, never a client error."""
    if isinstance(exc, APIConnectionError):
        return True
    if isinstance(exc, StreamError):
        return exc.error_type in _RETRYABLE_STREAM_ERRORS
    if isinstance(exc, APIStatusError):
        should = getattr(exc, "should_retry", None)
        if should is not None:
            return bool(should)
        if exc.status_code == 500 and (exc.error_code or "") == "invalid_request":
            return False
        return exc.status_code in RETRY_STATUSES
    return False


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from retry-after-ms / retry-after (seconds or HTTP date), if sane."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


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


def _policy(max_retries: int, retryable: Callable[[BaseException], bool]) -> dict[str, Any]:
    from tenacity import retry_if_exception, stop_after_attempt

    return {
        "stop": stop_after_attempt(max_retries + 1),
        "wait": _Wait(),
        "retry": retry_if_exception(retryable),
        "reraise": True,
        "before_sleep": _log,
    }


def call_with_retries(
    fn: Callable[[], T],
    max_retries: int,
    retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], None],
) -> T:
    try:
        return fn()
    except Exception as exc:
        if max_retries < 1 or not retryable(exc):
            raise
        failures = [exc]

    def attempt() -> T:
        if failures:
            raise failures.pop()
        return fn()

    from tenacity import Retrying

    return Retrying(sleep=sleep, **_policy(max_retries, retryable))(attempt)


async def acall_with_retries(
    fn: Callable[[], Awaitable[T]],
    max_retries: int,
    retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    try:
        return await fn()
    except Exception as exc:
        if max_retries < 1 or not retryable(exc):
            raise
        failures = [exc]

    async def attempt() -> T:
        if failures:
            raise failures.pop()
        return await fn()

    from tenacity import AsyncRetrying

    result: T = await AsyncRetrying(sleep=sleep, **_policy(max_retries, retryable))(attempt)
    return result
