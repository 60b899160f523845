"""How often a prefix is expected to be read again, per TTL: the automatic 5m / 1h choice.

A 5-minute entry is refreshed by every read, so it lives as long as reuses come within 5
minutes; a 1-hour entry costs 2x instead of 1.25x to write and only earns more when reuses come
*later* than 5 minutes. So the 1h figure is the 5m one plus the reuses a 1h entry would rescue:
P(late) = P(seen again within the hour | not within 5 minutes), learnt from trials (``_state``)
and from this conversation's own last gap. Without evidence of late reuse (a fast agent, a chat
whose users answer within minutes) the 1h figure equals the 5m one and the cheaper write wins.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from .._models import TTL_SECONDS
from ._context import PlanContext
from ._kinds import PRIORS, PrefixKind
from ._pricing import PRICE_PLAIN, PRICE_READ, WRITE_PRICE
from ._select import READ_REACH, Candidate, expected_reads

__all__ = ["LATE_EVIDENCE", "SHORT_GAP", "expected_reuse", "foreign_ttl", "late_next",
           "loop_seen", "net", "odds", "pick_ttl", "reuse_from"]

#: Share of late reuses below which 1h is not even considered: the write premium needs a habit
#: of long gaps, not the occasional straggler.
LATE_EVIDENCE = 0.25
#: Trials of a tail kind (over the applications of a state) before a tool loop's tail is
#: valued as a step of a loop (``loop_seen``).
_LOOP_TRIALS = 2.0
#: A gap counts as "within" a TTL when it is under this share of it (next gaps vary).
_GAP_MARGIN = 0.8
#: A gap taken for "within 5 minutes".
SHORT_GAP = _GAP_MARGIN * TTL_SECONDS["5m"]
_WITHIN_HOUR = _GAP_MARGIN * TTL_SECONDS["1h"]
#: Members bound once (an attribute of the Enum class is a slow lookup before Python 3.12).
_AFTER_PAUSE, _DYNAMIC = PrefixKind.AFTER_PAUSE, PrefixKind.DYNAMIC


def odds(
    context: PlanContext,
    kind: PrefixKind,
    app: Hashable,
    gap: float | None = None,
    dynamic: bool = False,
    shifted: bool = False,
    need: PrefixKind | None = None,
) -> tuple[float, float]:
    """(P(next use within 5 minutes), P(within the hour | not within 5 minutes)) of a prefix.

    ``gap`` is the time since this conversation was last seen; ``dynamic`` marks a prefix behind
    a system tail that changes per call (it recurs only when that does); ``shifted`` a
    conversation whose earlier history changed since its last turn (its tail is never read);
    ``need`` who needs the prefix now (a head: ``_kinds.head_need``; a tail after a pause:
    ``AFTER_PAUSE``), whose late share is learnt apart and caps the kind's.
    """
    state = context.state
    p_short, late = state.short_and_late(kind, app, PRIORS[kind])
    if gap is not None:
        short_gap = gap <= SHORT_GAP
        if need is _AFTER_PAUSE:  # an agent resumed: its pace, not the pause's
            after = state.probability(need, app, PRIORS[need])
            p_short = 0.5 * p_short + 0.5 * after
        else:
            p_short = 0.5 * p_short + 0.5 * short_gap
        if not short_gap and gap <= _WITHIN_HOUR:
            # this conversation came back after minutes: as its kind's returns do (a person's
            # habit; an agent whose pauses mostly outlast the hour is no such evidence)
            late = 0.5 * late + 0.5 * state.return_share(kind, app)
    if need is not None:  # what follows this need, once seen: it can only lower the bet
        split = state.need_share(need, app)
        late = late if split is None or split >= late else split
    if shifted:
        p_short *= 0.25
        late *= 0.25
    if dynamic:
        p_dynamic = state.probability(_DYNAMIC, app, PRIORS[_DYNAMIC])
        p_short *= p_dynamic
        late *= p_dynamic
    return p_short, late


def expected_reuse(
    context: PlanContext,
    kind: PrefixKind,
    app: Hashable,
    gap: float | None = None,
    dynamic: bool = False,
    shifted: bool = False,
    need: PrefixKind | None = None,
) -> dict[str, float]:
    """Expected later reads per TTL allowed by the policy and the endpoint (see ``odds``)."""
    return reuse_from(context, *odds(context, kind, app, gap, dynamic, shifted, need))


def reuse_from(context: PlanContext, p_short: float, late: float) -> dict[str, float]:
    """Expected later reads per TTL of a prefix with these ``odds``."""
    out: dict[str, float] = {}
    short = expected_reads(p_short)
    for ttl in context.ttls:
        if ttl == "1h" and late >= LATE_EVIDENCE:
            out[ttl] = expected_reads(p_short + (1.0 - p_short) * late)
        else:
            out[ttl] = short
    floor = context.policy.min_expected_reuse
    if floor is not None:
        out = {k: (v if v >= floor else 0.0) for k, v in out.items()}
    return out


def late_next(context: PlanContext, p_short: float, late: float) -> float:
    """P(the next use comes after 5 minutes but within the hour), from a prefix's ``odds``: the
    chance a 1h entry saves the rewrite of everything a 5m one would let expire (``_select``'s
    stake). Zero without a habit of late reuse (``LATE_EVIDENCE``) or when the policy allows
    one TTL only."""
    if "1h" not in context.ttls or "5m" not in context.ttls:
        return 0.0
    if late < LATE_EVIDENCE:
        return 0.0
    return (1.0 - min(p_short, 1.0)) * min(late, 1.0)


def loop_seen(context: PlanContext, kind: PrefixKind) -> bool:
    """Whether tails of this kind were seen to an outcome (``_LOOP_TRIALS`` trials, in any
    application of this state). From then on a tool loop's tail (the request answers tool
    calls: the next step is the model's own, seconds away, unless a human must approve) is
    valued as a step of a loop: the same reads for both TTLs, 1h worth only what it keeps
    through a pause (``late_next``, ``_select``'s stake). Not a chain of its own credited from
    this conversation's one late gap: random agent traffic lost on those bets, whether its
    tails were mostly reused within 5 minutes or not (a loop whose tails often go unread has
    less of a chain to bet on, not more). Before any outcome the late gap still counts: the
    first pause of a state's first agent is then the only evidence, and the probe's agent rows
    (in-sample) lose 4-6% without that bet, which also writes the head for the hour."""
    return context.state.bucket((kind, None)).trials >= _LOOP_TRIALS


_SAVING = PRICE_PLAIN - PRICE_READ
_PREMIUM = {ttl: price - PRICE_PLAIN for ttl, price in WRITE_PRICE.items()}


def pick_ttl(reuse: dict[str, float]) -> str:
    """The TTL whose expected later reads best pay for its write premium (the first of equals,
    as ``max`` picks; a loop, not ``max`` with a key function: it runs a few times a plan)."""
    best, best_net = "", 0.0
    for ttl, reads in reuse.items():
        value = _SAVING * reads - _PREMIUM[ttl]
        if not best or value > best_net:
            best, best_net = ttl, value
    if not best:
        raise ValueError("no TTL to choose from")
    return best


def net(reuse: dict[str, float], ttl: str) -> float:
    """What a write at ``ttl`` is expected to earn over its premium (per token)."""
    return _SAVING * reuse[ttl] - _PREMIUM[ttl]


def foreign_ttl(
    reuse: dict[str, float] | None, anchor: int, marks: Sequence[tuple[Candidate, str]]
) -> str | None:
    """The TTL another planner of the fleet most likely wrote the previous turn's tail with:
    the one this plan gives this turn's tail (same code, similar evidence; 5m when it marks no
    tail); None when it would not write one (``reuse``: this turn's tail), or when no marker of
    this plan can reach the previous tail (then the API's read says nothing about that entry)."""
    if not reuse:
        return None
    for c, _ in marks:
        if 0 <= c.pos - anchor <= READ_REACH:
            break
    else:
        return None
    ttl = pick_ttl(reuse)
    if net(reuse, ttl) <= 0:
        return None
    for c, chosen in marks:
        if c.segment == "tail":
            return chosen
    return "5m" if "5m" in reuse else ttl
