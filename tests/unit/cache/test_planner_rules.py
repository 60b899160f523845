"""Rules the cache planner must respect (Anthropic prompt caching constraints)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from langchain_cometapi._models import min_cacheable_tokens, normalize_model
from langchain_cometapi.cache._planner import CachePlanner, CachePolicy, plan_cache
from tests.helpers.cache_bodies import chat_body, markers, strip_markers, words


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_min_tokens_table_matches_names_aliases_and_dates() -> None:
    assert min_cacheable_tokens("claude-sonnet-4-5-20250929") == 1024
    assert min_cacheable_tokens("claude-opus-4-7") == 2048
    assert min_cacheable_tokens("claude-opus-4-5") == 4096
    assert min_cacheable_tokens("claude-haiku-4-5-20251001") == 4096
    assert min_cacheable_tokens("claude-opus-4-1") == 1024
    assert min_cacheable_tokens("anthropic/claude-sonnet-4") == 1024
    assert min_cacheable_tokens("some-unknown-model") == 4096
    assert normalize_model("claude-sonnet-4-5@20250929") == "claude-sonnet-4-5"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_breakpoints": 0}, "max_breakpoints"),
        ({"max_breakpoints": 5}, "max_breakpoints"),
        ({"min_tokens": 0}, "min_tokens"),
        ({"segments": {"tail", "nope"}}, "unknown cache segments"),
        ({"segments": "tail"}, "collection of segment names"),
        ({"min_expected_reuse": -1}, "min_expected_reuse"),
    ],
)
def test_policy_validation_messages(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CachePolicy(**kwargs)


def test_input_body_is_not_mutated_and_untouched_parts_are_shared() -> None:
    planner = CachePlanner(clock=Clock())
    body = chat_body(4)
    snapshot = copy.deepcopy(body)
    out, plan = planner.plan(body)
    assert body == snapshot
    assert plan.breakpoints
    marked = {bp.location[1] for bp in plan.breakpoints if bp.location[0] == "messages"}
    for i, message in enumerate(body["messages"]):
        if i not in marked:
            assert out["messages"][i] is message


def test_string_content_and_string_system_become_marked_blocks() -> None:
    planner = CachePlanner(clock=Clock())
    body = chat_body(3)
    out, _plan = planner.plan(body)
    locs = {loc for loc, _, _ in markers(out)}
    assert ("system", 0) in locs
    assert isinstance(out["system"], list) and out["system"][0]["text"] == body["system"]
    tail = ("messages", len(body["messages"]) - 1, 0)
    assert tail in locs
    assert out["messages"][-1]["content"][0] == {
        "type": "text",
        "text": body["messages"][-1]["content"],
        "cache_control": {"type": "ephemeral"},
    }


def test_prompt_below_minimum_gets_no_marker_and_override_applies() -> None:
    body = chat_body(1, system_words=50)
    out, plan = CachePlanner(clock=Clock()).plan(body)
    assert list(markers(out)) == [] and plan.breakpoints == []
    out, plan = CachePlanner(CachePolicy(min_tokens=100), clock=Clock()).plan(body)
    assert list(markers(out))


def test_user_markers_are_kept_and_never_exceeded() -> None:
    body = chat_body(6)
    body["system"] = [
        {"type": "text", "text": body["system"], "cache_control": {"type": "ephemeral"}}
    ]
    for m in (0, 2, 4):
        text = body["messages"][m]["content"]
        body["messages"][m] = {
            "role": "user",
            "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}],
        }
    out, plan = CachePlanner(clock=Clock()).plan(body)
    assert len(list(markers(out))) == 4
    assert sum(bp.source == "user" for bp in plan.breakpoints) == 4
    out, _ = CachePlanner(CachePolicy(max_breakpoints=2), clock=Clock()).plan(chat_body(6))
    assert len(list(markers(out))) <= 2


def test_user_markers_over_budget_get_nothing_added() -> None:
    body = chat_body(3)
    body["messages"][0] = {
        "role": "user",
        "content": [
            {"type": "text", "text": f"t{i}", "cache_control": {"type": "ephemeral"}}
            for i in range(5)
        ],
    }
    out, plan = CachePlanner(clock=Clock()).plan(body)
    assert len(list(markers(out))) == 5  # the caller's own error, reported by the chat model
    assert all(bp.source == "user" for bp in plan.breakpoints)


def test_markers_skip_thinking_and_empty_text_and_land_on_tool_result() -> None:
    body = chat_body(2)
    body["messages"][-1] = {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
        ],
    }
    body["messages"].append(
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": [{"type": "text", "text": words(50)}],
                },
                {"type": "text", "text": ""},
            ],
        }
    )
    clock = Clock()
    planner = CachePlanner(clock=clock)
    planner.plan(body)
    clock.now += 10
    out, _ = planner.plan(body)
    found = list(markers(out))
    assert found
    for loc, block, _ in found:
        assert len(loc) <= 3, "no marker inside tool_result content"
        assert block.get("type") not in ("thinking", "redacted_thinking")
        assert not (block.get("type") == "text" and not block.get("text"))
    assert any(block.get("type") == "tool_result" for _, block, _ in found)


def test_one_shot_unique_prompts_are_never_written() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    for i in range(6):
        body = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 10,
            "messages": [{"role": "user", "content": "Summarize: " + words(4000, i)}],
        }
        out, plan = planner.plan(body)
        assert list(markers(out)) == [], plan.explain()
        clock.now += 30


def test_conversation_tail_is_marked_once_it_continues() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    body = chat_body(3)
    _out, plan = planner.plan(body)
    last = len(body["messages"]) - 1
    assert any(
        bp.location[:2] == ("messages", last) and bp.action == "write" for bp in plan.breakpoints
    )


def test_dynamic_system_tail_is_split_off() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    static = "Rules:\n" + words(1500) + "\n"
    plans = []
    for second in range(3):
        body = chat_body(1)
        body["system"] = static + f"Current time: 12:00:{second:02d}"
        out, plan = planner.plan(body)
        plans.append((body, out, plan))
        clock.now += 20
    body, out, plan = plans[-1]
    assert plan.system_split_at == len(static)
    assert [b["text"] for b in out["system"]] == [static, "Current time: 12:00:02"]
    assert out["system"][0].get("cache_control") and "cache_control" not in out["system"][1]
    assert "".join(b["text"] for b in out["system"]) == body["system"]


def _tool_turn(start: int, fan: int) -> list[dict[str, Any]]:
    uses = [
        {"type": "tool_use", "id": f"toolu_{start + i}", "name": "f", "input": {"i": i}}
        for i in range(fan)
    ]
    results = [
        {"type": "tool_result", "tool_use_id": f"toolu_{start + i}", "content": words(60, i)}
        for i in range(fan)
    ]
    return [{"role": "assistant", "content": uses}, {"role": "user", "content": results}]


def test_turn_adding_20_plus_blocks_gets_a_bridge_within_reach() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    base = chat_body(2)
    base["messages"] += _tool_turn(0, 2)
    planner.plan(base)  # tail entry at the end of this request
    clock.now += 10
    bigger = {**base, "messages": base["messages"] + _tool_turn(100, 12)}
    _out, plan = planner.plan(bigger)
    prev_tail = ("messages", len(base["messages"]) - 1)
    segments = [bp.segment for bp in plan.breakpoints]
    assert "bridge" in segments, plan.explain()
    bridge = next(bp for bp in plan.breakpoints if bp.segment == "bridge")
    assert bridge.location[1] > prev_tail[1] or bridge.location[:2] == prev_tail
    assert plan.expected_read_tokens > 0


def test_1h_never_follows_5m() -> None:
    clock = Clock()
    planner = CachePlanner(CachePolicy(ttl="1h"), clock=clock)
    body = chat_body(4)
    body["system"] = [
        {"type": "text", "text": body["system"], "cache_control": {"type": "ephemeral"}}
    ]
    planner.plan(body)
    clock.now += 10
    out, _ = planner.plan(body)
    ttls = [ttl for _, _, ttl in markers(out)]
    assert ttls and ttls[0] == "5m"
    assert "1h" not in ttls[ttls.index("5m") :]


def test_ttl_1h_policy_writes_1h_markers() -> None:
    out, plan = CachePlanner(CachePolicy(ttl="1h"), clock=Clock()).plan(chat_body(3))
    assert [ttl for _, _, ttl in markers(out)] and all(ttl == "1h" for _, _, ttl in markers(out))
    assert plan.expected_write_1h_tokens > 0


def test_slow_chat_stops_writing_with_5m_and_uses_1h_with_auto() -> None:
    for ttl, expect in (("5m", set()), ("auto", {"1h"})):
        clock = Clock()
        planner = CachePlanner(CachePolicy(ttl=ttl), clock=clock)
        written: list[set[str]] = []
        for turn in range(1, 14):
            _, plan = planner.plan(chat_body(turn))
            written.append({bp.ttl for bp in plan.breakpoints if bp.action == "write"})
            clock.now += 900
        assert written[-1] == expect, (ttl, written)


def test_observe_forgets_entries_the_api_did_not_have() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    planner.plan(chat_body(2))
    clock.now += 10
    _, plan = planner.plan(chat_body(3))
    assert plan.expected_read_tokens > 0
    planner.observe(
        plan, {"input_tokens": 5000, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}
    )
    clock.now += 10
    preview = planner.preview(chat_body(3))
    assert preview.expected_read_tokens == 0


def test_observe_learns_the_estimate_ratio() -> None:
    clock = Clock()
    planner = CachePlanner(clock=clock)
    raw = CachePlanner(clock=clock).preview(chat_body(2)).estimated_input_tokens  # uncalibrated
    for _ in range(20):
        _, plan = planner.plan(chat_body(2))
        planner.observe(plan, {"input_tokens": raw * 2})
    assert 1.8 < planner.state.ratio < 2.2


def test_each_plan_is_learnt_from_once() -> None:
    planner = CachePlanner(clock=Clock())
    _, plan = planner.plan(chat_body(2))
    raw = plan.estimated_input_tokens
    planner.observe(plan, {"input_tokens": raw * 2})
    planner.observe(plan, {"input_tokens": raw * 4})  # a duplicate report is ignored
    assert abs(planner.state.ratio - 2.0) < 0.01


def test_preview_does_not_learn() -> None:
    clock = Clock()
    learned = CachePlanner(clock=clock)
    fresh = CachePlanner(clock=clock)
    body = chat_body(2)
    learned.preview(body)
    learned.preview(body)
    assert learned.plan(body)[1].breakpoints == fresh.plan(body)[1].breakpoints


def test_plan_cache_pure_function_and_explain() -> None:
    body = chat_body(3)
    out, plan = plan_cache(body)
    assert strip_markers(out)["messages"][:-1] == body["messages"][:-1]
    text = plan.explain()
    assert "claude-sonnet-4-5" in text and "system/0" in text and "write" in text


def test_segments_policy_restricts_candidates() -> None:
    _out, plan = CachePlanner(CachePolicy(segments={"system"}), clock=Clock()).plan(chat_body(3))
    assert {bp.segment for bp in plan.breakpoints} == {"system"}
