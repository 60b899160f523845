"""A whole Messages response folded from its events, for an event stream that answers a
non-streaming request.

new-api switches a request to streaming whenever its upstream answers ``text/event-stream``
(``info.IsStream = info.IsStream || content type is text/event-stream``), so ``invoke`` can
receive the events of a reply instead of its JSON. They are folded into the JSON the API would
have sent. The body is read whole first, within the attempt's deadline and size cap, as any
non-streaming answer (a body labelled as events that is really JSON stays JSON); the events
then go through the same decoder as a stream (error events, restarts and cuts all raise), and
only a stream that reached ``message_stop`` is a reply.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpx2

from . import errors

Event = dict[str, Any]
_TEXT_FIELDS = {"text_delta": "text", "thinking_delta": "thinking"}
_FRAMING = ("content-encoding", "content-length", "transfer-encoding")  # of the bytes as sent


class _Folder:
    """The message as the events build it, the way the API builds its JSON reply."""

    def __init__(self) -> None:
        self.message: dict[str, Any] | None = None
        self.partial: dict[int, str] = {}  # block index -> its input_json_delta text so far

    def feed(self, event: Mapping[str, Any]) -> bool:
        """Apply one event; True once the message is complete (``message_stop``)."""
        kind = event.get("type")
        if kind == "message_start":
            self._start(event.get("message"))
        elif self.message is None:
            return False
        elif kind == "content_block_start":
            self._block(event)
        elif kind == "content_block_delta":
            self._delta(event)
        elif kind == "message_delta":
            self._message_delta(event)
        return kind == "message_stop"

    def _start(self, message: Any) -> None:
        start = dict(message) if isinstance(message, Mapping) else {}
        start["content"] = [dict(b) for b in start.get("content") or [] if isinstance(b, Mapping)]
        start["usage"] = dict(start.get("usage") or {})
        self.message = start

    def _block(self, event: Mapping[str, Any]) -> None:
        assert self.message is not None
        content: list[dict[str, Any]] = self.message["content"]
        block = dict(event.get("content_block") or {})
        index = event.get("index")
        if isinstance(index, int) and 0 <= index < len(content):
            content[index] = block
        else:
            content.append(block)

    def _delta(self, event: Mapping[str, Any]) -> None:
        assert self.message is not None
        content: list[dict[str, Any]] = self.message["content"]
        index, delta = event.get("index"), event.get("delta")
        if not isinstance(index, int) or not 0 <= index < len(content):
            return
        if not isinstance(delta, dict):
            return
        block, kind = content[index], delta.get("type")
        if kind in _TEXT_FIELDS:
            field = _TEXT_FIELDS[kind]
            block[field] = str(block.get(field) or "") + str(delta.get(field) or "")
        elif kind == "input_json_delta":
            self.partial[index] = self.partial.get(index, "") + str(delta.get("partial_json", ""))
        elif kind == "signature_delta":
            block["signature"] = delta.get("signature", "")
        elif kind == "citations_delta":
            block.setdefault("citations", []).append(delta.get("citation"))
        else:  # a delta this client does not know: keep its fields on the block
            block.update({k: v for k, v in delta.items() if k != "type"})

    def _message_delta(self, event: Mapping[str, Any]) -> None:
        assert self.message is not None
        delta = event.get("delta")
        if isinstance(delta, Mapping):
            self.message.update(delta)
        for key in ("context_management",):
            if event.get(key) is not None:
                self.message[key] = event[key]
        usage = event.get("usage")
        if isinstance(usage, Mapping):  # the last non-null count wins, as in a stream
            self.message["usage"].update({k: v for k, v in usage.items() if v is not None})

    def result(self) -> dict[str, Any]:
        if self.message is None:
            raise errors.stream_error("the event stream reached message_stop without message_start")
        for index, text in self.partial.items():
            block = self.message["content"][index]
            block["input"] = text  # JSON text; the response parser reads it (or flags it)
            with contextlib.suppress(ValueError):
                block["input"] = errors.loads(text) if text.strip() else {}
        return self.message


def fold(events: Iterator[Event]) -> dict[str, Any]:
    """The message; the decoder raises for a stream that ends before ``message_stop``."""
    folder = _Folder()
    try:
        for event in events:
            if folder.feed(event):
                return folder.result()
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
    raise errors.stream_error("the event stream ended before message_stop")  # pragma: no cover


def buffered(response: httpx2.Response, raw: bytes) -> httpx2.Response:
    """The event stream already read (and decoded) as a response the decoder can read again."""
    kept = {k: v for k, v in response.headers.items() if k.lower() not in _FRAMING}
    return httpx2.Response(
        response.status_code, headers=kept, content=raw, request=response.request
    )
