"""A stream is accounted (cache report, planner learning) however it ends: read to the end,
stopped early by the caller, or broken after the API started answering. The input was billed
from message_start on, so each of these counts; a request refused before any event does not."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.errors import CometAPIError
from langchain_cometapi.testing import emulated_chat_model

SYSTEM = "You are a careful assistant who answers in full sentences. " * 200
MESSAGES = [("system", SYSTEM), ("human", "Tell me a long story about caching.")]


def _model() -> ChatCometAPI:
    return emulated_chat_model(model="claude-sonnet-4-5")


def _assert_one_billed_write(llm: ChatCometAPI) -> None:
    report = llm.cache_report
    assert report.requests == 1
    assert report.write_5m_tokens + report.write_1h_tokens > 1000  # the system prompt written
    assert llm._planner is not None and llm._planner.state.samples == 1  # estimate calibrated


def test_stream_stopped_early_is_still_accounted() -> None:
    llm = _model()
    stream = llm.stream(MESSAGES)
    next(stream)
    stream.close()
    _assert_one_billed_write(llm)


async def test_astream_stopped_early_is_still_accounted() -> None:
    llm = _model()
    stream = llm.astream(MESSAGES)
    await stream.__anext__()
    await stream.aclose()
    _assert_one_billed_write(llm)


def test_stream_read_to_the_end_is_accounted_once() -> None:
    llm = _model()
    list(llm.stream(MESSAGES))
    _assert_one_billed_write(llm)


def _broken_after_start(request: httpx2.Request) -> httpx2.Response:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [], "stop_reason": None,
            "usage": {"input_tokens": 12, "cache_read_input_tokens": 3000, "output_tokens": 1},
        },
    }  # fmt: skip
    body = f"event: message_start\ndata: {json.dumps(start)}\n\n".encode()
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)


def _refused(request: httpx2.Request) -> httpx2.Response:
    error = {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}
    return httpx2.Response(400, json=error)


def _scripted(handler: Any) -> ChatCometAPI:
    transport = httpx2.MockTransport(handler)
    return ChatCometAPI(
        model="claude-sonnet-4-5", api_key="sk-test", base_url="http://scripted", max_retries=0,
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
    )  # fmt: skip


def test_stream_broken_after_message_start_counts_the_billed_input() -> None:
    llm = _scripted(_broken_after_start)
    with pytest.raises(CometAPIError):
        list(llm.stream(MESSAGES))
    assert (llm.cache_report.requests, llm.cache_report.read_tokens) == (1, 3000)


async def test_astream_broken_after_message_start_counts_the_billed_input() -> None:
    llm = _scripted(_broken_after_start)
    with pytest.raises(CometAPIError):
        async for _ in llm.astream(MESSAGES):
            pass
    assert (llm.cache_report.requests, llm.cache_report.read_tokens) == (1, 3000)


def test_stream_refused_before_any_event_counts_nothing() -> None:
    llm = _scripted(_refused)
    with pytest.raises(CometAPIError):
        list(llm.stream(MESSAGES))
    assert llm.cache_report.requests == 0


async def test_astream_refused_before_any_event_counts_nothing() -> None:
    llm = _scripted(_refused)
    with pytest.raises(CometAPIError):
        async for _ in llm.astream(MESSAGES):
            pass
    assert llm.cache_report.requests == 0
