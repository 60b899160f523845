"""Faults over real loopback sockets (EmulatorServer): class, message, request id, attempts.

Every case also checks that nothing partial is passed off as a result: the call raises, and a
stream that already yielded text still ends in an exception, never a silent short answer.
Every case runs on the sync path (invoke/stream) and on the async one (ainvoke/astream): they are
separate code in the client, so each needs its own test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from langchain_cometapi import ChatCometAPI, errors
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator, Reply
from tests.helpers.hostile import MODES

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

KEY = "sk-fault-test-0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(MessagesEmulator()) as srv:
        yield srv


@pytest.fixture
def emu(server: EmulatorServer) -> MessagesEmulator:
    server.emulator.clear()
    return server.emulator


def model(server: EmulatorServer, slept: list[float], **kw: Any) -> ChatCometAPI:
    kw.setdefault("max_retries", 2)
    kw.setdefault("timeout", 5.0)
    llm = ChatCometAPI(base_url=server.base_url, api_key=KEY, prompt_cache="off", **kw)
    llm._client._sleep = slept.append

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    llm._client._async_sleep = asleep
    return llm




async def invoke(llm: ChatCometAPI, mode: str) -> Any:
    return llm.invoke("hi") if mode == "sync" else await llm.ainvoke("hi")


# (reply factory, exception class, message fragment, attempts with max_retries=2, has request id)
STATUS_CASES: list[tuple[str, Any, type[Exception], str, int, bool]] = [
    (
        "429 retry-after s",
        lambda: Reply.rate_limited(retry_after=2),
        errors.RateLimitError,
        "rate limit",
        3,
        True,
    ),
    (
        "429 retry-after-ms",
        lambda: Reply.error(429, "slow down", headers={"retry-after-ms": "1500"}),
        errors.RateLimitError,
        "slow down",
        3,
        True,
    ),
    ("529", Reply.overloaded, errors.OverloadedError, "Overloaded", 3, True),
    ("500", lambda: Reply.error(500, "boom 500"), errors.InternalServerError, "boom 500", 3, True),
    ("502", lambda: Reply.error(502, "boom 502"), errors.InternalServerError, "boom 502", 3, True),
    ("503", lambda: Reply.error(503, "boom 503"), errors.InternalServerError, "boom 503", 3, True),
    ("504", lambda: Reply.error(504, "boom 504"), errors.InternalServerError, "boom 504", 3, True),
    ("524", lambda: Reply.error(524, "boom 524"), errors.InternalServerError, "boom 524", 3, True),
    (
        "html 502",
        lambda: Reply.html(502, "<html><body>Bad Gateway</body></html>"),
        errors.InternalServerError,
        "HTML page",
        3,
        False,
    ),
    (
        "openai-style 401",
        lambda: Reply.error(401, "Invalid token", style="openai"),
        errors.AuthenticationError,
        "Invalid token",
        1,
        True,
    ),
    ("reset rst", lambda: Reply.reset(rst=True), errors.APIConnectionError, "failed", 3, False),
    ("reset fin", Reply.reset, errors.APIConnectionError, "failed", 3, False),
    ("malformed json", Reply.malformed_json, errors.InvalidResponseError, "JSON", 1, False),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("factory", "cls", "fragment", "attempts", "has_id"),
    [c[1:] for c in STATUS_CASES],
    ids=[c[0] for c in STATUS_CASES],
)
async def test_invoke_fault(
    mode: str,
    server: EmulatorServer,
    emu: MessagesEmulator,
    factory: Any,
    cls: type[Exception],
    fragment: str,
    attempts: int,
    has_id: bool,
) -> None:
    emu.script(*(factory() for _ in range(3)))
    slept: list[float] = []
    with pytest.raises(cls, match=fragment) as info:
        await invoke(model(server, slept), mode)
    assert len(emu.requests) == attempts
    assert len(slept) == attempts - 1
    exc = info.value
    assert isinstance(exc, errors.CometAPIError)
    if has_id:
        assert (exc.request_id or "").startswith("req_emu_")
    assert KEY not in str(exc)


@pytest.mark.parametrize("mode", MODES)
async def test_mixed_faults_end_in_the_last_one(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.overloaded(), Reply.error(503, "busy"), Reply.error(502, "gw"))
    slept: list[float] = []
    with pytest.raises(errors.InternalServerError, match="gw") as info:
        await invoke(model(server, slept), mode)
    assert info.value.status_code == 502
    assert len(emu.requests) == 3 and len(slept) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_retry_after_honoured_then_success(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(
        Reply.error(429, "slow", headers={"retry-after-ms": "1500"}),
        Reply.rate_limited(retry_after=2),
        Reply.text("finally"),
    )
    slept: list[float] = []
    assert (await invoke(model(server, slept), mode)).content == "finally"
    assert slept == [1.5, 2.0]
    assert len(emu.requests) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_connection_reset_then_success(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.reset(rst=True), Reply.reset(), Reply.text("back"))
    slept: list[float] = []
    assert (await invoke(model(server, slept), mode)).content == "back"
    assert len(emu.requests) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_slow_server_times_out(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(*(Reply.delay(3.0, then=Reply.text("late")) for _ in range(2)))
    slept: list[float] = []
    with pytest.raises(errors.APITimeoutError, match="timed out"):
        await invoke(model(server, slept, timeout=0.3, max_retries=1), mode)
    assert len(emu.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_html_200_is_invalid_response(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.html(200, "<html><body>Welcome to nginx</body></html>"))
    with pytest.raises(errors.InvalidResponseError, match="nginx"):
        await invoke(model(server, []), mode)
    assert len(emu.requests) == 1


# -- streams ----------------------------------------------------------------------------------
async def _collect(llm: ChatCometAPI, mode: str) -> tuple[str, BaseException | None]:
    text = ""
    try:
        if mode == "sync":
            for chunk in llm.stream("hi"):
                text += chunk.text
        else:
            async for achunk in llm.astream("hi"):
                text += achunk.text
    except errors.CometAPIError as exc:
        return text, exc
    return text, None


@pytest.mark.parametrize("mode", MODES)
async def test_stream_error_event_midway(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.stream_error_midway("partial answer", chunks=3), Reply.text("never"))
    text, exc = await _collect(model(server, []), mode)
    assert isinstance(exc, errors.StreamError)
    assert exc.error_type == "overloaded_error" and "Overloaded" in str(exc)
    assert (exc.request_id or "").startswith("req_emu_")
    assert text and text in "partial answer"
    assert len(emu.requests) == 1  # text was yielded: never silently restarted


@pytest.mark.parametrize("mode", MODES)
async def test_stream_cut_without_message_stop(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.stream_cut("cut short", chunks=2))
    text, exc = await _collect(model(server, []), mode)
    assert isinstance(exc, errors.StreamError)
    assert text and "before message_stop" in str(exc)
    assert len(emu.requests) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_stream_connection_dropped_midway(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.reset_midstream("dropped in the middle", chunks=4))
    _, exc = await _collect(model(server, []), mode)
    # Both a stream error and a connection error, whichever a caller catches.
    assert isinstance(exc, errors.StreamInterruptedError)
    assert isinstance(exc, errors.StreamError) and isinstance(exc, errors.APIConnectionError)
    assert "mid-stream" in str(exc)
    assert len(emu.requests) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_stream_reset_before_first_event_is_retried(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.reset(rst=True), Reply.overloaded(), Reply.text("streamed fine", chunks=3))
    text, exc = await _collect(model(server, []), mode)
    assert exc is None and text == "streamed fine"
    assert len(emu.requests) == 3


@pytest.mark.parametrize("mode", MODES)
async def test_stream_malformed_event(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.malformed_json())
    _, exc = await _collect(model(server, []), mode)
    assert isinstance(exc, errors.CometAPIError)
    assert "malformed" in str(exc) or "JSON" in str(exc)


@pytest.mark.parametrize("mode", MODES)
async def test_streaming_invoke_never_returns_partial(
    mode: str, server: EmulatorServer, emu: MessagesEmulator
) -> None:
    emu.script(Reply.stream_cut("half of it", chunks=2))
    with pytest.raises(errors.StreamError):
        await invoke(model(server, [], streaming=True), mode)
