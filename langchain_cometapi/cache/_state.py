"""What a planner learns across calls: recurring prefixes, reuse gaps, estimate accuracy.

Everything is bounded (LRU of prefix fingerprints, capped outcome buckets and memo) and
guarded by one lock, so a ChatCometAPI instance can be shared between threads.

Recurrence is learnt as trials: a remembered prefix opens a 5-minute trial, closed as a hit when
a request contains the prefix again within 5 minutes, as a miss when the 5 minutes pass. A miss
then waits up to the hour for a *late* reuse; the share of misses reused late is what a 1h TTL
would rescue, so it decides between 5m and 1h (see ``_ttl``).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from .._models import TTL_SECONDS
from ._bucket import Bucket
from ._kinds import LATE_PRIOR, PRIORS, PrefixKind
from ._scan import ScanCache
from ._system_split import SystemSplitter
from ._tool_lists import ToolLists

__all__ = ["Bucket", "CacheState", "Entry"]

_SHARED_RATE = 0.2
#: A written entry the API did not read back is seen, not inferred from silence: it weighs more
#: than a trial that lapsed unseen here.
_SEEN_MISS = 2.0
_FIVE_MINUTES = TTL_SECONDS["5m"]
_ONE_HOUR = TTL_SECONDS["1h"]
BucketKey = tuple[PrefixKind, Hashable]


@dataclass(slots=True)
class Entry:
    """One remembered prefix fingerprint."""

    last_seen: float
    bucket: BucketKey | None = None
    rearm: bool = True
    trial_open: bool = False  # a 5-minute trial is running
    awaiting_late: bool = False  # the trial missed; a reuse within the hour counts as late
    alive_until: float = 0.0  # believed expiry of the API-side cache entry
    ttl: str = "5m"
    #: Who opened the running trial of a head (``_kinds.head_need``): its late share is learnt
    #: for that need apart, besides the head's own bucket.
    need: PrefixKind | None = None


def _outcome_buckets(entry: Entry) -> tuple[BucketKey, ...]:
    """Where a trial's outcome is counted: the entry's bucket and, for a head, its need's."""
    if entry.bucket is None:
        return ()
    if entry.need is None:
        return (entry.bucket,)
    return (entry.bucket, (entry.need, entry.bucket[1]))


_LIVE: weakref.WeakSet[CacheState] = weakref.WeakSet()


def _fresh_locks_in_child() -> None:
    """After fork() a lock held by a parent thread would stay held forever in the child."""
    for state in list(_LIVE):
        state.lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks_in_child)


