"""Secrets on hostile networks: the key as read from a file, redirects, URL userinfo, and every
failure kind scanned for every planted secret (exception text, chain, attributes, traceback with
the library's locals, DEBUG logs of every logger, warnings).

Each case runs sync and async against a raw loopback server (tests/helpers/hostile.py).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import socket
import threading
import time
import warnings
from collections.abc import Iterator

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI, errors
from langchain_cometapi._http.credentials import Redactor, credential_header
from langchain_cometapi._wire.settings import secret_header
from tests.helpers.hostile import (
    MODES,
    Handler,
    Request,
    call,
    event,
    json_reply,
    no_sleep,
    response,
    serving,
    sse_head,
)
from tests.helpers.responses import message, text_stream
from tests.helpers.secrets import CALL_KEY, HEADERS, exception_text, leaks, planted, with_password
from tests.helpers.secrets import KEY as KEY_PLANTED

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-hostile-0123456789abcdef"


def _ok(conn: socket.socket, request: Request) -> None:
    conn.sendall(json_reply(message()))


def _debug_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("langchain_cometapi", "httpx2", "httpcore2"):
        caplog.set_level(logging.DEBUG, logger=name)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\x00", "  \n"])
def test_key_read_from_a_file_is_stripped(mode: str, suffix: str) -> None:
    with serving(_ok) as server:
        llm = ChatCometAPI(base_url=server.base_url, api_key=KEY + suffix, prompt_cache="off")
        assert call(llm, mode) == "Hello!"
        assert [r.headers["x-api-key"] for r in server.requests] == [KEY]


@pytest.mark.parametrize("bad", ["sk-abc\ndef0123", "sk-abc\x00def0123", "sk-abcdéf0123", "sk a"])
def test_key_with_inner_control_or_non_ascii_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="API key contains") as info:
        ChatCometAPI(api_key=bad, base_url="http://127.0.0.1:9")
    text = str(info.value)
    assert bad not in text and bad.strip() not in text and repr(bad)[1:-1] not in text


@pytest.mark.parametrize("mode", MODES)
def test_every_form_of_the_key_is_redacted(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    """A server echoing the key raw, repr-escaped and as bytes repr, on a retried 529."""
    raw = KEY + "\n"
    echo = f"key {KEY} / {raw!r} / {raw.encode()!r} / {KEY!r}"
    body = {"type": "error", "error": {"type": "overloaded_error", "message": echo}}

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(json_reply(body, 529))

    _debug_everything(caplog)
    with serving(handle) as server:
        llm = no_sleep(ChatCometAPI(base_url=server.base_url, api_key=raw, max_retries=2))
        with pytest.raises(errors.OverloadedError) as info:
            call(llm, mode)
    assert len(server.requests) == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, "retries must log: otherwise this test proves nothing"
    everything = caplog.text + str(info.value) + repr(info.value) + repr(info.value.body)
    assert KEY not in everything
    assert "0123456789abcdef" not in everything


def _redirecting(target: str, status: int) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(
            f"HTTP/1.1 {status} Moved\r\nLocation: {target}/v1/messages\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )

    return handle


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
def test_redirect_to_another_origin_gets_no_credentials(mode: str, status: int, auth: str) -> None:
    with serving(_ok) as elsewhere, serving(_redirecting(elsewhere.base_url, status)) as origin:
        llm = ChatCometAPI(
            base_url=origin.base_url,
            api_key=KEY,
            auth=auth,
            prompt_cache="off",
            http_client=httpx2.Client(follow_redirects=True),
            http_async_client=httpx2.AsyncClient(follow_redirects=True),
        )
        call(llm, mode)  # the redirect target answers without checking a key
    assert len(origin.requests) == 1 and len(elsewhere.requests) == 1
    sent = origin.requests[0].headers
    assert sent.get("x-api-key") == KEY or sent.get("authorization") == f"Bearer {KEY}"
    leaked = elsewhere.requests[0]
    assert KEY not in leaked.head and "x-api-key" not in leaked.headers
    assert "authorization" not in leaked.headers


@pytest.mark.parametrize("mode", MODES)
def test_same_origin_redirect_keeps_credentials(mode: str) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        if request.path == "/old/v1/messages":
            conn.sendall(
                b"HTTP/1.1 308 Moved\r\nLocation: /v1/messages\r\nContent-Length: 0\r\n"
                b"Connection: close\r\n\r\n"
            )
        else:
            _ok(conn, request)

    with serving(handle) as server:
        llm = ChatCometAPI(
            base_url=server.base_url + "/old",
            api_key=KEY,
            prompt_cache="off",
            http_client=httpx2.Client(follow_redirects=True),
            http_async_client=httpx2.AsyncClient(follow_redirects=True),
        )
        assert call(llm, mode) == "Hello!"
    assert [r.headers.get("x-api-key") for r in server.requests] == [KEY, KEY]
    assert server.requests[1].body == server.requests[0].body  # 308 keeps the POST body


@pytest.mark.parametrize("mode", MODES)
def test_url_password_never_printed(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    password = "Pa55w0rd-never-print-me"

    def handle(conn: socket.socket, request: Request) -> None:
        echo = f"<html>bad gateway for user:{password}</html>"  # a proxy echoing the URL
        conn.sendall(response(502, echo, {"Content-Type": "text/html"}))

    _debug_everything(caplog)
    with serving(handle) as server:
        url = server.base_url.replace("http://", f"http://user:{password}@")
        llm = no_sleep(ChatCometAPI(base_url=url, api_key=KEY, max_retries=1))
        with pytest.raises(errors.InternalServerError) as info:
            call(llm, mode)
    assert server.requests, "the request must have been sent"
    assert password not in str(info.value) and password not in caplog.text
    assert password not in repr(llm) and "127.0.0.1" in str(info.value)
    assert llm._planner is not None and password not in llm._planner.endpoint.base_url
    assert server.requests[0].headers["authorization"].startswith("Basic ")


# -- every failure kind, every planted secret, every surface of the exception and the logs ------
# The server echoes the whole request head (every header the client sent) into the error body and
# the key into response headers: the worst a proxy can do. Settings carry every kind of secret
# (tests/helpers/secrets.py), the key with the trailing newline of a secret file.
_LIBRARY = ("langchain_cometapi/",)
_LOGGERS = ("", "langchain_cometapi", "httpx2", "httpcore2", "tenacity", "asyncio")


def _echo_error(status: int, content_type: str = "application/json") -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        message = f"rejected: {request.head}"
        body = json.dumps({"type": "error", "error": {"type": "api_error", "message": message}})
        echoed = {"X-Echo-Key": request.headers.get("x-api-key", ""), "Content-Type": content_type}
        echoed["X-Echo-Cookie"] = request.headers.get("cookie", "")
        conn.sendall(response(status, body if "json" in content_type else f"<p>{message}</p>",
                              echoed))  # fmt: skip

    return handle


def _echo_then_cut(conn: socket.socket, request: Request) -> None:
    events = text_stream(request.head, stop=False)[:4]
    conn.sendall(sse_head({"X-Echo-Key": request.headers.get("x-api-key", "")}))
    conn.sendall(b"".join(event(e) for e in events))


def _echo_error_event(conn: socket.socket, request: Request) -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": request.head}}
    conn.sendall(sse_head() + b"".join(event(e) for e in text_stream("x", stop=False)[:4]))
    conn.sendall(event(error))


def _echo_redirect(conn: socket.socket, request: Request) -> None:
    target = f"https://elsewhere.example/?k={request.headers.get('x-api-key')}"
    conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n"
                 "Connection: close\r\n\r\n".encode())  # fmt: skip


def _echo_not_json(conn: socket.socket, request: Request) -> None:
    conn.sendall(response(200, f"not json: {request.head}", {"Content-Type": "application/json"}))


def _silent(conn: socket.socket, request: Request) -> None:
    time.sleep(1.5)  # past the 0.5 s timeout


FAILURES: dict[str, Handler] = {
    "401": _echo_error(401),
    "400": _echo_error(400),
    "500_after_retries": _echo_error(500),
    "529_html": _echo_error(529, "text/html"),
    "stream_cut": _echo_then_cut,
    "error_event": _echo_error_event,
    "redirect": _echo_redirect,
    "not_json_200": _echo_not_json,
    "timeout": _silent,
}


def _planted_client(base_url: str) -> ChatCometAPI:
    """Every kind of secret; the key is sent as x-api-key, so the default headers carry the
    other credential headers."""
    headers = {k: v for k, v in HEADERS.items() if k != "x-api-key"}
    settings = planted(
        api_key=KEY_PLANTED + "\n", base_url=with_password(base_url), default_headers=headers
    )
    return no_sleep(ChatCometAPI(**settings, max_retries=1, timeout=0.5, prompt_cache="auto"))


def _debug_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    for name in _LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)


def _scan_failure(
    exc: BaseException, caplog: pytest.LogCaptureFixture, *, echoed: bool
) -> None:
    # A server that echoes secrets into its body: the exception is redacted, but the raw bytes
    # received stay in the reading frame's locals (the server's own bytes; see docs/reliability)
    frames = () if echoed else _LIBRARY
    assert leaks(exception_text(exc, locals_of=frames)) == []
    assert leaks(caplog.text) == []
    assert all(leaks(repr(r.args)) == [] for r in caplog.records)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stream", [False, True], ids=["call", "stream"])
@pytest.mark.parametrize("failure", FAILURES)
def test_no_failure_shows_a_secret_anywhere(
    failure: str, stream: bool, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    if failure in ("stream_cut", "error_event") and not stream:
        pytest.skip("a stream failure")
    _debug_every_logger(caplog)
    with warnings.catch_warnings(record=True) as warned, serving(FAILURES[failure]) as server:
        warnings.simplefilter("always")
        with pytest.raises(errors.CometAPIError) as info:
            call(_planted_client(server.base_url), mode, stream=stream)
    assert server.requests, "nothing was sent: the test would prove nothing"
    assert KEY_PLANTED in server.requests[0].head  # the echo carries every secret
    assert any(r.name.startswith("httpcore2") for r in caplog.records)
    _scan_failure(info.value, caplog, echoed=failure != "timeout")
    assert all(leaks(str(w.message)) == [] for w in warned)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("failure", ["connection_refused", "tls_error"])
def test_no_transport_failure_shows_a_secret(
    failure: str, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    _debug_every_logger(caplog)
    with _plain_bytes_server() as port:
        url = f"https://127.0.0.1:{port}" if failure == "tls_error" else "http://127.0.0.1:9"
        with pytest.raises(errors.APIConnectionError) as info:
            call(_planted_client(url), mode)
    assert caplog.records
    _scan_failure(info.value, caplog, echoed=False)


@contextlib.contextmanager
def _plain_bytes_server() -> Iterator[int]:
    """Answers a TLS handshake with plain HTTP bytes (a TLS error on the client)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(1)
        sock.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_per_call_key_echoed_by_the_server_is_redacted(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    _debug_every_logger(caplog)
    with serving(_echo_error(401)) as server:
        llm = no_sleep(ChatCometAPI(base_url=server.base_url, api_key=None, max_retries=0))
        with pytest.raises(errors.AuthenticationError) as info:
            if mode == "sync":
                llm.invoke("hi", extra_headers={"x-api-key": CALL_KEY})
            else:
                asyncio.run(llm.ainvoke("hi", extra_headers={"x-api-key": CALL_KEY}))
    assert CALL_KEY in server.requests[0].head
    _scan_failure(info.value, caplog, echoed=True)


@pytest.mark.parametrize(
    "header", ["x-api-key", "Authorization", "api-key", "Proxy-Authorization", "Cookie",
               "X-Upstream-Token", "X-Client-Secret"],
)  # fmt: skip
def test_redaction_and_trace_masking_agree_on_credential_headers(header: str) -> None:
    """The client's redactor (_http) and the trace masking (_wire) use the same name rule."""
    assert credential_header(header) and secret_header(header)
    for plain in ("anthropic-version", "anthropic-beta", "content-type", "x-team"):
        assert not credential_header(plain) and not secret_header(plain)


@pytest.mark.parametrize(
    ("value", "echoed"),
    [
        ("Bearer AUTHPLANT-bearer-11", "AUTHPLANT-bearer-11"),  # the token alone
        ("sid=COOKIEPLANT-55555; theme=dark", "COOKIEPLANT-55555"),  # one cookie's value
        ("Basic " + base64.b64encode(b"user:PWPLANT-pass").decode(), "user:PWPLANT-pass"),
        ("XKEYPLANT/22+2=", "XKEYPLANT%2F22%2B2%3D"),  # URL-encoded
        ("XKEYPLANT/22+2=", base64.b64encode(b"XKEYPLANT/22+2=").decode()),
        ('XKEY"PLANT\\22', 'XKEY\\"PLANT\\\\22'),  # JSON-escaped
    ],
)
def test_redactor_removes_every_form(value: str, echoed: str) -> None:
    assert "***" in Redactor(value)(f"server said {echoed}!")
    assert Redactor(value)("nothing secret here") == "nothing secret here"
