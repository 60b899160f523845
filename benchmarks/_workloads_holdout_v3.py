"""Holdout v3 -- sealed: not to be tuned on.

Written on 2026-12-07, BEFORE any planner change of that session (issue 12 work), on main at
20c5907, together with the probe set (``_workloads_probe.py``), and run once there. Diagnose on
the probe set; run this set only to check, never look into its rows to change the planner. If it
is ever tuned on, docs/caching.md must say so (as it does for the older sets).

Kinds like the probe's with other seeds, models, sizes and mixes: mixed user speeds on opus-4-6
(4096 min) with a 6k system; gaps at the 5-minute edge mixed with gaps beyond an hour on haiku;
LangGraph-style removal of the oldest pair on sonnet-4-6 with a long tool list; dynamic system
text on opus-4-5 (date, user + locale, request UUID); batch extraction with two instruction
prompts alternating, thinking enabled and bursts between 10-30 minute pauses. Two kinds that are
NOT in the probe set: a window that keeps the first user message pinned (a summary rewritten every
3 turns in the system prompt on top), and a fleet with STICKY-by-conversation assignment running
agent loops with human-approval pauses. Run: ``cache_workloads.py --holdout-v3``.
"""

from __future__ import annotations

import random
from typing import Any

from _workload_parts import (
    agent_task,
    between,
    chat,
    clock_text,
    drop_oldest_pair,
    pinned_first,
    request_id,
    shifting_chat,
    system_of,
)
from _workloads_holdout import Step, Workload, _schema_tools, _sorted, tokens_words, words
from langchain_core.messages import HumanMessage, SystemMessage


def mixed_speeds_opus46(seed: int = 401) -> Workload:
    """Opus-4-6, 6 users on one instance: 1/3 answer in 20-60 s, 2/3 after 10-35 min."""
    rng = random.Random(seed)
    system = system_of(rng, 6200, "You are a pension advisor.")
    steps: list[Step] = []
    for u in range(6):
        lo, hi = (20, 60) if u % 3 == 0 else (600, 2100)
        steps += chat(rng, system, 7, between(lo, hi),
                      rng.uniform(0, 900), answer=(150, 500))
    return Workload("v3 mixed speeds opus-4-6", "claude-opus-4-6", _sorted(steps), allow_1h=True)


def edge_and_hour_haiku(seed: int = 402) -> Workload:
    """Haiku-4-5: every gap is 4-6 min or 70-110 min (one in three), 9k-token system."""
    rng = random.Random(seed)
    system = system_of(rng, 9000, "You are an HR policy assistant.")

    def gap(r: random.Random, _turn: int) -> float:
        return r.uniform(4200, 6600) if r.random() < 1 / 3 else r.uniform(240, 360)

    steps: list[Step] = []
    for _ in range(3):
        steps += chat(rng, system, 8, gap, rng.uniform(0, 200))
    return Workload("v3 edge 4-6m + 70-110m", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


def remove_pair_many_tools(seed: int = 403) -> Workload:
    """Sonnet-4-6 with 20 tools, oldest pair removed each turn from turn 3, slowish users."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 20, 110)
    system = system_of(rng, 1500, "You are a CRM agent.")
    steps: list[Step] = []
    for _ in range(4):
        steps += shifting_chat(rng, system, 10, rng.uniform(0, 200), drop_oldest_pair(6), tools,
                               gap=lambda r: r.uniform(40, 200))
    return Workload("v3 RemoveMessage + tools", "claude-sonnet-4-6", _sorted(steps))


def pinned_summary(seed: int = 404) -> Workload:
    """Opus-4-7: first user message pinned + last 6; a summary in the system rewritten every 3."""
    rng = random.Random(seed)
    base = words(rng, tokens_words(2800))
    steps: list[Step] = []
    for _ in range(3):
        summary = [words(rng, 200)]
        convo = shifting_chat(rng, SystemMessage(""), 12, rng.uniform(0, 100), pinned_first(6))
        for turn, step in enumerate(convo):
            if turn % 3 == 0 and turn:
                summary[0] = words(rng, 200 + 30 * turn)
            step.messages[0] = SystemMessage(
                f"You are a thesis coach.\n{base}\nSummary so far: {summary[0]}")
        steps += convo
    return Workload("v3 pinned first + summary", "claude-opus-4-7", _sorted(steps))


def dynamic_system_opus45(seed: int = 405) -> Workload:
    """Opus-4-5 (4096 min): date on top, user + locale in the middle, request UUID at the end."""
    rng = random.Random(seed)
    rules = words(rng, tokens_words(4500))
    steps: list[Step] = []
    for _ in range(5):
        who = f"Customer: #{rng.randrange(10**6):06d}, locale {rng.choice(('es-ES', 'pt-BR'))}"

        def system(t: float, who: str = who, r: random.Random = rng) -> SystemMessage:
            return SystemMessage(f"Date: {clock_text(t)[0]}\nYou are a telecom agent.\n{who}\n"
                                 f"{rules}\nRequest {request_id(r)}")

        steps += chat(rng, system, 6, lambda r, _t: r.uniform(20, 200), rng.uniform(0, 3000))
    return Workload("v3 dyn system + uuid", "claude-opus-4-5", _sorted(steps))


def batch_alternating_thinking(seed: int = 406) -> Workload:
    """Sonnet-4-5 with thinking: two instruction prompts alternate by document type; bursts."""
    rng = random.Random(seed)
    prompts = [system_of(rng, 3400, "Extract the contract terms."),
               system_of(rng, 2700, "Extract the purchase order lines.")]
    tools: list[dict[str, Any]] = _schema_tools(rng, 2, 180, "emit")
    steps: list[Step] = []
    t = 0.0
    for _ in range(4):
        for _ in range(rng.randint(6, 12)):
            kind = rng.randrange(2)
            doc = HumanMessage(f"Document ({kind}):\n" + words(rng, rng.randint(300, 3000)))
            steps.append(Step(t, [prompts[kind], doc], tools))
            t += rng.uniform(1, 15)
        t += rng.uniform(600, 1800)
    return Workload("v3 batch 2 prompts think", "claude-sonnet-4-5", steps, allow_1h=True,
                    thinking={"type": "enabled", "budget_tokens": 1024})


def fleet_sticky_agents(seed: int = 407) -> Workload:
    """Sonnet-4-6 agents, 10 conversations pinned to 8 workers (sticky by conversation)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 10, 90)
    system = system_of(rng, 2800, "You are a data pipeline agent.")
    steps: list[Step] = []
    ident = [0]
    for c in range(10):
        n = rng.randint(5, 8)
        pause = rng.randint(2, n - 1) if rng.random() < 0.5 else None
        more, _ = agent_task(rng, system, tools, rng.uniform(0, 600), n, pause, (600, 1200),
                             ident, instance=f"worker-{c % 8}")
        steps += more
    return Workload("v3 fleet sticky agents", "claude-sonnet-4-6", _sorted(steps), allow_1h=True)


HOLDOUT_V3 = {
    w.__name__: w
    for w in (
        mixed_speeds_opus46, edge_and_hour_haiku, remove_pair_many_tools, pinned_summary,
        dynamic_system_opus45, batch_alternating_thinking, fleet_sticky_agents,
    )
}
