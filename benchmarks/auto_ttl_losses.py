"""Where the automatic TTL gains or loses against 5m-only on random agent traffic.

Replays the scripts of ``tests/helpers/tool_traffic.py`` that the random-traffic test and
docs/caching.md use (12 seeds x 8 shapes: one planner or three, approvals at 15% or 40% of the
steps, steps up to 60 or 20 s apart) with ``CachePolicy()`` and ``CachePolicy(ttl="5m")`` on the
offline emulator, and follows every entry the automatic planner wrote at 1h, by the marker that
wrote it (``tools``, ``system``, ``tail``, ...; ``/forced`` for a head written at 1h because the
plan's tail is, the no-1h-after-5m rule; ``user`` for the caller's own 1h markers, sent alike by
both policies). Its fate: never read, read only within 5 minutes of its previous use (a 5m entry
would have served), or read at least once later than that (what the hour is for). A read of a
longer entry the same request wrote covers it too. The estimated net gain of a fate is
``1.15 x tokens x late reads - 0.75 x tokens`` (a late read of a 1h entry instead of a rewrite at
5m, against the 1h premium over 5m), so the table says which bets lose and how much; the
residual against the measured difference is what the two policies' other choices add.

    .venv/bin/python benchmarks/auto_ttl_losses.py [--pause-max SECONDS] [--worst N]

Emulator only (its clock, its token counts, free lengthening on a read as it does); synthetic
seeded traffic, in-sample for every TTL rule tuned on it.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._plan import CachePlan
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import CacheEntry
from tests.helpers.cache_traffic import Replay, Request
from tests.helpers.tool_traffic import ToolTrafficShape, tool_script

_QUICK = 300.0  # a read within this many seconds of the entry's previous use: 5m would do
_RESCUE = 1.15  # a late read at 0.1 instead of a 5m rewrite at 1.25
_PREMIUM = 0.75  # a 1h write at 2.0 instead of 1.25


@dataclass
class Bet:
    """One entry the automatic planner wrote at 1h."""

    label: str
    tokens: float  # tokens written at 1h by this entry
    group: int  # the request that wrote it
    size: int  # its prefix tokens
    gaps: list[float] = field(default_factory=list)  # per read: seconds since the previous use

    @property
    def fate(self) -> str:
        if not self.gaps:
            return "never read"
        late = sum(gap > _QUICK for gap in self.gaps)
        return "read late" if late else "read within 5m"

    @property
    def net(self) -> float:
        return self.tokens * (_RESCUE * sum(gap > _QUICK for gap in self.gaps) - _PREMIUM)


def _label(plan: CachePlan, size: int) -> str:
    """The marker of ``plan`` whose prefix estimate is nearest this entry's size."""
    marks = [bp for bp in plan.breakpoints if bp.action != "read"]
    if not marks:
        return "?"
    bp = min(marks, key=lambda b: abs(b.prefix_tokens - size))
    if bp.source == "user":
        return "user"
    forced = bp.segment in ("tools", "system") and any(
        b.segment == "tail" and b.ttl == "1h" for b in plan.breakpoints)
    return bp.segment + ("/forced" if forced else "")


def _reads(before: dict[str, CacheEntry], now: dict[str, CacheEntry]) -> list[tuple[str, float]]:
    """Entries read by the last request, with the time since their previous use."""
    out = []
    for key, entry in now.items():
        old = before.get(key)
        if old is not None and entry.reads > old.reads:
            out.append((key, entry.last_used - old.last_used))
    return out


def bets(requests: list[Request], planners: int) -> tuple[float, list[Bet]]:
    """The automatic planner's cost on ``requests`` and the fate of each of its 1h entries."""
    replay = Replay.new(planners, lambda c: CachePlanner(clock=c))
    before: dict[str, CacheEntry] = {}
    found: dict[str, Bet] = {}
    for i, (_, _, plan, usage) in enumerate(replay.steps(requests)):
        now = {e.key: e for e in replay.emulator.cache_entries()}
        for key, gap in _reads(before, now):
            read = found.get(key)
            for bet in found.values():  # it, and the shorter ones its request wrote with it
                if bet is read or (read and bet.group == read.group and bet.size < read.size):
                    bet.gaps.append(gap)
        covered = float(usage["cache_read_input_tokens"])
        fresh = sorted((e for k, e in now.items() if k not in before or
                        before[k].created_at != e.created_at), key=lambda e: e.tokens)
        for entry in fresh:
            if entry.ttl == "1h":
                found[entry.key] = Bet(_label(plan, entry.tokens), entry.tokens - covered, i,
                                       entry.tokens)
            covered = max(covered, float(entry.tokens))
        before = now
    return replay.cost, list(found.values())


def _five(requests: list[Request], planners: int) -> float:
    replay = Replay.new(planners, lambda c: CachePlanner(CachePolicy(ttl="5m"), clock=c))
    for _ in replay.steps(requests):
        pass
    return replay.cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause-max", type=float, default=10800.0, help="longest approval (s)")
    parser.add_argument("--worst", type=int, default=8, help="scripts listed, most lost first")
    args = parser.parse_args()
    table: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    auto_total = five_total = 0.0
    scripts = []
    for planners, pauses, step_gap in itertools.product((1, 3), (0.15, 0.4), (60.0, 20.0)):
        shape = ToolTrafficShape(agents=3, requests=40, planners=planners, pauses=pauses,
                                 pause=(300.0, args.pause_max), step_gap=step_gap)
        for seed in range(12):
            requests = tool_script(seed, shape)
            auto, found = bets(requests, planners)
            five = _five(requests, planners)
            auto_total, five_total = auto_total + auto, five_total + five
            for bet in found:
                row = table[(bet.label, bet.fate)]
                row[0], row[1], row[2] = row[0] + 1, row[1] + bet.tokens, row[2] + bet.net
            scripts.append((auto - five, auto / five, planners, pauses, step_gap, seed))
    ratio, diff = auto_total / five_total, auto_total - five_total
    print(f"pauses 5 min-{args.pause_max / 60:.0f} min: auto / 5m-only {ratio:.4f}, "
          f"auto - 5m-only {diff:+.0f} (base-input token units)")
    print(f"{'1h entries by marker':<22} {'fate':<15} {'count':>6} {'1h tokens':>10} "
          f"{'est. net':>10}")
    for (label, fate), (count, tokens, net) in sorted(table.items(), key=lambda kv: kv[1][2]):
        print(f"{label:<22} {fate:<15} {count:>6.0f} {tokens:>10.0f} {net:>+10.0f}")
    own = sum(net for (label, _), (_, _, net) in table.items() if label != "user")
    print(f"estimated net gain of the planner's 1h entries {own:+.0f}; measured {-diff:+.0f}")
    print("scripts losing most (auto - 5m-only, ratio, planners, pauses, step gap, seed):")
    for row in sorted(scripts, reverse=True)[: args.worst]:
        print(f"  {row[0]:+8.0f} {row[1]:.4f} {row[2]} {row[3]} {row[4]:.0f} {row[5]}")


if __name__ == "__main__":
    main()
