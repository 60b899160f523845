"""What a planner learns across calls: recurring prefixes, reuse gaps, estimate accuracy.

Everything is bounded (LRU of prefix fingerprints, capped outcome buckets and memo) and
guarded by one lock, so a ChatCometAPI instance can be shared between threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .._models import TTL_SECONDS
from ._system_split import SystemSplitter

__all__ = ["Bucket", "CacheState", "Entry"]

_DECAY = 0.9
_PRIOR_WEIGHT = 2.0


@dataclass(slots=True)
class Entry:
    """One remembered prefix fingerprint."""

    last_seen: float
    seen: int = 1
    bucket: Hashable | None = None
    rearm: bool = True
    pending: int = 0  # bit 1: 5m trial open, bit 2: 1h trial open
    alive_until: float = 0.0  # believed expiry of the API-side cache entry
    ttl: str = "5m"


@dataclass(slots=True)
class Bucket:
    """Decayed counts of 'seen again within the horizon' trials for one kind of prefix."""

    hits5: float = 0.0
    n5: float = 0.0
    hits1h: float = 0.0
    n1h: float = 0.0

    def add(self, horizon: str, hit: bool) -> None:
        if horizon == "5m":
            self.hits5 = self.hits5 * _DECAY + hit
            self.n5 = self.n5 * _DECAY + 1
        else:
            self.hits1h = self.hits1h * _DECAY + hit
            self.n1h = self.n1h * _DECAY + 1

    def p(self, horizon: str, prior: float) -> float:
        hits, n = (self.hits5, self.n5) if horizon == "5m" else (self.hits1h, self.n1h)
        return (hits + prior * _PRIOR_WEIGHT) / (n + _PRIOR_WEIGHT)


class CacheState:
    """Learned history for one planner; pass to ``plan_cache`` to plan with it."""

    def __init__(
        self, history_size: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.history_size = history_size
        self.entries: OrderedDict[int, Entry] = OrderedDict()
        self.buckets: OrderedDict[Hashable, Bucket] = OrderedDict()
        self.token_memo: dict[int, int] = {}
        self.token_memo_cap = max(4096, history_size * 4)
        self.ratio = 1.0
        self.samples = 0
        self.splitter = SystemSplitter()
        self._trials: dict[str, deque[tuple[float, int]]] = {"5m": deque(), "1h": deque()}

    # -- token memo ---------------------------------------------------------------
    def memo_tokens(self, fp: int, compute: Callable[[], int]) -> int:
        value = self.token_memo.get(fp)
        if value is None:
            if len(self.token_memo) >= self.token_memo_cap:
                self.token_memo.clear()
            value = self.token_memo[fp] = compute()
        return value

    # -- outcome learning ---------------------------------------------------------
    def bucket(self, key: Hashable) -> Bucket:
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = Bucket()
            while len(self.buckets) > 512:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
        return found

    def probability(self, kind: str, app: Hashable, horizon: str, prior: float) -> float:
        """P(a prefix of this kind is seen again within the horizon), app-specific over global."""
        glob = self.bucket((kind, None)).p(horizon, prior)
        return self.bucket((kind, app)).p(horizon, glob)

    def sweep(self, now: float) -> None:
        """Close trials whose horizon passed without a sighting (misses)."""
        for horizon, queue in self._trials.items():
            limit = TTL_SECONDS[horizon]
            bit = 1 if horizon == "5m" else 2
            while queue and now - queue[0][0] > limit:
                started, key = queue.popleft()
                entry = self.entries.get(key)
                if entry is None or entry.last_seen != started or not entry.pending & bit:
                    continue
                entry.pending &= ~bit
                if entry.bucket is not None:
                    self._add(entry.bucket, horizon, False)

    def _add(self, bucket: Hashable, horizon: str, hit: bool) -> None:
        self.bucket(bucket).add(horizon, hit)
        if isinstance(bucket, tuple) and len(bucket) == 2 and bucket[1] is not None:
            self.bucket((bucket[0], None)).add(horizon, hit)

    def sighted(self, key: int, now: float) -> Entry | None:
        """A request contains this prefix: resolve open trials as hits, reopen if re-armable."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.entries.move_to_end(key)
        gap = now - entry.last_seen
        if gap <= 0:
            return entry
        if entry.bucket is not None:
            for horizon, bit in (("5m", 1), ("1h", 2)):
                if entry.pending & bit and gap <= TTL_SECONDS[horizon]:
                    entry.pending &= ~bit
                    self._add(entry.bucket, horizon, True)
        entry.seen += 1
        entry.last_seen = now
        if entry.rearm and entry.bucket is not None:
            self._open(key, entry, now)
        return entry

    def record(self, key: int, now: float, bucket: Hashable | None, rearm: bool) -> Entry:
        """Remember a candidate prefix so later calls can tell whether it recurs."""
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = Entry(last_seen=now, bucket=bucket, rearm=rearm)
            if bucket is not None:
                self._open(key, entry, now)
            while len(self.entries) > self.history_size:
                self.entries.popitem(last=False)
        elif entry.bucket is None and bucket is not None:
            entry.bucket, entry.rearm = bucket, rearm
            self._open(key, entry, now)
        return entry

    def _open(self, key: int, entry: Entry, now: float) -> None:
        entry.pending = 3
        for queue in self._trials.values():
            queue.append((now, key))
            if len(queue) > self.history_size * 4:
                queue.popleft()

    # -- believed API cache ---------------------------------------------------------
    def mark_cached(self, key: int, now: float, ttl: str) -> None:
        entry = self.entries.get(key)
        if entry is None:
            entry = self.record(key, now, None, False)
        entry.alive_until = max(entry.alive_until, now + TTL_SECONDS[ttl])
        entry.ttl = ttl if entry.alive_until == now + TTL_SECONDS[ttl] else entry.ttl

    def forget_cached(self, key: int) -> None:
        entry = self.entries.get(key)
        if entry is not None:
            entry.alive_until = 0.0

    def observe_ratio(self, estimated: int, actual: int) -> None:
        if estimated <= 0 or actual <= 0:
            return
        sample = min(4.0, max(0.25, actual / estimated))
        # A running mean at first (the first sample replaces the 1.0 guess), an EMA later.
        weight = max(0.2, 1.0 / (self.samples + 1))
        self.ratio = (1.0 - weight) * self.ratio + weight * sample
        self.samples += 1
