"""Replay cache workloads through the offline emulator and compare caching strategies.

Run: .venv/bin/python benchmarks/cache_workloads.py [--json] [--holdout]

``--holdout`` runs the independent workloads of ``_workloads_holdout.py`` end to end through
``ChatCometAPI`` (LangChain messages in) instead of the tuning set.

Each strategy replays the same request bodies, in time order on a manual clock, against a
fresh MessagesEmulator (Anthropic's cache rules: prefix digests, per-model minimum, 20-block
lookback, TTLs, 400s on invalid markers). Cost is input cost in base-input-token units
(plain 1.0, read 0.1, 5m write 1.25, 1h write 2.0) relative to the same bodies uncached.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _strategies import (
    PlannerStrategy,
    anthropic_auto,
    langchain_middleware,
    litellm,
    none,
    oracle_cost,
)
from _workloads import MODEL, WORKLOADS, Request, mix

from langchain_cometapi.cache._planner import CachePolicy
from langchain_cometapi.testing import (
    ManualClock,
    MessagesEmulator,
    min_cacheable_tokens,
)

PEERS = {
    "anthropic auto": anthropic_auto,
    "langchain mw": langchain_middleware,
    "litellm": litellm,
}
HEADERS = {"x-api-key": "bench", "anthropic-version": "2023-06-01"}


def replay(
    requests: list[Request], make: Callable[[ManualClock], Any], sent: list[Request] | None = None
) -> tuple[float, int]:
    """Total input cost and number of non-200 answers for one strategy."""
    clock = ManualClock(0.0)
    emulator = MessagesEmulator(clock=clock)
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
            continue
        usage = response.json()["usage"]
        created = usage.get("cache_creation") or {}
        cost += (
            usage["input_tokens"]
            + 0.1 * usage["cache_read_input_tokens"]
            + 1.25 * created.get("ephemeral_5m_input_tokens", 0)
            + 2.0 * created.get("ephemeral_1h_input_tokens", 0)
        )
        if hasattr(strategy, "observe"):
            strategy.observe(usage)
    return cost, errors


def run_workload(requests: list[Request], allow_1h: bool) -> dict[str, Any]:
    base, _ = replay(requests, lambda _c: none)
    row: dict[str, Any] = {"requests": len(requests), "uncached_tokens": round(base)}
    errors = 0
    for name, peer in PEERS.items():
        cost, err = replay(requests, lambda _c, p=peer: p)
        row[name] = cost / base
        errors += err
    sent: list[Request] = []
    cost, err = replay(requests, lambda c: PlannerStrategy(c), sent)
    row["planner"] = cost / base
    row["planner errors"] = err
    if allow_1h:
        cost, err = replay(requests, lambda c: PlannerStrategy(c, CachePolicy(ttl="auto")))
        row["planner ttl=auto"] = cost / base
        row["planner errors"] += err
    row["peer errors"] = errors
    # The planner may split a system prompt, so the bound is taken over both block layouts.
    def bound(ttls: tuple[str, ...], minimum: bool = False) -> float:
        floor = min_cacheable_tokens(MODEL) if minimum else 0
        return min(oracle_cost(requests, ttls, floor), oracle_cost(sent, ttls, floor)) / base

    row["lower bound 5m"] = bound(("5m",))
    row["bound with minimum"] = bound(("5m",), minimum=True)
    if allow_1h:
        row["lower bound 5m+1h"] = bound(("5m", "1h"))
    peers = [row[name] for name in PEERS]
    row["best peer"] = min(peers)
    return row


HOLDOUT_COLS = ["anthropic auto", "langchain mw", "litellm", "planner", "planner fresh",
                "planner unsynced", "bound with minimum"]


def run_holdout(name: str, workload: Any) -> dict[str, Any]:
    """One holdout workload end to end; the planner three ways (synced clock, fresh instance per
    request, its own real clock that never sees the emulator's manual time)."""
    from _holdout_driver import drive

    base = drive(workload, planner=False)
    row: dict[str, Any] = {"requests": len(workload.steps), "uncached_tokens": round(base["cost"])}
    costs = base["costs"]
    peer_errors = 0
    for peer_name, peer in PEERS.items():
        out = drive(workload, planner=False, transform=peer, base_costs=costs)
        row[peer_name] = out["cost"] / base["cost"]
        peer_errors += out["errors"]
    mine = drive(workload, planner=True, base_costs=costs)
    row["planner"] = mine["cost"] / base["cost"]
    fresh = drive(workload, planner=True, fresh=True, base_costs=costs)
    row["planner fresh"] = fresh["cost"] / base["cost"]
    unsynced = drive(workload, planner=True, sync_clock=False, base_costs=costs)
    row["planner unsynced"] = unsynced["cost"] / base["cost"]
    row["planner errors"] = mine["errors"] + fresh["errors"] + unsynced["errors"]
    row["peer errors"] = peer_errors
    if workload.allow_1h:
        auto = drive(workload, planner=True, base_costs=costs, policy=CachePolicy(ttl="auto"))
        row["planner ttl=auto"] = auto["cost"] / base["cost"]
        row["planner errors"] += auto["errors"]
    floor = min_cacheable_tokens(workload.model)
    requests, sent = base["sent"], mine["sent"]
    row["lower bound 5m"] = min(oracle_cost(requests, ("5m",)), oracle_cost(sent, ("5m",))) / (
        base["cost"])
    row["bound with minimum"] = min(
        oracle_cost(requests, ("5m",), floor), oracle_cost(sent, ("5m",), floor)) / base["cost"]
    if workload.allow_1h:
        row["lower bound 5m+1h"] = min(oracle_cost(requests, ("5m", "1h"), floor),
                                       oracle_cost(sent, ("5m", "1h"), floor)) / base["cost"]
    row["best peer"] = min(row[p] for p in PEERS)
    row["base"] = base["cost"]
    return row


def holdout_mix() -> Any:
    """All holdout workloads at once: each keeps its model and instance, times interleaved."""
    from _workloads_holdout import HOLDOUT

    return [make() for make in HOLDOUT.values()]


def main_holdout() -> None:
    from _workloads_holdout import HOLDOUT

    started = time.perf_counter()
    results = {}
    for name, make in HOLDOUT.items():
        w = make()
        results[w.name] = run_holdout(name, w)
    total = {"requests": sum(r["requests"] for r in results.values())}
    base = sum(r["base"] for r in results.values())
    for col in [*PEERS, "planner", "planner fresh", "planner unsynced", "bound with minimum"]:
        total[col] = sum(r[col] * r["base"] for r in results.values()) / base
    total["best peer"] = min(total[p] for p in PEERS)
    total["planner errors"] = sum(r["planner errors"] for r in results.values())
    total["peer errors"] = sum(r["peer errors"] for r in results.values())
    results["all (token-weighted)"] = total
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
        return
    _print(results, HOLDOUT_COLS)
    print(f"{time.perf_counter() - started:.1f}s")


def _print(results: dict[str, dict[str, Any]], cols: list[str]) -> None:
    print(f"{'workload':<22}{'reqs':>5} " + "".join(f"{c[:15]:>16}" for c in cols)
          + "  vs best peer")
    for name, row in results.items():
        cells = "".join(f"{row[c]:>16.4f}" for c in cols)
        gain = 1 - row["planner"] / row["best peer"] if row["best peer"] else 0.0
        print(f"{name:<22}{row['requests']:>5} {cells}  {gain:+.2%}")
        if "planner ttl=auto" in row:
            print(f"{'':<28}planner ttl=auto {row['planner ttl=auto']:.3f}   "
                  f"lower bound 5m+1h {row['lower bound 5m+1h']:.3f}")
    errs = sum(r["planner errors"] for r in results.values())
    peer_errs = sum(r["peer errors"] for r in results.values())
    print(f"\ncost = input cost / uncached input cost; planner 400s: {errs}, "
          f"peer 400s: {peer_errs}")


def main() -> None:
    if "--holdout" in sys.argv:
        main_holdout()
        return
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for name, make in WORKLOADS.items():
        results[name] = run_workload(make(), allow_1h=name == "slow chat")
    results["mix"] = run_workload(mix(), allow_1h=False)
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
        return
    cols = ["anthropic auto", "langchain mw", "litellm", "planner", "lower bound 5m",
            "bound with minimum"]
    print(f"{'workload':<17}{'reqs':>5} " + "".join(f"{c:>16}" for c in cols) + "  vs best peer")
    for name, row in results.items():
        cells = "".join(f"{row[c]:>16.4f}" for c in cols)
        gain = 1 - row["planner"] / row["best peer"] if row["best peer"] else 0.0
        print(f"{name:<17}{row['requests']:>5} {cells}  {gain:+.2%}")
        if "planner ttl=auto" in row:
            print(f"{'':<23}planner ttl=auto {row['planner ttl=auto']:.3f}   "
                  f"lower bound 5m+1h {row['lower bound 5m+1h']:.3f}")
    errs = sum(r["planner errors"] for r in results.values())
    peer_errs = sum(r["peer errors"] for r in results.values())
    print(
        f"\ncost = input cost / uncached input cost; planner 400s: {errs}, "
        f"peer 400s: {peer_errs}; {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
