"""A raw loopback HTTP server for hostile-network tests: the handler writes whatever bytes it likes.

Each connection is served on a daemon thread: the request is read (head + Content-Length body),
recorded, and handed to ``handler(conn, request)``, which answers byte by byte as it pleases
(drip, lie, redirect, append garbage). Keep-alive is not offered: one request per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_cometapi import ChatCometAPI


@dataclass
class Request:
    head: str
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        lines = self.head.split("\r\n")[1:]
        return {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines)}

    @property
    def path(self) -> str:
        return self.head.split(" ", 2)[1]


Handler = Callable[[socket.socket, Request], None]


@dataclass
class RawServer:
    handler: Handler
    requests: list[Request] = field(default_factory=list)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    #: Held while a connection is accepted and registered (``settled`` drains the backlog).
    _accepting: threading.Lock = field(default_factory=threading.Lock)
    #: One event per accepted connection, set once its request was read (or could not be).
    _read: list[threading.Event] = field(default_factory=list)

    def __enter__(self) -> RawServer:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.settimeout(0.05)
        self._sock = sock
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()

    @property
    def base_url(self) -> str:
        assert self._sock is not None
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def _accept(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            with self._accepting:
                try:
                    conn, _ = self._sock.accept()
                except (TimeoutError, OSError):
                    continue
                self._start(conn)

    def _start(self, conn: socket.socket) -> None:
        read = threading.Event()
        self._read.append(read)
        threading.Thread(target=self._serve, args=(conn, read), daemon=True).start()

    def settled(self, within: float = 10.0) -> list[Request]:
        """``requests`` once every connection the client made so far has been read. A client
        that gave up waiting (a timeout) may leave its last request unread, even unaccepted,
        on a busy machine; it was sent all the same. Call after the call under test returned
        or raised (its connections are then established). ``within`` bounds a broken run."""
        assert self._sock is not None
        with self._accepting:  # the accept thread is between two accepts: drain the backlog
            self._sock.settimeout(0)
            try:
                while True:
                    try:
                        conn, _ = self._sock.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    self._start(conn)
            finally:
                self._sock.settimeout(0.05)
        for read in list(self._read):
            assert read.wait(within), "the server never read a request it was sent"
        return self.requests

    def _serve(self, conn: socket.socket, read: threading.Event) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(10)
            try:
                request = self._receive(conn)
            finally:
                read.set()
            if request is None:
                return
            self.handler(conn, request)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def _receive(self, conn: socket.socket) -> Request | None:
        """Read and record one request (None when the client closed before a whole head)."""
        data = b""
        while b"\r\n\r\n" not in data:
            got = conn.recv(65536)
            if not got:
                return None
            data += got
        head, _, body = data.partition(b"\r\n\r\n")
        request = Request(head.decode("latin-1"), body)
        length = int(request.headers.get("content-length") or 0)
        while len(request.body) < length:
            request.body += conn.recv(65536)
        self.requests.append(request)
        return request


#: The two call styles, and the four call paths as (style, stream) with their pytest ids.
MODES = ["sync", "async"]
PATHS = [("sync", False), ("async", False), ("sync", True), ("async", True)]
PATH_IDS = ["invoke", "ainvoke", "stream", "astream"]


def response(
    status: int, body: bytes | str, headers: dict[str, str] | None = None, reason: str = "X"
) -> bytes:
    raw = body.encode() if isinstance(body, str) else body
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(raw)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + raw


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    return response(
        status, json.dumps(data), {"Content-Type": "application/json", **(headers or {})}
    )


def sse_head(headers: dict[str, str] | None = None) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: text/event-stream", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def event(data: dict[str, Any]) -> bytes:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()


def answer(payload: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(payload)

    return handle


def drip(payload: bytes, every: float) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        for i in range(len(payload)):
            conn.sendall(payload[i : i + 1])
            time.sleep(every)

    return handle


@contextlib.contextmanager
def serving(handler: Handler) -> Iterator[RawServer]:
    with RawServer(handler) as server:
        yield server


def no_sleep(llm: ChatCometAPI) -> ChatCometAPI:
    llm._client._sleep = lambda seconds: None

    async def asleep(seconds: float) -> None:
        return None

    llm._client._async_sleep = asleep
    return llm


def call(llm: ChatCometAPI, mode: str, *, stream: bool = False) -> str:
    """invoke / ainvoke / stream / astream, by mode; returns the text."""
    if mode == "sync":
        if stream:
            return "".join(str(c.content) for c in llm.stream("hi"))
        return str(llm.invoke("hi").content)

    async def run() -> str:
        if stream:
            return "".join([str(c.content) async for c in llm.astream("hi")])
        return str((await llm.ainvoke("hi")).content)

    return asyncio.run(run())


def per_path(json_payload: bytes, sse_payload: bytes) -> Handler:
    """Answer a stream request with ``sse_payload`` and any other with ``json_payload``."""

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(sse_payload if b'"stream":true' in request.body else json_payload)

    return handle


def raw_reply(
    body: bytes, content_type: str, *, length: int | None = None, **headers: str
) -> bytes:
    """A 200 whose Content-Length may lie (``length``), with extra headers (``Content_Encoding``
    for ``Content-Encoding``)."""
    lines = [
        "HTTP/1.1 200 OK",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body) if length is None else length}",
        "Connection: close",
    ]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def outcome(handler: Handler, mode: str, stream: bool, **settings: Any) -> tuple[object, int]:
    """(the reply's text, or the exception raised; the number of requests the server saw)."""
    settings.setdefault("prompt_cache", "off")
    settings.setdefault("max_retries", 1)
    settings.setdefault("timeout", 5)
    with serving(handler) as server:
        llm = no_sleep(ChatCometAPI(base_url=server.base_url, api_key="sk-hostile-0123456789",
                                    **settings))  # fmt: skip
        try:
            result: object = call(llm, mode, stream=stream)
        except Exception as exc:  # the outcome is what is under test
            result = exc
        return result, len(server.settled())
