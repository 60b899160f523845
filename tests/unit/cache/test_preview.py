"""``CachePlanner.preview`` plans from what the planner learnt and records nothing: not the
request, and not the trials whose five minutes ran out since the last plan (closing them is
learning, weighed by what the next ``observe`` may still change)."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.testing import ManualClock
from tests.helpers.cache_bodies import chat_body


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
