"""What a fleet worker knows of the previous turn another worker planned.

Behind a balancer the next turn of a conversation mostly goes to another planner: the previous
turn's tail entry (another worker's write) is not known live here, yet a marker within the API's
lookback of it reads it if that worker wrote it and it has not expired. The request is billed
either way: read, the prefix costs 0.1x; not read, it is sent plain (1x) or written (1.25x).
So a marker that can reach that tail is worth ``P(live) x (0.9 + premium)`` per token of it
above what is known live here (``_select.ForeignAnchor``), and ``P(live)`` is learnt from
exactly that evidence: each such marker's usage tells whether it was read
(``PrefixKind.FOREIGN_TAIL``). Without this a worker values its tail as if the whole
conversation had to be written again, marks only the head, and, reaching nothing, learns nothing
that could change its mind (a state it never leaves: the rolling rule, which marks the last two
user turns, read 26-43k tokens per step there).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ._context import PlanContext
from ._kinds import PRIORS, PrefixKind
from ._ledger import Unseen
from ._plan import CachePlan
from ._scan import Scan
from ._select import READ_REACH, ForeignAnchor
from ._state import CacheState

__all__ = ["anchor_read", "fleet_view", "foreign_anchor", "own_tail_key", "telling"]

_FOREIGN = PrefixKind.FOREIGN_TAIL
_OWN = "own tail"
_PRIOR = PRIORS[_FOREIGN]
#: Share of the anchor's prefix that must lie above the head for a read to tell them apart.
_TELLING = 0.1


def foreign_anchor(
    context: PlanContext,
    scan: Scan,
    prefix_tokens: Sequence[float],
    app: Hashable,
    anchor: int | None,
    tail: int,
    alive: Sequence[int],
) -> ForeignAnchor | None:
    """The previous turn's tail as an anchor this plan may read, when another planner planned
    that turn (this one does not know its entry), this turn's tail is within reach of it, no
    entry at or after it is known live here, and it is long enough to have been cached. Only
    once the API read here what this planner did not know was cached (``foreign_reads``): that
    tells a fleet, where a previous turn unknown here is most likely another planner's; alone,
    such a turn sat behind a prefix that changed since (a document edited in the system
    prompt), and its entry, if any, can never be read."""
    state = context.state
    if anchor is None or not 0 < tail - anchor <= READ_REACH or not state.foreign_reads:
        return None
    if scan.hashes[anchor] in state.entries or (alive and alive[-1] >= anchor):
        return None
    if own_tail_key(scan, anchor) in state.tails:  # planned here, behind another prefix then
        return None
    tokens = prefix_tokens[anchor]
    head_end = scan.system_end if scan.system_end >= 0 else scan.tools_end
    head = prefix_tokens[head_end] if head_end >= 0 else 0.0
    if tokens < context.floor or tokens - head < _TELLING * tokens:
        return None  # too short to be cached, or too close to the head to learn about
    return ForeignAnchor(anchor, tokens, state.probability(_FOREIGN, app, _PRIOR), head)


def fleet_view(
    context: PlanContext,
    scan: Scan,
    prefix_tokens: Sequence[float],
    app: Hashable,
    anchor: int | None,
    tail: int,
    alive: Sequence[int],
    p_short: float,
) -> tuple[ForeignAnchor | None, float]:
    """``foreign_anchor``, and this turn's tail's P(read again within 5 minutes) behind a fleet:
    at least how often the previous turns' tails other planners wrote were read here. The next
    turn goes to another planner just as this one came from one, and reads this tail on the
    same terms (same code, similar evidence), where the trials this planner opens on its own
    tails lapse unseen (``CacheState.sweep``). Only once such a tail was read here: that is
    what tells a fleet (a planner that sees every turn times its own trials, and a history it
    cannot link, a window that slid, is no fleet)."""
    found = foreign_anchor(context, scan, prefix_tokens, app, anchor, tail, alive)
    if anchor is None or scan.hashes[anchor] in context.state.entries:
        return found, p_short
    state = context.state
    if state.bucket((_FOREIGN, None)).hits <= 0.0:  # no other planner's tail was read here
        return found, p_short
    seen = found.odds if found is not None else state.probability(_FOREIGN, app, _PRIOR)
    return found, seen if seen > p_short else p_short


def own_tail_key(scan: Scan, pos: int) -> int:
    """A request's tail block by its content alone, remembered beside ``_planning``'s key (which
    adds the block before it): a previous turn whose tail block this planner sent as a tail
    was planned here, even when the history before it changed since (a window that slid past
    the reply before it, a rewritten summary): no other planner's entry to read."""
    return hash((scan.block_fps[pos], _OWN))


def telling(anchor: ForeignAnchor, positions: Sequence[int]) -> bool:
    """Whether the usage of a plan marking ``positions`` tells if ``anchor`` was live: a marker
    can read it (the anchor stands out from the head before it: ``foreign_anchor``; a read
    reaching past their midpoint is the anchor's, even with token estimates a few percent off)."""
    return any(0 <= pos - anchor.pos <= READ_REACH for pos in positions)


def anchor_read(
    state: CacheState, anchor: Unseen, read: int, prompt: int, plan: CachePlan
) -> None:
    """A marker of this planner reached the previous turn's tail another planner planned: one
    trial of ``FOREIGN_TAIL``, a hit when the API read past the midpoint of that tail and the
    head before it (estimates rescaled by this response's input, ``prompt``, against the plan's
    estimate: a fresh state's are uncalibrated), else a miss seen."""
    estimated = plan.estimated_input_tokens
    scale = prompt / estimated if prompt > 0 < estimated else 1.0
    hit = read >= 0.5 * (anchor.tokens + anchor.head) * scale
    for key in ((_FOREIGN, anchor.app), (_FOREIGN, None)):
        state.bucket(key).add_trial(hit)
