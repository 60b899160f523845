"""Validation texts, scripted HTTP errors (both styles) and transport-level faults in-process."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from langchain_cometapi.testing import EmulatorTransport, MessagesEmulator, Reply
from tests.helpers.emulator import KEY, body, client, post

TOOL = {"name": "t", "input_schema": {"type": "object", "properties": {}}}
USE = {"type": "tool_use", "id": "toolu_1", "name": "t", "input": {}}


def _without(key: str) -> dict[str, Any]:
    b = body()
    del b[key]
    return b


INVALID = [
    (_without("model"), "model: Field required"),
    (_without("max_tokens"), "max_tokens: Field required"),
    (body(messages=[]), "messages: at least one message is required"),
    (body(max_tokens=0), "max_tokens: Input should be greater than or equal to 1"),
    (
        body(max_tokens=100_000),
        "max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens "
        "for claude-sonnet-4-5",
    ),
    (
        body(
            model="claude-opus-4-6",
            messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Sure:"}],
        ),
        "This model does not support assistant message prefill. The conversation must end "
        "with a user message.",
    ),
    (body(messages=["hi"]), "messages.0: Input does not match the expected shape."),
    (
        body(messages=[{"role": "tool", "content": "hi"}]),
        "messages.0.role: Input should be 'user', 'assistant' or 'system'",
    ),
    (
        body(messages=[{"role": "user", "content": ""}, {"role": "assistant", "content": "x"}]),
        "messages.0: all messages must have non-empty content except for the optional final "
        "assistant message",
    ),
    (body(temperature=1.5), "temperature: Input should be less than or equal to 1"),
    (body(prompt_cache="on"), "prompt_cache: Extra inputs are not permitted"),
    (
        body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 512}),
        "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
    ),
    (
        body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 2000}),
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
        "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
        "#max-tokens-and-context-window-size",
    ),
    (
        body(
            max_tokens=4000,
            thinking={"type": "enabled", "budget_tokens": 2000},
            tools=[TOOL],
            tool_choice={"type": "any"},
        ),
        "Thinking may not be enabled when tool_choice forces tool use.",
    ),
    (body(tools=[TOOL, TOOL]), "tools: Tool names must be unique."),
    (
        body(
            messages=[
                {"role": "user", "content": "go"},
                {"role": "assistant", "content": [USE]},
                {"role": "user", "content": "and?"},
            ]
        ),
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
        "toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the "
        "next message.",
    ),
    (
        body(
            messages=[
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9"}]}
            ]
        ),
        "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. "
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous "
        "message.",
    ),
]


@pytest.mark.parametrize(("payload", "message"), INVALID)
def test_invalid_requests_get_the_real_400_texts(payload: dict[str, Any], message: str) -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("must not be consumed"))
    r = post(emu, payload)
    assert r.status_code == 400
    assert r.json()["error"] == {"type": "invalid_request_error", "message": message}
    assert emu.pending == 1  # a rejected request never reaches the script
    assert emu.cache_stats().requests == 0


def test_valid_tool_round_trip_and_final_assistant_prefill_are_accepted() -> None:
    payload = body(
        tools=[TOOL],
        messages=[
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": [USE]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1"}]},
            {"role": "assistant", "content": "The answer is"},
        ],
    )
    assert post(MessagesEmulator(), payload).status_code == 200


def test_anthropic_style_error_with_headers() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.rate_limited(retry_after=7), Reply.error(529, "Overloaded"))
    r = post(emu, body())
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert r.json() == {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": r.json()["error"]["message"]},
        "request_id": r.headers["request-id"],
    }
    r2 = post(emu, body())
    assert (r2.status_code, r2.json()["error"]["type"]) == (529, "overloaded_error")


def test_openai_style_error_as_proxies_send_it() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.error(503, "no available channel for model", style="openai"))
    r = post(emu, body())
    assert r.status_code == 503
    assert r.json() == {
        "error": {
            "message": "no available channel for model",
            "type": "api_error",
            "param": None,
            "code": None,
        }
    }


def test_html_and_malformed_json_faults() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.html(502, "<html><body>Bad Gateway</body></html>"), Reply.malformed_json())
    r = post(emu, body())
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    r = post(emu, body())
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def _stream_raw(emu: MessagesEmulator) -> list[tuple[str, str]]:
    with (
        client(emu) as c,
        c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r,
    ):
        return [(ev.event, ev.data) for ev in httpx2.EventSource(r)]


def test_stream_error_midway() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.stream_error_midway("partial answer here", "overloaded_error", "Overloaded"))
    events = _stream_raw(emu)
    names = [e for e, _ in events]
    assert names[0] == "message_start" and "content_block_delta" in names
    assert names[-1] == "error" and "message_stop" not in names
    assert '"type":"overloaded_error"' in events[-1][1]
    # without stream the same fault is a plain error status
    emu.script(Reply.stream_error_midway("x", "overloaded_error", "Overloaded"))
    assert post(emu, body()).status_code == 529


def test_stream_cut_ends_without_message_stop() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.stream_cut("some text"))
    names = [e for e, _ in _stream_raw(emu)]
    assert names[-1] == "content_block_stop"
    assert "message_delta" not in names and "message_stop" not in names


def test_malformed_sse_data_line() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.malformed_json())
    events = _stream_raw(emu)
    assert any(e == "content_block_start" and data.endswith(",") for e, data in events)


def test_reset_before_any_byte_raises_like_a_socket() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.reset(), Reply.reset(rst=True), Reply.text("recovered"))
    with client(emu) as c:
        with pytest.raises(httpx2.RemoteProtocolError):
            c.post("/v1/messages", headers=KEY, json=body())
        with pytest.raises(httpx2.ReadError):
            c.post("/v1/messages", headers=KEY, json=body())
        assert c.post("/v1/messages", headers=KEY, json=body()).json()["content"][0]["text"] == (
            "recovered"
        )
    assert len(emu.requests) == 3


def test_reset_midstream_raises_while_reading() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.reset_midstream("hello world, this gets cut"))
    seen: list[str] = []
    with (
        client(emu) as c,
        pytest.raises(httpx2.RemoteProtocolError),
        c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r,
    ):
        for ev in httpx2.EventSource(r):
            seen.append(ev.event)
    assert seen[0] == "message_start" and "message_stop" not in seen


def test_delay_then_reply_and_delay_past_read_timeout() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.delay(0.05, Reply.text("late")), Reply.delay(5.0))
    t0 = time.perf_counter()
    assert post(emu, body()).json()["content"][0]["text"] == "late"
    assert time.perf_counter() - t0 >= 0.05
    t0 = time.perf_counter()
    with pytest.raises(httpx2.ReadTimeout):
        post(emu, body(), timeout=httpx2.Timeout(5.0, read=0.1))
    assert time.perf_counter() - t0 < 2.0


async def test_async_faults() -> None:
    """The async twin of the three tests above: the transport's async path raises alike."""
    emu = MessagesEmulator()
    emu.script(
        Reply.reset(),
        Reply.reset(rst=True),
        Reply.delay(3.0),
        Reply.reset_midstream("hello world, this gets cut"),
        Reply.text("recovered"),
    )
    seen: list[str] = []
    async with httpx2.AsyncClient(transport=EmulatorTransport(emu), base_url="http://e") as c:
        with pytest.raises(httpx2.RemoteProtocolError):
            await c.post("/v1/messages", headers=KEY, json=body())
        with pytest.raises(httpx2.ReadError):
            await c.post("/v1/messages", headers=KEY, json=body())
        with pytest.raises(httpx2.ReadTimeout):
            await c.post(
                "/v1/messages", headers=KEY, json=body(), timeout=httpx2.Timeout(1, read=0.05)
            )
        with pytest.raises(httpx2.RemoteProtocolError):
            async with c.stream("POST", "/v1/messages", headers=KEY, json=body(stream=True)) as r:
                async for line in r.aiter_lines():
                    if line.startswith("event: "):
                        seen.append(line[len("event: "):])
        answer = await c.post("/v1/messages", headers=KEY, json=body())
    assert seen[0] == "message_start" and "message_stop" not in seen
    assert answer.json()["content"][0]["text"] == "recovered"
    assert len(emu.requests) == 5


def test_consecutive_turns_merge_for_tool_pairing_like_the_api() -> None:
    """Two assistant messages in a row form one turn; their tool_use ids are answered together."""
    second_use = {**USE, "id": "toolu_2"}
    payload = body(
        tools=[TOOL],
        messages=[
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": [USE]},
            {"role": "assistant", "content": [second_use]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1"},
                    {"type": "tool_result", "tool_use_id": "toolu_2"},
                ],
            },
        ],
    )
    assert post(MessagesEmulator(), payload).status_code == 200
    payload["messages"][3]["content"].pop()
    r = post(MessagesEmulator(), payload)
    assert r.status_code == 400 and "toolu_2" in r.json()["error"]["message"]


def test_adaptive_thinking_accepts_forced_tool_choice() -> None:
    payload = body(
        model="claude-opus-4-6",
        thinking={"type": "adaptive"},
        tools=[TOOL],
        tool_choice={"type": "any"},
    )
    assert post(MessagesEmulator(), payload).status_code == 200
