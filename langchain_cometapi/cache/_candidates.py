"""Where a breakpoint could go in one request, and what each place is expected to earn.

Candidates: the end of the tools, of the static system prompt, of the leading documents and of
the conversation (the tail); read points on entries believed live; bridges every READ_REACH
positions when a turn adds more blocks than the API's lookback can see past.
"""

from __future__ import annotations

from collections.abc import Container, Hashable
from itertools import compress

from ._context import PlanContext
from ._fleet import fleet_view
from ._kinds import SHARED_SEGMENTS, PrefixKind, head_need, needed_only_alone, tail_kind
from ._scan import Markable, Scan
from ._select import READ_REACH, Candidate, ForeignAnchor
from ._ttl import (
    SHORT_GAP,
    expected_reuse,
    late_next,
    loop_seen,
    odds,
    pick_ttl,
    reuse_from,
)

__all__ = ["CandidateFinder"]

#: Enum members bound once: reading one off the class is slow (through the Enum metaclass,
#: before Python 3.12), and each plan needs a few.
_HEAD, _DOCUMENTS = PrefixKind.HEAD, PrefixKind.DOCUMENTS
_MAX_POOL = 12  # the subset search tries every combination: keep the pool small
#: A 1h entry with less life left than this is not counted on to outlast a pause.
_ANCHOR_LIFE = 1800.0
#: Decayed late returns of an application's leading documents before they are bet on for the
#: hour: two (1.9 once decayed), not one.
_LATE_RETURNS = 1.5


def _tool_turn(scan: Scan) -> bool:
    """Whether the request answers tool calls: an assistant turn of more than plain text (its
    tool_use blocks) followed by a user turn of more than plain text (the tool results). The
    next request of such a loop is the model's own, seconds away, unless a human must approve
    (the pause a 1h tail is for); a person's chat turn is timed by the person instead."""
    keys, roles = scan.message_keys, scan.message_roles
    if len(keys) < 2 or roles[-1] != "user" or roles[-2] != "assistant":
        return False
    return type(keys[-1]) is not str and type(keys[-2]) is not str


