"""A fleet worker that saw a conversation some turns ago knows its turns come back after minutes
(their mean gap since then); the previous turn, planned by another worker, not read back is then
one such late return, not a history that shifted (``CacheState.foreign_turn``'s ``gap``)."""

from __future__ import annotations

from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._state import CacheState
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_traffic import exchange
from tests.unit.cache.test_fleet_head_late_reads import _conversation

_TAIL = PrefixKind.TAIL_CONTINUED


def test_a_foreign_tail_not_read_in_a_conversation_of_late_turns_is_a_late_return() -> None:
    for ttl in ("5m", "1h"):  # a 1h one would have been read: it was a 5m one
        state = CacheState()
        state.foreign_turn(_TAIL, "app", False, ttl, gap=8 * 60.0)
        bucket = state.bucket((_TAIL, "app"))
        assert (bucket.hits, bucket.trials, bucket.late) == (0.0, 2.0, 2.0), ttl


def test_a_foreign_tail_not_read_says_no_more_without_such_a_gap() -> None:
    for gap in (None, 2 * 60.0, 2 * 3600.0):  # unknown, quick, or past the hour
        state = CacheState()
        state.foreign_turn(_TAIL, "app", False, "1h", gap=gap)
        bucket = state.bucket((_TAIL, "app"))
        assert (bucket.trials, bucket.late) == (1.0, 0.0), gap


def test_a_worker_carries_the_conversation_gap_to_the_foreign_turn_it_observes() -> None:
    """Turn 1 planned here, turn 2 elsewhere (its tail written at 5m, expired), turn 3 here 16
    minutes after turn 1: a mean of 8 minutes a turn, and the previous tail not read."""
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    here, elsewhere = CachePlanner(clock=clock), CachePlanner(clock=clock)
    exchange(here, emulator, _conversation(0, 1))
    clock.advance(8 * 60.0)
    exchange(elsewhere, emulator, _conversation(0, 2))
    clock.advance(8 * 60.0)
    here.state.shared = 0.5  # a fleet worker's
    exchange(here, emulator, _conversation(0, 3))
    bucket = here.state.bucket((_TAIL, None))
    assert bucket.late >= 2.5, bucket  # the mean gap (1) and the late return it tells of (2)
