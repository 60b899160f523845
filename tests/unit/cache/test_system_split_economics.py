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
from tests.helpers.cache_bodies import words
from tests.helpers.cache_traffic import STATIC, Replay, Request


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


@pytest.mark.xfail(strict=True, reason=(
    "the cut moves past a user's lines and the head all users share is no longer a block "
    "boundary: a user whose own head expired rewrites the whole head instead of reading the "
    "shared one (emulator: 1.49x with 30 users and a request every 10 s, 1.96x with 12 users "
    "every 200 s; 1.04x and 1.12x before the cut moved past a user's lines)"))
@pytest.mark.parametrize(("users", "mean_gap"), [(30, 10.0), (12, 200.0)])
def test_many_users_own_lines_before_the_stamp_cost_no_more_than_after_it(
    users: int, mean_gap: float
) -> None:
    first = _cost(users, mean_gap, lines_first=True)
    after = _cost(users, mean_gap, lines_first=False)
    assert first <= 1.15 * after, (first, after)
