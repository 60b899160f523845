"""Prompt-cache accounting: Anthropic's breakpoint, lookback, minimum-length and TTL rules."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.testing import ManualClock, MessagesEmulator, min_cacheable_tokens
from tests.helpers.emulator import body, post, usage, words

EPHEMERAL = {"type": "ephemeral"}
BIG = words(1200, "sys")  # ~2000 tokens: above sonnet's 1024 minimum, below haiku-4-5's 4096


def system_cached(text: str = BIG, ttl: str | None = None) -> list[dict[str, Any]]:
    cc: dict[str, Any] = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return [{"type": "text", "text": text, "cache_control": cc}]


def total(u: dict[str, Any]) -> int:
    return int(u["input_tokens"] + u["cache_read_input_tokens"] + u["cache_creation_input_tokens"])


def test_write_then_read_and_totals_are_conserved() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    plain = usage(post(emu, body(system=[{"type": "text", "text": BIG}])))
    first = usage(post(emu, body(system=system_cached())))
    second = usage(post(emu, body(system=system_cached())))
    assert plain["cache_creation_input_tokens"] == plain["cache_read_input_tokens"] == 0
    assert first["cache_creation_input_tokens"] > 1024 and first["cache_read_input_tokens"] == 0
    assert (
        first["cache_creation"]["ephemeral_5m_input_tokens"] == first["cache_creation_input_tokens"]
    )
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["cache_creation_input_tokens"] == 0
    # the split never changes how many tokens the prompt has
    assert total(plain) == total(first) == total(second)
    assert second["input_tokens"] == first["input_tokens"] > 0  # the user turn stays uncached
    [entry] = emu.cache_entries()
    assert entry.tokens == first["cache_creation_input_tokens"] and entry.reads == 1


def test_prefix_below_model_minimum_is_not_cached() -> None:
    assert min_cacheable_tokens("claude-haiku-4-5") == 4096 > 2000 > 1024
    emu = MessagesEmulator(clock=ManualClock())
    for _ in range(2):
        u = usage(post(emu, body(model="claude-haiku-4-5", system=system_cached())))
        assert u["cache_creation_input_tokens"] == u["cache_read_input_tokens"] == 0
    assert emu.cache_entries() == []
    # the very same prompt is cached by a 1024-minimum model
    u = usage(post(emu, body(model="claude-sonnet-4-5", system=system_cached())))
    assert u["cache_creation_input_tokens"] > 0


@pytest.mark.parametrize(
    ("model", "minimum"),
    [
        ("claude-sonnet-4-6", 1024),
        ("claude-sonnet-4-5-20250929", 1024),
        ("claude-sonnet-4-20250514", 1024),
        ("claude-opus-4-1", 1024),
        ("claude-opus-4", 1024),
        ("claude-3-7-sonnet-latest", 1024),
        ("claude-opus-4-7", 2048),
        ("claude-3-5-haiku-20241022", 2048),
        ("claude-3-haiku-20240307", 2048),
        ("claude-opus-4-6", 4096),
        ("claude-opus-4-5-20251101", 4096),
        ("claude-haiku-4-5", 4096),
        ("some-unknown-model", 1024),
    ],
)
def test_minimum_cacheable_length_per_model(model: str, minimum: int) -> None:
    assert min_cacheable_tokens(model) == minimum


def conversation(extra_blocks: int, cached_last: bool = True) -> dict[str, Any]:
    """A big cached first block, then ``extra_blocks`` small blocks, the last one a breakpoint."""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": BIG}]
    blocks += [{"type": "text", "text": f"note {i}"} for i in range(extra_blocks)]
    if cached_last:
        blocks[-1] = {**blocks[-1], "cache_control": EPHEMERAL}
    return body(messages=[{"role": "user", "content": blocks}])


@pytest.mark.parametrize(("distance", "hit"), [(1, True), (20, True), (21, False), (30, False)])
def test_twenty_block_lookback(distance: int, hit: bool) -> None:
    emu = MessagesEmulator(clock=ManualClock())
    first = usage(post(emu, conversation(0)))
    written = first["cache_creation_input_tokens"]
    assert written > 1024
    later = usage(post(emu, conversation(distance)))
    if hit:
        assert later["cache_read_input_tokens"] == written
        assert 0 < later["cache_creation_input_tokens"] < 20 * distance
    else:
        assert later["cache_read_input_tokens"] == 0
        assert later["cache_creation_input_tokens"] > written


def test_earlier_breakpoint_rescues_a_long_gap() -> None:
    """A second breakpoint within 20 blocks of the old entry finds it when the last cannot."""
    emu = MessagesEmulator(clock=ManualClock())
    written = usage(post(emu, conversation(0)))["cache_creation_input_tokens"]
    payload = conversation(30)
    payload["messages"][0]["content"][10]["cache_control"] = EPHEMERAL
    u = usage(post(emu, payload))
    assert u["cache_read_input_tokens"] == written
    assert u["cache_creation_input_tokens"] > 0


def test_ttl_expiry_and_refresh_on_read() -> None:
    clock = ManualClock()
    emu = MessagesEmulator(clock=clock)
    written = usage(post(emu, body(system=system_cached())))["cache_creation_input_tokens"]
    clock.advance(290)
    assert usage(post(emu, body(system=system_cached())))["cache_read_input_tokens"] == written
    clock.advance(290)  # 580 s after the write, but only 290 s after the last read
    assert usage(post(emu, body(system=system_cached())))["cache_read_input_tokens"] == written
    clock.advance(301)
    u = usage(post(emu, body(system=system_cached())))
    assert u["cache_read_input_tokens"] == 0 and u["cache_creation_input_tokens"] == written


def test_one_hour_ttl_outlives_five_minutes() -> None:
    clock = ManualClock()
    emu = MessagesEmulator(clock=clock)
    written = usage(post(emu, body(system=system_cached(ttl="1h"))))
    assert written["cache_creation"]["ephemeral_1h_input_tokens"] > 0
    assert written["cache_creation"]["ephemeral_5m_input_tokens"] == 0
    clock.advance(3000)
    assert usage(post(emu, body(system=system_cached(ttl="1h"))))["cache_read_input_tokens"] > 0
    clock.advance(3601)
    assert usage(post(emu, body(system=system_cached(ttl="1h"))))["cache_read_input_tokens"] == 0



@pytest.mark.parametrize(("lengthen", "alive_after_20_min"), [(True, True), (False, False)])
def test_a_longer_marker_on_a_live_entry_lengthens_it_only_if_asked(
    lengthen: bool, alive_after_20_min: bool
) -> None:
    clock = ManualClock()
    emu = MessagesEmulator(clock=clock, lengthen_on_read=lengthen)
    written = usage(post(emu, body(system=system_cached())))["cache_creation_input_tokens"]
    clock.advance(60)
    read = usage(post(emu, body(system=system_cached(ttl="1h"))))  # a read, no write either way
    assert read["cache_read_input_tokens"] == written and read["cache_creation_input_tokens"] == 0
    clock.advance(1200)
    later = usage(post(emu, body(system=system_cached())))
    assert (later["cache_read_input_tokens"] == written) is alive_after_20_min


TOOLS = [
    {
        "name": f"tool_{i}",
        "description": words(120, f"d{i}"),
        "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}},
    }
    for i in range(3)
]


def tools_and_system(tools: list[dict[str, Any]] = TOOLS, **kw: Any) -> dict[str, Any]:
    cached_tools = [*tools[:-1], {**tools[-1], "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    return body(tools=cached_tools, system=system_cached(), **kw)


def test_one_hour_and_five_minute_writes_are_split_by_breakpoint() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    u = usage(post(emu, tools_and_system()))
    entries = sorted(emu.cache_entries(), key=lambda e: e.tokens)
    assert [e.ttl for e in entries] == ["1h", "5m"]
    assert u["cache_creation"]["ephemeral_1h_input_tokens"] == entries[0].tokens
    assert u["cache_creation"]["ephemeral_5m_input_tokens"] == entries[1].tokens - entries[0].tokens
    assert u["cache_creation_input_tokens"] == entries[1].tokens


def test_changed_tools_miss_and_changed_tool_choice_keeps_system_cache() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    first = usage(post(emu, tools_and_system()))
    changed = [*TOOLS[:-1], {**TOOLS[-1], "description": "a different description"}]
    u = usage(post(emu, tools_and_system(changed)))
    assert u["cache_read_input_tokens"] == 0  # tools key everything after them
    # tool_choice only keys the messages section: a message breakpoint misses ...
    msgs = [
        {"role": "user", "content": [{"type": "text", "text": BIG, "cache_control": EPHEMERAL}]}
    ]
    base = usage(post(emu, tools_and_system(messages=msgs)))
    assert base["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    again = usage(post(emu, tools_and_system(messages=msgs)))
    assert again["cache_read_input_tokens"] == total(again) - again["input_tokens"]
    other = usage(post(emu, tools_and_system(messages=msgs, tool_choice={"type": "any"})))
    # ... but falls back to the system-level entry, still within the lookback window
    assert other["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert other["cache_creation_input_tokens"] > 1000


def test_thinking_change_invalidates_message_cache() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    msgs = [
        {"role": "user", "content": [{"type": "text", "text": BIG, "cache_control": EPHEMERAL}]}
    ]
    written = usage(post(emu, body(messages=msgs, max_tokens=4000)))["cache_creation_input_tokens"]
    thinking = {"type": "enabled", "budget_tokens": 2000}
    u = usage(post(emu, body(messages=msgs, max_tokens=4000, thinking=thinking)))
    assert u["cache_read_input_tokens"] == 0 and u["cache_creation_input_tokens"] == written


def test_automatic_top_level_cache_control() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    msgs = [{"role": "user", "content": BIG}]
    first = usage(post(emu, body(messages=msgs, cache_control=EPHEMERAL)))
    second = usage(post(emu, body(messages=msgs, cache_control=EPHEMERAL)))
    assert first["cache_creation_input_tokens"] > 1024
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]


def test_cache_stats_count_hits_and_misses() -> None:
    emu = MessagesEmulator(clock=ManualClock())
    post(emu, body())  # no breakpoint: not a cache request
    for _ in range(3):
        post(emu, body(system=system_cached()))
    stats = emu.cache_stats()
    assert (stats.requests, stats.requests_with_breakpoints) == (4, 3)
    assert (stats.hits, stats.misses, stats.live_entries) == (2, 1, 1)
    assert stats.read_tokens == 2 * stats.write_tokens
    assert stats.hit_rate == pytest.approx(2 / 3)


# ----- cache_control validation ------------------------------------------------------------


def error_message(payload: dict[str, Any]) -> str:
    r = post(MessagesEmulator(), payload)
    assert r.status_code == 400, r.text
    err = r.json()
    assert err["type"] == "error" and err["error"]["type"] == "invalid_request_error"
    return str(err["error"]["message"])


def test_fifth_breakpoint_is_rejected() -> None:
    blocks = [{"type": "text", "text": f"b{i}", "cache_control": EPHEMERAL} for i in range(4)]
    payload = body(system=system_cached(), messages=[{"role": "user", "content": blocks}])
    assert error_message(payload) == (
        "A maximum of 4 blocks with cache_control may be provided. Found 5."
    )
    payload["system"] = [{"type": "text", "text": BIG}]
    assert post(MessagesEmulator(), payload).status_code == 200


def test_one_hour_after_five_minutes_is_rejected() -> None:
    payload = body(
        system=system_cached(ttl="5m"),
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "text",
                        "text": "hi",
                        "cache_control": {"type": "ephemeral", "ttl": "1h"},
                    }
                ],
            }
        ],
    )
    msg = error_message(payload)
    assert msg.startswith("messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block")
    assert "`tools`, `system`, `messages`" in msg


def test_cache_control_on_thinking_or_empty_text_is_rejected() -> None:
    thinking_turn = {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "hmm", "signature": "s", "cache_control": EPHEMERAL},
            {"type": "text", "text": "ok"},
        ],
    }
    payload = body(messages=[{"role": "user", "content": "hi"}, thinking_turn])
    assert error_message(payload) == (
        "messages.1.content.0.thinking.cache_control: Extra inputs are not permitted"
    )
    empty = body(
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "", "cache_control": EPHEMERAL}]}
        ]
    )
    assert error_message(empty) == (
        "messages.0.content.0.text: cache_control cannot be set for empty text blocks"
    )
