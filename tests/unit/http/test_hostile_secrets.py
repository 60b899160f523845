"""Secrets on hostile networks: the key as read from a file, redirects, URL userinfo.

Each case runs sync and async against a raw loopback server (tests/helpers/hostile.py).
"""

from __future__ import annotations

import logging
import socket

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import (
    MODES,
    Handler,
    Request,
    call,
    json_reply,
    no_sleep,
    response,
    serving,
)
from tests.helpers.responses import message

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
