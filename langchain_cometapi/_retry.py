"""Retry loops for one Messages call: a few lines instead of tenacity.

Tenacity built a Retrying object, a RetryCallState and an attempt context manager on every
call, and its import cost a few ms; the policy here is the same: up to ``max_retries`` retries
of retryable errors, the server's retry-after when given (up to a minute), else exponential
backoff from 0.5 s capped at 8 s plus up to 0.5 s of jitter, a warning log before each wait.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

logger = logging.getLogger("langchain_cometapi")

T = TypeVar("T")
MAX_RETRY_AFTER = 60.0


def backoff(attempt: int, exc: BaseException) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    after = getattr(exc, "retry_after", None)
    if after is not None and after <= MAX_RETRY_AFTER:
        return float(after)
    return min(0.5 * 2.0 ** (attempt - 1), 8.0) + random.uniform(0.0, 0.5)


def _log(attempt: int, delay: float, exc: BaseException) -> None:
    logger.warning("CometAPI call failed (attempt %d), retrying in %.2fs: %s", attempt, delay, exc)


def call_with_retries(
    fn: Callable[[], T],
    max_retries: int,
    retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], None],
) -> T:
    attempt = 1
    while True:
        try:
            return fn()
        except Exception as exc:
            if attempt > max_retries or not retryable(exc):
                raise
            delay = backoff(attempt, exc)
            _log(attempt, delay, exc)
        sleep(delay)
        attempt += 1


async def acall_with_retries(
    fn: Callable[[], Awaitable[T]],
    max_retries: int,
    retryable: Callable[[BaseException], bool],
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    attempt = 1
    while True:
        try:
            return await fn()
        except Exception as exc:
            if attempt > max_retries or not retryable(exc):
                raise
            delay = backoff(attempt, exc)
            _log(attempt, delay, exc)
        await sleep(delay)
        attempt += 1
