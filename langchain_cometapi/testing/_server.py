"""EmulatorServer: a real loopback HTTP/1.1 server over a MessagesEmulator, for socket-level tests.

Threaded (one daemon thread per connection), keep-alive, chunked SSE written event by event, and
the scripted faults done for real: delays before the status line, connection closed (FIN) or
reset (RST) before any byte, connection dropped in the middle of a body.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ._emulator import MessagesEmulator
from ._response import EmulatorResponse

__all__ = ["EmulatorServer"]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: MessagesEmulator) -> None:
        self.emulator = emulator
        self.stopping = threading.Event()
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        self.accepted = 0
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.live_lock:
            self.live.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.live_lock:
            self.live.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (or our own scripted drops) are expected, not worth a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ValueError)):
            return
        super().handle_error(request, client_address)

    def drop_all(self) -> None:
        with self.live_lock:
            conns = list(self.live)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 120  # idle keep-alive connections end eventually

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks would drown in access logs

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        headers = {k: v for k, v in self.headers.items()}
        response = self.server.emulator.handle(self.command, self.path, headers, body)
        if response.delay > 0 and self.server.stopping.wait(response.delay):
            self._drop(rst=False)
            return
        if response.fault == "reset":
            self._drop(rst=response.rst)
            return
        response.begin()  # before the status line: this request's cache writes are readable
        self._send(response)

    def _send(self, response: EmulatorResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.streaming:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            if response.streaming:
                for chunk in response.chunks:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                if response.fault != "reset_midstream":
                    self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return
        if response.fault == "reset_midstream":
            time.sleep(0.01)  # let the partial body reach the client before the drop
            self._drop(rst=False)

    def _drop(self, *, rst: bool) -> None:
        self.close_connection = True
        conn = self.connection
        with contextlib.suppress(OSError):
            if rst:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.rfile.close()  # drop makefile's reference so close() really closes
                conn.close()
            else:
                conn.shutdown(socket.SHUT_RDWR)

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


class EmulatorServer:
    """``with EmulatorServer(emu) as srv: ChatCometAPI(base_url=srv.base_url, ...)``."""

    def __init__(
        self, emulator: MessagesEmulator | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.emulator = emulator if emulator is not None else MessagesEmulator()
        self._address = (host, port)
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._accepted = 0

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("the server is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def base_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far (keep-alive tests compare it to request counts)."""
        return self._server.accepted if self._server is not None else self._accepted

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        server = _HTTPServer(self._address, self.emulator)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator-server-{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        self._accepted = server.accepted
        server.stopping.set()
        server.shutdown()
        server.drop_all()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
