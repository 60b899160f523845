"""How the head many conversations share (tools, static system prompt) is learnt: one need per
request that needs it as its longest cached prefix, one outcome per need however many of its
ends (the tools' end, the system prompt's end) the request holds."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import chat_body
from tests.helpers.cache_traffic import HEADERS, TOOLS, usage_price


def _body(turn: int, conversation: int, tools: bool) -> dict[str, Any]:
    body = chat_body(turn)
    body["messages"][0]["content"] += f" (conversation {conversation})"
    if tools:
        body["tools"] = TOOLS
    return body


def _staggered(tools: bool, policy: CachePolicy | None = None) -> tuple[float, list[str]]:
    """Sixteen five-turn conversations (turns 60 s apart), one starting every seven minutes:
    the emulator's cost and the TTLs of each first request's head markers."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(policy, clock=clock)
    events = sorted((c * 420.0 + 60.0 * turn, c, turn) for c in range(16) for turn in range(1, 6))
    cost, heads, origin = 0.0, [], clock()
    for t, conversation, turn in events:
        clock.set(origin + t)
        out, plan = planner.plan(_body(turn, conversation, tools))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        usage: dict[str, Any] = response.json()["usage"]
        cost += usage_price(usage)
        planner.observe(plan, usage, dict(response.headers))
        if turn == 1:
            heads.append("".join(sorted({bp.ttl for bp in plan.breakpoints
                                         if bp.segment in ("tools", "system")})))
    return cost, heads


def test_tools_before_the_system_prompt_do_not_delay_the_hour_long_head() -> None:
    """With tools the head has two ends; each must not count its own miss for one need, or
    twice the late reuses are needed before the head is written for the hour."""
    _, without = _staggered(tools=False)
    cost, with_tools = _staggered(tools=True)
    assert with_tools.index("1h") <= without.index("1h"), (without, with_tools)
    five_only, _ = _staggered(tools=True, policy=CachePolicy(ttl="5m"))
    assert cost < 0.7 * five_only


def test_one_request_holding_both_ends_of_the_head_is_one_trial() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    for conversation in range(3):  # new conversations, 6 minutes apart: each head need missed
        planner.plan(_body(1, conversation, tools=True))
        clock.advance(360)
    planner.plan(_body(1, 9, tools=True))  # sweeps the last trials
    heads = [b for (kind, app), b in planner.state.buckets.items()
             if kind is PrefixKind.HEAD and app is not None]
    assert len(heads) == 1
    assert heads[0].trials < 3.0, heads[0]  # three needs (decayed), not six


def test_a_conversation_reading_its_own_entries_teaches_nothing_of_its_head() -> None:
    """Eight turns 90 s apart: each reads the conversation's own longer entry, none needs the
    head alone. Neither a sighting of the head nor the API's read of the own entry (which
    covers the head: not a sign that another planner kept it warm) is a reuse of the head."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    for turn in range(1, 9):
        out, plan = planner.plan(_body(turn, 0, tools=True))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        usage: dict[str, Any] = response.json()["usage"]
        if turn > 1:
            assert usage["cache_read_input_tokens"] > 0
        planner.observe(plan, usage, dict(response.headers))
        clock.advance(90)
    heads = [b for (kind, _), b in planner.state.buckets.items() if kind is PrefixKind.HEAD]
    assert heads and all(b.hits == 0 for b in heads), heads


def test_no_marker_at_the_tools_end_while_the_system_prompt_after_it_is_live() -> None:
    """Conversations starting 4 minutes apart read the system prompt (refreshing it) while the
    tools' own entry expires: a marker there would neither read nor be written."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    for conversation in range(3):
        out, plan = planner.plan(_body(1, conversation, tools=True))
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        usage: dict[str, Any] = response.json()["usage"]
        planner.observe(plan, usage, dict(response.headers))
        clock.advance(240)
    assert usage["cache_read_input_tokens"] > 0
    assert [bp.segment for bp in plan.breakpoints if bp.segment == "tools"] == [], plan.explain()
