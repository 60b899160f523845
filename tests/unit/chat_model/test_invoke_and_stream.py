"""ChatCometAPI end to end over an in-memory transport: requests sent, messages returned."""

from __future__ import annotations

import json

import httpx2
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.errors import StreamError
from tests.helpers.responses import (
    PATHS,
    SYNC_ASYNC,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)


@pytest.mark.parametrize("path", SYNC_ASYNC)
async def test_invoke_sends_headers_and_body_and_returns_usage(path: str) -> None:
    rec = Recorder(
        json_response(
            message(
                cache_read_input_tokens=100,
                cache_creation_input_tokens=20,
                cache_creation={"ephemeral_5m_input_tokens": 20, "ephemeral_1h_input_tokens": 0},
            ),
            headers={"request-id": "req_1"},
        )
    )
    llm = model_with(rec, temperature=0.2, stop=["END"], betas=["b1"], max_tokens=50)
    out = await call(llm, path, [HumanMessage("hi")])
    req = rec.requests[0]
    assert req.url == "https://api.cometapi.com/v1/messages"
    assert req.headers["x-api-key"] == "sk-test-secret-123"
    assert req.headers["anthropic-version"] == "2023-06-01"
    assert req.headers["anthropic-beta"] == "b1"
    assert req.headers["user-agent"].startswith("langchain-cometapi/")
    body = json.loads(req.content)
    assert body == {
        "model": "claude-sonnet-4-6",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "temperature": 0.2,
        "stop_sequences": ["END"],
    }
    assert out.content == "Hello!"
    assert out.response_metadata["model_name"] == "claude-sonnet-4-6-20260101"
    assert out.response_metadata["model_provider"] == "anthropic"
    assert out.usage_metadata == {
        "input_tokens": 130,
        "output_tokens": 5,
        "total_tokens": 135,
        "input_token_details": {
            "cache_read": 100,
            "cache_creation": 0,  # the TTL split carries the write (ChatAnthropic's convention)
            "ephemeral_5m_input_tokens": 20,
            "ephemeral_1h_input_tokens": 0,
        },
    }


def test_bearer_auth_and_base_url_with_v1() -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec, auth="bearer", base_url="https://proxy.example/v1/")
    llm.invoke("hi")
    req = rec.requests[0]
    assert str(req.url) == "https://proxy.example/v1/messages"
    assert req.headers["authorization"] == "Bearer sk-test-secret-123"
    assert "x-api-key" not in req.headers


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_stream_sum_matches_invoke_and_usage_set_once(path: str) -> None:
    events = text_stream("Hello there, friend", cache_read_input_tokens=50)
    rec = Recorder(sse_response(events, pad=True))
    llm = model_with(rec)
    if path == "stream":
        chunks = list(llm.stream("hi"))
    else:
        chunks = [chunk async for chunk in llm.astream("hi")]
    with_usage = [c for c in chunks if c.usage_metadata]
    assert len(with_usage) == 1
    assert chunks[-1].chunk_position == "last"
    total = chunks[0]
    for c in chunks[1:]:
        total = total + c
    assert isinstance(total, AIMessageChunk)
    assert total.content == "Hello there, friend"
    assert total.usage_metadata == {
        "input_tokens": 60,
        "output_tokens": 7,
        "total_tokens": 67,
        "input_token_details": {"cache_read": 50, "cache_creation": 0},
    }
    assert total.response_metadata["stop_reason"] == "end_turn"
    assert total.response_metadata["id"] == "msg_1"
    assert total.response_metadata["model_provider"] == "anthropic"


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_stream_without_message_stop_raises(path: str) -> None:
    rec = Recorder(sse_response(text_stream("partial", stop=False)))
    with pytest.raises(StreamError, match="before message_stop"):
        await call(model_with(rec), path)


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_stream_error_event_raises_with_message(path: str) -> None:
    events = [
        *text_stream("abc")[:4],
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded now"}},
    ]
    rec = Recorder(sse_response(events))
    with pytest.raises(StreamError, match="Overloaded now"):
        await call(model_with(rec), path)


