"""Send a planned request; if the endpoint refuses a caching field, resend it once without.

The decision is the planner's (``CachePlanner.resend_after_refusal``: a pure function of the
400 and the body, remembered per base URL); this module only wraps the four ways a chat model
sends (sync and async, JSON and stream) around it, so the model's wiring stays a call each.
A stream is only resent when it failed before its first event: one that has yielded is never
silently restarted. Its first event also tells the planner the prompt was processed
(``CachePlanner.begun``): what the request writes is readable by the next ones from then on.
A call that fails before its response began tells the planner so (``CachePlanner.failed``):
else a retry within the in-flight window (``with_retry``, an agent's retry middleware) would
wait for writes that never happen and go out with no marker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from ..errors import APIStatusError
from ._plan import CachePlan
from ._planner import CachePlanner

__all__ = ["acreate", "aevents", "create", "events"]

Body = dict[str, Any]
#: What the sender takes besides the body (the call's headers and request options), passed on
#: unchanged to the resend too.
Headers = TypeVar("Headers")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def _retry_body(planner: CachePlanner | None, exc: APIStatusError, body: Body) -> Body | None:
    if planner is None:
        return None
    return planner.resend_after_refusal(exc.status_code, exc.message, body)


@contextmanager
def _unanswered(planner: CachePlanner | None, plan: CachePlan | None) -> Iterator[None]:
    """Tell the planner when what runs inside fails (no response: see ``CachePlanner.failed``)."""
    try:
        yield
    except BaseException:
        _failed_before_start(planner, plan, False)  # a JSON call's response is whole or none
        raise


def create(
    send: Callable[[Body, Headers], T],
    headers: Headers,
    planner: CachePlanner | None,
    body: Body,
    plan: CachePlan | None = None,
) -> T:
    with _unanswered(planner, plan):
        try:
            return send(body, headers)
        except APIStatusError as exc:
            retry = _retry_body(planner, exc, body)
            if retry is None:
                raise
            return send(retry, headers)


async def acreate(
    send: Callable[[Body, Headers], Awaitable[T]],
    headers: Headers,
    planner: CachePlanner | None,
    body: Body,
    plan: CachePlan | None = None,
) -> T:
    with _unanswered(planner, plan):
        try:
            return await send(body, headers)
        except APIStatusError as exc:
            retry = _retry_body(planner, exc, body)
            if retry is None:
                raise
            return await send(retry, headers)


def _begin(
    seen: dict[str, str],
    headers: dict[str, str],
    planner: CachePlanner | None,
    plan: CachePlan | None,
) -> None:
    seen.update(headers)
    if planner is not None and plan is not None:
        planner.begun(plan)


def _failed_before_start(
    planner: CachePlanner | None, plan: CachePlan | None, started: bool
) -> None:
    """A stream that failed (or was dropped) before its first event: as a failed call."""
    if not started and planner is not None and plan is not None:
        planner.failed(plan)


class _Stream(Protocol[T_co]):
    """What a client's stream call returns: events, and the response headers once it opened."""

    headers: dict[str, str]

    def __iter__(self) -> Iterator[T_co]: ...


class _AsyncStream(Protocol[T_co]):
    headers: dict[str, str]

    def __aiter__(self) -> AsyncIterator[T_co]: ...


def events(
    open_stream: Callable[[Body, Headers], _Stream[T]],
    headers: Headers,
    planner: CachePlanner | None,
    body: Body,
    seen: dict[str, str],
    plan: CachePlan | None = None,
) -> Iterator[T]:
    """The stream's events; ``seen`` receives the headers of the response that answered."""
    started = False
    try:  # a failure before the first event, of either attempt, is a failed call
        try:
            stream = open_stream(body, headers)
            for event in stream:
                if not started:
                    _begin(seen, stream.headers, planner, plan)
                    started = True
                yield event
        except APIStatusError as exc:
            retry = None if started else _retry_body(planner, exc, body)
            if retry is None:
                raise
            stream = open_stream(retry, headers)
            for event in stream:
                if not started:
                    seen.update(stream.headers)
                    started = True
                yield event
    except BaseException:
        _failed_before_start(planner, plan, started)
        raise


async def aevents(
    open_stream: Callable[[Body, Headers], _AsyncStream[T]],
    headers: Headers,
    planner: CachePlanner | None,
    body: Body,
    seen: dict[str, str],
    plan: CachePlan | None = None,
) -> AsyncIterator[T]:
    started = False
    try:  # a failure before the first event, of either attempt, is a failed call
        try:
            stream = open_stream(body, headers)
            async for event in stream:
                if not started:
                    _begin(seen, stream.headers, planner, plan)
                    started = True
                yield event
        except APIStatusError as exc:
            retry = None if started else _retry_body(planner, exc, body)
            if retry is None:
                raise
            stream = open_stream(retry, headers)
            async for event in stream:
                if not started:
                    seen.update(stream.headers)
                    started = True
                yield event
    except BaseException:
        _failed_before_start(planner, plan, started)
        raise
