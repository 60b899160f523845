"""A true lower bound on the input cost of a workload under prompt caching.

The API's rules are relaxed until the problem falls apart into independent pieces: any number of
breakpoints, no lookback, and every block prefix cached on its own (a read of a prefix refreshes
that prefix, whatever else the request reads). What remains is one small decision problem per
block prefix (its digest): at each request that holds it, its tokens are plain (1x), read from a
live entry (0.1x, refreshing it, and lengthening its TTL for free when the read asks for a longer
one, as the emulator does: the real API does not document what a longer marker on a live entry
does) or written (1.25x for 5m, 2x for 1h). Solved exactly by dynamic
programming over the requests that hold it, and summed, this is the cheapest any strategy could
pay, with perfect foresight included: no planner can go below it, and a ratio against it says how
far a strategy is from the physically possible (the real rules make the bound unreachable on
most workloads; see docs/caching.md).

One rule is kept: the model's minimum. An entry exists only for a prefix of at least the minimum,
so a request reads either nothing or a prefix reaching at least its first block at the minimum:
the blocks up to that one are read, written or paid plain together, one prefix of their own (a
system prompt under the minimum is shared by two conversations only through entries that also hold
their first messages, which differ). A request whose whole prompt is under the minimum caches
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_cometapi.cache._pricing import PRICE_PLAIN, PRICE_READ, WRITE_PRICE
from langchain_cometapi.testing._layout import build_layout

__all__ = ["lower_bound_cost"]

_SECONDS = {"5m": 300.0, "1h": 3600.0}


def lower_bound_cost(
    requests: Sequence[tuple[float, dict[str, Any]]],
    ttls: tuple[str, ...],
    minimum: int = 0,
    lengthen_on_read: bool = True,
) -> float:
    """The least input cost (base-input-token units) of these requests under relaxed rules;
    ``lengthen_on_read`` as the emulator's option of that name."""
    cost = 0.0
    held: dict[bytes, tuple[int, list[float]]] = {}
    for t, body in sorted(requests, key=lambda r: r[0]):
        layout = build_layout(body)
        positions = layout.positions
        prefix = positions[-1].cumulative if positions else 0
        cost += PRICE_PLAIN * (layout.total_tokens - prefix)  # past the last block: never cached
        if prefix < minimum:
            cost += PRICE_PLAIN * prefix
            continue
        before = 0
        for p in positions:
            if p.cumulative < minimum:
                continue  # only ever read, written or paid with the first block at the minimum
            held.setdefault(p.digest, (p.cumulative - before, []))[1].append(t)
            before = p.cumulative
    for tokens, times in held.values():
        cost += tokens * _cheapest(times, ttls, lengthen_on_read)
    return cost


def _cheapest(times: Sequence[float], ttls: tuple[str, ...], lengthen: bool = True) -> float:
    """Least cost per token of one prefix held at these times (sorted). State: the TTL of the
    entry refreshed at the previous time, or None (none live)."""
    best: dict[str | None, float] = {None: 0.0}
    previous: float | None = None
    for t in times:
        step: dict[str | None, float] = {}
        for state, paid in best.items():
            if state is not None and previous is not None and t - previous <= _SECONDS[state]:
                # A read may also lengthen the entry's TTL for free (the emulator's rule).
                kept = (s for s in ttls if _SECONDS[s] >= _SECONDS[state]) if lengthen else [state]
                for longer in kept:
                    step[longer] = min(step.get(longer, float("inf")), paid + PRICE_READ)
            step[None] = min(step.get(None, float("inf")), paid + PRICE_PLAIN)
            for ttl in ttls:
                step[ttl] = min(step.get(ttl, float("inf")), paid + WRITE_PRICE[ttl])
        best, previous = step, t
    return min(best.values())
