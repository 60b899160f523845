"""What moving the system cut past a user's own lines costs, end to end on the emulator.

The same traffic is sent twice: each user's own lines before the per-request stamp (the cut may
move past them once they recur) and after it (the cut stays at the head all users share). The
lines are the same tokens either way, so putting them first must not cost much more: caching
them with the head pays when a user comes back within the TTL, and must not make every other
request rewrite the whole head."""

from __future__ import annotations

import random

import pytest

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words
from tests.helpers.cache_traffic import HEADERS, STATIC, Replay, Request


def _lines(user: int) -> str:
    return f"User: user-{user}; locale en-GB\n" + words(140, user) + "\n"


def _cost(users: int, mean_gap: float, lines_first: bool, requests: int = 200) -> float:
    rng = random.Random(5)
    script, at = [], 0.0
    for i in range(requests):
        at += rng.uniform(0.0, 2 * mean_gap)
        user = rng.randrange(users)
        stamp = f"Current time: 10:{i // 60 % 60:02d}:{i % 60:02d}\n"
        own = _lines(user)
        system = STATIC + (own + stamp if lines_first else stamp + own)
        body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": system,
                "messages": [{"role": "user", "content": f"q {i} " + words(20, i)}]}
        script.append(Request(at, 0, body))
    replay = Replay.new(1, lambda c: CachePlanner(clock=c))
    for _ in replay.steps(script):
        pass
    assert replay.refused == []
    return replay.cost


def test_a_few_frequent_users_own_lines_are_cached_with_the_head() -> None:
    assert _cost(3, 10.0, lines_first=True) < 0.8 * _cost(3, 10.0, lines_first=False)


@pytest.mark.parametrize(("users", "mean_gap"), [(30, 10.0), (12, 200.0)])
def test_many_users_own_lines_before_the_stamp_cost_no_more_than_after_it(
    users: int, mean_gap: float
) -> None:
    """A user whose own head expired reads the head all users share (still a block boundary)
    and writes only their own lines (emulator: 1.49x and 1.96x of the lines-after cost when
    the shared head stopped being a boundary)."""
    first = _cost(users, mean_gap, lines_first=True)
    after = _cost(users, mean_gap, lines_first=False)
    assert first <= 1.15 * after, (first, after)


def test_a_returning_user_reads_the_shared_head_and_writes_only_their_lines() -> None:
    """User 1's lines recur, then others keep the shared head warm for six minutes while user
    1's own head expires: user 1's next request reads the shared head, writes their lines."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    users = (1, 2, 1, 3, 4, 5, 6, 7, 8, 9, 1)
    for i, user in enumerate(users):
        body = {"model": "claude-sonnet-4-5", "max_tokens": 64,
                "system": STATIC + _lines(user) + f"Current time: 10:{i:02d}:07",
                "messages": [{"role": "user", "content": f"q {i} " + words(20, i)}]}
        out, plan = planner.plan(body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        usage = response.json()["usage"]
        planner.observe(plan, usage, dict(response.headers))
        clock.advance(20 if i < 2 else 50)
    assert [b["text"] for b in out["system"]][:2] == [STATIC, _lines(1)]
    assert usage["cache_read_input_tokens"] > 0 and usage["cache_creation_input_tokens"] > 0
