"""The loopback server: real sockets, keep-alive, chunked SSE, faults and 300 connections."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator

import httpx2
import pytest

from langchain_cometapi.testing import EmulatorServer, MessagesEmulator, Reply
from tests.helpers.emulator import KEY, body

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


def test_json_over_a_real_socket_with_keep_alive(server: EmulatorServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    server.emulator.script(Reply.text("one"), Reply.text("two"), Reply.text("three"))
    with httpx2.Client(base_url=server.base_url) as c:
        texts = [
            c.post("/v1/messages", headers=KEY, json=body()).json()["content"][0]["text"]
            for _ in range(3)
        ]
        r = c.post("/v1/messages", headers=KEY, json=body())
    assert texts == ["one", "two", "three"]
    assert r.headers["x-emulator"] == "langchain-cometapi"
    assert server.connections_accepted == 1  # one keep-alive connection for four requests
    assert len(server.emulator.requests) == 4


def test_chunked_sse_over_a_real_socket(server: EmulatorServer) -> None:
    server.emulator.script(Reply.text("streaming over loopback " * 20, chunks=200))
    with (
        httpx2.Client(base_url=server.base_url) as c,
        c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r,
    ):
        assert r.headers["transfer-encoding"] == "chunked"
        events = [(ev.event, ev.json()) for ev in httpx2.EventSource(r)]
    deltas = [d["delta"]["text"] for e, d in events if e == "content_block_delta"]
    assert len(deltas) == 200
    assert "".join(deltas) == "streaming over loopback " * 20
    assert events[-1][0] == "message_stop"


def test_unknown_path_and_auth_over_socket(server: EmulatorServer) -> None:
    with httpx2.Client(base_url=server.base_url) as c:
        assert c.get("/v1/complete", headers=KEY).status_code == 404
        assert c.get("/v1/models", headers=KEY).status_code == 200
        assert c.post("/v1/messages", json=body()).status_code == 401


def test_reset_before_any_byte(server: EmulatorServer) -> None:
    server.emulator.script(Reply.reset(), Reply.reset(rst=True), Reply.text("back"))
    with httpx2.Client(base_url=server.base_url) as c:
        with pytest.raises(httpx2.RemoteProtocolError):
            c.post("/v1/messages", headers=KEY, json=body())
        with pytest.raises(httpx2.ReadError):  # ECONNRESET
            c.post("/v1/messages", headers=KEY, json=body())
        assert c.post("/v1/messages", headers=KEY, json=body()).json()["content"][0]["text"] == (
            "back"
        )


def test_reset_midstream_and_stream_cut(server: EmulatorServer) -> None:
    server.emulator.script(Reply.reset_midstream("cut me off " * 10), Reply.stream_cut("short"))
    seen: list[str] = []
    with httpx2.Client(base_url=server.base_url) as c:
        with (
            pytest.raises(httpx2.RemoteProtocolError),
            c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r,
        ):
            seen.extend(ev.event for ev in httpx2.EventSource(r))
        assert seen[0] == "message_start" and "message_stop" not in seen
        with c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r:
            names = [ev.event for ev in httpx2.EventSource(r)]
    assert names[-1] == "content_block_stop" and "message_stop" not in names


def test_delay_past_client_read_timeout(server: EmulatorServer) -> None:
    server.emulator.script(Reply.delay(2.0), Reply.delay(0.05, Reply.text("fine")))
    with httpx2.Client(base_url=server.base_url, timeout=httpx2.Timeout(5, read=0.2)) as c:
        t0 = time.perf_counter()
        with pytest.raises(httpx2.ReadTimeout):
            c.post("/v1/messages", headers=KEY, json=body())
        assert time.perf_counter() - t0 < 1.5
        assert c.post("/v1/messages", headers=KEY, json=body()).json()["content"][0]["text"] == (
            "fine"
        )


def test_three_hundred_concurrent_connections(server: EmulatorServer) -> None:
    host, port = server.address
    payload = json.dumps(body()).encode()
    conns = [http.client.HTTPConnection(host, port, timeout=20) for _ in range(300)]
    try:
        for conn in conns:  # all 300 open at once before any is answered
            conn.connect()
        for conn in conns:
            conn.request(
                "POST",
                "/v1/messages",
                body=payload,
                headers={**KEY, "content-type": "application/json"},
            )
        statuses = []
        for conn in conns:
            resp = conn.getresponse()
            statuses.append((resp.status, json.loads(resp.read())["type"]))
    finally:
        for conn in conns:
            conn.close()
    assert statuses == [(200, "message")] * 300
    assert server.connections_accepted == 300


def test_stop_is_clean_and_frees_the_port() -> None:
    srv = EmulatorServer().start()
    host, port = srv.address
    with httpx2.Client(base_url=srv.base_url) as c:
        assert c.post("/v1/messages", headers=KEY, json=body()).status_code == 200
        srv.stop()  # with a keep-alive connection still open
    assert not srv.running
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=1):
        pass