class CandidateFinder:
    """Candidates of one planning pass."""

    def __init__(
        self,
        context: PlanContext,
        scan: Scan,
        prefix_tokens: list[float],
        app: Hashable,
        split_at: int | None,
        shifted: bool,
        anchor: int | None,
        usable: Markable | None = None,
    ) -> None:
        self.context = context
        self.scan = scan
        self.prefix_tokens = prefix_tokens
        self.app = app
        self.split_at = split_at
        # Content behind a tail seen to change recurs only when the tail does (a tail only
        # guessed from a stamp at first sight is not known to change yet).
        self.changing = split_at is not None and context.state.splitter.confirmed
        # A system text headed by a per-request stamp: nothing from it on recurs (first sight).
        self.volatile = split_at is None and context.state.splitter.volatile
        self.shifted = shifted
        self.anchor = anchor  # the previous turn's tail position (see _lookback)
        # Read points and bridges are valued by what they read or lead to, not by a TTL of
        # their own: the cheaper one allowed (a policy of one TTL forces it on every marker).
        self.plain_ttl = "5m" if "5m" in context.ttls else context.ttls[0]
        self.usable_set = Markable(scan) if usable is None else usable  # the pass's, if built
        self.pool: dict[int, Candidate] = {}
        self.tail_reuse: dict[str, float] | None = None  # expected reads of this turn's tail
        self.foreign: ForeignAnchor | None = None  # the previous turn's tail, planned elsewhere
        # found by ``find`` and kept for the pass that records this request
        self.documents_pos: int | None = None
        self.tail_pos: int | None = None
        #: End of the system text every user shares, when the static part is cut in two
        #: (``SystemSplitter.shared_cut``): a head of its own, learnt apart.
        self.shared_end: int | None = None
        #: Last of the leading tools this tool list shares with another recent one.
        self.shared_tools_end: int | None = None
        self.writing = 0.0  # the longest prefix another request is writing (``in_flight``)
        # user messages, counted once: the head's need, the tail's kind, the conversation gap
        self.users = scan.message_roles.count("user")
        self.need = head_need(self.users)  # who needs the head in this request
        self.tail_need: PrefixKind | None = None  # and this tail (``_add_tail``)
        self.gaps: dict[int, float] = {}  # seconds since each known position was last seen
        #: This conversation's gap between turns as seen here (``_conversation_gap``), or None.
        self.conversation_gap: float | None = None
        #: Seconds since this planner last saw it, when another planned its previous turn.
        self.since: float | None = None

    def find(self) -> tuple[list[Candidate], list[Candidate], list[int]]:
        """(candidates, the user's own markers, live positions in order)."""
        scan = self.scan
        alive, gaps = self._sight()
        self.gaps = gaps
        self._speculate(alive)
        fixed = [
            Candidate(pos, "user", "user's own marker", ttl, {"5m": 1.0, "1h": 1.0},
                      fixed=True, alive=pos in alive)
            for pos, ttl in scan.user_ttl.items()
        ] if scan.user_ttl else []
        self._add_candidates(alive, gaps)
        pool = list(self.pool.values())
        return (self._trim(pool) if len(pool) > 2 else pool), fixed, alive  # 2: nothing to trim

    # -- what is known about this body --------------------------------------------------
    def _sight(self) -> tuple[list[int], dict[int, float]]:
        """Live entries (sorted positions) and, for remembered prefixes, the gap since last seen."""
        context = self.context
        state, now = context.state, context.now
        alive: list[int] = []
        gaps: dict[int, float] = {}
        entries, hashes = state.entries, self.scan.hashes
        # Most positions are unknown: find the known ones at C level, visit only those.
        known = list(compress(range(len(hashes)), map(entries.__contains__, hashes)))
        flying = state.in_flight
        for pos in known:
            entry = entries[hashes[pos]]
            gaps[pos] = now - entry.last_seen
            if flying and flying.get(hashes[pos], 0.0) > now:  # being written: not readable yet
                self.writing = self.prefix_tokens[pos]
            elif entry.alive_until > now:
                alive.append(pos)
        if context.learn:
            longest = alive[-1] if alive else -1
            counted: set[object] = set()  # one sighting per shared bucket: tools and system
            for pos in reversed(known):  # are one head, one need, one outcome
                key = hashes[pos]
                entry = entries[key]
                if needed_only_alone(entry.bucket):
                    if pos < longest:
                        continue
                    if entry.bucket in counted:
                        state.restart(key, now)
                        continue
                    counted.add(entry.bucket)
                    state.sighted(key, now, self.need)
                    continue
                state.sighted(key, now)
        return alive, gaps

    def _speculate(self, alive: list[int]) -> None:
        """Assume the previous request's tail entry is live when nothing is known about it and
        the new turn is too long for the lookback to find it: bridges then lead back to it."""
        context, scan = self.context, self.scan
        if "bridge" not in context.policy.segments:
            return
        anchor = self.anchor
        last = len(scan.block_fps) - 1
        if (
            anchor is None
            or last - anchor <= READ_REACH
            or self.prefix_tokens[anchor] < context.floor
            or scan.hashes[anchor] in context.state.entries
            or (alive and alive[-1] >= anchor)
        ):
            return
        alive.append(anchor)
        context.notes.append("previous turn's entry unknown here: assumed live, bridged to")

    # -- candidates ----------------------------------------------------------------------
    def _add(self, pos: int, segment: str, reason: str, reuse: dict[str, float],
             alive: list[int]) -> None:
        live = pos in alive
        if pos not in self.usable_set or (
            self.prefix_tokens[pos] < self.context.floor and not live
        ):
            return
        flying = self.context.state.in_flight
        if flying and flying.get(self.scan.hashes[pos], 0.0) > self.context.now:
            return  # another request is writing it: readable soon, written once is enough
        old = self.pool.get(pos)
        if old is None or max(reuse.values()) > max(old.reuse.values()):
            self.pool[pos] = Candidate(
                pos, segment, reason, pick_ttl(reuse), reuse, alive=live,
                shared=segment in SHARED_SEGMENTS,
            )

    def _add_candidates(self, alive: list[int], gaps: dict[int, float]) -> None:
        context, scan, app = self.context, self.scan, self.app
        allowed = context.policy.segments
        dynamic = self.split_at is not None
        if "tools" in allowed and scan.tools_end >= 0:
            reuse = expected_reuse(context, _HEAD, app, need=self.need)
            self._add(scan.tools_end, "tools", "end of tool definitions", reuse, alive)
            run_end = self.shared_tools_end
            if run_end is not None:
                reuse = expected_reuse(context, _HEAD, scan.hashes[run_end])
                self._add(run_end, "tools", "end of the tools other tool lists share", reuse, alive)
        static_end = scan.system_end - dynamic
        if "system" in allowed and static_end > scan.tools_end:
            why = "end of static system prompt" if dynamic else "end of system prompt"
            reuse = expected_reuse(context, _HEAD, app, dynamic=self.volatile, need=self.need)
            self._add(static_end, "system", why, reuse, alive)
            self._drop_covered_tools(scan.tools_end, static_end)
            shared = self.shared_end
            if shared is not None and shared > scan.tools_end:
                reuse = expected_reuse(context, _HEAD, scan.hashes[shared])
                self._add(shared, "system", "end of the system text all users share", reuse, alive)
        doc_end = self.documents_pos = self.documents_end(scan)
        if "documents" in allowed and doc_end is not None:
            reuse = expected_reuse(
                context, _DOCUMENTS, app, dynamic=self.changing or self.volatile
            )
            if "1h" in reuse and not self._late_documents(doc_end, gaps):
                reuse["1h"] = reuse.get("5m", 0.0)
            self._add(doc_end, "documents", "end of leading documents", reuse, alive)
        tail = self.tail_pos = self.tail(scan, self.usable_set)
        if "tail" in allowed and tail is not None:
            self._add_tail(tail, alive, gaps)
        if self.tail_reuse is not None:  # what this conversation's own readers would read
            for c in self.pool.values():
                if c.shared:
                    c.own_reuse = self.tail_reuse
        for pos in alive:  # read points: free reads of entries that are live now
            if pos in self.usable_set and pos not in self.pool:
                self.pool[pos] = Candidate(
                    pos, "read", "live cache entry", self.plain_ttl, {}, alive=True
                )
        if alive and "bridge" in allowed and tail is not None:
            self._bridges(alive[-1], tail, alive)

    def _late_documents(self, doc_end: int, gaps: dict[int, float]) -> bool:
        """Whether leading documents may be bet on for the hour: the kind's late share is earned
        by the popular sets that keep coming back, not by a set no request held before; and one
        late return is not a habit (a share over few misses crosses ``LATE_EVIDENCE`` on it)."""
        late = self.context.state.bucket((_DOCUMENTS, self.app)).late
        return doc_end in gaps and late >= _LATE_RETURNS

    def _drop_covered_tools(self, tools_end: int, static_end: int) -> None:
        """No write at the end of the tools while the system prompt after them is live: both
        are learnt as one head (one bucket), and every request needing that head reads the
        longer entry."""
        tools, system = self.pool.get(tools_end), self.pool.get(static_end)
        if tools is not None and system is not None and system.alive and not tools.alive:
            del self.pool[tools_end]

    def _add_tail(self, tail: int, alive: list[int], gaps: dict[int, float]) -> None:
        scan, prefix_tokens = self.scan, self.prefix_tokens
        before = prefix_tokens[scan.system_end] if scan.system_end >= 0 else 0.0
        kind = tail_kind(self.users, prefix_tokens[tail] - before)
        tool_turn = _tool_turn(scan)
        gap = self.conversation_gap = self._conversation_gap(tail, gaps, kind, tool_turn)
        if tool_turn and gap is not None and gap > SHORT_GAP:  # a person's chat: timed by them
            self.tail_need = PrefixKind.AFTER_PAUSE
        p_short, p_late = odds(
            self.context, kind, self.app, gap, dynamic=self.changing or self.volatile,
            shifted=self.shifted, need=self.tail_need,
        )
        p_read = p_short  # behind a fleet, what the previous turns' reads say (not its pauses)
        if not self.shifted and self.split_at is None:  # else the previous entry is another prefix
            self.foreign, p_read = fleet_view(self.context, scan, prefix_tokens, self.app,
                                              self.anchor, tail, alive, p_short)  # fmt: skip
        reuse = reuse_from(self.context, p_read, p_late)
        late = 0.0
        if "5m" in reuse and tool_turn and loop_seen(self.context, kind):
            # A step of a loop: 1h on its tail is worth only what it keeps through a pause
            # (``_select``'s stake), not a chain of its own; and when a 5m write does not pay,
            # a 1h one does not either.
            late = late_next(self.context, p_short, p_late)
            reuse = dict.fromkeys(reuse, reuse["5m"])
        self.tail_reuse = reuse
        self._add(tail, "tail", "end of the conversation so far", reuse, alive)
        made = self.pool.get(tail)
        if late > 0.0 and made is not None and made.segment == "tail" and not made.alive:
            made.late = late
            made.stake_floor = self._lasting_1h(alive, tail)
            made.likely_read = self._foreign_anchor(tail)

    def _foreign_anchor(self, tail: int) -> float:
        """Prefix tokens of the previous turn's tail when another planner planned that turn
        (this one does not know the entry) and this tail is within reach of it: the API most
        likely reads it, so this turn writes only what came after."""
        anchor = self.anchor
        if anchor is None or tail - anchor > READ_REACH:
            return 0.0
        if self.scan.hashes[anchor] in self.context.state.entries:
            return 0.0
        return self.prefix_tokens[anchor]

    def _lasting_1h(self, alive: list[int], tail: int) -> float:
        """Prefix tokens of the longest entry believed live at 1h for at least half an hour
        more: what a request after a pause could still read if this tail were written at 5m.
        Else the head in the share of reads other planners make (``CacheState.shared``): behind
        a fleet sharing the API's cache their conversations' starts keep it warm. Not a read
        under this tail's 1h marker: whether that lengthens a 5m entry is not documented."""
        state, hashes = self.context.state, self.scan.hashes
        until = self.context.now + _ANCHOR_LIFE
        for pos in reversed(alive):
            entry = state.entries.get(hashes[pos]) if pos < tail else None
            if entry is not None and entry.ttl == "1h" and entry.alive_until >= until:
                return self.prefix_tokens[pos]
        head = self.scan.system_end if self.scan.system_end >= 0 else self.scan.tools_end
        return state.shared * self.prefix_tokens[head] if 0 <= head < tail else 0.0

    def _conversation_gap(
        self, tail: int, gaps: dict[int, float], kind: PrefixKind, tool_turn: bool = False
    ) -> float | None:
        """Time between this conversation's turns as seen here: since its previous turn if that
        was planned here; else, if an older turn was (the ones in between went to other planners
        of a fleet), the time since then over the user turns added since, which is also learnt
        as one outcome for this kind of prefix (a fleet planner sees no gap otherwise); not in a
        tool loop when that mean is long: it tells of an approval pause now over, not slow steps.
        None for a first turn: what it shares with earlier requests (the system prompt, leading
        documents) other conversations sent; the time since then is not this one's habit."""
        scan, anchor = self.scan, self.anchor
        if self.users < 2:
            return None
        since = scan.message_starts[scan.message_of[anchor]] if anchor is not None else 0
        lowest = max(since, scan.system_end + 1)  # in the messages, from the previous turn on
        previous = older = -1  # the latest known position in each range (a few are known)
        for p in gaps:
            if lowest <= p < tail:
                previous = p if p > previous else previous
            elif scan.system_end < p < since:
                older = p if p > older else older
        if previous >= 0:
            return gaps[previous]
        if anchor is None or older < 0:
            return None
        self.since = gaps[older]
        turns = scan.message_roles[scan.message_of[older] + 1 :].count("user")
        gap = gaps[older] / max(turns, 1)
        if tool_turn and gap > SHORT_GAP:
            return None
        if self.context.learn and gap > 0:
            self.context.state.average_gap(kind, self.app, gap)
        return gap

    def _bridges(self, anchor: int, tail: int, alive: list[int]) -> None:
        """Markers every READ_REACH positions so a long turn still reads the last live entry."""
        at = anchor
        while tail - at > READ_REACH:
            top = min(at + READ_REACH, len(self.scan.block_fps) - 1)
            reach = [p for p in range(at + 1, top + 1) if p in self.usable_set]
            if not reach:
                self.context.notes.append(
                    f"no markable block within reach of position {at}; no bridge"
                )
                return
            at = reach[-1]
            if at not in self.pool:
                self.pool[at] = Candidate(
                    at, "bridge", "bridges a turn of 20+ blocks to the live prefix", self.plain_ttl,
                    {},
                    alive=at in alive,
                )
            if len(self.pool) > _MAX_POOL:
                return

    @staticmethod
    def _trim(candidates: list[Candidate]) -> list[Candidate]:
        """Keep the subset search small: the longest few live read points suffice."""
        reads: list[Candidate] = []
        for c in candidates:  # a loop: a comprehension is a call of its own
            if c.segment == "read":
                reads.append(c)
        if len(reads) > 2:
            keep = {c.pos for c in sorted(reads, key=lambda c: c.pos)[-2:]}
            candidates = [c for c in candidates if c.segment != "read" or c.pos in keep]
        return candidates

    # -- positions -----------------------------------------------------------------------
    @staticmethod
    def documents_end(scan: Scan) -> int | None:
        """Last block before the question in a leading user message of several blocks."""
        if not scan.message_starts or scan.message_roles[0] != "user":
            return None
        start = scan.message_starts[0]
        end = scan.message_starts[1] if len(scan.message_starts) > 1 else len(scan.block_fps)
        if end - start < 2:
            return None
        for pos in range(end - 2, start - 1, -1):
            if scan.eligible[pos]:
                return pos
        return None

    @staticmethod
    def tail(scan: Scan, usable: Container[int]) -> int | None:
        """Last markable block, preferring the last user turn over an assistant prefill."""
        fallback = None
        for pos in range(len(scan.block_fps) - 1, scan.system_end, -1):  # the messages' positions
            if pos in usable:
                if scan.message_roles[scan.message_of[pos]] == "user":
                    return pos
                fallback = pos if fallback is None else fallback
        return fallback
