"""Replay cache workloads through the offline emulator and compare caching strategies.

Run: .venv/bin/python benchmarks/cache_workloads.py [--json]
[--holdout | --holdout-v2 | --probe | --holdout-v3 | --holdout-v4 | --holdout-v5
| --holdout-v6 | --holdout-v7] [--no-free-lengthening]

Default: the tuning set of ``_workloads.py``, wire bodies replayed directly. ``--holdout`` runs
``_workloads_holdout.py`` and ``--holdout-v2`` runs ``_workloads_holdout_v2.py``, both end to end
through ``ChatCometAPI`` (LangChain messages in). Only holdout v2 is a holdout in the strict sense
(written before the v2 planner work and never tuned on); docs/caching.md explains. ``--probe``
(``_workloads_probe.py``, meant to be diagnosed on) and ``--holdout-v3``
(``_workloads_holdout_v3.py``, sealed: not to be tuned on) were both written before the planner
changes of the 2026-12-07 session; same columns as ``--holdout-v2``. ``--holdout-v4``
(``_workloads_holdout_v4.py``) is sealed too: written before the planner changes of the session
that tunes for approval pauses and TTL choice, and run once, by the lead, at its end.
``--holdout-v5`` (``_workloads_holdout_v5.py``) is sealed likewise: written before the planner
changes of the second 2026-12-07 session (automatic TTL on agent fleets, dynamic system text on
Haiku, pauses past the hour, plan speed) and run once, by the lead, at that session's end.
``--holdout-v6`` (``_workloads_holdout_v6.py``) is sealed likewise: written before the planner
changes of the fourth 2026-12-07 session (the long-first-turn prior, automatic TTL on agents with
pauses of 5 min-3 h, plan speed) and run once, by the lead, at that session's end.
``--holdout-v7`` (``_workloads_holdout_v7.py``) is sealed likewise: written on 2026-12-08 before
the planner changes of the sixth session (fleets learning from usage, placement / selection
rules where a fixed rule wins) and run once, by the lead, at that session's end.

Each strategy replays the same request bodies, in time order on a manual clock, against a
fresh MessagesEmulator (Anthropic's cache rules: prefix digests, per-model minimum, 20-block
lookback, TTLs, 400s on invalid markers). Cost is input cost in base-input-token units
(plain 1.0, read 0.1, 5m write 1.25, 1h write 2.0) relative to the same bodies uncached.
Summary lines: the geometric mean over workloads of planner / best peer, the worst such ratio,
the worst planner / bound where the bound is reachable, and the worst fleet-of-8 / one planner.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bound import lower_bound_cost
from _holdout_driver import LENGTHEN_ON_READ, emulator_for
from _strategies import (
    FleetStrategy,
    PlannerStrategy,
    anthropic_auto,
    langchain_middleware,
    litellm,
    none,
    rolling,
)
from _workloads import MODEL, WORKLOADS, Request, mix

from langchain_cometapi._wire.usage import Usage
from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._pricing import usage_cost
from langchain_cometapi.testing import ManualClock, MessagesEmulator, min_cacheable_tokens

PEERS = {
    "anthropic auto": anthropic_auto,
    "langchain mw": langchain_middleware,
    "litellm": litellm,
    "rolling": rolling,
}
HEADERS = {"x-api-key": "bench", "anthropic-version": "2023-06-01"}
FIVE_MINUTES = CachePolicy(ttl="5m")


def replay(
    requests: list[Request], make: Callable[[ManualClock], Any], sent: list[Request] | None = None
) -> tuple[float, int]:
    """Total input cost and number of non-200 answers for one strategy (a refused request
    costs its uncached price: the caller resends it without markers)."""
    clock = ManualClock(0.0)
    emulator = emulator_for(clock)
    plain = MessagesEmulator(clock=clock)
    strategy = make(clock)
    cost, errors = 0.0, 0
    start = requests[0][0]
    for t, body in requests:
        if t - start > clock():
            clock.advance(t - start - clock())
        planned = strategy(t, body)
        if sent is not None:
            sent.append((t, planned))
        response = emulator.handle("POST", "/v1/messages", HEADERS, planned)
        if response.status != 200:
            errors += 1
            response = plain.handle("POST", "/v1/messages", HEADERS, body)
            cost += usage_cost(Usage.parse(response.json()["usage"]))
            continue
        usage = response.json()["usage"]
        cost += usage_cost(Usage.parse(usage))
        if hasattr(strategy, "observe"):
            strategy.observe(usage, dict(response.headers))
    return cost, errors


def run_workload(requests: list[Request], model: str = MODEL) -> dict[str, Any]:
    base, _ = replay(requests, lambda _c: none)
    row: dict[str, Any] = {"requests": len(requests), "base": base}
    errors = 0
    for name, peer in PEERS.items():
        cost, err = replay(requests, lambda _c, p=peer: p)
        row[name] = cost / base
        errors += err
    sent: list[Request] = []
    cost, err = replay(requests, lambda c: PlannerStrategy(c), sent)
    row["planner"] = cost / base
    cost, err5 = replay(requests, lambda c: PlannerStrategy(c, FIVE_MINUTES))
    row["planner 5m"] = cost / base
    cost, err8 = replay(requests, lambda c: FleetStrategy(c, 8))
    row["fleet x8"] = cost / base
    row["planner errors"] = err + err5 + err8
    row["peer errors"] = errors
    floor = min_cacheable_tokens(model)
    # The planner may split a system prompt, so the bound is taken over both block layouts.
    row["bound"] = min(
        _bound(requests, floor), _bound(sent, floor)
    ) / base
    row["best peer"] = min(row[p] for p in PEERS)
    return row


def _bound(requests: list[Request], floor: int) -> float:
    return lower_bound_cost(requests, ("5m", "1h"), floor, LENGTHEN_ON_READ)


def run_holdout(workload: Any) -> dict[str, Any]:
    """One holdout workload end to end: peers, the planner as shipped (shared instance on the
    emulator's clock), a fresh instance per request, a fleet of 8 and the 5m-only policy."""
    from _holdout_driver import drive

    base = drive(workload, planner=False)
    row: dict[str, Any] = {"requests": len(workload.steps), "base": base["cost"]}
    costs = base["costs"]
    peer_errors = 0
    for peer_name, peer in PEERS.items():
        out = drive(workload, planner=False, transform=peer, base_costs=costs)
        row[peer_name] = out["cost"] / base["cost"]
        peer_errors += out["errors"]
    runs = {
        "planner": drive(workload, planner=True, base_costs=costs),
        "fresh": drive(workload, planner=True, fresh=True, base_costs=costs),
        "fleet x8": drive(workload, planner=True, fleet=8, base_costs=costs),
        "planner 5m": drive(workload, planner=True, base_costs=costs, policy=FIVE_MINUTES),
    }
    for name, out in runs.items():
        row[name] = out["cost"] / base["cost"]
    row["planner errors"] = sum(out["errors"] for out in runs.values())
    row["peer errors"] = peer_errors
    floor = min_cacheable_tokens(workload.model)
    requests, sent = base["sent"], runs["planner"]["sent"]
    row["bound"] = min(
        _bound(requests, floor), _bound(sent, floor)
    ) / base["cost"]
    row["best peer"] = min(row[p] for p in PEERS)
    return row


COLS = [*PEERS, "best peer", "planner", "planner 5m", "fleet x8", "bound"]
HOLDOUT_COLS = [*PEERS, "best peer", "planner", "planner 5m", "fresh", "fleet x8", "bound"]


def summary(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Geometric mean and worst ratios over the workloads (the mix row excluded)."""
    rows = [r for name, r in results.items() if name != "mix"]
    vs_peer = [r["planner"] / r["best peer"] for r in rows]
    vs_bound = [r["planner"] / r["bound"] for r in rows if r["bound"] > 0]
    return {
        "geomean planner/best peer": math.exp(sum(map(math.log, vs_peer)) / len(vs_peer)),
        "worst planner/best peer": max(vs_peer),
        "worst planner/bound": max(vs_bound),
        "worst fleet x8/planner": max(r["fleet x8"] / r["planner"] for r in rows),
        "worst planner/planner 5m": max(r["planner"] / r["planner 5m"] for r in rows),
        "planner 400s": sum(r["planner errors"] for r in rows),
        "peer 400s": sum(r["peer errors"] for r in rows),
    }


def _print(results: dict[str, dict[str, Any]], cols: list[str]) -> None:
    print(f"{'workload':<24}{'reqs':>5}" + "".join(f"{c[:12]:>13}" for c in cols)
          + "  /best peer   /bound")
    for name, row in results.items():
        cells = "".join(f"{row[c]:>13.3f}" for c in cols)
        print(f"{name:<24}{row['requests']:>5}{cells}  {row['planner'] / row['best peer']:>9.3f}"
              f" {row['planner'] / row['bound']:>8.3f}")
    for key, value in summary(results).items():
        print(f"{key:<28}{value:.3f}" if isinstance(value, float) else f"{key:<28}{value}")


def _end_to_end_set() -> dict[str, Any] | None:
    """The end-to-end workload set the flags name, or None for the body-level tuning set."""
    if "--probe" in sys.argv:
        from _workloads_probe import PROBE
        return PROBE
    if "--holdout-v7" in sys.argv:
        from _workloads_holdout_v7 import HOLDOUT_V7
        return HOLDOUT_V7
    if "--holdout-v6" in sys.argv:
        from _workloads_holdout_v6 import HOLDOUT_V6
        return HOLDOUT_V6
    if "--holdout-v5" in sys.argv:
        from _workloads_holdout_v5 import HOLDOUT_V5
        return HOLDOUT_V5
    if "--holdout-v4" in sys.argv:
        from _workloads_holdout_v4 import HOLDOUT_V4
        return HOLDOUT_V4
    if "--holdout-v3" in sys.argv:
        from _workloads_holdout_v3 import HOLDOUT_V3
        return HOLDOUT_V3
    if "--holdout-v2" in sys.argv:
        from _workloads_holdout_v2 import HOLDOUT_V2
        return HOLDOUT_V2
    if "--holdout" in sys.argv:
        from _workloads_holdout import HOLDOUT
        return HOLDOUT
    return None


def main() -> None:
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    cols = COLS
    chosen = _end_to_end_set()
    if chosen is not None:
        for make in chosen.values():
            workload = make()
            results[workload.name] = run_holdout(workload)
        cols = HOLDOUT_COLS
    else:
        for name, make in WORKLOADS.items():
            results[name] = run_workload(make())
        results["mix"] = run_workload(mix())
    if "--json" in sys.argv:
        print(json.dumps({"workloads": results, "summary": summary(results)}, indent=2))
        return
    _print(results, cols)
    print(f"cost = input cost / uncached input cost; {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
