"""``CachePlanner.preview`` (and ``ChatCometAPI.plan_cache``) is the plan the next call makes
and records nothing: not the request, and not the trials whose five minutes ran out since the
last plan (closing them is learning, weighed by what the next ``observe`` may still change)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_cometapi.cache._planner import CachePlanner, plan_cache
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.testing import ManualClock, MessagesEmulator, emulated_chat_model
from tests.helpers.cache_bodies import chat_body, markers, words
from tests.helpers.cache_traffic import STATIC, SYSTEM_STYLES, Replay, TrafficShape, script
from tests.helpers.chat_model import acall
from tests.helpers.hostile import PATH_IDS, PATHS


def _learnt(state: CacheState) -> tuple[Any, ...]:
    buckets = {k: (b.hits, b.trials, b.late) for k, b in state.buckets.items()}
    entries = [(k, e.last_seen, e.trial_open, e.awaiting_late, e.alive_until)
               for k, e in state.entries.items()]
    return buckets, entries, list(state._trials), state.shared, state.ratio


def test_a_preview_after_trials_expired_leaves_the_state_untouched() -> None:
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    planner.plan(chat_body(2))
    clock.advance(400)  # the trials opened by that request have run out
    before = _learnt(planner.state)
    planner.preview(chat_body(3))
    assert _learnt(planner.state) == before
    plan_cache(chat_body(3), planner.policy, planner.state, learn=False)
    assert _learnt(planner.state) == before


def test_a_preview_before_answers_are_observed_changes_nothing_they_teach() -> None:
    """Requests in flight when their trials run out: the next request previewed before their
    answers are observed must not close those trials with the weight known before the answers
    (which show other planners reading the same prefixes: misses here count for less)."""
    learnt = []
    for previewed in (False, True):
        clock = ManualClock()
        planner = CachePlanner(clock=clock)
        plans = [planner.plan(chat_body(2, system_words=800 + 50 * i))[1] for i in range(4)]
        clock.advance(400)
        if previewed:
            planner.preview(chat_body(3))
        for plan in plans:  # reads this planner did not expect
            planner.observe(plan, {"input_tokens": 10, "cache_read_input_tokens": 5000})
        planner.plan(chat_body(3))
        learnt.append({k: v for k, v in _learnt(planner.state)[0].items() if any(v)})
    assert learnt[0] == learnt[1]


def _shape(plan: Any) -> tuple[Any, ...]:
    return (plan.system_split_at, plan.breakpoints, plan.expected_read_tokens,
            plan.expected_write_5m_tokens, plan.expected_write_1h_tokens)


@pytest.mark.parametrize("seed", [1, 3, 6])
def test_a_preview_is_the_plan_the_next_call_makes(seed: int) -> None:
    """What ``plan`` learns from the request itself (a head sighted again, a shifted history,
    a longer system cut) must shape the preview too: ``ChatCometAPI.plan_cache`` promises the
    plan the next call would use."""
    shape = TrafficShape(styles=SYSTEM_STYLES[seed % 5 :: 3], requests=40, users=3)
    replay = Replay.new(1, lambda c: CachePlanner(clock=c))
    planner = replay.planners[0]
    requests = script(seed, shape)
    previews = [_shape(planner.preview(requests[0].body))]
    for i, (_, _, plan, _) in enumerate(replay.steps(requests)):
        assert previews[i] == _shape(plan), i
        if i + 1 < len(requests):  # the next request, at its time, once this one is observed
            replay.clock.set(replay.origin + requests[i + 1].at)
            previews.append(_shape(planner.preview(requests[i + 1].body)))


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_chat_model_plan_cache_matches_what_the_call_sends(mode: str, stream: bool) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model="claude-sonnet-4-5", max_tokens=16)
    for shown, messages in enumerate(_conversation_turns()):
        expected = llm.plan_cache(messages)
        if mode == "sync":
            _ = list(llm.stream(messages)) if stream else llm.invoke(messages)
        else:
            asyncio.run(acall(llm, messages, stream))
        sent = [tuple(loc) for loc, _, _ in markers(emulator.last_request["body"])]
        planned = [tuple(bp.location) for bp in expected.breakpoints]
        assert sent == planned, (shown, expected.explain())


def _conversation_turns() -> list[list[Any]]:
    system = SystemMessage(STATIC + "User: ana\n" + words(100, 4) + "\nNow: 10:05:07")
    history: list[Any] = [system]
    turns = []
    for turn in range(4):
        history = [*history, HumanMessage(f"question {turn} " + words(40, turn))]
        turns.append(list(history))
        history.append(AIMessage(words(80, turn + 9)))
    return turns
