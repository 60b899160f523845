"""Replay random cache workloads (``_workloads_random.py``) and count where the planner loses.

Run: .venv/bin/python benchmarks/random_workloads.py [--sealed | --sealed-5 | --sealed-6]
[--seeds A:B] [--jobs N] [--json]

Default: the explore seeds (0-199), which may be diagnosed and tuned on (then the figures are
in-sample). ``--sealed`` runs the sealed seeds of the fourth 2026-12-07 session (1000-1199,
spent); ``--sealed-5`` the ones defined at the start of the fifth (2000-2199): run once at its
start and once at its end, for an out-of-sample figure of the same distribution (spent at
that end); ``--sealed-6`` the ones defined at the start of the sixth (3000-3199), same
terms. Same replay and columns as the tuning set of ``cache_workloads.py`` (wire bodies on the
emulator's manual clock, cost relative to the same bodies uncached). The summary counts the
workloads where the planner costs more than the best peer, more than its own 5m-only policy, or
more than 1.05x the bound, and lists the worst.
"""

from __future__ import annotations

import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workloads_random import EXPLORE, SEALED, SEALED_5, SEALED_6, random_workload
from cache_workloads import run_workload

#: A ratio above 1 by less than this is a tie (float noise of equal costs).
TIE = 1e-6


def _run(seed: int) -> tuple[str, dict[str, Any]]:
    workload = random_workload(seed)
    return workload.name, run_workload(workload.requests, workload.model)


def _seeds() -> range:
    if "--seeds" in sys.argv:
        low, high = sys.argv[sys.argv.index("--seeds") + 1].split(":")
        return range(int(low), int(high))
    if "--sealed-6" in sys.argv:
        return SEALED_6
    if "--sealed-5" in sys.argv:
        return SEALED_5
    return SEALED if "--sealed" in sys.argv else EXPLORE


def _jobs() -> int:
    return int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 1


def summary(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    vs_peer = {n: r["planner"] / r["best peer"] for n, r in rows.items()}
    vs_5m = {n: r["planner"] / r["planner 5m"] for n, r in rows.items()}
    vs_bound = {n: r["planner"] / r["bound"] for n, r in rows.items() if r["bound"] > 0}
    vs_fleet = {n: r["fleet x8"] / r["planner"] for n, r in rows.items()}
    worst = sorted(vs_peer, key=vs_peer.__getitem__, reverse=True)[:8]
    return {
        "workloads": len(rows),
        "geomean planner/best peer": math.exp(sum(map(math.log, vs_peer.values())) / len(rows)),
        "above best peer": sum(v > 1 + TIE for v in vs_peer.values()),
        "above best peer by > 1%": sum(v > 1.01 for v in vs_peer.values()),
        "above planner 5m": sum(v > 1 + TIE for v in vs_5m.values()),
        "total planner / total 5m": sum(r["planner"] * r["base"] for r in rows.values())
        / sum(r["planner 5m"] * r["base"] for r in rows.values()),
        "within 1.05x bound": sum(v <= 1.05 for v in vs_bound.values()),
        "fleet x8 within 3%": sum(v <= 1.03 for v in vs_fleet.values()),
        "planner 400s": sum(r["planner errors"] for r in rows.values()),
        "worst vs best peer": {n: round(vs_peer[n], 3) for n in worst},
        "worst vs 5m": {n: round(vs_5m[n], 3)
                        for n in sorted(vs_5m, key=vs_5m.__getitem__, reverse=True)[:5]},
    }


def main() -> None:
    started = time.perf_counter()
    with ProcessPoolExecutor(_jobs()) as pool:
        rows = dict(pool.map(_run, _seeds()))
    if "--json" in sys.argv:
        print(json.dumps({"workloads": rows, "summary": summary(rows)}, indent=2))
        return
    cols = ("best peer", "planner", "planner 5m", "fleet x8", "bound")
    print(f"{'workload':<34}{'reqs':>5}" + "".join(f"{c:>12}" for c in cols))
    for name, row in rows.items():
        print(f"{name:<34}{row['requests']:>5}" + "".join(f"{row[c]:>12.3f}" for c in cols))
    for key, value in summary(rows).items():
        print(f"{key:<28}{value:.3f}" if isinstance(value, float) else f"{key:<28}{value}")
    print(f"{time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
