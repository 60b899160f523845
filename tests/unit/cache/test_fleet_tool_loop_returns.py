"""A fleet worker that saw a tool loop within the hour knows how late its previous turn came back.

Behind a round-robin balancer a worker sees every few steps of an agent's task; the steps in
between go to other workers, and it never sees the gap before a request. When it saw this
conversation some minutes ago, within the hour, and the steps since came at a quick mean pace,
the previous step came back at most that long after it was sent: if another worker's 5m tail of
that step was not read back, the return was a late one, within the hour, the return a 1h tail
would have caught (``_planning._foreign_gap`` into ``CacheState.foreign_turn``). Without it the
worker learnt nothing of lateness from such a miss (its quick mean says nothing of it), and
never wrote a tail that outlasts an approval pause. A long mean is left out: it tells of a
pause, after which the steps come fast (``test_agent_fleet_and_long_pause_ttl.py``).
"""

from __future__ import annotations

import pytest

from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import agent_body
from tests.helpers.cache_traffic import exchange


def _late_after_a_pause(pause: float) -> tuple[float, float]:
    """Step 2 planned here, steps 3-5 elsewhere 10 s apart, then ``pause``, then step 6 here:
    (late reuses counted for continued tails before step 6, after it)."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    here, elsewhere = CachePlanner(clock=clock), CachePlanner(clock=clock)
    exchange(here, emulator, agent_body(0, 2))
    for step in (3, 4, 5):
        clock.advance(10.0)
        exchange(elsewhere, emulator, agent_body(0, step))
    clock.advance(pause)
    bucket = here.state.bucket((PrefixKind.TAIL_CONTINUED, None))
    before = bucket.late
    plan, _ = exchange(here, emulator, agent_body(0, 6))
    assert plan.expected_read_tokens < plan.estimated_input_tokens / 2  # step 5's tail expired
    return before, here.state.bucket((PrefixKind.TAIL_CONTINUED, None)).late


@pytest.mark.parametrize("pause", [8 * 60.0, 12 * 60.0])
def test_a_foreign_tail_not_read_after_a_pause_within_the_hour_is_a_late_return(
    pause: float,
) -> None:
    before, after = _late_after_a_pause(pause)
    assert after - before >= 1.5, (before, after)  # a seen miss (weight 2), late


def test_a_pause_past_the_hour_since_this_worker_saw_the_loop_tells_nothing_of_lateness() -> None:
    before, after = _late_after_a_pause(70 * 60.0)
    assert after - before < 0.5, (before, after)
