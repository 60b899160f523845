"""One planning pass: scan the body, value every candidate breakpoint, choose, remember.

Runs under the planner state's lock. The expected-value choice itself lives in ``_select``; this
module decides which positions are candidates and how often each is expected to be read again,
from the kind of prefix it ends (``_kinds``), what this instance has learnt of that kind, and the
evidence of this very conversation (the gap since its previous turn, a history that shifted).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .._models import TTL_SECONDS, min_cacheable_tokens
from ._candidates import CandidateFinder
from ._context import PlanContext
from ._edit import apply_markers
from ._fleet import own_tail_key, telling
from ._kinds import SHORT_FIRST_TURN, PrefixKind, tail_kind, tail_kind_of_first
from ._ledger import Ledger, Unseen
from ._lookback import previous_tail
from ._plan import Action, Breakpoint, CachePlan, Location, new_breakpoint
from ._policy import CachePolicy
from ._positions import scaled_tokens
from ._pricing import PRICE_PLAIN, input_cost
from ._scan import Markable, Scan, scan_body
from ._select import Choice, choose
from ._state import CacheState
from ._ttl import foreign_ttl

__all__ = ["Planning", "Restrictions", "split_candidate"]

#: Share of the model's minimum a prefix estimate must reach to be worth a marker. A marker on a
#: prefix that turns out shorter than the minimum is ignored by the API (free, only a slot), while
#: a missed marker on one that was long enough forfeits every later read; so until usage has
#: calibrated the token estimate, prefixes well under the nominal minimum are still marked.
_FLOOR_UNCALIBRATED = 0.5
_FLOOR_CALIBRATED = 0.8
#: Enum members bound once (reading one off the class is slow before Python 3.12).
_HEAD, _CONTINUED = PrefixKind.HEAD, PrefixKind.TAIL_CONTINUED
_FOREIGN = PrefixKind.FOREIGN_TAIL
_FIVE_MINUTES, _ONE_HOUR = TTL_SECONDS["5m"], TTL_SECONDS["1h"]


@dataclass(frozen=True)
class Restrictions:
    """What the endpoint is known not to support (see ``_fallback``)."""

    one_hour: bool = True  # the 1h TTL is accepted and honoured
    markers: bool = True  # cache_control is accepted at all


def split_candidate(system: Any) -> tuple[list[Any], str | None]:
    """System as a block list, plus the text of its last block when that block may be split."""
    if type(system) is str and system:  # the common case, one plain block: nothing to test
        return [{"type": "text", "text": system}], system
    if isinstance(system, str):
        blocks: list[Any] = [{"type": "text", "text": system}] if system else []
    elif isinstance(system, list):
        blocks = list(system)
    else:
        return [], None
    if not blocks:
        return blocks, None
    last = blocks[-1]
    if type(last) is dict:  # the common case: its keys tested without building two sets
        plain = len(last) == 2 and last.get("type") == "text" and "text" in last
    else:
        plain = isinstance(last, Mapping) and last.get("type") == "text"
        plain = plain and set(last) == {"type", "text"}
    if plain and isinstance(last.get("text"), str):
        return blocks, last["text"]
    return blocks, None


class Planning:
    """One planning pass (runs under the state's lock)."""

    __slots__ = (
        "body", "context", "floor", "learn", "limits", "minimum", "model", "notes", "now",
        "policy", "shared", "state",
    )  # fmt: skip

    def __init__(
        self,
        body: Mapping[str, Any],
        policy: CachePolicy,
        state: CacheState,
        learn: bool,
        limits: Restrictions,
        shared: tuple[Scan, int] | None = None,
    ) -> None:
        self.body = body
        self.shared = shared
        self.learn = learn
        self.policy = policy
        self.state = state
        self.limits = limits
        self.model = str(body.get("model", ""))
        self.now = state.clock()
        self.minimum = policy.min_tokens or min_cacheable_tokens(self.model)
        share = _FLOOR_CALIBRATED if state.samples else _FLOOR_UNCALIBRATED
        self.floor = self.minimum * (1.0 if policy.min_tokens else share)
        self.notes: list[str] = []
        ttls = ("5m", "1h") if policy.ttl == "auto" else (policy.ttl,)
        if not limits.one_hour:
            ttls = ("5m",)
        self.context = PlanContext(
            policy, state, self.now, learn, self.floor, ttls, self.notes
        )

    def run(self) -> tuple[dict[str, Any], CachePlan, Ledger]:
        state, policy = self.state, self.policy
        if self.learn:
            state.sweep(self.now)
        blocks, splittable = split_candidate(self.body.get("system"))
        split_at: int | None = None
        state.splitter.volatile = False
        if splittable is not None and policy.split_dynamic_system and "system" in policy.segments:
            split_at = state.splitter.split_point(splittable, self.learn)
            if split_at is not None:
                cuts = (0, state.splitter.shared_cut or 0, split_at, len(splittable))
                parts = [splittable[a:b] for a, b in pairwise(cuts) if b > a]
                blocks = [*blocks[:-1], *({"type": "text", "text": part} for part in parts)]
        scan = scan_body(
            self.body, blocks, state.token_memo_for_scan(), state.recent_scans, self.shared
        )
        prefix_tokens = scaled_tokens(scan, state.ratio)
        static_end = scan.system_end - (split_at is not None)
        app: Hashable = scan.hashes[static_end] if static_end >= 0 else ("no-system", self.model)
        anchor = previous_tail(scan, usable := Markable(scan))  # the previous turn's tail
        shifted = self._history_shifted(scan, anchor)
        finder = CandidateFinder(self.context, scan, prefix_tokens, app, split_at, shifted,
                                 anchor, usable)  # fmt: skip
        if split_at is not None and state.splitter.shared_cut is not None:
            finder.shared_end = static_end - 1  # the head every user shares, before one's lines
        if scan.tools_end > 0 and "tools" in policy.segments:
            fps = tuple(scan.block_fps[: scan.tools_end + 1])
            run = state.tool_lists.shared_run(fps, self.learn)
            if run:
                finder.shared_tools_end = run - 1  # the tools other recent lists start with
        candidates, fixed, alive = finder.find()
        budget = min(policy.max_breakpoints, 4) - scan.user_marker_count
        if budget <= 0:
            self.notes.append("no free breakpoint: the body's own markers use the budget")
            candidates = []
        choice = choose(candidates, fixed, max(budget, 0), prefix_tokens, alive, self.floor,
                        finder.writing, finder.foreign)  # fmt: skip
        marks: dict[Location, str] = {}
        locations: list[Location] = []  # of every mark, the user's too (for the plan)
        use_blocks = (sent_split := _sent_split(split_at, choice)) is not None
        for c, ttl in choice.marks:  # a loop: a few marks, and a comprehension is a call
            loc = scan.location(c.pos)
            locations.append(loc)
            if not c.fixed:
                marks[loc] = ttl
                use_blocks = use_blocks or loc[0] == "system"
        out = apply_markers(self.body, marks, blocks if use_blocks else None)
        if self.learn:
            self._remember(scan, choice, app, split_at, finder)
        plan = self._plan(locations, prefix_tokens, choice, sent_split)
        ledger = Ledger(
            raw_estimate=scan.total,
            live_keys=tuple(map(scan.hashes.__getitem__, alive)),
            write_keys=tuple(map(scan.hashes.__getitem__, choice.written)),
            asked_1h=choice.write_1h > 0,
            unseen=self._unseen(scan, prefix_tokens, app, alive, static_end, anchor, choice,
                                finder),
        )
        return out, plan, ledger

    def _unseen(
        self,
        scan: Scan,
        prefix_tokens: list[float],
        app: Hashable,
        alive: list[int],
        static_end: int,
        anchor: int | None,
        choice: Choice,
        finder: CandidateFinder,
    ) -> tuple[Unseen, ...]:
        """Prefixes of known kinds this planner believes are not cached (see ``Unseen``)."""
        ends = {scan.tools_end: _HEAD, static_end: _HEAD}
        if static_end != scan.system_end:  # read past a changing tail: the full text recurred
            ends[scan.system_end] = PrefixKind.DYNAMIC
        doc_end = finder.documents_pos
        if doc_end is not None:
            ends[doc_end] = PrefixKind.DOCUMENTS
        # Only past the longest prefix believed live: a read of that one (this planner's own
        # entry) covers every shorter prefix and says nothing of other planners.
        longest = alive[-1] if alive else -1
        out: list[Unseen] = []
        for pos, kind in ends.items():
            if pos > longest:
                gap = None
                if kind is _HEAD:  # a head marked now: the gap since it was seen, if it was
                    for c, _ in choice.marks:
                        if c.pos == pos:
                            gap = finder.gaps.get(pos)
                out.append(Unseen(kind, app, prefix_tokens[pos], None, gap))
        if anchor is None:
            return tuple(out)
        known = scan.hashes[anchor] in self.state.entries
        if self.learn:
            self.state.observe_continuation(known)
        if not known:  # the previous turn was planned elsewhere
            users = scan.message_roles[: scan.message_of[anchor] + 1].count("user")
            before = prefix_tokens[scan.system_end] if scan.system_end >= 0 else 0.0
            first_turn = prefix_tokens[anchor] - before if users <= 1 else SHORT_FIRST_TURN
            kind = _CONTINUED if users > 1 else tail_kind_of_first(first_turn)
            ttl = None
            if users > 1 and prefix_tokens[anchor] >= self.minimum:
                ttl = foreign_ttl(finder.tail_reuse, anchor, choice.marks)
            out.append(Unseen(kind, app, prefix_tokens[anchor], ttl, _foreign_gap(finder)))
        foreign = finder.foreign
        if foreign is not None and telling(foreign, [c.pos for c, _ in choice.marks]):
            out.append(Unseen(_FOREIGN, app, foreign.tokens, head=foreign.head))  # ``_fleet``
        return tuple(out)

    # -- evidence -------------------------------------------------------------------
    def _history_shifted(self, scan: Scan, anchor: int | None) -> bool:
        """Whether the previous turn of this conversation sits behind a different prefix now
        (a trimmed window, a rewritten summary): then its tail entry can never be read."""
        if anchor is None:
            return False
        key = self.state.tails.get(_content_key(scan, anchor))
        if key is None or key == scan.hashes[anchor]:
            return False
        if self.learn:
            self.state.miss_now(key)
        self.notes.append("the history before the last turn changed: its tail is not written")
        return True

    # -- learning -------------------------------------------------------------------
    def _remember(
        self, scan: Scan, choice: Choice, app: Hashable, split_at: int | None,
        finder: CandidateFinder,
    ) -> None:
        state, now = self.state, self.now
        head = (_HEAD, app)
        tools = state.record(scan.hashes[scan.tools_end], now, head, True, finder.need) \
            if scan.tools_end >= 0 else None
        static_end = scan.system_end - (split_at is not None)
        if static_end > scan.tools_end:
            state.record(scan.hashes[static_end], now, head, True, finder.need)
            if tools is not None and tools.bucket == head:  # one head: its outcome is the
                state.restart(scan.hashes[scan.tools_end], now)  # system prompt's
        if split_at is not None:
            state.record(scan.hashes[scan.system_end], now, (PrefixKind.DYNAMIC, app), True)
        for pos in (finder.shared_end, finder.shared_tools_end):
            if pos is not None:
                shared = scan.hashes[pos]
                state.record(shared, now, (_HEAD, shared), True)
        doc_end = finder.documents_pos
        if doc_end is not None:
            state.record(scan.hashes[doc_end], now, (PrefixKind.DOCUMENTS, app), True)
        if scan.message_starts:  # then positions exist: ``scan.total`` is the last one's
            head_tokens = scan.tokens_at(scan.system_end)
            first = (scan.prefix_tokens[-1] - head_tokens) * max(state.ratio, 1e-6)
            state.record(scan.hashes[-1], now, (tail_kind(finder.users, first), app), False,
                         finder.tail_need)
            tail = finder.tail_pos
            if tail is not None:
                state.remember_tail(_content_key(scan, tail), scan.hashes[tail])
                state.remember_tail(own_tail_key(scan, tail), scan.hashes[tail])  # ``_fleet``
        if choice.read_pos >= 0:
            read_key = scan.hashes[choice.read_pos]
            entry = state.entries.get(read_key)
            state.mark_cached(read_key, now, entry.ttl if entry else "5m")
        written = choice.written  # in the marks' order, each position once: no dict of TTLs
        if written:
            for c, ttl in choice.marks:
                if c.pos in written:
                    state.mark_cached(scan.hashes[c.pos], now, ttl)

    def _plan(
        self,
        locations: list[Location],
        prefix_tokens: list[float],
        choice: Choice,
        split_at: int | None,
    ) -> CachePlan:
        """The plan for the user; ``locations``: where each of ``choice.marks`` sits."""
        total = round(prefix_tokens[-1]) if prefix_tokens else 0
        written = choice.written  # a few positions: ``in`` on the list, no set to build
        breakpoints: list[Breakpoint] = []
        previous = 0.0
        for (c, ttl), location in zip(choice.marks, locations, strict=True):
            action: Action = "user" if c.fixed else "write" if c.pos in written else "read"
            breakpoints.append(
                new_breakpoint(
                    location=location,
                    segment=c.segment,
                    reason=c.reason,
                    ttl=ttl,
                    prefix_tokens=round(prefix_tokens[c.pos]),
                    segment_tokens=round(prefix_tokens[c.pos] - previous),
                    action=action,
                    source="user" if c.fixed else "planner",
                )
            )
            previous = prefix_tokens[c.pos]
        uncached = total - choice.read_tokens - choice.write_5m - choice.write_1h
        cost = input_cost(max(0, uncached), choice.read_tokens, choice.write_5m, choice.write_1h)
        if total and total < self.minimum:
            self.notes.append(f"prompt (~{total} tokens) is below the {self.minimum}-token minimum")
        return CachePlan(
            model=self.model,
            breakpoints=breakpoints,
            notes=self.notes,
            min_tokens=self.minimum,
            estimated_input_tokens=total,
            expected_read_tokens=choice.read_tokens,
            expected_write_5m_tokens=choice.write_5m,
            expected_write_1h_tokens=choice.write_1h,
            expected_cost=cost,
            uncached_cost=PRICE_PLAIN * total,
            system_split_at=split_at,
            created_at=self.now,
        )


def _sent_split(split_at: int | None, choice: Choice) -> int | None:
    """Where the system text is sent split: a split serves a marker only. A plan with none
    neither reads nor writes, and its system prompt goes as written (each extra text block is
    billed input tokens)."""
    return split_at if choice.marks else None


def _foreign_gap(finder: CandidateFinder) -> float | None:
    """``CacheState.foreign_turn``'s ``gap``: the conversation's mean gap as seen here; or, when
    that mean is quick, the time since this planner last saw it if that is within the hour: the
    previous turn (planned elsewhere) came back at most that late, so a 5m tail of it not read
    back was a return within the hour. Not without a mean (a tool loop's long one tells of an
    approval pause, after which one planner knows the steps come fast: a fleet does not)."""
    gap, since = finder.conversation_gap, finder.since
    quick = gap is not None and gap <= _FIVE_MINUTES
    return since if quick and since is not None and _FIVE_MINUTES < since <= _ONE_HOUR else gap


def _content_key(scan: Scan, pos: int) -> int:
    """A tail block by its content and the block before it (an earlier reply, unique enough
    that two conversations saying "ok" are not taken for one), wherever it sits."""
    before = scan.block_fps[pos - 1] if pos - 1 > scan.system_end else 0  # a message's block
    return hash((scan.block_fps[pos], before))
