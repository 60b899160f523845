"""A tool loop resumed after a human's pause goes on at the agent's pace: its tail is written.

The gap before a request is evidence about the gap after it when a person sets both (a slow
chat's user stays slow). A tool turn after an approval pause is different: once the human acts,
the agent's next step follows in seconds. So after a pause the planner reads what follows
pauses in this application (``PrefixKind.AFTER_PAUSE``, learnt from its own outcomes), not the
pause itself; without that it left the resumed conversation unmarked and rewrote it one step
later.
"""

from __future__ import annotations

import pytest

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import agent_body
from tests.helpers.cache_traffic import HEADERS

PAUSE = 1500.0  # 25 minutes waiting for an approval, before every odd step of a task


def _tail_marked(plan_body: dict[str, object]) -> bool:
    last = plan_body["messages"][-1]["content"][-1]  # type: ignore[index]
    return "cache_control" in last


@pytest.mark.parametrize("ttl", ["5m", "auto"])
def test_resumed_tool_loop_tail_is_written(ttl: str) -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(CachePolicy(ttl=ttl), clock=clock)  # type: ignore[arg-type]
    resumed: list[bool] = []
    for task in range(6):
        for step in range(8):
            paused = step % 2 == 1  # most tails then wait: the kind's own odds are low
            clock.advance(PAUSE if paused else 10.0)
            sent, plan = planner.plan(agent_body(task, step))
            if paused:
                resumed.append(_tail_marked(sent))
            response = emulator.handle("POST", "/v1/messages", HEADERS, sent)
            planner.observe(plan, response.json()["usage"], dict(response.headers))
        clock.advance(120.0)
    assert all(resumed[8:]), resumed  # once this app's pauses were seen to end in fast steps