class CacheState:
    """Learned history for one planner; pass to ``plan_cache`` to plan with it."""

    def __init__(
        self, history_size: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.lock = threading.RLock()
        _LIVE.add(self)
        self.clock = clock
        self.history_size = history_size
        self.entries: OrderedDict[int, Entry] = OrderedDict()
        self.buckets: OrderedDict[BucketKey, Bucket] = OrderedDict()
        self.token_memo: dict[int, int] = {}
        self.token_memo_cap = max(4096, history_size * 4)
        self.ratio, self.samples = 1.0, 0
        self.shared = 0.0  # share of responses that read entries this planner did not know of
        self.foreign_reads = 0  # responses that did: other planners serve the same prefixes
        self.splitter = SystemSplitter()
        self.recent_scans = ScanCache()
        self._trials: deque[tuple[float, int]] = deque()
        # content fingerprint of each recent request's tail block -> the prefix it ended
        self.tails: OrderedDict[int, int] = OrderedDict()
        self.tool_lists = ToolLists()
        #: Prefixes an unanswered request writes -> until when they count as unreadable (set by
        #: ``CachePlanner.plan``): the API reads an entry once the response writing it began.
        self.in_flight: dict[int, float] = {}
        #: Responses in a row that wrote no 1h entry where a plan asked for one
        #: (``CachePlanner.observe``): shared by the models built per request of one endpoint,
        #: key and client, never pooled with other states (a wrong belief in one replay or
        #: account must not teach the whole process that the endpoint ignores 1h).
        self.missing_1h = 0

    def scratch_copy(self) -> CacheState:
        """A copy to plan a preview on exactly as ``plan`` would (a plan learns from its own
        request before it values breakpoints: the head sighted again, a shifted history, a
        longer system cut), leaving this state untouched. Call under ``lock``. The token memo
        (pure estimates) is shared; recent scans are not (a fresh cache plans the same)."""
        other = CacheState(self.history_size, self.clock)
        other.entries = OrderedDict((k, replace(e)) for k, e in self.entries.items())
        other.buckets = OrderedDict((k, replace(b)) for k, b in self.buckets.items())
        other.token_memo, other.token_memo_cap = self.token_memo, self.token_memo_cap
        other.ratio, other.samples, other.shared = self.ratio, self.samples, self.shared
        other.splitter = self.splitter.copy()
        other._trials = deque(self._trials)
        other.tails = OrderedDict(self.tails)
        other.tool_lists = self.tool_lists.copy()
        other.in_flight = dict(self.in_flight)
        other.missing_1h, other.foreign_reads = self.missing_1h, self.foreign_reads
        return other

    # -- token memo ---------------------------------------------------------------
    def token_memo_for_scan(self) -> dict[int, int]:
        """Block fingerprint -> token estimate, shared by every scan (emptied when full)."""
        if len(self.token_memo) >= self.token_memo_cap:
            self.token_memo.clear()
        return self.token_memo

    # -- outcome learning ---------------------------------------------------------
    def bucket(self, key: BucketKey) -> Bucket:
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = Bucket()
            while len(self.buckets) > 512:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
        return found

    def probability(self, kind: PrefixKind, app: Hashable, prior: float) -> float:
        """P(a prefix of this kind is seen again within 5 minutes), app-specific over global."""
        glob = self.bucket((kind, None)).p(prior)
        return self.bucket((kind, app)).p(glob)

    def late_share(self, kind: PrefixKind, app: Hashable) -> float:
        """P(seen again within the hour | not within 5 minutes): this application's own
        evidence once it has some (the global bucket holds the same trials: blending the two
        would count them twice), else every application's."""
        own = self.bucket((kind, app))
        if own.trials >= 1.0:
            return own.late_share(LATE_PRIOR)
        return self.bucket((kind, None)).late_share(LATE_PRIOR)

    def short_and_late(self, kind: PrefixKind, app: Hashable, prior: float) -> tuple[float, float]:
        """``probability`` and ``late_share`` together, each bucket looked up once (``odds``
        asks both of every candidate). The buckets' LRU order ends as after the two calls:
        global, own, and global again when the own bucket has no trial yet."""
        glob = self.bucket((kind, None))
        own = self.bucket((kind, app))
        p_short = own.p(glob.p(prior))
        if own.trials >= 1.0:
            return p_short, own.late_share(LATE_PRIOR)
        self.buckets.move_to_end((kind, None))  # just used: not evicted by ``own``'s insertion
        return p_short, glob.late_share(LATE_PRIOR)

    def need_share(self, need: PrefixKind, app: Hashable) -> float | None:
        """``late_share`` of the prefixes opened by one need (``Entry.need``), once one was
        seen to an outcome; None before."""
        split = self.bucket((need, app))
        return split.late_share(LATE_PRIOR) if split.trials >= 1.0 else None

    def return_share(self, kind: PrefixKind, app: Hashable) -> float:
        """P(within the hour | seen again after 5 minutes), like ``late_share``: this
        application's own evidence once it has some, else every application's."""
        own = self.bucket((kind, app))
        if own.late + own.beyond > 0.0:
            return own.return_share()
        return self.bucket((kind, None)).return_share()

    def sweep(self, now: float) -> None:
        """Close trials whose 5 minutes passed without a sighting (misses)."""
        queue = self._trials
        while queue and now - queue[0][0] > _FIVE_MINUTES:
            started, key = queue.popleft()
            entry = self.entries.get(key)
            if entry is None or entry.last_seen != started or not entry.trial_open:
                continue
            entry.trial_open = False
            entry.awaiting_late = True
            # Unseen here is weaker evidence when others read what this planner wrote.
            for bucket in _outcome_buckets(entry):
                self._add_trial(bucket, False, 1.0 - self.shared)

    def _add_trial(self, bucket: BucketKey, hit: bool, weight: float = 1.0) -> None:
        self.bucket(bucket).add_trial(hit, weight)
        if bucket[1] is not None:
            self.bucket((bucket[0], None)).add_trial(hit, weight)

    def add_hit(self, kind: PrefixKind, app: Hashable) -> None:
        """A prefix of this kind was reused within 5 minutes by another planner (seen through
        the API's usage)."""
        self.bucket((kind, app)).reused_elsewhere()
        self.bucket((kind, None)).reused_elsewhere()

    def late_elsewhere(self, kind: PrefixKind, app: Hashable, gap: float) -> None:
        """A prefix this planner marked was not read: nobody used it for 5 minutes. Seen here
        ``gap`` seconds ago, within the hour, its last use by anyone was then a late one: a 1h
        entry would have been read (seen here longer ago, nothing tells when). Counted at the
        share of what this planner sees that others serve (``shared``): its own trials count
        the rest, and alone it times them itself."""
        weight = self.shared
        if weight <= 0.0 or not _FIVE_MINUTES < gap <= _ONE_HOUR:
            return
        for key in ((kind, app), (kind, None)):
            bucket = self.bucket(key)
            bucket.add_trial(False, weight)
            bucket.add_late(weight)

    def foreign_turn(
        self, kind: PrefixKind, app: Hashable, read: bool, ttl: str, gap: float | None = None
    ) -> None:
        """The previous turn of a conversation was planned by another planner of the fleet,
        which wrote its tail with ``ttl`` (what this planner would have chosen); whether the
        API read it tells whether the conversation came back within that TTL.

        A 5m entry read is a reuse within 5 minutes. A 5m entry not read is a miss whose
        lateness is unknown (it counts as late at the share already believed, leaving that share
        unchanged). A 1h entry read is a late reuse or a quick one, split at the believed
        P(within 5 minutes); a 1h entry not read is a miss that was not late either.

        Unless this planner saw the conversation before and its turns came back after minutes
        within the hour (``gap``, their mean since then): then an entry not read was a 5m one
        (a 1h one would have been read) and the miss such a return, late as often as the kind's
        returns are. Without that, a tail not read may as well be a history that shifted (a
        trimmed window's tails are never read), or a 1h one the conversation outlasted.
        """
        p_short = self.probability(kind, app, PRIORS[kind])
        late_share = self.late_share(kind, app)
        if not read and gap is not None and _FIVE_MINUTES < gap <= _ONE_HOUR:
            ttl, late_share = "5m", self.return_share(kind, app)
        for key in ((kind, app), (kind, None)):
            bucket = self.bucket(key)
            if ttl == "5m" and read:
                bucket.reused_elsewhere()
            elif ttl == "5m":
                bucket.add_trial(False, _SEEN_MISS)
                bucket.add_late(late_share * _SEEN_MISS)
            elif read:
                bucket.add_trial(True, p_short)
                bucket.add_trial(False, 1.0 - p_short)
                bucket.add_late(1.0 - p_short)
            else:
                bucket.add_trial(False)
                bucket.add_late(0.0)

    def average_gap(self, kind: PrefixKind, app: Hashable, gap: float) -> None:
        """A conversation this planner saw some turns ago came back: ``gap`` is the mean time
        between its turns since then (the turns in between went to other planners). One
        outcome: within 5 minutes, within the hour, or later."""
        for key in ((kind, app), (kind, None)):
            bucket = self.bucket(key)
            bucket.add_trial(gap <= _FIVE_MINUTES)
            if gap > _ONE_HOUR:
                bucket.add_beyond()
            elif gap > _FIVE_MINUTES:
                bucket.add_late()

    def observe_reads(self, expected: int, actual: int) -> None:
        """Track how often the API reads more than this planner knew was cached: then other
        planners (a fleet behind a balancer) write and read the same prefixes, and a prefix
        not seen again *here* may well have been reused *there*."""
        foreign = actual > expected * 1.05 + 64
        self.foreign_reads += foreign
        self._note_shared(foreign)

    def observe_continuation(self, known: bool) -> None:
        """A conversation continues; ``known``: its previous turn was planned here. Unknown
        previous turns mean other planners serve the same conversations."""
        self._note_shared(not known)

    def _note_shared(self, foreign: bool) -> None:
        self.shared = (1.0 - _SHARED_RATE) * self.shared + _SHARED_RATE * foreign

    def miss_now(self, key: int) -> None:
        """Close a prefix's open trial as a miss before its 5 minutes pass: the conversation
        it ended has moved on without it (a shifted history)."""
        entry = self.entries.get(key)
        if entry is None or entry.bucket is None or not entry.trial_open:
            return
        entry.trial_open = False
        for bucket in _outcome_buckets(entry):
            self._add_trial(bucket, False)

    def sighted(
        self, key: int, now: float, need: PrefixKind | None = None
    ) -> Entry | None:
        """A request contains this prefix: resolve open trials as hits, reopen if re-armable
        (``need``: who needs it now, for a head)."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.entries.move_to_end(key)
        gap = now - entry.last_seen
        if gap <= 0:
            return entry
        if entry.bucket is not None:
            if entry.trial_open and gap <= _FIVE_MINUTES:
                entry.trial_open = False
                for bucket in _outcome_buckets(entry):
                    self._add_trial(bucket, True)
            elif entry.awaiting_late:
                for bucket in _outcome_buckets(entry):
                    self._add_return(bucket, gap <= _ONE_HOUR)
            entry.awaiting_late = False
            entry.need = need
        entry.last_seen = now
        if entry.rearm and entry.bucket is not None:
            self._open(key, entry, now)
        return entry

    def _add_return(self, bucket: BucketKey, late: bool) -> None:
        """A missed prefix is seen again, within the hour (late) or after it."""
        weight = 1.0 - self.shared  # others may have reused it in between
        for key in (bucket, (bucket[0], None)) if bucket[1] is not None else (bucket,):
            if late:
                self.bucket(key).add_late(weight)
            else:
                self.bucket(key).add_beyond(weight)

    def restart(self, key: int, now: float) -> None:
        """A request contains this prefix, and its outcome is counted on a longer one of the
        same bucket (one head, one need, one outcome): close its trial without counting one,
        and open none (the longer prefix's trial is this need's; a second would be swept as a
        second miss of the same need). A later request that needs this prefix alone reopens it."""
        entry = self.entries.get(key)
        if entry is None:  # forgotten (the LRU is full) while the longer one was recorded
            return
        self.entries.move_to_end(key)
        entry.trial_open = entry.awaiting_late = False
        entry.last_seen = now

    def record(
        self, key: int, now: float, bucket: BucketKey | None, rearm: bool,
        need: PrefixKind | None = None,
    ) -> Entry:
        """Remember a candidate prefix so later calls can tell whether it recurs (``need``: who
        needs a head now, see ``sighted``)."""
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = Entry(last_seen=now, bucket=bucket, rearm=rearm, need=need)
            if bucket is not None:
                self._open(key, entry, now)
            while len(self.entries) > self.history_size:
                self.entries.popitem(last=False)
        elif entry.bucket is None and bucket is not None:
            entry.bucket, entry.rearm = bucket, rearm
            self._open(key, entry, now)
        return entry

    def _open(self, key: int, entry: Entry, now: float) -> None:
        entry.trial_open = True
        entry.awaiting_late = False
        self._trials.append((now, key))
        if len(self._trials) > self.history_size * 4:
            self._trials.popleft()

    def remember_tail(self, block_fp: int, prefix_key: int) -> None:
        """Where a request's tail block sat, to tell next turn whether the history shifted."""
        self.tails[block_fp] = prefix_key
        self.tails.move_to_end(block_fp)
        while len(self.tails) > self.history_size:
            self.tails.popitem(last=False)

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
