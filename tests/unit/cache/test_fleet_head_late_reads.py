"""A fleet worker learns that a shared head comes back late from the API's answer: a head it
marked and that was not read was used by nobody for 5 minutes; seen by this worker within the
hour, its last use was a late one (``CacheState.late_elsewhere``). Each worker sees only a part of
the traffic, so its own trials time the head's gaps as longer than the fleet's."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words
from tests.helpers.cache_traffic import exchange

_HEAD = PrefixKind.HEAD
_SYSTEM = "You answer for the shop.\n" + words(2500)


def _conversation(user: int, turns: int) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for t in range(turns):
        messages.append({"role": "user", "content": f"user {user} asks {t}: " + words(40, user)})
        if t < turns - 1:
            messages.append({"role": "assistant", "content": words(80, user * 7 + t)})
    return {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": _SYSTEM,
            "messages": messages}


def _fleet(policy: CachePolicy, workers: int = 3) -> float:
    """Two-turn conversations (40 s apart) starting every 9 minutes, each request sent to the
    next of ``workers`` planners: the system prompt comes back every 9 minutes, to each worker
    every 13.5 minutes on average."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planners = [CachePlanner(policy, clock=clock) for _ in range(workers)]
    cost, sent = 0.0, 0
    for user in range(24):
        for turns in (1, 2):
            _, price = exchange(planners[sent % workers], emulator, _conversation(user, turns))
            assert price is not None
            cost += price
            sent += 1
            clock.advance(40.0)
        clock.advance(9 * 60.0 - 80.0)
    return cost


def test_fleet_workers_write_a_head_that_comes_back_every_9_minutes_for_the_hour() -> None:
    auto = _fleet(CachePolicy())
    five = _fleet(CachePolicy(ttl="5m"))
    assert auto < 0.8 * five, auto / five


def test_a_marked_head_not_read_counts_late_at_the_fleet_share() -> None:
    state = CacheState()
    state.shared = 0.75
    state.late_elsewhere(_HEAD, "app", 20 * 60.0)  # seen here 20 minutes ago: late for sure
    bucket = state.bucket((_HEAD, "app"))
    assert (bucket.trials, bucket.hits, bucket.late) == (0.75, 0.0, 0.75)


def test_a_marked_head_not_read_says_nothing_alone_or_when_too_long_ago() -> None:
    alone = CacheState()  # shared 0: the planner's own trials time every gap
    alone.late_elsewhere(_HEAD, "app", 20 * 60.0)
    assert alone.bucket((_HEAD, "app")).trials == 0.0
    fleet = CacheState()
    fleet.shared = 0.75
    fleet.late_elsewhere(_HEAD, "app", 2 * 3600.0)  # seen here 2 hours ago: last used when?
    fleet.late_elsewhere(_HEAD, "app", 200.0)  # within 5 minutes here: not a late use
    assert fleet.bucket((_HEAD, "app")).trials == 0.0
