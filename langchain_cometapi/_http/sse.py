"""Stream decoding: bytes -> Messages events, via httpx2.EventSource, with the gateway's quirks.

Why more than ``EventSource``: the stream is read through a tap (a byte stream between the
connection and the parser) that enforces the *idle bound* (a ``ping`` event or a ``:`` comment
keeps the socket busy but is no progress, so only real events reset the clock) and keeps the
tail of the raw text, because new-api appends an upstream error as bare JSON after the last
event (no ``event:``/``data:`` prefix) which the SSE grammar silently ignores. The text is
decoded as UTF-8 whatever charset the server declares, and a leading BOM is dropped.

A gateway that retries on another channel after a stream failed sends a *second*
``message_start`` in the same response. It is never merged with the first: before any content
the first message is dropped and the second taken; after content, ``StreamError``.

Other new-api shapes repaired or named here (read in its source): its relay-failure chunk (an
untyped object with an ``error``) is that error; ``data: [DONE]`` ends the stream; a stream
closed before any event is retried like a connection closed before an answer; its OpenAI ->
Claude conversion sends a first text delta with no index, typed ``text``; an ``error`` event
whose data is not JSON is still an error.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpx2

from ..errors import CometAPIError, StreamError
from . import errors as http_errors
from .errors import Redact, loads

Event = dict[str, Any]
MAX_EVENT_BYTES = 16 * 1024 * 1024  # one event; a runaway stream must not eat memory
_TAIL = 64 * 1024


def media_type(response: httpx2.Response) -> str:
    return response.headers.get("content-type", "").partition(";")[0].strip().lower()


def is_sse(response: httpx2.Response) -> bool:
    return media_type(response) == "text/event-stream"


class EventStream:
    """Iterate (or async-iterate) for events; ``headers`` are the response's once it opened."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self._events: Any = None

    def __iter__(self) -> Iterator[Event]:
        events: Iterator[Event] = self._events
        return events

    def __aiter__(self) -> AsyncIterator[Event]:
        events: AsyncIterator[Event] = self._events
        return events


class _Watch:
    """The idle clock and the raw tail (the last two chunks) of one stream."""

    def __init__(self, idle: float | None, url: str) -> None:
        self.idle = idle
        self.url = url
        self.progress = time.monotonic()
        self.previous = self.last = b""
        self.size = 0

    def chunk(self, data: bytes) -> None:
        if self.idle is not None and time.monotonic() - self.progress > self.idle:
            raise self.stalled()
        self.previous, self.last = self.last, data
        self.size += len(data)

    @property
    def tail(self) -> bytes:
        return (self.previous + self.last)[-_TAIL:]

    def stalled(self) -> CometAPIError:
        return http_errors.interrupted(
            httpx2.ReadTimeout(f"no event but pings or comments for {self.idle} s"),
            self.url,
            str,
        )