def test_stream_tool_calls_assembled_from_json_deltas() -> None:
    start = message([])
    events = [
        {"type": "message_start", "message": start},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "t1", "name": "get", "input": {}},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": '{"ci'},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": 'ty": "Paris"}'},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "tool_use", "id": "t2", "name": "now", "input": {}},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "content_block_start",
            "index": 2,
            "content_block": {"type": "mystery_block", "x": 1},
        },
        {"type": "content_block_delta", "index": 2, "delta": {"type": "mystery_delta", "y": "z"}},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ]
    rec = Recorder(sse_response(events))
    llm = model_with(rec).bind_tools(
        [{"name": "get", "description": "d", "input_schema": {"type": "object"}}]
    )
    total = None
    for c in llm.stream("hi"):
        total = c if total is None else total + c
    assert total is not None
    assert [(t["id"], t["name"], t["args"]) for t in total.tool_calls] == [
        ("t1", "get", {"city": "Paris"}),
        ("t2", "now", {}),
    ]
    assert any(b.get("type") == "mystery_block" and b.get("y") == "z" for b in total.content)


async def test_async_invoke_and_stream() -> None:
    rec = Recorder(json_response(message()), sse_response(text_stream("async!")))
    llm = model_with(rec)
    out = await llm.ainvoke("hi")
    assert out.content == "Hello!"
    text = ""
    async for chunk in llm.astream("hi"):
        text += chunk.text
    assert text == "async!"


def test_key_is_secret_everywhere() -> None:
    llm = ChatCometAPI(api_key="sk-very-secret-key", prompt_cache="off")
    assert "sk-very-secret-key" not in repr(llm)
    assert "sk-very-secret-key" not in str(llm)
    from langchain_core.load import dumps

    assert "sk-very-secret-key" not in dumps(llm)


def test_env_key_and_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMETAPI_API_KEY", "sk-fallback")
    assert ChatCometAPI().api_key.get_secret_value() == "sk-fallback"  # type: ignore[union-attr]
    monkeypatch.setenv("COMETAPI_KEY", "sk-primary")
    assert ChatCometAPI().api_key.get_secret_value() == "sk-primary"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"temperature": 1.5}, "temperature"),
        ({"thinking": {"type": "enabled", "budget_tokens": 500}}, "1024"),
        (
            {"thinking": {"type": "enabled", "budget_tokens": 4096}, "max_tokens": 2048},
            "less than max_tokens",
        ),
        (
            {"thinking": {"type": "enabled", "budget_tokens": 2048}, "temperature": 0.5},
            "temperature",
        ),
        ({"stop": "END"}, "stop"),
        ({"timeout": -1}, "timeout"),
    ],
)
def test_bad_parameters_rejected(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        ChatCometAPI(api_key="k", **kwargs)


@pytest.mark.parametrize("path", PATHS)
async def test_nothing_sent_for_bad_input(path: str) -> None:
    rec = Recorder(json_response(message()))
    llm = model_with(rec)
    with pytest.raises(ValueError):
        await call(llm, path, [])
    tools = [{"name": "a", "input_schema": {"type": "object"}}]
    with pytest.raises(ValueError, match="tool_choice"):
        await call(llm.bind_tools(tools, tool_choice="b"), path, "x")
    with pytest.raises(ValueError, match="JSON"):
        await call(llm.bind(metadata_extra=object()), path, "x")
    too_many = [
        {"type": "text", "text": f"t{i}", "cache_control": {"type": "ephemeral"}} for i in range(5)
    ]
    with pytest.raises(ValueError, match="at most 4"):
        await call(llm, path, [HumanMessage(too_many)])
    assert rec.requests == []


def test_unknown_constructor_args_go_to_model_kwargs() -> None:
    rec = Recorder(json_response(message()))
    with pytest.warns(UserWarning):
        llm = model_with(rec, metadata_user="u")  # not a field: becomes a body field
    llm.invoke("x")
    assert rec.bodies()[0]["metadata_user"] == "u"


def test_model_override_per_call() -> None:
    rec = Recorder(json_response(message()))
    model_with(rec).invoke("x", model="claude-opus-4-1")
    assert rec.bodies()[0]["model"] == "claude-opus-4-1"


def test_json_reply_to_stream_request_is_converted() -> None:
    rec = Recorder(json_response(message([{"type": "text", "text": "whole"}])))
    chunks = list(model_with(rec).stream("x"))
    assert "".join(c.text for c in chunks) == "whole"
    assert sum(1 for c in chunks if c.usage_metadata) == 1


def test_injected_client_transport_used_for_streams() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers["accept"])
        return sse_response(text_stream("ok"))

    llm = model_with(Recorder(handler))
    assert "".join(c.text for c in llm.stream("x")) == "ok"
    assert seen == ["text/event-stream"]
