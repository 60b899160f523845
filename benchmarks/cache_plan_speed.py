"""Time CachePlanner.plan on a 200-message, ~150k-token conversation (warm and cold).

Run: .venv/bin/python benchmarks/cache_plan_speed.py
Target: under 5 ms per call once warm (a new turn appended each call, as in a chat).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from langchain_cometapi import tokens
from langchain_cometapi.cache._planner import CachePlanner


def conversation(messages: int = 200, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    words = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa")
    out: list[dict[str, Any]] = []
    for i in range(messages):
        role = "user" if i % 2 == 0 else "assistant"
        text = " ".join(rng.choice(words) for _ in range(rng.randint(500, 1000)))
        out.append({"role": role, "content": [{"type": "text", "text": text}]})
    return out


def main() -> None:
    msgs = conversation()
    system = "You are a careful assistant. " * 400
    body = {"model": "claude-sonnet-4-5", "max_tokens": 1024, "system": system, "messages": msgs}
    print(f"estimated input tokens: {tokens.estimate_request_tokens(body):,}")
    clock = [0.0]
    planner = CachePlanner(clock=lambda: clock[0])
    t0 = time.perf_counter()
    planner.plan({**body, "messages": msgs[:-2]})
    print(f"cold plan: {(time.perf_counter() - t0) * 1e3:.2f} ms")
    warm: list[float] = []
    for i in range(50):
        clock[0] += 30
        # Each call rebuilds the body from fresh dicts (as a converter would), same strings.
        fresh = [{"role": m["role"], "content": [dict(b) for b in m["content"]]} for m in msgs]
        extra = {"role": "user", "content": f"follow-up {i}"}
        call = {**body, "messages": [*fresh, {"role": "assistant", "content": "ok"}, extra]}
        t0 = time.perf_counter()
        planner.plan(call)
        warm.append((time.perf_counter() - t0) * 1e3)
    print(
        f"warm plan: median {statistics.median(warm):.2f} ms, "
        f"p95 {sorted(warm)[int(len(warm) * 0.95)]:.2f} ms, max {max(warm):.2f} ms"
    )


if __name__ == "__main__":
    main()
