"""Shared helpers for the emulator tests (not collected: no test_ prefix)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from typing import Any

import httpx2

from langchain_cometapi.testing import EmulatorResponse, EmulatorTransport, MessagesEmulator

KEY = {"x-api-key": "sk-test"}
MODEL = "claude-sonnet-4-5"


def body(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello there"}],
    }
    base.update(overrides)
    return base


def client(emu: MessagesEmulator) -> httpx2.Client:
    return httpx2.Client(transport=EmulatorTransport(emu), base_url="http://emulator")


def post(emu: MessagesEmulator, payload: dict[str, Any], **kw: Any) -> httpx2.Response:
    with client(emu) as c:
        return c.post("/v1/messages", headers=KEY, json=payload, **kw)


def stream_events(emu: MessagesEmulator, payload: dict[str, Any]) -> list[tuple[str, Any]]:
    """Parse the SSE answer with httpx2.EventSource, as a real client would."""
    with client(emu) as c, c.stream("POST", "/v1/messages", headers=KEY, json=payload) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        return [(ev.event, ev.json()) for ev in httpx2.EventSource(r)]


def words(n: int, seed: str = "w") -> str:
    """About ``n`` words of distinct filler text (each word ~6 bytes)."""
    return " ".join(f"{seed}{i:04d}" for i in range(n))


def usage(r: httpx2.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    u: dict[str, Any] = r.json()["usage"]
    return u


#: A document citation as a response carries it and a request may send it back.
CITATION = {
    "type": "char_location",
    "cited_text": "The grass is green.",
    "document_index": 0,
    "document_title": None,
    "start_char_index": 0,
    "end_char_index": 19,
}


class SentTogether(MessagesEmulator):
    """Its first ``together`` requests, once arrived (their reads decided), wait for one another
    before any response begins: requests sent together, however a loaded machine spreads their
    arrivals (each thread builds its own client first; on CI one arrived after the first
    response began and read the entry instead of writing it)."""

    def __init__(self, together: int, **settings: Any) -> None:
        super().__init__(**settings)
        self._together = threading.Barrier(together)
        self._arrived = itertools.count()

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | Mapping[str, Any]
    ) -> EmulatorResponse:
        response = super().handle(method, path, headers, body)
        if next(self._arrived) < self._together.parties:
            self._together.wait(10.0)  # a bound on a broken run only
        return response
