"""Where the previous turn left its tail marker (``_lookback.previous_tail``), on bare scans.

The planner marks that position so a conversation it has no memory of still reads its entry
across the API's 20-block lookback; the wrong position wastes a marker, none loses the read.
"""

from __future__ import annotations

import pytest

from langchain_cometapi.cache._lookback import previous_tail
from langchain_cometapi.cache._scan import Scan


def _scan(roles: list[str], sizes: list[int] | None = None) -> Scan:
    """Messages of ``sizes`` blocks each (two by default), positions numbered from 0."""
    sizes = sizes or [2] * len(roles)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return Scan(message_roles=roles, message_starts=[*starts, sum(sizes)])


EVERYWHERE = range(100)


def test_the_tail_is_the_last_usable_block_of_the_user_turn_before_the_last_reply() -> None:
    scan = _scan(["user", "assistant", "user"], [3, 1, 2])
    assert previous_tail(scan, EVERYWHERE) == 2
    assert previous_tail(scan, {0, 1}) == 1
    assert previous_tail(scan, {0, 3, 4, 5}) == 0
    later = _scan(["user", "assistant", "user", "assistant", "user"], [1, 1, 3, 1, 1])
    assert previous_tail(later, EVERYWHERE) == 4
    assert previous_tail(later, {3}) == 3  # every block is looked at, not every other one


def test_no_usable_block_in_that_turn_is_no_tail() -> None:
    scan = _scan(["user", "assistant", "user", "assistant", "user"], [2, 1, 2, 1, 1])
    assert previous_tail(scan, {0, 1, 2, 5, 6}) is None  # turn 2 is positions 3-4: none usable


@pytest.mark.parametrize(
    "roles",
    [
        ["user"],
        ["user", "assistant"],
        ["user", "user", "user"],  # no reply yet
        ["user", "assistant", "user", "assistant"],  # ends with the reply
        ["assistant", "user", "user"],  # the reply opens the conversation
        ["user", "assistant", "assistant", "user"],  # no user turn right before the last reply
    ],
)
def test_no_previous_request_is_no_tail(roles: list[str]) -> None:
    assert previous_tail(_scan(roles), EVERYWHERE) is None
