"""What the emulator answers: status, headers, body pieces and an optional transport fault."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["EmulatorResponse", "Fault"]

Fault = Literal["reset", "reset_midstream"]


@dataclass
class EmulatorResponse:
    """One answer, transport-agnostic.

    ``chunks`` are the body pieces in order (one per SSE event when ``streaming``, so transports
    can deliver them incrementally). ``delay`` is applied by the transport before the first byte;
    ``fault`` tells it to drop the connection: before any byte (``reset``) or after sending
    ``chunks`` (``reset_midstream``). A transport calls :meth:`begin` when the response starts
    (after ``delay``, before the status line): with ``MessagesEmulator(latency=...)`` that is
    when this request's cache writes become readable.
    """

    status: int
    headers: list[tuple[str, str]]
    chunks: list[bytes] = field(default_factory=list)
    streaming: bool = False
    delay: float = 0.0
    fault: Fault | None = None
    rst: bool = False
    on_begin: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def begin(self) -> None:
        """The response starts now: run ``on_begin`` once (the request's cache writes land)."""
        hook, self.on_begin = self.on_begin, None
        if hook is not None:
            hook()

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[tuple[str, Any]]:
        """Parsed SSE events as ``(event, data)`` pairs (test helper; strict JSON)."""
        out: list[tuple[str, Any]] = []
        for raw in self.body.decode("utf-8").split("\n\n"):
            if not raw.strip():
                continue
            name, data = "message", []
            for line in raw.split("\n"):
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
            out.append((name, json.loads("\n".join(data))))
        return out
