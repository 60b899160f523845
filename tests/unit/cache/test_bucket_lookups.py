"""What ``odds`` reads of a kind's learning buckets: the same figures and the same LRU order as
``probability`` and ``late_share`` asked one after the other (the buckets' LRU order decides
which of them a full state forgets first)."""

from __future__ import annotations

import pytest

from langchain_cometapi.cache._kinds import PrefixKind
from langchain_cometapi.cache._state import CacheState

HEAD = PrefixKind.HEAD


def _state(own_trials: int) -> CacheState:
    state = CacheState()
    state.bucket((HEAD, "other app"))
    state.bucket((HEAD, None)).add_trial(True)
    state.bucket((HEAD, None)).add_late(0.5)
    for _ in range(own_trials):
        state.bucket((HEAD, "app")).add_trial(False)
    state.bucket((PrefixKind.DOCUMENTS, "app"))  # touched last before the call
    return state


@pytest.mark.parametrize("own_trials", [0, 3], ids=["global late share", "own late share"])
def test_short_and_late_reads_and_orders_the_buckets_as_the_two_calls_do(
    own_trials: int,
) -> None:
    combined, separate = _state(own_trials), _state(own_trials)
    got = combined.short_and_late(HEAD, "app", 0.5)
    want = (separate.probability(HEAD, "app", 0.5), separate.late_share(HEAD, "app"))
    assert got == want
    assert list(combined.buckets) == list(separate.buckets)


def test_short_and_late_of_a_new_kind_creates_its_buckets_in_the_same_order() -> None:
    combined, separate = CacheState(), CacheState()
    got = combined.short_and_late(PrefixKind.DYNAMIC, "app", 0.2)
    want = (
        separate.probability(PrefixKind.DYNAMIC, "app", 0.2),
        separate.late_share(PrefixKind.DYNAMIC, "app"),
    )
    assert got == want
    assert list(combined.buckets) == list(separate.buckets)
