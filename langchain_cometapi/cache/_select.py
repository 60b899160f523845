"""Choose breakpoints by expected value.

Relative to not caching, a breakpoint set is worth ``0.9 x tokens read now`` minus the write
premium (0.25 for 5m, 1.0 for 1h, per written token) plus ``0.9 x expected later reads`` of
every written token. A read only happens where a breakpoint sits at most ``LOOKBACK_BLOCKS``
positions after a live entry, which is what makes bridges worth a slot. With at most four
slots and a handful of candidates, trying every subset is both exact and cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from operator import itemgetter
from typing import NamedTuple

from .._models import LOOKBACK_BLOCKS
from ._pricing import PRICE_PLAIN, PRICE_READ, WRITE_PRICE

__all__ = ["READ_REACH", "Candidate", "Choice", "ForeignAnchor", "choose", "expected_reads"]

#: Furthest a breakpoint may sit after the entry it should read; one short of the API's
#: window, so an off-by-one in where the API starts counting cannot turn a read into a write.
READ_REACH = LOOKBACK_BLOCKS - 2
_SAVING = PRICE_PLAIN - PRICE_READ
_PREMIUM_1H = WRITE_PRICE["1h"] - PRICE_PLAIN  # a written token's premium over a plain one
_PREMIUM_5M = WRITE_PRICE["5m"] - PRICE_PLAIN
_MAX_READS = 20.0
#: What a token kept at 1h saves when a late turn reads it instead of rewriting it at 5m.
_RESCUE = WRITE_PRICE["5m"] - PRICE_READ


def expected_reads(p: float) -> float:
    """Later reads of a prefix whose every next use arrives within the TTL with probability p."""
    # min(max(p, 0.0), 0.999) and min(reads, _MAX_READS), as comparisons (a few per plan)
    if p < 0.0:
        p = 0.0
    if p > 0.999:
        p = 0.999
    reads = p / (1.0 - p)
    return _MAX_READS if reads > _MAX_READS else reads


@dataclass(slots=True)
class Candidate:
    """A place a marker could go; ``reuse`` maps ttl -> expected later reads."""

    pos: int
    segment: str
    reason: str
    ttl: str
    reuse: dict[str, float] = field(default_factory=dict)
    alive: bool = False
    fixed: bool = False
    allow_upgrade: bool = True
    #: Ends a prefix many conversations share (``_kinds.SHARED_SEGMENTS``), whose ``reuse``
    #: counts the requests that need it as their longest cached prefix.
    shared: bool = False
    #: For a shared prefix: later reads of this conversation's tail, per TTL (they read the
    #: shared prefix when no longer entry of theirs is written).
    own_reuse: dict[str, float] = field(default_factory=dict)
    #: For a conversation's tail: P(its next turn comes after 5 minutes, within the hour), and
    #: the prefix tokens an entry live at 1h already keeps through such a pause (``stake``).
    late: float = 0.0
    stake_floor: float = 0.0
    #: Prefix tokens the API likely reads though this planner does not know them live (the
    #: previous turn's tail, written by another planner of a fleet): not written by this turn.
    likely_read: float = 0.0


@dataclass(slots=True)
class Choice:
    """The winning set with its accounting (tokens are estimated, in API units)."""

    marks: list[tuple[Candidate, str]]
    value: float
    read_pos: int
    written: list[int]
    read_tokens: int
    write_5m: int
    write_1h: int


def _effective_ttls(chosen: Sequence[Candidate]) -> list[str]:
    """No 1h breakpoint may follow a 5m one: cap after a fixed 5m, upgrade before any 1h."""
    ttls = [c.ttl for c in chosen]
    if ttls.count("5m") == len(ttls):
        return ttls  # nothing to cap or upgrade (the common case)
    capped = False
    for i, c in enumerate(chosen):
        if c.fixed:
            capped = capped or c.ttl == "5m"
        elif capped:
            ttls[i] = "5m"
    later_1h = False
    for i in range(len(chosen) - 1, -1, -1):
        if ttls[i] == "1h":
            later_1h = True
        elif later_1h and not chosen[i].fixed and chosen[i].allow_upgrade:
            ttls[i] = "1h"
    return ttls


#: A candidate with what every subset's score reads of it, computed once per search: its
#: position, prefix tokens, the live entry it reads (-1: none), whether it is written when no
#: entry at or after it is read, its TTL, its later reads at that TTL, and whether it ends a
#: shared prefix.
_Fact = tuple[Candidate, int, float, int, bool, str, float, bool]
#: value, the set's facts at their effective TTLs, the facts of its written candidates, read
#: position, read, 5m and 1h writes
_Score = tuple[float, Sequence[_Fact], Sequence[_Fact], int, float, float, float]
#: The empty set's score: marks nothing, reads and writes nothing.
_NOTHING: _Score = (0.0, (), (), -1, 0.0, 0.0, 0.0)
_position = itemgetter(1)  # a fact's position, read at C level by ``sorted``
_candidate, _ttl = itemgetter(0), itemgetter(5)
_ONLY_5M = frozenset(("5m",))


def _facts(
    candidates: Sequence[Candidate],
    cumulative: Sequence[float],
    alive: Sequence[int],
    minimum: float,
) -> list[_Fact]:
    """Each candidate's facts, once per search: a candidate sits in half the subsets scored,
    and what depends on it alone (its live entry is a bisect) need not be redone in each."""
    facts: list[_Fact] = []
    for c in candidates:
        reach = -1
        if alive:
            i = bisect_right(alive, c.pos) - 1
            if i >= 0 and c.pos - alive[i] <= READ_REACH:
                reach = alive[i]
        cum, ttl = cumulative[c.pos], c.ttl
        facts.append((c, c.pos, cum, reach, not c.alive and cum >= minimum, ttl,
                      c.reuse.get(ttl, 0.0), c.shared))  # fmt: skip
    return facts


def _retimed(subset: Sequence[_Fact]) -> tuple[Sequence[_Fact], bool]:
    """The facts of a set at the TTLs ``_effective_ttls`` caps or upgrades them to, and whether
    one of them is 1h."""
    ttls: list[str] = []
    for f in subset:
        ttls.append(f[5])
    if ttls.count("5m") == len(ttls):
        return subset, False  # nothing to cap or upgrade
    out: list[_Fact] = []
    for f, ttl in zip(subset, _effective_ttls([f[0] for f in subset]), strict=True):
        if ttl != f[5]:
            c = f[0]
            f = (c, f[1], f[2], f[3], f[4], ttl, c.reuse.get(ttl, 0.0), f[7])
        out.append(f)
    return out, "1h" in map(_ttl, out)


def _choice(score: _Score) -> Choice:
    value, facts, written, read_pos, read, w5, w1h = score
    positions = list(map(_position, written))
    marks = list(zip(map(_candidate, facts), map(_ttl, facts), strict=True))
    return Choice(marks, value, read_pos, positions, round(read), round(w5), round(w1h))


def _score(
    chosen: Sequence[Candidate],
    cumulative: Sequence[float],
    alive: Sequence[int],
    minimum: float,
    writing: float = 0.0,
) -> _Score:
    """``_scored`` of a set not yet turned into facts (``_staked``'s flipped one)."""
    floor = cumulative[alive[-1]] if alive else 0.0
    facts = _facts(chosen, cumulative, alive, minimum)
    return _scored(facts, cumulative, max(floor, writing), False)


def _scored(
    subset: Sequence[_Fact], cumulative: Sequence[float], base: float, all_5m: bool
) -> _Score:
    """A set's value and accounting (``choose`` builds only the winner's Choice). ``base``:
    the prefix tokens no write earns later reads on (the longest live entry, or what another
    request is writing now: readable soon, later reads of it are not this write's doing).
    ``all_5m``: every candidate of the search asks 5m, so no TTL is capped or upgraded."""
    if not subset:
        return _NOTHING
    # Loops, not comprehensions: a subset holds a few candidates, and a comprehension is a
    # function call of its own (before Python 3.12).
    read_pos = -1
    for f in subset:
        if f[3] > read_pos:
            read_pos = f[3]
    one_hour = False
    if not all_5m:  # else nothing to cap or upgrade (the common case)
        subset, one_hour = _retimed(subset)
    read = cumulative[read_pos] if read_pos >= 0 else 0.0
    written: list[_Fact] = []  # in position order, as the set
    shared: list[_Fact] = []  # the written that end a shared prefix
    own: list[_Fact] = []  # and the others
    touched: list[float] = []  # prefix tokens of the live entries chosen
    for f in subset:
        if f[4]:
            if f[1] > read_pos:
                written.append(f)
                (shared if f[7] else own).append(f)
        elif f[0].alive:
            touched.append(f[2])
    value = _SAVING * read
    w5 = w1h = 0.0
    if written:
        last_1h = 0.0
        if one_hour:
            for f in written:
                if f[5] == "1h" and f[2] > last_1h:
                    last_1h = f[2]
        last = written[-1][2]
        w1h = last_1h - read if last_1h - read > 0.0 else 0.0  # max(0.0, ...), as comparisons
        covered = last_1h if last_1h > read else read
        w5 = last - covered if last - covered > 0.0 else 0.0
        value -= _PREMIUM_1H * w1h + _PREMIUM_5M * w5
        # Later reads are credited only for tokens no live entry already covers: those
        # would be read later anyway, written or not.
        floor = base if base > read else read
        if shared:
            value += _with_shared(shared, own, floor)
        else:
            value += _later(written, floor)
    # Tiny credit for touching live entries: it keeps shared prefixes warm for other callers.
    value += 1e-6 * sum(touched)
    return value, subset, written, read_pos, read, w5, w1h


def _with_shared(shared: Sequence[_Fact], own: Sequence[_Fact], floor: float) -> float:
    """Later reads when a shared prefix is written. Two families of readers add up: other
    conversations (and this one once its own entries expired) need the shared head, and its
    ``reuse`` counts only those needs (``_kinds``); this conversation reads its own longest
    entry: its tail when one is written, else the shared head (at the tail's reuse). A request
    that could read a longer live entry of its own credits nothing to the shared one (``floor``):
    its next need would write it just as well."""
    value = _later(shared, floor)
    if own:
        return value + _later(own, floor)
    last = shared[-1]
    own_reuse = last[0].own_reuse.get(last[5], 0.0)
    return value + _SAVING * own_reuse * max(0.0, last[2] - floor)


def _later(written: Sequence[_Fact], floor: float) -> float:
    """Value of the expected later reads of the written entries (nested: a read of a longer
    entry covers the shorter ones, so each token earns the best reuse of an entry holding it)."""
    upper = written[-1][2]
    if len(written) == 1:  # most sets write one entry: the loop below, once, without its state
        reads = written[0][6]
        lower = 0.0 if floor < 0.0 else floor
        span = upper - lower
        return _SAVING * (reads if reads > 0.0 else 0.0) * (span if span > 0.0 else 0.0)
    value = 0.0
    best_later = 0.0
    for i in range(len(written) - 1, -1, -1):
        # ``max`` as comparisons (a few per subset): ``max(a, b)`` is ``b if b > a else a``
        reads = written[i][6]
        best_later = reads if reads > best_later else best_later
        below = written[i - 1][2] if i else 0.0
        lower = below if below > floor else floor
        span = upper - lower
        value += _SAVING * best_later * (span if span > 0.0 else 0.0)
        upper = lower
        if upper <= floor:
            break
    return value


def choose(
    candidates: Sequence[Candidate],
    fixed: Sequence[Candidate],
    budget: int,
    cumulative: Sequence[float],
    alive: Sequence[int],
    minimum: float,
    writing: float = 0.0,
    anchor: ForeignAnchor | None = None,
) -> Choice:
    """Best subset of at most ``budget`` candidates, always including the user's markers
    (``anchor``: an entry another planner likely wrote, see ``ForeignAnchor``)."""
    best: _Score | None = None
    pool = sorted(_facts(candidates, cumulative, alive, minimum), key=_position)
    pinned = _facts(fixed, cumulative, alive, minimum) if fixed else []
    base = cumulative[alive[-1]] if alive else 0.0
    base = writing if writing > base else base
    # Every candidate at 5m: then no subset has a TTL to cap or upgrade (checked once here).
    all_5m = {*map(_ttl, pool), *map(_ttl, pinned)} <= _ONLY_5M
    for size in range(min(budget, len(pool)), -1, -1):
        for subset in combinations(pool, size):
            # combinations keep the pool's order: only the user's markers need merging in
            chosen = sorted((*pinned, *subset), key=_position) if pinned else subset
            score = _scored(chosen, cumulative, base, all_5m)
            if anchor is not None:
                score = _with_anchor(score, anchor)
            if best is None or score[0] > best[0] + 1e-9:
                best = score
    assert best is not None
    return _choice(_staked(best, cumulative, alive, minimum, writing, anchor))


class ForeignAnchor(NamedTuple):
    """The previous turn's tail when another planner of a fleet planned that turn: not known
    live here, but a marker within ``READ_REACH`` after it reads it if that planner wrote it and
    it has not expired, with probability ``odds`` (``_fleet``)."""

    pos: int
    tokens: float
    odds: float
    #: Prefix tokens of the head (tools, system) before it: other planners keep the head warm,
    #: so a read of the anchor saves only what lies above it, whatever this planner knows.
    head: float = 0.0


def _with_anchor(score: _Score, anchor: ForeignAnchor, one_hour: bool = True) -> _Score:
    """A set's score with the expected read of a foreign anchor: a set writing a marker within
    reach of it reads it with probability ``odds``, and then neither pays the write premium on
    its tokens above the read nor sends them plain: ``odds x (0.9 + premium) x (anchor - read)``
    more than the set is valued on what this planner knows live (``one_hour=False``: at the 5m
    premium, for the stake's flipped set, whose refund of the 1h premium is its own)."""
    read = score[4] if score[4] > anchor.head else anchor.head
    if anchor.tokens <= read:
        return score
    for f in score[2]:  # not at a TTL the policy leaves out (a user's 5m marker caps a 1h one)
        if 0 <= f[1] - anchor.pos <= READ_REACH and f[5] in f[0].reuse:
            premium = _PREMIUM_1H if one_hour and score[6] > 0.0 and f[5] == "1h" else _PREMIUM_5M
            bonus = anchor.odds * (_SAVING + premium) * (anchor.tokens - read)
            return (score[0] + bonus, *score[1:])
    return score


def _staked(
    score: _Score,
    cumulative: Sequence[float],
    alive: Sequence[int],
    minimum: float,
    writing: float,
    anchor: ForeignAnchor | None = None,
) -> _Score:
    """The winning set's score with its tail written at 1h instead, when what that protects
    pays for it. A 5m tail lets the whole conversation expire during a pause of 5 minutes to an
    hour: the next turn then rewrites every token above the longest entry still live at 1h
    (``stake_floor``) at 1.25 instead of reading it at 0.1. So 1h is worth ``late x 1.15 x
    (tail - stake_floor)`` against its premium on the tokens it writes (and on the entries it
    upgrades before it): cheap for a small turn on a long conversation, rarely for a full
    rewrite. Later reads are credited alike for both TTLs (the tail's ``reuse`` is the same)."""
    value, facts, written, _, read, *_ = score
    for f in written:
        tail = f[0]
        if tail.late > 0.0 and f[5] == "5m" and not tail.fixed:
            break
    else:
        return score
    kept = tail.stake_floor  # what survives a pause anyway: live at 1h, or written at 1h now
    for g in written:
        if g[5] == "1h" and g[2] > kept:
            kept = g[2]
    stake = cumulative[tail.pos] - kept
    if stake <= 0.0:
        return score
    k = next(i for i, g in enumerate(facts) if g is f)
    flipped = [g[0] for g in facts]
    flipped[k] = replace(tail, ttl="1h")
    other = _score(flipped, cumulative, alive, minimum, writing)
    if anchor is not None:
        other = _with_anchor(other, anchor, one_hour=False)
    # Tokens the API will likely read, not write: no premium on them in truth.
    unpaid = min(tail.likely_read, cumulative[tail.pos]) - read
    gain = _RESCUE * tail.late * stake + (_PREMIUM_1H - _PREMIUM_5M) * max(unpaid, 0.0)
    if other[1][k][5] == "1h" and other[0] + gain > value + 1e-9:
        return other
    return score
