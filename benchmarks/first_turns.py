"""How the planner's first-turn writes compare with what the conversations then did.

A first turn (one user message) is written when P(the conversation goes on within 5 minutes)
is above the 5m break-even, 0.25 / 1.15 = 0.22: each continuation of a written turn saves 0.9x
its tokens, each miss costs 0.25x. Replays random workloads (``_workloads_random.py``, explore
seeds by default) with the 5m-only policy on the offline emulator and counts, per group (the
turn holds leading documents or not; the documents written; the tail written), how many first
turns went on within 5 minutes. A group left unwritten whose rate is above the break-even is
where the estimate lost; a group of turns with documents also trades the question against the
documents' refresh (docs/caching.md, sixth session), which this table does not price.

    .venv/bin/python benchmarks/first_turns.py [--seeds A:B]

Emulator only, synthetic seeded workloads; in-sample on every seed a rule was designed on.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _holdout_driver import emulator_for
from _strategies import PlannerStrategy
from _workloads_random import EXPLORE, random_workload
from cache_workloads import FIVE_MINUTES, HEADERS

from langchain_cometapi.testing import ManualClock

BREAK_EVEN = 0.25 / 1.15
_FIVE_MINUTES = 300.0
Group = tuple[bool, bool, bool]  # documents, documents written, tail written


def _went_on(requests: list[tuple[float, dict[str, Any]]], i: int) -> bool:
    """Whether a later request of the same conversation came within 5 minutes."""
    t, body = requests[i]
    first = body["messages"][0]
    for later, other in requests[i + 1 :]:
        if later - t > _FIVE_MINUTES:
            return False
        messages = other["messages"]
        if len(messages) > 1 and messages[0] == first and other.get("system") == body.get("system"):
            return True
    return False


def first_turns(seed: int) -> list[tuple[Group, bool]]:
    """(group, went on) of every first turn of one random workload, 5m-only policy."""
    workload = random_workload(seed)
    requests = workload.requests
    clock = ManualClock(0.0)
    emulator = emulator_for(clock)
    strategy = PlannerStrategy(clock, FIVE_MINUTES)
    start = requests[0][0]
    out: list[tuple[Group, bool]] = []
    for i, (t, body) in enumerate(requests):
        if t - start > clock():
            clock.advance(t - start - clock())
        planned = strategy(t, body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, planned)
        strategy.observe(response.json()["usage"], dict(response.headers))
        if len(body["messages"]) != 1:
            continue
        content = body["messages"][0]["content"]
        documents = isinstance(content, list) and len(content) > 1
        written = {bp.segment for bp in strategy.last_plan.breakpoints if bp.action == "write"}
        group = (documents, "documents" in written, "tail" in written)
        out.append((group, _went_on(requests, i)))
    return out


def _seeds() -> range:
    if "--seeds" in sys.argv:
        low, high = sys.argv[sys.argv.index("--seeds") + 1].split(":")
        return range(int(low), int(high))
    return EXPLORE


def main() -> None:
    turns: Counter[Group] = Counter()
    went_on: Counter[Group] = Counter()
    for seed in _seeds():
        for group, went in first_turns(seed):
            turns[group] += 1
            went_on[group] += went
    print(f"first turns, 5m-only policy; break-even rate {BREAK_EVEN:.3f}")
    print(f"{'documents':>10} {'docs written':>13} {'tail written':>13} {'turns':>7} "
          f"{'went on':>8} {'rate':>6}")
    for group in sorted(turns):
        n, k = turns[group], went_on[group]
        print(f"{group[0]!s:>10} {group[1]!s:>13} {group[2]!s:>13} {n:>7} {k:>8} {k / n:>6.3f}")


if __name__ == "__main__":
    main()
