"""JSON/SSE wire shapes, replies, stop reasons and the default agent-friendly reply."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator, Reply
from tests.helpers.emulator import KEY, MODEL, body, post, stream_events

USAGE_KEYS = {
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "cache_creation",
    "service_tier",
}


def test_json_message_shape_and_headers() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("Hi! Nice to meet you."))
    r = post(emu, body(model="claude-sonnet-4-5-20250929"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["request-id"].startswith("req_emu_")
    assert r.headers["x-emulator"] == "langchain-cometapi"
    msg = r.json()
    assert list(msg) == [
        "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage",
    ]  # fmt: skip
    assert msg["id"].startswith("msg_emu_")
    assert (msg["type"], msg["role"]) == ("message", "assistant")
    assert msg["model"] == "claude-sonnet-4-5-20250929"
    assert msg["content"] == [{"type": "text", "text": "Hi! Nice to meet you."}]
    assert (msg["stop_reason"], msg["stop_sequence"]) == ("end_turn", None)
    u = msg["usage"]
    assert set(u) == USAGE_KEYS
    assert set(u["cache_creation"]) == {"ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"}
    assert u["input_tokens"] > 0 and u["output_tokens"] > 0


def test_token_counts_are_deterministic_and_grow_with_input() -> None:
    emu = MessagesEmulator()
    short = post(emu, body()).json()["usage"]["input_tokens"]
    again = post(emu, body()).json()["usage"]["input_tokens"]
    longer = post(emu, body(messages=[{"role": "user", "content": "Hello there " * 50}]))
    assert short == again
    assert longer.json()["usage"]["input_tokens"] > short + 100


def test_sse_stream_shape_matches_the_real_api() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("The quick brown fox jumps over the lazy dog. " * 3))
    events = stream_events(emu, body(stream=True))
    names = [e for e, _ in events]
    assert names[0] == "message_start" and names[-1] == "message_stop"
    assert names[-2] == "message_delta"
    assert "ping" in names
    start = events[0][1]["message"]
    assert start["content"] == [] and start["stop_reason"] is None
    assert start["usage"]["output_tokens"] == 1
    assert set(start["usage"]) == USAGE_KEYS
    deltas = [d for e, d in events if e == "content_block_delta"]
    assert len(deltas) > 3  # text arrives in several chunks
    text = "".join(d["delta"]["text"] for d in deltas)
    assert text == "The quick brown fox jumps over the lazy dog. " * 3
    assert all(d["type"] == e for e, d in events)
    final = events[-2][1]
    assert final["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert set(final["usage"]) == {"output_tokens"}
    # the same reply as JSON reports the same output usage
    emu.script(Reply.text("The quick brown fox jumps over the lazy dog. " * 3))
    assert post(emu, body()).json()["usage"]["output_tokens"] == final["usage"]["output_tokens"]


def test_usage_in_delta_resends_input_and_cache_counts() -> None:
    emu = MessagesEmulator(usage_in_delta=True)
    events = stream_events(emu, body(stream=True))
    start_usage = events[0][1]["message"]["usage"]
    delta_usage = events[-2][1]["usage"]
    for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
        assert delta_usage[key] == start_usage[key]
    assert delta_usage["output_tokens"] >= 1


def test_configurable_number_of_text_deltas_for_benchmarks() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("ab" * 1600, chunks=1500))
    events = stream_events(emu, body(stream=True, max_tokens=4000))
    deltas = [d for e, d in events if e == "content_block_delta"]
    assert len(deltas) == 1500
    assert "".join(d["delta"]["text"] for d in deltas) == "ab" * 1600


def test_ping_every_interleaves_pings() -> None:
    emu = MessagesEmulator(ping_every=5)
    emu.script(Reply.text("x" * 100, chunks=20))
    names = [e for e, _ in stream_events(emu, body(stream=True))]
    assert names.count("ping") == 1 + 4


def test_tool_use_stream_splits_partial_json() -> None:
    emu = MessagesEmulator()
    args = {"city": "Paris", "days": 3, "detail": {"hourly": True, "units": "metric"}}
    emu.script(Reply.tool_use("get_weather", args, id="toolu_fixed", text="Checking."))
    events = stream_events(emu, body(stream=True))
    starts = [d["content_block"] for e, d in events if e == "content_block_start"]
    assert starts[1] == {
        "type": "tool_use",
        "id": "toolu_fixed",
        "name": "get_weather",
        "input": {},
    }
    fragments = [
        d["delta"]["partial_json"]
        for e, d in events
        if e == "content_block_delta" and d["delta"]["type"] == "input_json_delta"
    ]
    assert len(fragments) > 2 and fragments[0] == ""
    assert json.loads("".join(fragments)) == args
    assert events[-2][1]["delta"]["stop_reason"] == "tool_use"


def test_parallel_tool_calls_get_distinct_generated_ids() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.tool_calls([("a", {"x": 1}), ("b", {"y": 2})]))
    msg = post(emu, body()).json()
    uses = [b for b in msg["content"] if b["type"] == "tool_use"]
    assert [(u["name"], u["input"]) for u in uses] == [("a", {"x": 1}), ("b", {"y": 2})]
    assert len({u["id"] for u in uses}) == 2
    assert all(u["id"].startswith("toolu_emu_") for u in uses)
    assert msg["stop_reason"] == "tool_use"


def test_thinking_stream_has_thinking_and_signature_deltas() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.thinking("Let me think about crossing safely.", "Look both ways."))
    payload = body(
        stream=True, max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 1024}
    )
    events = stream_events(emu, payload)
    kinds = [d["delta"]["type"] for e, d in events if e == "content_block_delta"]
    assert "thinking_delta" in kinds and "signature_delta" in kinds and "text_delta" in kinds
    assert kinds.index("signature_delta") < kinds.index("text_delta")
    first = next(d for e, d in events if e == "content_block_start")
    assert first["content_block"] == {"type": "thinking", "thinking": "", "signature": ""}
    emu.script(Reply.thinking("Let me think about crossing safely.", "Look both ways."))
    msg = post(emu, {**payload, "stream": False}).json()
    assert msg["content"][0]["type"] == "thinking"
    assert msg["content"][0]["signature"]  # generated, deterministic
    sig = next(d["delta"]["signature"] for e, d in events if d.get("delta", {}).get("signature"))
    assert sig == msg["content"][0]["signature"]


def test_stop_sequence_cuts_text_and_is_reported() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("one two STOP three"))
    msg = post(emu, body(stop_sequences=["STOP", "two"])).json()
    assert msg["content"] == [{"type": "text", "text": "one "}]
    assert (msg["stop_reason"], msg["stop_sequence"]) == ("stop_sequence", "two")


def test_max_tokens_truncates_and_reports_max_tokens() -> None:
    emu = MessagesEmulator()
    long_text = "lorem ipsum dolor sit amet " * 100
    emu.script(Reply.tool_use("t", {"a": 1}, text=long_text))
    msg = post(emu, body(max_tokens=20)).json()
    assert msg["stop_reason"] == "max_tokens"
    assert msg["usage"]["output_tokens"] <= 20
    assert [b["type"] for b in msg["content"]] == ["text"]  # the tool call never happened
    assert long_text.startswith(msg["content"][0]["text"])
    assert 40 < len(msg["content"][0]["text"]) < len(long_text)


def test_content_reply_passes_blocks_through() -> None:
    emu = MessagesEmulator()
    blocks = [{"type": "redacted_thinking", "data": "abc123"}, {"type": "text", "text": "ok"}]
    emu.script(Reply.content(blocks, stop_reason="pause_turn"))
    msg = post(emu, body()).json()
    assert msg["content"] == blocks and msg["stop_reason"] == "pause_turn"


# ----- default reply ----------------------------------------------------------------------

TOOLS = [
    {
        "name": "get_weather",
        "description": "Weather for a city",
        "input_schema": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1},
            },
            "required": ["city", "unit"],
        },
    },
    {"name": "other", "input_schema": {"type": "object", "properties": {}}},
]


def test_default_reply_echoes_last_user_text() -> None:
    msg = post(MessagesEmulator(), body()).json()
    assert msg["content"][0]["text"].startswith("You said: Hello there")


def test_default_reply_is_agent_friendly() -> None:
    emu = MessagesEmulator()
    first = body(tools=TOOLS, messages=[{"role": "user", "content": "Weather in Paris?"}])
    msg = post(emu, first).json()
    assert msg["stop_reason"] == "tool_use"
    call = next(b for b in msg["content"] if b["type"] == "tool_use")
    assert call["name"] == "get_weather"
    assert set(call["input"]) == {"city", "unit"}
    assert call["input"]["unit"] == "celsius" and isinstance(call["input"]["city"], str)
    second = body(
        tools=TOOLS,
        messages=[
            *first["messages"],
            {"role": "assistant", "content": msg["content"]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": call["id"], "content": "Sunny, 22C"}
                ],
            },
        ],
    )
    answer = post(emu, second).json()
    assert answer["stop_reason"] == "end_turn"
    assert "Sunny, 22C" in answer["content"][0]["text"]


def test_forced_tool_choice_selects_the_named_tool() -> None:
    payload = body(tools=TOOLS, tool_choice={"type": "tool", "name": "other"})
    msg = post(MessagesEmulator(), payload).json()
    assert [b["type"] for b in msg["content"]] == ["tool_use"]
    assert msg["content"][0]["name"] == "other"


def test_responder_is_used_when_the_script_is_empty() -> None:
    seen: list[dict[str, Any]] = []

    def responder(request: dict[str, Any]) -> Reply:
        seen.append(request)
        return Reply.text(f"model={request['model']}")

    emu = MessagesEmulator(responder=responder)
    emu.script(Reply.text("scripted first"))
    assert post(emu, body()).json()["content"][0]["text"] == "scripted first"
    assert post(emu, body()).json()["content"][0]["text"] == f"model={MODEL}"
    assert len(seen) == 1 and emu.pending == 0


def test_script_replaces_and_enqueue_appends() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("a"))
    emu.script(Reply.text("b"))
    emu.enqueue(Reply.text("c"))
    texts = [post(emu, body()).json()["content"][0]["text"] for _ in range(2)]
    assert texts == ["b", "c"]


# ----- recording, routing and auth --------------------------------------------------------


def test_requests_are_recorded_with_secrets_redacted() -> None:
    emu = MessagesEmulator()
    with httpx2.Client(transport=EmulatorTransport(emu), base_url="http://e") as c:
        c.post("/v1/messages", headers={"Authorization": "Bearer sk-secret"}, json=body())
    rec = emu.last_request
    assert rec["path"] == "/v1/messages" and rec["method"] == "POST"
    assert rec["body"] == body()
    assert rec["headers"]["authorization"] == "<redacted>"
    assert "sk-secret" not in json.dumps(emu.requests)


def test_every_credential_header_is_redacted_in_recorded_requests() -> None:
    secret = {"x-api-key": "sk-a1", "api-key": "azure-b2", "Proxy-Authorization": "Basic c3",
              "Cookie": "sid=d4", "X-Upstream-Token": "e5", "X-Client-Secret": "f6"}  # fmt: skip
    emu = MessagesEmulator()
    with httpx2.Client(transport=EmulatorTransport(emu), base_url="http://e") as c:
        c.post("/v1/messages", headers={**secret, "x-team": "search"}, json=body())
    recorded = emu.last_request["headers"]
    assert all(recorded[name.lower()] == "<redacted>" for name in secret)
    assert recorded["x-team"] == "search"


def test_auth_required_and_configurable_key() -> None:
    emu = MessagesEmulator(api_key="sk-right")
    with httpx2.Client(transport=EmulatorTransport(emu), base_url="http://e") as c:
        missing = c.post("/v1/messages", json=body())
        wrong = c.post("/v1/messages", headers={"x-api-key": "sk-wrong"}, json=body())
        bearer = c.post("/v1/messages", headers={"authorization": "Bearer sk-right"}, json=body())
    for r in (missing, wrong):
        assert r.status_code == 401
        err = r.json()
        assert err["type"] == "error" and err["error"]["type"] == "authentication_error"
        assert err["request_id"] == r.headers["request-id"]
    assert bearer.status_code == 200


def test_unknown_path_is_an_html_404() -> None:
    emu = MessagesEmulator()
    with httpx2.Client(transport=EmulatorTransport(emu), base_url="http://e") as c:
        r = c.post("/v1/chat/completions", headers=KEY, json=body())
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "<html>" in r.text


async def test_async_client_streams_through_the_transport() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("async works fine " * 5))
    transport = EmulatorTransport(emu)
    async with (
        httpx2.AsyncClient(transport=transport, base_url="http://e") as c,
        c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r,
    ):
        events = [ev async for ev in httpx2.EventSource(r)]
    text = "".join(ev.json()["delta"]["text"] for ev in events if ev.event == "content_block_delta")
    assert text == "async works fine " * 5
    assert events[-1].event == "message_stop"


@pytest.mark.parametrize("stream", [False, True])
def test_handle_can_be_called_directly(stream: bool) -> None:
    emu = MessagesEmulator()
    resp = emu.handle("POST", "/v1/messages", KEY, body(stream=stream))
    assert resp.status == 200 and resp.streaming is stream
    if stream:
        assert resp.events()[-1] == ("message_stop", {"type": "message_stop"})
    else:
        assert resp.json()["type"] == "message"
