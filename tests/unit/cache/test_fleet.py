"""Planners behind a round-robin balancer (each worker its own state) cost about what one does."""

from __future__ import annotations

import random
from typing import Any

from langchain_cometapi._wire.usage import Usage
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._pricing import usage_cost
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _chats(users: int = 6, turns: int = 8) -> list[tuple[float, dict[str, Any]]]:
    rng = random.Random(7)
    system = "You are the support desk.\n" + words(2400)
    out = []
    for user in range(users):
        t = rng.uniform(0, 120)
        messages: list[dict[str, Any]] = []
        for turn in range(turns):
            question = f"user {user} turn {turn}: " + words(rng.randint(30, 120), user * 31 + turn)
            messages = [*messages, {"role": "user", "content": question}]
            out.append((t, {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": system,
                            "messages": messages}))
            reply = words(rng.randint(100, 300), user * 17 + turn + 5)
            messages = [*messages, {"role": "assistant", "content": reply}]
            t += rng.uniform(20, 120)
    return sorted(out, key=lambda r: r[0])


def _cost(workers: int) -> tuple[float, int]:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planners = [CachePlanner(clock=clock) for _ in range(workers)]
    cost, refused = 0.0, 0
    for i, (t, body) in enumerate(_chats()):
        clock.set(max(t, clock()))
        planner = planners[i % workers]
        out, plan = planner.plan(body)
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        if response.status != 200:
            refused += 1
            continue
        usage = response.json()["usage"]
        cost += usage_cost(Usage.parse(usage))
        planner.observe(plan, usage, dict(response.headers))
    return cost, refused


def test_a_fleet_of_8_costs_at_most_3_percent_more_than_one_planner() -> None:
    one, refused_one = _cost(1)
    fleet, refused_fleet = _cost(8)
    assert refused_one == refused_fleet == 0
    assert fleet <= 1.03 * one, fleet / one


def _system_only_chat(user: int) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": "You are the support desk.\n" + words(2400),
            "messages": [{"role": "user", "content": f"user {user}: " + words(80, user)}]}


def test_a_prefix_other_planners_keep_warm_is_not_written_for_an_hour() -> None:
    """This worker sees the system prompt every 12 minutes, but the API reads it each time:
    other workers reuse it within 5 minutes, so 1h would only cost."""
    clock = ManualClock()
    planner = CachePlanner(clock=clock)
    ttls: list[str] = []
    for user in range(6):
        _, plan = planner.plan(_system_only_chat(user))
        ttls += [bp.ttl for bp in plan.breakpoints if bp.action == "write"]
        system = plan.breakpoints[0].prefix_tokens if plan.breakpoints else 3000
        read = 0 if user == 0 else system  # kept warm by the other workers
        planner.observe(plan, {"input_tokens": 100, "cache_read_input_tokens": read,
                               "cache_creation_input_tokens": 0 if read else system})
        clock.advance(720)
    assert "1h" not in ttls, ttls
