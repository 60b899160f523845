"""The planner's private record of a plan: what it needs back when the usage arrives.

A ``CachePlan`` is for users (what was marked, why, what it should cost). Learning from the
response needs more (the raw token estimate, which entries the plan expected to read and which it
wrote, whether it asked for 1h): that stays here, held by the planner beside the plan it issued,
so the public dataclass carries nothing a user should not touch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple

from ._kinds import PrefixKind
from ._plan import CachePlan

__all__ = ["Ledger", "Ledgers", "Unseen"]


class Unseen(NamedTuple):
    """A prefix in the request this planner believes is not cached (the previous turn of a
    conversation another planner served, a system prompt not seen for a while). If the API
    reads up to it anyway, another planner used it within 5 minutes: a reuse this one missed."""

    kind: PrefixKind
    app: Hashable
    tokens: float  # estimated prefix tokens up to it (API units)
    #: For the previous turn of a conversation planned elsewhere: the TTL this planner would
    #: have written it with (the fleet runs the same code on similar evidence), so a read means
    #: "reused within that TTL" and a miss "not"; None when nothing tells (not checked then).
    ttl: str | None = None
    #: For a head this plan marks: seconds since this planner last saw it. Not read although
    #: marked, it was used by nobody for 5 minutes; seen here within the hour, its last use was
    #: a late one (``CacheState.late_elsewhere``). For the previous turn planned elsewhere: the
    #: conversation's mean gap between turns as seen here (``CacheState.foreign_turn``). None
    #: when nothing tells.
    gap: float | None = None
    #: For the previous turn's tail another planner planned (``_fleet``): the prefix tokens of
    #: the head before it, which other planners keep warm: a read must reach past the midpoint
    #: of the two to have read the tail.
    head: float = 0.0


class Ledger(NamedTuple):
    """What one plan expected, for ``CachePlanner.observe`` (a named tuple, not a frozen
    dataclass: one is built per request, and a frozen dataclass costs ~5x more to build)."""

    raw_estimate: int
    live_keys: tuple[int, ...] = ()
    write_keys: tuple[int, ...] = ()
    asked_1h: bool = False
    unseen: tuple[Unseen, ...] = ()


class Ledgers:
    """Ledgers of plans whose usage has not arrived yet, by plan identity (bounded: a plan whose
    response never comes is dropped after ``capacity`` newer ones)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._items: OrderedDict[int, tuple[CachePlan, Ledger]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, plan: CachePlan, ledger: Ledger) -> None:
        with self._lock:
            self._items[id(plan)] = (plan, ledger)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, plan: CachePlan) -> Ledger | None:
        with self._lock:
            found = self._items.get(id(plan))
        return found[1] if found is not None and found[0] is plan else None

    def pop(self, plan: CachePlan) -> Ledger | None:
        with self._lock:
            found = self._items.pop(id(plan), None)
        if found is None or found[0] is not plan:
            return None
        return found[1]
