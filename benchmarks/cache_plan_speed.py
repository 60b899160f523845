"""Time CachePlanner.plan on a chat as it grows, warm (a new turn appended each call).

Run: .venv/bin/python benchmarks/cache_plan_speed.py
Targets (issue 12): <= 0.1 ms warm on an ~8k-token, 41-message chat and <= 1 ms on a ~150k-token,
200-message one, flat in conversation length. Each call rebuilds the body from fresh dicts (as
the message converter does) over the same strings, so only per-string caches can help.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from langchain_cometapi import tokens
from langchain_cometapi.cache._planner import CachePlanner

_WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa")


def conversation(messages: int, lo: int, hi: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(messages):
        role = "user" if i % 2 == 0 else "assistant"
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(lo, hi)))
        out.append({"role": role, "content": [{"type": "text", "text": text}]})
    return out


def measure(name: str, messages: int, lo: int, hi: int, system_repeat: int) -> float:
    msgs = conversation(messages - 2, lo, hi)
    system = "You are a careful assistant. " * system_repeat
    body = {"model": "claude-sonnet-4-5", "max_tokens": 1024, "system": system}
    clock = [0.0]
    planner = CachePlanner(clock=lambda: clock[0])
    t0 = time.perf_counter()
    planner.plan({**body, "messages": msgs[:-2]})
    cold = (time.perf_counter() - t0) * 1e3
    warm: list[float] = []
    for i in range(200):
        clock[0] += 30
        fresh = [{"role": m["role"], "content": [dict(b) for b in m["content"]]} for m in msgs]
        turn = [{"role": "assistant", "content": "ok"}, {"role": "user", "content": f"more {i}"}]
        call = {**body, "messages": [*fresh, *turn]}
        t0 = time.perf_counter()
        planner.plan(call)
        warm.append((time.perf_counter() - t0) * 1e3)
    size = tokens.estimate_request_tokens({**body, "messages": msgs})
    print(f"{name}: ~{size:,} tokens, {messages} messages; cold {cold:.2f} ms, warm median "
          f"{statistics.median(warm):.3f} ms, p95 {sorted(warm)[int(len(warm) * 0.95)]:.3f} ms")
    return statistics.median(warm)


def main() -> None:
    measure("8k chat", 41, 100, 260, 60)
    measure("150k chat", 200, 500, 1000, 400)


if __name__ == "__main__":
    main()