class _Tap(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    def __init__(self, response: httpx2.Response, watch: _Watch) -> None:
        self._response = response
        self._watch = watch

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._response.iter_bytes():
            self._watch.chunk(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._response.aiter_bytes():
            self._watch.chunk(chunk)
            yield chunk


def _tapped(response: httpx2.Response, watch: _Watch) -> httpx2.Response:
    tapped = httpx2.Response(
        response.status_code,
        headers={"content-type": "text/event-stream"},
        stream=_Tap(response, watch),
        request=response.request,
    )
    tapped.encoding = "utf-8-sig"  # SSE is UTF-8 whatever the header says; a BOM is dropped
    return tapped


class EventDecoder:
    """Per-stream state: SSE items -> events; raises on errors, restarts and cut streams."""

    def __init__(
        self,
        response: httpx2.Response,
        *,
        url: str,
        idle: float | None,
        redact: Redact,
        folded: bool = False,
    ) -> None:
        self.folded = folded  # the events answer a non-streaming request (see assemble)
        foreign = http_errors.foreign_encoding(response, url)
        if foreign is not None:
            raise foreign
        self.response = response
        self.url = url
        self.redact = redact
        self.watch = _Watch(idle, url)
        self.source = httpx2.EventSource(_tapped(response, self.watch), MAX_EVENT_BYTES)
        self.held: Event | None = None  # a message_start not passed on yet
        self.started = False  # a message_start was passed on
        self.saw_delta = False
        self.next_index = 0  # the index the next content block gets
        self.renumbered: dict[Any, int] = {}  # wire index -> our index, where they differ
        self.finished = False  # a [DONE] line ended the stream

    def feed(self, name: str, raw: str) -> Event | None:
        """One SSE item -> an event to pass on, or None (ping, empty, held message_start,
        ``[DONE]``, after which ``finished`` is set)."""
        if name == "ping" or not raw:
            return None
        if raw.strip() == "[DONE]":  # OpenAI-style terminator some gateways append: an end
            self.finished = True
            return None
        data = self._parse(name, raw.removeprefix("\ufeff"))
        if not isinstance(data, dict):
            return None
        kind = data.get("type") or name
        if kind == "error" or name == "error" or _bare_error(data):
            raise http_errors.error_from_event(
                data, headers=self.response.headers, redact=self.redact
            )
        if kind == "ping":
            return None
        if kind == "message" and ("choices" in data or "object" in data):
            raise self._error(
                f"the stream from {self.url} carries OpenAI chat-completion chunks, not "
                "Messages events; base_url should be the API host (e.g. "
                "https://api.cometapi.com), to which /v1/messages is added"
            )
        self.watch.progress = time.monotonic()
        if "type" not in data:
            data["type"] = kind
        if kind == "message_start":
            if self.started:
                raise self._error(
                    f"the gateway at {self.url} restarted the stream (a second message_start "
                    "after part of a reply was sent, typically its retry on another channel); "
                    "the two answers are not merged. Retry the call"
                )
            self.held = data  # a second message_start before any content replaces this one
            message = data.get("message")
            content = message.get("content") if isinstance(message, dict) else None
            self.next_index = len(content) if isinstance(content, list) else 0
            return None
        if kind == "content_block_start":
            self._number_block(data)
        elif kind in ("content_block_delta", "content_block_stop"):
            self._block_index(data)
            _plain_text_delta(data)
        elif kind == "message_delta":
            self.saw_delta = True
        return data

    def _parse(self, name: str, raw: str) -> Any:
        """The event's JSON; an ``error`` event whose data is not JSON is still that error."""
        try:
            return loads(raw)
        except ValueError as exc:
            quoted = http_errors.snippet(self.redact(raw))
            if name == "error":
                raise http_errors.error_from_event(
                    {"error": {"message": f"the stream reported an error: {quoted}"}},
                    headers=self.response.headers,
                    redact=self.redact,
                ) from None
            raise self._error(
                f"malformed event data in the stream from {self.url}: {quoted!r} ({exc})"
            ) from None

    def _number_block(self, data: Event) -> None:
        """Blocks are numbered in order of their start: converted channels restart the index at
        0 for each block, which would merge a tool call into the text before it."""
        wire = data.get("index")
        if wire is None:
            data["index"] = self.next_index
        elif wire != self.next_index and isinstance(wire, int):
            self.renumbered[wire] = self.next_index
            data["index"] = self.next_index
        elif isinstance(wire, int):
            self.renumbered.pop(wire, None)
        self.next_index += 1

    def _block_index(self, data: Event) -> None:
        """A delta or stop goes to its block's number. new-api's OpenAI-converted channel sends
        its first text delta with no index (or ``"index": null``, as ``_number_block`` reads a
        start): it belongs to the block just started."""
        if data.get("index") is None:
            if self.next_index:
                data["index"] = self.next_index - 1
        elif self.renumbered:
            data["index"] = self.renumbered.get(data["index"], data["index"])

    def release(self) -> Event:
        held, self.held, self.started = self.held, None, True
        assert held is not None
        return held

    def whole_message(self) -> Event | None:
        """A JSON Messages reply mislabelled ``text/event-stream`` (no event in it, and short
        enough to be all in the tail): replayed as its events rather than called empty."""
        if self.started or self.held is not None or self.watch.size > _TAIL:
            return None
        text = self.watch.tail.decode("utf-8-sig", "replace").strip()
        try:
            data = loads(text) if text.startswith("{") else None
        except ValueError:
            return None
        content = data.get("content") if isinstance(data, dict) else None
        return data if isinstance(data, dict) and isinstance(content, list) else None

    def ended(self) -> CometAPIError:
        """The exception for a stream that ended without message_stop."""
        raw = _trailing_json(self.watch.tail)
        if isinstance(raw, Mapping) and ("error" in raw or raw.get("type") == "error"):
            return http_errors.error_from_event(
                raw, headers=self.response.headers, redact=self.redact
            )
        if not self.started and self.held is None:
            return http_errors.empty_stream(self.url, self.response)
        if not self.saw_delta and self.folded:
            return self._error(
                f"the event stream from {self.url} (the gateway's answer to a non-streaming "
                "request) ended before message_stop, without message_delta either: the reply is "
                "incomplete; the gateway's channel never closes its streams for this model"
            )
        if not self.saw_delta:
            return self._error(
                f"the stream from {self.url} ended before message_stop, without message_delta "
                "either: the reply is incomplete. If this repeats, the gateway's channel never "
                "closes its streams (a converted channel that gets no usage from upstream); "
                "use a non-streaming call (streaming=False) for this model"
            )
        return self._error(
            f"the stream from {self.url} ended before message_stop; the reply is incomplete"
        )

    def sse_error(self, exc: httpx2.SSEError | httpx2.DecodingError) -> StreamError:
        # SSEError is an httpx2 TransportError, but it means a bad stream, not a bad connection;
        # DecodingError (a corrupt gzip/deflate body) is no TransportError at all.
        encoding = self.response.headers.get("content-encoding", "")
        how = f" (Content-Encoding {encoding!r})" if isinstance(exc, httpx2.DecodingError) else ""
        return self._error(f"unusable event stream from {self.url}{how}: {exc}")

    def _error(self, message: str) -> StreamError:
        return http_errors.stream_error(message, self.response)


def _plain_text_delta(data: Event) -> None:
    """new-api's converted channel types its first text delta ``text``, not ``text_delta``;
    left as is it would stream as a block while the rest streams as text (a garbled sum)."""
    delta = data.get("delta")
    if isinstance(delta, dict) and delta.get("type") == "text" and "text" in delta:
        delta["type"] = "text_delta"


def _bare_error(data: Mapping[str, Any]) -> bool:
    """An untyped object carrying an error: new-api's relay-failure chunk
    (``{"object": "chat.completion.chunk", "choices": [], "error": {...}}``) and the like."""
    return "type" not in data and isinstance(data.get("error"), (Mapping, str))


def _trailing_json(tail: bytes) -> Any:
    text = tail.decode("utf-8", "replace").rstrip()
    last = text.rsplit("\n", 1)[-1].strip()
    if not last.startswith("{"):
        return None
    try:
        return loads(last)
    except ValueError:
        return None


def decode(decoder: EventDecoder) -> Iterator[Event]:
    try:
        for item in decoder.source:
            event = decoder.feed(item.event, item.data)
            if decoder.finished:
                break
            if event is None:
                continue
            if decoder.held is not None:
                yield decoder.release()
            yield event
    except (httpx2.SSEError, httpx2.DecodingError) as exc:
        raise decoder.sse_error(exc) from exc
    if (message := decoder.whole_message()) is not None:
        yield from events_from_message(message)
        return
    if decoder.held is not None:
        yield decoder.release()
    raise decoder.ended()


async def adecode(decoder: EventDecoder) -> AsyncIterator[Event]:
    try:
        async for item in decoder.source:
            event = decoder.feed(item.event, item.data)
            if decoder.finished:
                break
            if event is None:
                continue
            if decoder.held is not None:
                yield decoder.release()
            yield event
    except (httpx2.SSEError, httpx2.DecodingError) as exc:
        raise decoder.sse_error(exc) from exc
    if (message := decoder.whole_message()) is not None:
        for event in events_from_message(message):
            yield event
        return
    if decoder.held is not None:
        yield decoder.release()
    raise decoder.ended()


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


async def aiter_events(items: list[Event]) -> AsyncIterator[Event]:
    """Events already at hand (a JSON reply to a stream request), as an async iterator."""
    for item in items:
        yield item
