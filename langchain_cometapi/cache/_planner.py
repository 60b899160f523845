"""Prompt-cache planner: places Anthropic ``cache_control`` breakpoints by expected value.

Repeated prefixes are read at 0.1x the input price, but a prefix written (1.25x for 5m,
2x for 1h) and never read again only costs. The planner therefore marks what it has
evidence will recur: prefixes seen before, conversations that continue, system prompts and
tools an application sends on every call; and it learns, per instance, how often each kind
of prefix really comes back within the TTL and how its token estimates compare with the
usage the API reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .._models import min_cacheable_tokens
from .._wire.usage import Usage
from ..tokens import _estimate as _tokens
from ._clock import ServerClock
from ._edit import apply_markers
from ._fastpath import far_below_minimum
from ._lookback import previous_tail
from ._plan import Action, Breakpoint, CachePlan
from ._policy import CachePolicy
from ._pricing import PRICE_PLAIN, PRICE_READ, WRITE_PRICE, input_cost
from ._scan import Scan, scan_body
from ._select import READ_REACH, Candidate, Choice, choose, expected_reads
from ._state import CacheState

__all__ = ["CachePlan", "CachePlanner", "CachePolicy", "CacheState", "plan_cache"]

#: A first turn this short reads like the start of a chat, not a one-shot document task.
_SHORT_FIRST_TURN = 1024

#: Prior P(seen again within the TTL) per kind of prefix, before this instance has evidence.
#: A first user turn is not assumed to continue (one-shot prompts must not pay for writes);
#: a conversation that already continued usually goes on; system prompts and tools recur.
_PRIORS: dict[str, float] = {
    "prefix": 0.5,
    "doc": 0.3,
    "tail-first": 0.15,
    "tail-first-short": 0.3,
    "tail-cont": 0.7,
    "dyn": 0.2,
}


#: Share of the model's minimum a prefix estimate must reach to be worth a marker. A marker on a
#: prefix that turns out shorter than the minimum is ignored by the API (free, only a slot), while
#: a missed marker on one that was long enough forfeits every later read; so until usage has
#: calibrated the token estimate, prefixes well under the nominal minimum are still marked.
_FLOOR_UNCALIBRATED = 0.5
_FLOOR_CALIBRATED = 0.8


def plan_cache(
    body: Mapping[str, Any],
    policy: CachePolicy | None = None,
    state: CacheState | None = None,
    *,
    learn: bool = True,
) -> tuple[dict[str, Any], CachePlan]:
    """Plan breakpoints for one request body (never mutated); ``state`` carries what was learned.

    ``learn=False`` plans from the state without recording this request (a preview).
    """
    policy = policy or CachePolicy()
    state = state if state is not None else CacheState(policy.history_size)
    small = far_below_minimum(body, policy, state)
    if small is not None:
        return dict(body), small
    with state.lock:
        return _Planning(body, policy, state, learn).run()


class CachePlanner:
    """One per ChatCometAPI instance: plans each request and learns from the usage returned."""

    def __init__(
        self, policy: CachePolicy | None = None, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.policy = policy or CachePolicy()
        # Without an explicit clock, time is the server's (see cache._clock): TTLs run there.
        self._server_clock = ServerClock() if clock is None else None
        self.state = CacheState(self.policy.history_size, clock or self._server_clock or time.time)

    def sync_clock(self, date_header: str | None) -> None:
        """Re-anchor on a response's ``Date`` header (ignored when a clock was injected)."""
        if self._server_clock is not None:
            self._server_clock.sync(date_header)

    def plan(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], CachePlan]:
        """Body with markers for sending now; records the request as sent."""
        return plan_cache(body, self.policy, self.state)

    def preview(self, body: Mapping[str, Any]) -> CachePlan:
        """The plan ``plan`` would make, without recording anything (nothing is sent)."""
        return plan_cache(body, self.policy, self.state, learn=False)[1]

    def observe(self, plan: CachePlan, usage: Mapping[str, Any]) -> None:
        """Learn from the API's usage: estimate/actual ratio, and entries that were not there."""
        parsed = Usage.parse(usage)
        read, created, actual = parsed.read, parsed.written, parsed.prompt
        with self.state.lock:
            self.state.observe_ratio(plan.raw_estimate, actual)
            if plan.expected_read_tokens > 0 and read == 0:
                for key in plan.live_keys:
                    self.state.forget_cached(key)
            if plan.write_keys and created == 0 and read < plan.expected_read_tokens + 1:
                expected_written = plan.expected_write_5m_tokens + plan.expected_write_1h_tokens
                if expected_written > 0:
                    for key in plan.write_keys:
                        self.state.forget_cached(key)


