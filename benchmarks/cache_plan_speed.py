"""Time CachePlanner.plan on a chat as it grows, warm (a new turn appended each call).

Run: .venv/bin/python benchmarks/cache_plan_speed.py
Targets (issue 12): <= 0.1 ms warm on an ~8k-token, 41-message chat and <= 1 ms on a ~150k-token,
200-message one, flat in conversation length. Each call rebuilds the body from fresh dicts (as
the message converter does) over the same strings, so only per-string caches can help. Agent
loops (tool calls and results, a new pair per call) are timed the same way.
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


def agent_loop(messages: int, lo: int, hi: int, seed: int = 0) -> list[dict[str, Any]]:
    """A task, then (assistant: a thought and a tool call, user: its result) pairs."""
    rng = random.Random(seed)

    def text(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n))

    out: list[dict[str, Any]] = [{"role": "user", "content": [{"type": "text", "text": text(hi)}]}]
    for i in range((messages - 1) // 2):
        call = {"type": "tool_use", "id": f"toolu_{i}", "name": "search", "input": {"q": text(4)}}
        result = {"type": "tool_result", "tool_use_id": f"toolu_{i}",
                  "content": text(rng.randint(lo, hi))}
        out.append({"role": "assistant", "content": [{"type": "text", "text": text(12)}, call]})
        out.append({"role": "user", "content": [result]})
    return out


def _next_turn(agent: bool, i: int) -> list[dict[str, Any]]:
    if not agent:
        return [{"role": "assistant", "content": "ok"}, {"role": "user", "content": f"more {i}"}]
    call = {"type": "tool_use", "id": f"toolu_next_{i}", "name": "search", "input": {"q": f"{i}"}}
    result = {"type": "tool_result", "tool_use_id": f"toolu_next_{i}", "content": f"found {i}"}
    return [{"role": "assistant", "content": [call]}, {"role": "user", "content": [result]}]


def measure(
    name: str, messages: int, lo: int, hi: int, system_repeat: int, agent: bool = False
) -> float:
    msgs = (agent_loop if agent else conversation)(messages - 2, lo, hi)
    system = "You are a careful assistant. " * system_repeat
    body = {"model": "claude-sonnet-4-5", "max_tokens": 1024, "system": system}
    clock = [0.0]
    planner = CachePlanner(clock=lambda: clock[0])
    if agent:
        tool = {"name": "search", "description": "Search the corpus.",
                "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}
        body["tools"] = [tool]
    t0 = time.perf_counter()
    planner.plan({**body, "messages": msgs[:-2]})
    cold = (time.perf_counter() - t0) * 1e3
    warm: list[float] = []
    for i in range(200):
        clock[0] += 30
        fresh = [{"role": m["role"], "content": [dict(b) for b in m["content"]]} for m in msgs]
        call = {**body, "messages": [*fresh, *_next_turn(agent, i)]}
        t0 = time.perf_counter()
        planner.plan(call)
        warm.append((time.perf_counter() - t0) * 1e3)
    size = tokens.estimate_request_tokens({**body, "messages": msgs})
    print(f"{name}: ~{size:,} tokens, {messages} messages; cold {cold:.2f} ms, warm median "
          f"{statistics.median(warm):.3f} ms, p95 {sorted(warm)[int(len(warm) * 0.95)]:.3f} ms")
    return statistics.median(warm)


def measure_growing(name: str, conversations: int = 60) -> float:
    """Chats that really continue: each call is the previous request plus a reply and a new
    question of 100-260 words, so each call estimates ~2k new characters (the rows above
    append two tiny messages). Timed from 35 to 41 messages, every conversation warmed by its
    own earlier turns."""
    body = {"model": "claude-sonnet-4-5", "max_tokens": 1024,
            "system": "You are a careful assistant. " * 60}  # fmt: skip
    clock = [0.0]
    planner = CachePlanner(clock=lambda: clock[0])
    times: list[float] = []
    for seed in range(conversations):
        msgs = conversation(41, 100, 260, seed=seed)
        for n in range(21, 42, 2):
            clock[0] += 30
            fresh = [{"role": m["role"], "content": [dict(b) for b in m["content"]]}
                     for m in msgs[:n]]  # fmt: skip
            t0 = time.perf_counter()
            planner.plan({**body, "messages": fresh})
            if n >= 35:
                times.append((time.perf_counter() - t0) * 1e3)
    print(f"{name}: 35-41 messages, a real turn per call; warm median "
          f"{statistics.median(times):.3f} ms, p95 {sorted(times)[int(len(times) * 0.95)]:.3f} ms")
    return statistics.median(times)


def main() -> None:
    measure("8k chat", 41, 100, 260, 60)
    measure("150k chat", 200, 500, 1000, 400)
    measure("agent loop", 41, 100, 260, 60, agent=True)
    measure("long agent loop", 201, 100, 260, 60, agent=True)
    measure_growing("growing 8k chat")


if __name__ == "__main__":
    main()
