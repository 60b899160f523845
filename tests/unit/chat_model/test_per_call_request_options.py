"""The anthropic SDK's per-request options ``timeout`` and ``extra_query``, per call.

ChatAnthropic passes ``invoke(..., timeout=5)`` (and ``bind(timeout=...)``) to the SDK, which
applies it to that request only; ``extra_query`` becomes that request's query string. Both
mean the same here: applied to each attempt of that one call, never sent in the body, checked
before anything is sent. The emulator's transport honours the request's read timeout, so a
reply slower than the call's timeout is a real timeout here.
"""

from __future__ import annotations

import math
from typing import Any

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI, errors
from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator, Reply
from tests.helpers.chat_model import call_text

PATHS = ("invoke", "ainvoke", "stream", "astream")
ALL_FIVE = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


class Recording(EmulatorTransport):
    """The emulator, noting each request's URL and timeout extension (what httpx2 applies)."""

    def __init__(self, emulator: MessagesEmulator) -> None:
        super().__init__(emulator)
        self.seen: list[tuple[httpx2.URL, dict[str, Any]]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append((request.url, dict(request.extensions["timeout"])))
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append((request.url, dict(request.extensions["timeout"])))
        return await super().handle_async_request(request)


def _model(**settings: Any) -> tuple[ChatCometAPI, MessagesEmulator, Recording]:
    emu = MessagesEmulator()
    transport = Recording(emu)
    llm = ChatCometAPI(
        api_key="sk-test",
        base_url="http://emulator",
        prompt_cache="off",
        http_client=httpx2.Client(transport=transport, timeout=30),
        http_async_client=httpx2.AsyncClient(transport=transport, timeout=30),
        **{"max_retries": 0, **settings},
    )
    return llm, emu, transport


@pytest.mark.parametrize("path", PATHS)
async def test_a_call_timeout_applies_to_that_request_only(path: str) -> None:
    llm, emu, transport = _model()
    await call_text(llm, path, timeout=5)
    await call_text(llm, path)
    (_, first), (_, second) = transport.seen
    assert first == ALL_FIVE
    assert second == dict.fromkeys(ALL_FIVE, 30)  # the client's own again
    assert all("timeout" not in r["body"] for r in emu.requests)


@pytest.mark.parametrize("path", PATHS)
async def test_a_bound_timeout_applies_to_eachcall_text(path: str) -> None:
    llm, _, transport = _model()
    await call_text(llm.bind(timeout=5), path)
    assert transport.seen[-1][1] == ALL_FIVE


@pytest.mark.parametrize("path", PATHS)
async def test_an_httpx_timeout_applies_phase_by_phase(path: str) -> None:
    llm, _, transport = _model()
    await call_text(llm, path, timeout=httpx2.Timeout(7, connect=2))
    assert transport.seen[-1][1] == {"connect": 2, "read": 7, "write": 7, "pool": 7}


@pytest.mark.parametrize("path", PATHS)
async def test_a_call_timeout_of_none_means_no_timeout(path: str) -> None:
    llm, _, transport = _model()
    await call_text(llm, path, timeout=None)
    assert transport.seen[-1][1] == dict.fromkeys(ALL_FIVE)


@pytest.mark.parametrize("path", PATHS)
async def test_a_reply_slower_than_the_call_timeout_times_out(path: str) -> None:
    """The model's timeout is 30 s; the call's 0.05 s bounds the wait for a 0.2 s reply."""
    llm, emu, _ = _model()
    emu.script(Reply.delay(0.2), Reply.text("Hello"))
    with pytest.raises(errors.APITimeoutError):
        await call_text(llm, path, timeout=0.05)
    assert await call_text(llm, path) == "Hello"


@pytest.mark.parametrize("path", PATHS)
async def test_retries_of_a_call_keep_its_timeout_and_the_model_retry_policy(path: str) -> None:
    llm, emu, transport = _model(max_retries=1)
    llm._client._sleep = lambda _: None  # no backoff wait in a test

    async def no_wait(_: float) -> None:
        return None

    llm._client._async_sleep = no_wait
    emu.script(Reply.overloaded(), Reply.overloaded(), Reply.text("Hello"))
    with pytest.raises(errors.APIStatusError):
        await call_text(llm, path, timeout=5)
    assert [timeout for _, timeout in transport.seen] == [ALL_FIVE, ALL_FIVE]  # 1 + 1 retry


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("timeout", "fragment"),
    [
        ("5", "got str"),
        (True, "got bool"),
        (0, "positive"),
        (-1.0, "positive"),
        (math.nan, "positive"),
        (math.inf, "positive"),
        (httpx2.Timeout(5, read=-1), "timeout's read"),
    ],
)
async def test_an_invalid_call_timeout_is_refused_before_sending(
    path: str, timeout: object, fragment: str
) -> None:
    llm, emu, _ = _model()
    with pytest.raises(ValueError, match=fragment):
        await call_text(llm, path, timeout=timeout)
    assert emu.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_extra_query_is_that_request_query_string(path: str) -> None:
    llm, emu, transport = _model()
    await call_text(llm, path, extra_query={"beta": "true", "n": [1, 2]})
    await call_text(llm, path)
    (with_query, _), (without, _) = transport.seen
    assert with_query.path == "/v1/messages"
    assert with_query.params.multi_items() == [("beta", "true"), ("n", "1"), ("n", "2")]
    assert without.query == b""
    assert all("extra_query" not in r["body"] for r in emu.requests)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (["beta"], "must be a dict"),
        ({"beta": {"nested": 1}}, r"extra_query\['beta'\]"),
        ({"beta": None}, r"extra_query\['beta'\]"),
        ({"api_key": "sk-never-shown-0123"}, "look like credentials"),
    ],
)
async def test_an_invalid_extra_query_is_refused_before_sending(
    path: str, query: object, fragment: str
) -> None:
    llm, emu, _ = _model()
    with pytest.raises(ValueError, match=fragment) as caught:
        await call_text(llm, path, extra_query=query)
    assert emu.requests == []
    assert "sk-never-shown" not in str(caught.value)
