"""``stream_chunk_timeout``: the longest wait between stream events (pings aside), apart from
``timeout``, under the name langchain-anthropic (1.8+) and langchain-openai give it.

Claude emits a tool input one key/value at a time, so writing a long argument (a file's content)
leaves a stream with only ``ping`` events for a minute or more; a caller can now allow that
without also stretching every non-streaming call. It used to be an unknown argument, sent as a
body field: every call answered 400 ("stream_chunk_timeout: Extra inputs are not permitted").
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from langchain_cometapi import ChatCometAPI, errors
from tests.helpers.hostile import MODES, Handler, Request, call, event, serving, sse_head
from tests.helpers.responses import text_stream

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-chunk-timeout-0123456789"
PING = b'event: ping\ndata: {"type": "ping"}\n\n'


def _pause_with_pings(seconds: float) -> Handler:
    """message_start, then only pings for ``seconds`` (each 0.05 s), then the rest."""
    first, *rest = text_stream("done")

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(sse_head() + event(first))
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            conn.sendall(PING)
            time.sleep(0.05)
        conn.sendall(b"".join(event(e) for e in rest))

    return handle


def _llm(url: str, **settings: Any) -> ChatCometAPI:
    return ChatCometAPI(base_url=url, api_key=KEY, max_retries=0, **settings)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("chunk", [2.0, 0], ids=["longer", "zero_disables"])
def test_a_ping_only_pause_longer_than_timeout_is_allowed(mode: str, chunk: float) -> None:
    with serving(_pause_with_pings(0.8)) as srv:
        llm = _llm(srv.base_url, timeout=0.4, stream_chunk_timeout=chunk)
        assert call(llm, mode, stream=True) == "done"


@pytest.mark.parametrize("mode", MODES)
def test_the_chunk_bound_applies_instead_of_timeout(mode: str) -> None:
    with serving(_pause_with_pings(3.0)) as srv:
        llm = _llm(srv.base_url, timeout=10, stream_chunk_timeout=0.4)
        start = time.monotonic()
        with pytest.raises(errors.StreamTimeoutError, match="no event but pings"):
            call(llm, mode, stream=True)
        assert time.monotonic() - start < 2.0


@pytest.mark.parametrize("mode", MODES)
def test_without_it_timeout_still_bounds_the_pause(mode: str) -> None:
    with serving(_pause_with_pings(3.0)) as srv, pytest.raises(errors.StreamTimeoutError):
        call(_llm(srv.base_url, timeout=0.4), mode, stream=True)


def test_it_is_a_setting_not_a_body_field() -> None:
    llm = ChatCometAPI(api_key=KEY, stream_chunk_timeout=30)
    assert llm.stream_chunk_timeout == 30
    assert "stream_chunk_timeout" not in llm.model_kwargs
    copy = llm.model_copy(update={"stream_chunk_timeout": 5})
    assert copy._client.stream_idle == 5 and llm._client.stream_idle == 30


def test_a_negative_value_is_refused() -> None:
    with pytest.raises(ValueError, match="stream_chunk_timeout"):
        ChatCometAPI(api_key=KEY, stream_chunk_timeout=-1)


def test_per_call_it_is_refused_before_sending() -> None:
    """A setting of the HTTP client, as ``max_retries``: per call it would be a body field."""
    from langchain_cometapi.testing import MessagesEmulator
    from tests.helpers.chat_model import emulated

    llm, emu = emulated(MessagesEmulator())
    with pytest.raises(ValueError, match="stream_chunk_timeout"):
        llm.invoke("hi", stream_chunk_timeout=3)
    assert emu.requests == []
