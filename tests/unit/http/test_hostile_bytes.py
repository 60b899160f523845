"""Hostile bytes on the wire, on every call path over a raw loopback server: chunked encoding
that breaks, a Content-Length that lies, a body cut inside a UTF-8 sequence, content encodings
(ours, ones we never asked for, corrupt ones, a bomb inside a stream), oversized and countless
headers, HTTP/1.0 bodies delimited by the close, SSE line endings, a BOM inside ``data:``, an
``error`` event whose data is not JSON, a server that never answers, resets before and after
the first event.

Each shape ends in the reply or in a typed error (never a raw httpx2 exception, never garbage
read as a reply), retried only where nothing was received and the fault is the connection's.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import (
    MODES,
    PATH_IDS,
    PATHS,
    Handler,
    Request,
    answer,
    call,
    event,
    json_reply,
    no_sleep,
    outcome,
    per_path,
    raw_reply,
    serving,
    sse_head,
)
from tests.helpers.responses import message, text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

EVENTS = text_stream("Hello there")
JSON = json.dumps(message()).encode()
SSE = b"".join(event(e) for e in EVENTS)
FIRST = b"".join(event(e) for e in EVENTS[:4])  # message_start .. first text delta
JSON_TYPE, SSE_TYPE = "application/json", "text/event-stream"
TEXT = {False: "Hello!", True: "Hello there"}


def _both(json_body: bytes, sse_body: bytes, **kw: Any) -> Handler:
    return per_path(raw_reply(json_body, JSON_TYPE, **kw), raw_reply(sse_body, SSE_TYPE, **kw))


def _chunked(content_type: str, *chunks: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n"
    return head.encode() + b"".join(chunks)


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


# -- framing --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_invalid_chunked_encoding_before_anything_is_a_retried_connection_error(
    mode: str, stream: bool
) -> None:
    bad = _chunked(SSE_TYPE if stream else JSON_TYPE, b"zz\r\nabc\r\n0\r\n\r\n")
    exc, attempts = outcome(answer(bad), mode, stream)
    assert isinstance(exc, errors.APIConnectionError) and "chunk" in str(exc)
    assert attempts == 2


@pytest.mark.parametrize("mode", MODES)
def test_invalid_chunked_encoding_mid_stream_is_an_interrupted_stream(mode: str) -> None:
    cut = _chunked(SSE_TYPE, _chunk(FIRST), b"zz\r\nxx\r\n")
    exc, attempts = outcome(answer(cut), mode, True)
    assert isinstance(exc, errors.StreamInterruptedError) and "chunk" in str(exc)
    assert attempts == 1  # part of the reply was yielded: never restarted


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_content_length_shorter_than_the_body(mode: str, stream: bool) -> None:
    """The body is cut where the length says: an incomplete reply, never retried as if the
    network had failed (the server will say the same again)."""
    exc, attempts = outcome(_both(JSON, SSE, length=len(SSE if stream else JSON) - 40), mode,
                            stream)  # fmt: skip
    cls = errors.StreamError if stream else errors.InvalidResponseError
    assert type(exc) is cls and attempts == 1


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_content_length_longer_than_the_body(mode: str, stream: bool) -> None:
    exc, attempts = outcome(_both(JSON, SSE[:-30], length=len(SSE) + 100), mode, stream)
    cls = errors.StreamInterruptedError if stream else errors.APIConnectionError
    assert isinstance(exc, cls) and "complete message body" in str(exc)
    assert attempts == (1 if stream else 2)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_body_ending_inside_a_utf8_sequence(mode: str, stream: bool) -> None:
    cafe = json.dumps(message([{"type": "text", "text": "café"}]), ensure_ascii=False).encode()
    exc, attempts = outcome(_both(cafe[: cafe.index(b"\xc3") + 1], SSE[:-3] + b"\xc3"), mode,
                            stream)  # fmt: skip
    assert type(exc) is (errors.StreamError if stream else errors.InvalidResponseError)
    assert attempts == 1


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_http10_bodies_delimited_by_the_close(mode: str, stream: bool) -> None:
    def reply(body: bytes, content_type: str) -> bytes:
        return f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body

    whole = per_path(reply(JSON, JSON_TYPE), reply(SSE, SSE_TYPE))
    assert outcome(whole, mode, stream) == (TEXT[stream], 1)
    cut = per_path(reply(JSON[:-5], JSON_TYPE), reply(SSE[:-40], SSE_TYPE))
    exc, attempts = outcome(cut, mode, stream)
    assert type(exc) is (errors.StreamError if stream else errors.InvalidResponseError)
    assert attempts == 1


# -- content encodings --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_encodings_we_ask_for_are_decoded(mode: str, stream: bool, coding: str) -> None:
    pack = gzip.compress if coding == "gzip" else zlib.compress
    reply = _both(pack(JSON), pack(SSE), Content_Encoding=coding)
    assert outcome(reply, mode, stream) == (TEXT[stream], 1)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("coding", ["br", "zstd", "x-custom"])
def test_an_encoding_we_did_not_ask_for_is_named(mode: str, stream: bool, coding: str) -> None:
    """httpx2 passes an unknown coding on still encoded: read as JSON it is garbage, read as
    SSE it is an empty stream. It is an InvalidResponseError naming the coding instead."""
    packed = b"\x28\xb5\x2f\xfd\x00garbage"
    exc, attempts = outcome(_both(packed, packed, Content_Encoding=coding), mode, stream)
    assert isinstance(exc, errors.InvalidResponseError)
    assert f"encoded with {coding}" in str(exc)
    assert attempts == 1


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_corrupt_compression_is_a_typed_error(mode: str, stream: bool) -> None:
    """A gzip body whose data check fails: httpx2 raises DecodingError, which is no
    TransportError and escaped untyped."""
    packed = bytearray(gzip.compress(FIRST if stream else JSON))
    packed[-8:-4] = b"\x00\x00\x00\x00"  # the CRC
    exc, attempts = outcome(_both(bytes(packed), bytes(packed), Content_Encoding="gzip"), mode,
                            stream)  # fmt: skip
    assert isinstance(exc, errors.StreamError if stream else errors.InvalidResponseError), exc
    assert "gzip" in str(exc) and attempts == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_gzip_bomb_in_a_stream_stops_at_the_event_cap(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_cometapi._http import sse as sse_module

    monkeypatch.setattr(sse_module, "MAX_EVENT_BYTES", 2**20)
    bomb = gzip.compress(FIRST + b"event: content_block_delta\ndata: " + b"x" * 2**25, 1)
    reply = per_path(json_reply(message()), raw_reply(bomb, SSE_TYPE, Content_Encoding="gzip"))
    exc, attempts = outcome(reply, mode, True)
    assert isinstance(exc, errors.StreamError) and "exceeded the 1048576 byte limit" in str(exc)
    assert attempts == 1


# -- headers --
@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_huge_header_line_is_a_connection_error(mode: str, stream: bool) -> None:
    huge = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n"
    exc, attempts = outcome(answer(huge), mode, stream)
    assert isinstance(exc, errors.APIConnectionError) and attempts == 2


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_thousands_of_headers_are_read(mode: str, stream: bool) -> None:
    extra = {f"X-H{i}": "v" for i in range(3000)}
    reply = per_path(raw_reply(JSON, JSON_TYPE, **extra), raw_reply(SSE, SSE_TYPE, **extra))
    assert outcome(reply, mode, stream) == (TEXT[stream], 1)


# -- SSE lines --
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("end", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_sse_lines_ending_in_cr_or_crlf(mode: str, end: str) -> None:
    body = "".join(f"event: {e['type']}{end}data: {json.dumps(e)}{end}{end}" for e in EVENTS)
    reply = per_path(json_reply(message()), sse_head() + body.encode())
    assert outcome(reply, mode, True) == ("Hello there", 1)


@pytest.mark.parametrize("mode", MODES)
def test_a_bom_at_the_start_of_event_data_is_dropped(mode: str) -> None:
    body = "".join(f"event: {e['type']}\ndata: \ufeff{json.dumps(e)}\n\n" for e in EVENTS)
    reply = per_path(json_reply(message()), sse_head() + body.encode())
    assert outcome(reply, mode, True) == ("Hello there", 1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("before", [b"", FIRST], ids=["first", "mid_stream"])
def test_an_error_event_whose_data_is_not_json_is_still_that_error(
    mode: str, before: bytes
) -> None:
    reply = per_path(json_reply(message()), sse_head() + before + b"event: error\ndata: upstream "
                     b"exploded\n\n")  # fmt: skip
    exc, attempts = outcome(reply, mode, True)
    assert isinstance(exc, errors.StreamError) and not isinstance(exc, errors.APIConnectionError)
    assert "reported an error: upstream exploded" in str(exc) and "malformed" not in str(exc)
    assert attempts == 1


# -- silence and resets --
def _silent(conn: socket.socket, request: Request) -> None:
    time.sleep(3)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_server_that_accepts_and_never_answers_is_bounded(mode: str, stream: bool) -> None:
    with serving(_silent) as srv:
        llm = no_sleep(ChatCometAPI(base_url=srv.base_url, api_key="sk-hostile-0123456789",
                                    prompt_cache="off", max_retries=1, timeout=0.3))  # fmt: skip
        start = time.monotonic()  # the call alone: not the server's start, nor its reading
        with pytest.raises(errors.APITimeoutError):
            call(llm, mode, stream=stream)
        elapsed = time.monotonic() - start
        assert len(srv.settled()) == 2
    assert elapsed < 2 * 0.3 + 1.0  # (max_retries + 1) * timeout + backoff slack


def _reset_after(head: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(head)
        time.sleep(0.05)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST

    return handle


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_reset_after_the_headers_before_any_event_is_retried(mode: str, stream: bool) -> None:
    head = sse_head() if stream else b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + JSON[:40]
    exc, attempts = outcome(_reset_after(head), mode, stream)
    assert isinstance(exc, errors.APIConnectionError) and attempts == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_reset_after_the_first_event_is_never_retried(mode: str) -> None:
    exc, attempts = outcome(_reset_after(sse_head() + FIRST), mode, True)
    assert isinstance(exc, errors.StreamInterruptedError) and attempts == 1


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_a_lone_surrogate_escape_becomes_a_replacement_character(mode: str, stream: bool) -> None:
    """``"\\ud800"`` is valid JSON but no character: kept, the reply could never be sent back
    (UTF-8 cannot encode it), so the next turn of the conversation would fail."""
    reply = message([{"type": "text", "text": "a?b"}])
    events = text_stream("a?b")
    escaped = per_path(
        raw_reply(json.dumps(reply).replace("a?b", "a\\ud800b").encode(), JSON_TYPE),
        raw_reply(b"".join(event(e) for e in events).replace(b"a?b", b"a\\ud800b"), SSE_TYPE),
    )
    with serving(escaped) as srv:
        llm = ChatCometAPI(base_url=srv.base_url, api_key="sk-surrogate-0123456789",
                           prompt_cache="off", max_retries=0)  # fmt: skip
        received = call(llm, mode, stream=stream)
        assert received == "a\ufffdb"
        history = [HumanMessage("hi"), AIMessage(received), HumanMessage("again")]
        assert llm.invoke(history).text == received  # and it can be sent back


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("coding", ["br", "gzip"], ids=["not_asked_for", "corrupt"])
def test_an_error_status_keeps_its_class_whatever_its_encoding(
    mode: str, stream: bool, coding: str
) -> None:
    """A 503 whose body cannot be decoded is still a retried InternalServerError."""
    body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate"
    head = f"HTTP/1.1 503 Busy\r\nContent-Type: application/json\r\nContent-Encoding: {coding}\r\n"
    payload = (head + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    exc, attempts = outcome(answer(payload), mode, stream)
    assert type(exc) is errors.InternalServerError and exc.status_code == 503
    assert attempts == 2


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_gzip_sent_unasked_is_still_decoded(mode: str, stream: bool) -> None:
    """Only codings httpx2 cannot decode are refused: gzip is decoded even when the caller's
    headers asked for ``identity``."""
    reply = _both(gzip.compress(JSON), gzip.compress(SSE), Content_Encoding="gzip")
    got = outcome(reply, mode, stream, default_headers={"Accept-Encoding": "identity"})
    assert got == (TEXT[stream], 1)


@contextlib.contextmanager
def _answers_before_the_body(payload: bytes) -> Iterator[str]:
    """A server that answers as soon as it has the request head (a 413 for a body it will not
    read), then closes the way real servers do: write side first, draining what still comes."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)

    def serve(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(3)
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(65536)
            conn.sendall(payload)
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(1 << 20):
                pass

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                threading.Thread(target=serve, args=(sock.accept()[0],), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_an_answer_sent_before_the_request_body_was_read(mode: str, stream: bool) -> None:
    """A 413 sent while the client is still uploading a large prompt is that 413 (not retried),
    not a failed write retried as a connection error."""
    body = {"type": "error", "error": {"type": "request_too_large", "message": "too large"}}
    with _answers_before_the_body(json_reply(body, 413)) as url:
        llm = no_sleep(ChatCometAPI(base_url=url, api_key="sk-early-0123456789",
                                    prompt_cache="off", max_retries=1))  # fmt: skip
        big = "word " * 1_000_000
        if mode == "sync":
            run = (lambda: "".join(str(c.content) for c in llm.stream(big))) if stream else (
                lambda: llm.invoke(big))  # fmt: skip
            with pytest.raises(errors.BadRequestError, match="too large"):
                run()
        else:

            async def arun() -> object:
                if stream:
                    return [c async for c in llm.astream(big)]
                return await llm.ainvoke(big)

            with pytest.raises(errors.BadRequestError, match="too large"):
                asyncio.run(arun())
