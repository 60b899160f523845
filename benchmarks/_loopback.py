"""A minimal loopback Messages server for the speed benchmark: pre-rendered answers, own process.

The benchmark measures client overhead, so the server must cost next to nothing and must not
share the client's GIL: it runs as a separate process (``python _loopback.py N_EVENTS``), prints
its port, and answers every ``POST`` with one of two byte strings rendered at start-up: a JSON
Messages response, or (when the body asks for ``"stream": true``) an SSE stream of N_EVENTS
events sent with Content-Length in a single write. HTTP/1.1 keep-alive, asyncio, no parsing
beyond the request head and a substring check of the body.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

MODEL = "claude-sonnet-4-6"


def _usage() -> dict[str, Any]:
    return {
        "input_tokens": 25,
        "output_tokens": 12,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def json_body() -> bytes:
    message = {
        "id": "msg_bench_0001",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [{"type": "text", "text": "Hello! How can I help you today?"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": _usage(),
    }
    return json.dumps(message).encode()


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def sse_body(n_events: int) -> bytes:
    """message_start, block start, (n_events - 5) text deltas, block stop, delta, stop."""
    start = {
        "id": "msg_bench_0002",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**_usage(), "output_tokens": 1},
    }
    parts = [
        _event("message_start", {"type": "message_start", "message": start}),
        _event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
    ]
    for i in range(n_events - 5):
        delta = {"type": "text_delta", "text": f"word{i % 97} "}
        parts.append(
            _event(
                "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
            )
        )
    parts.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    parts.append(
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": n_events - 5},
            },
        )
    )
    parts.append(_event("message_stop", {"type": "message_stop"}))
    return b"".join(parts)


def _response(body: bytes, content_type: str) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"content-type: {content_type}\r\n"
        f"content-length: {len(body)}\r\n"
        "request-id: req_bench\r\n"
        "connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


async def _serve(port: int, n_events: int) -> None:
    plain = _response(json_body(), "application/json")
    stream = _response(sse_body(n_events), "text/event-stream; charset=utf-8")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length) if length else b""
                streaming = b'"stream":true' in body or b'"stream": true' in body
                writer.write(stream if streaming else plain)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_serve(0, int(sys.argv[1]) if len(sys.argv) > 1 else 1500))