def _split_candidate(system: Any) -> tuple[list[Any], str | None]:
    """System as a block list, plus the text of its last block when that block may be split."""
    if isinstance(system, str):
        blocks: list[Any] = [{"type": "text", "text": system}] if system else []
    elif isinstance(system, list):
        blocks = list(system)
    else:
        return [], None
    if not blocks:
        return blocks, None
    last = blocks[-1]
    if (
        isinstance(last, Mapping)
        and last.get("type") == "text"
        and set(last) == {"type", "text"}
        and isinstance(last.get("text"), str)
    ):
        return blocks, last["text"]
    return blocks, None


class _Planning:
    """One planning pass (runs under the state's lock)."""

    def __init__(
        self, body: Mapping[str, Any], policy: CachePolicy, state: CacheState, learn: bool
    ) -> None:
        self.body = body
        self.learn = learn
        self.policy = policy
        self.state = state
        self.model = str(body.get("model", ""))
        self.now = state.clock()
        self.minimum = policy.min_tokens or min_cacheable_tokens(self.model)
        share = _FLOOR_CALIBRATED if state.samples else _FLOOR_UNCALIBRATED
        self.floor = self.minimum * (1.0 if policy.min_tokens else share)
        self.notes: list[str] = []

    def run(self) -> tuple[dict[str, Any], CachePlan]:
        state, policy = self.state, self.policy
        state.sweep(self.now)
        blocks, splittable = _split_candidate(self.body.get("system"))
        split_at: int | None = None
        if splittable is not None and policy.split_dynamic_system and "system" in policy.segments:
            split_at = state.splitter.split_point(splittable, self.learn)
            if split_at is not None:
                blocks = [
                    *blocks[:-1],
                    {"type": "text", "text": splittable[:split_at]},
                    {"type": "text", "text": splittable[split_at:]},
                ]
        scan = scan_body(self.body, blocks, self._tokens)
        ratio = state.ratio
        cum = [c * ratio for c in scan.cum]

        alive, seen_gap = self._sight(scan)
        self._speculate(scan, cum, alive)
        app: Hashable = (
            scan.hashes[scan.system_end - (split_at is not None)]
            if scan.system_end - (split_at is not None) >= 0
            else ("no-system", self.model)
        )
        fixed = [
            Candidate(
                pos,
                "user",
                "user's own marker",
                ttl,
                {"5m": 1.0, "1h": 1.0},
                fixed=True,
                alive=pos in alive,
            )
            for pos, ttl in scan.user_ttl.items()
        ]
        budget = min(policy.max_breakpoints, 4) - scan.user_marker_count
        candidates: list[Candidate] = []
        if budget > 0:
            candidates = self._candidates(scan, cum, alive, app, split_at, seen_gap)
        else:
            self.notes.append("no free breakpoint: the body's own markers use the budget")
        choice = choose(candidates, fixed, max(budget, 0), cum, alive, self.floor)

        marks = {scan.locs[c.pos]: ttl for c, ttl in choice.marks if not c.fixed}
        use_blocks = split_at is not None or any(loc[0] == "system" for loc in marks)
        out = apply_markers(self.body, marks, blocks if use_blocks else None)
        if self.learn:
            self._remember(scan, choice, app, split_at)
        return out, self._plan(scan, cum, choice, split_at, alive)

    # -- helpers ----------------------------------------------------------------
    def _tokens(self, fp: int, block: Any, is_tool: bool) -> int:
        if is_tool:
            return self.state.memo_tokens(fp, lambda: _tokens.estimate_tool_tokens(block))
        return self.state.memo_tokens(fp, lambda: _tokens.estimate_block_tokens(block))

    def _sight(self, scan: Scan) -> tuple[list[int], dict[int, float]]:
        """Live entries (sorted positions) and, for remembered prefixes, the gap since last seen."""
        alive: list[int] = []
        gaps: dict[int, float] = {}
        entries = self.state.entries
        for pos, key in enumerate(scan.hashes):
            entry = entries.get(key)
            if entry is None:
                continue
            gaps[pos] = self.now - entry.last_seen
            if entry.alive_until > self.now:
                alive.append(pos)
            if self.learn:
                self.state.sighted(key, self.now)
        return alive, gaps

    def _speculate(self, scan: Scan, cum: list[float], alive: list[int]) -> None:
        """Assume the previous request's tail entry is live when nothing is known about it and
        the new turn is too long for the lookback to find it: bridges then lead back to it."""
        if "bridge" not in self.policy.segments:
            return
        usable = {p for p in range(len(scan.locs)) if scan.eligible[p]}
        anchor = previous_tail(scan, usable)
        last = len(scan.locs) - 1
        if (
            anchor is None
            or last - anchor <= READ_REACH
            or cum[anchor] < self.floor
            or scan.hashes[anchor] in self.state.entries
            or (alive and alive[-1] >= anchor)
        ):
            return
        alive.append(anchor)
        self.notes.append("previous turn's entry unknown here: assumed live, bridged to")

    def _reuse(
        self, kind: str, app: Hashable, evidence: float | None = None, dynamic: bool = False
    ) -> dict[str, float]:
        """Expected later reads per ttl allowed by the policy.

        ``evidence`` is the gap since this conversation was last seen; ``dynamic`` marks a
        prefix behind a system tail that changes per call, so it recurs only when that does.
        """
        out: dict[str, float] = {}
        for ttl in self._ttls():
            p = self.state.probability(kind, app, ttl, _PRIORS[kind])
            if evidence is not None:
                limit = 0.8 * (300.0 if ttl == "5m" else 3600.0)
                p = 0.5 * p + 0.5 * (1.0 if evidence <= limit else 0.0)
            if dynamic:
                p *= self.state.probability("dyn", app, ttl, _PRIORS["dyn"])
            out[ttl] = expected_reads(p)
        floor = self.policy.min_expected_reuse
        if floor is not None:
            out = {k: (v if v >= floor else 0.0) for k, v in out.items()}
        return out

    def _ttls(self) -> tuple[str, ...]:
        ttl = self.policy.ttl
        return ("5m", "1h") if ttl == "auto" else (ttl,)

    @staticmethod
    def _pick_ttl(reuse: dict[str, float]) -> str:
        def net(ttl: str) -> float:
            return (PRICE_PLAIN - PRICE_READ) * reuse[ttl] - (WRITE_PRICE[ttl] - PRICE_PLAIN)

        return max(reuse, key=net)

    def _candidate(
        self, pos: int, segment: str, reason: str, reuse: dict[str, float], alive: list[int]
    ) -> Candidate:
        return Candidate(pos, segment, reason, self._pick_ttl(reuse), reuse, alive=pos in alive)

    def _candidates(
        self,
        scan: Scan,
        cum: list[float],
        alive: list[int],
        app: Hashable,
        split_at: int | None,
        gaps: dict[int, float],
    ) -> list[Candidate]:
        segs = self.policy.segments
        out: dict[int, Candidate] = {}
        usable = [
            pos for pos in range(len(scan.locs)) if scan.eligible[pos] and pos not in scan.user_ttl
        ]
        usable_set = set(usable)

        def add(c: Candidate) -> None:
            if c.pos not in usable_set or (cum[c.pos] < self.floor and not c.alive):
                return
            old = out.get(c.pos)
            if old is None or max(c.reuse.values()) > max(old.reuse.values()):
                out[c.pos] = c

        if "tools" in segs and scan.tools_end >= 0:
            add(
                self._candidate(
                    scan.tools_end,
                    "tools",
                    "end of tool definitions",
                    self._reuse("prefix", app),
                    alive,
                )
            )
        static_end = scan.system_end - (split_at is not None)
        if "system" in segs and static_end > scan.tools_end:
            why = "end of static system prompt" if split_at is not None else "end of system prompt"
            add(self._candidate(static_end, "system", why, self._reuse("prefix", app), alive))
        doc_end = self._documents_end(scan)
        if "documents" in segs and doc_end is not None:
            reuse = self._reuse("doc", app, dynamic=split_at is not None)
            add(self._candidate(doc_end, "documents", "end of leading documents", reuse, alive))
        tail = self._tail(scan, usable_set)
        if "tail" in segs and tail is not None:
            users = sum(1 for r in scan.message_roles if r == "user")
            kind = "tail-first" if users <= 1 else "tail-cont"
            before = cum[scan.system_end] if scan.system_end >= 0 else 0.0
            if kind == "tail-first" and cum[tail] - before < _SHORT_FIRST_TURN:
                kind = "tail-first-short"
            prev = max((p for p in gaps if scan.segs[p] == "messages" and p < tail), default=None)
            evidence = gaps[prev] if prev is not None else None
            reuse = self._reuse(kind, app, evidence, dynamic=split_at is not None)
            add(self._candidate(tail, "tail", "end of the conversation so far", reuse, alive))
        for pos in alive:  # read points: free reads of entries that are live now
            if pos in usable_set and pos not in out:
                out[pos] = Candidate(pos, "read", "live cache entry", "5m", {}, alive=True)
        if alive and "bridge" in segs and tail is not None:
            anchor = alive[-1]
            self._bridges(anchor, tail, usable, out, alive)
        return self._trim(list(out.values()), alive)

    def _bridges(
        self,
        anchor: int,
        tail: int,
        usable: list[int],
        out: dict[int, Candidate],
        alive: list[int],
    ) -> None:
        """Markers every READ_REACH positions so a long turn still reads the last live entry."""
        at = anchor
        while tail - at > READ_REACH:
            reach = [p for p in usable if at < p <= at + READ_REACH]
            if not reach:
                self.notes.append(f"no markable block within reach of position {at}; no bridge")
                return
            at = reach[-1]
            if at not in out:
                out[at] = Candidate(
                    at,
                    "bridge",
                    "bridges a turn of 20+ blocks to the live prefix",
                    "5m",
                    {},
                    alive=at in alive,
                )
            if len(out) > 12:
                return

    @staticmethod
    def _trim(cands: list[Candidate], alive: list[int]) -> list[Candidate]:
        """Keep the subset search small: the longest few live read points suffice."""
        reads = [c for c in cands if c.segment == "read"]
        if len(reads) > 2:
            keep = {c.pos for c in sorted(reads, key=lambda c: c.pos)[-2:]}
            cands = [c for c in cands if c.segment != "read" or c.pos in keep]
        return cands

    @staticmethod
    def _documents_end(scan: Scan) -> int | None:
        """Last block before the question in a leading user message of several blocks."""
        if not scan.message_starts or scan.message_roles[0] != "user":
            return None
        start = scan.message_starts[0]
        end = scan.message_starts[1] if len(scan.message_starts) > 1 else len(scan.locs)
        if end - start < 2:
            return None
        for pos in range(end - 2, start - 1, -1):
            if scan.eligible[pos]:
                return pos
        return None

    @staticmethod
    def _tail(scan: Scan, usable: set[int]) -> int | None:
        """Last markable block, preferring the last user turn over an assistant prefill."""
        fallback = None
        for pos in range(len(scan.locs) - 1, -1, -1):
            if scan.segs[pos] != "messages":
                break
            if pos in usable:
                if scan.message_roles[scan.msg_index[pos]] == "user":
                    return pos
                fallback = pos if fallback is None else fallback
        return fallback

    def _remember(self, scan: Scan, choice: Choice, app: Hashable, split_at: int | None) -> None:
        state, now = self.state, self.now
        if scan.tools_end >= 0:
            state.record(scan.hashes[scan.tools_end], now, ("prefix", app), True)
        static_end = scan.system_end - (split_at is not None)
        if static_end > scan.tools_end:
            state.record(scan.hashes[static_end], now, ("prefix", app), True)
        if split_at is not None:
            state.record(scan.hashes[scan.system_end], now, ("dyn", app), True)
        doc_end = self._documents_end(scan)
        if doc_end is not None:
            state.record(scan.hashes[doc_end], now, ("doc", app), True)
        if scan.message_starts:
            users = sum(1 for r in scan.message_roles if r == "user")
            kind = "tail-first" if users <= 1 else "tail-cont"
            if kind == "tail-first" and scan.total - scan.tokens_at(scan.system_end) < (
                _SHORT_FIRST_TURN / max(self.state.ratio, 1e-6)
            ):
                kind = "tail-first-short"
            state.record(scan.hashes[-1], now, (kind, app), False)
        ttl_at = {c.pos: ttl for c, ttl in choice.marks}
        if choice.read_pos >= 0:
            read_key = scan.hashes[choice.read_pos]
            entry = state.entries.get(read_key)
            state.mark_cached(read_key, now, entry.ttl if entry else "5m")
        for pos in choice.written:
            state.mark_cached(scan.hashes[pos], now, ttl_at[pos])

    def _plan(
        self, scan: Scan, cum: list[float], choice: Choice, split_at: int | None, alive: list[int]
    ) -> CachePlan:
        total = round(cum[-1]) if cum else 0
        written = set(choice.written)
        bps: list[Breakpoint] = []
        prev = 0.0
        for c, ttl in choice.marks:
            action: Action = "user" if c.fixed else "write" if c.pos in written else "read"
            bps.append(
                Breakpoint(
                    location=scan.locs[c.pos],
                    segment=c.segment,
                    reason=c.reason,
                    ttl=ttl,
                    prefix_tokens=round(cum[c.pos]),
                    segment_tokens=round(cum[c.pos] - prev),
                    action=action,
                    source="user" if c.fixed else "planner",
                )
            )
            prev = cum[c.pos]
        uncached = total - choice.read_tokens - choice.write_5m - choice.write_1h
        cost = input_cost(max(0, uncached), choice.read_tokens, choice.write_5m, choice.write_1h)
        if total and total < self.minimum:
            self.notes.append(f"prompt (~{total} tokens) is below the {self.minimum}-token minimum")
        return CachePlan(
            model=self.model,
            breakpoints=bps,
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
            raw_estimate=scan.total,
            read_key=scan.hashes[choice.read_pos] if choice.read_pos >= 0 else None,
            live_keys=tuple(scan.hashes[p] for p in alive),
            write_keys=tuple(scan.hashes[p] for p in choice.written),
        )
