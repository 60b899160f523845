"""Holdout v4 -- sealed: not to be tuned on.

Written on 2026-12-07, BEFORE the planner changes of that session (agents with human-approval
pauses, TTL choice), on main at 80f80c7, by a helper that never looked at the planner's figures
on it. Sealed: run once, by the lead, at the end of the session; diagnose on the probe set
(``_workloads_probe.py``), never on this one. If it is ever tuned on, docs/caching.md must say so.
``tests/unit/project/test_benchmark_workloads.py`` pins a SHA-256 digest of everything it sends.

Every kind issue 12 names, with new seeds (501-510), models and sizes (system prompts from about
1k to 11k tokens, 0-16 tools; all six per-model minimums are exercised): slow chats (6-50 min
answers); one app with fast, slow and step-away-once users; ``trim_messages`` by tokens with
tools; LangGraph ``RemoveMessage`` of the oldest pair under a system prompt below the minimum; a
summarising memory that replaces old turns by a summary when the state grows past a threshold;
per-request dynamic text in a long system prompt; batch extraction in bursts with a forced output
tool and one pause past the hour; agent loops on one instance where tasks have zero, one or two
approval pauses of 5-40 min; 12 agent conversations round-robin over 6 workers; three apps
through one planner. Run: ``cache_workloads.py --holdout-v4`` (lead only, once).
"""

from __future__ import annotations

import random
from typing import Any

from _workload_parts import (
    agent_task_paused,
    chat,
    clock_text,
    drop_oldest_pair,
    shifting_chat,
    system_of,
    trim_by_tokens,
)
from _workloads_holdout import (
    Step,
    Workload,
    _answer,
    _schema_tools,
    _sorted,
    tokens_words,
    words,
)
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage


def _away_once(r: random.Random, turns: int) -> Any:
    """A fast user (15-90 s) who steps away 10-40 min once, at a random turn."""
    away = r.randrange(1, turns - 1)
    return lambda g, turn: g.uniform(600, 2400) if turn == away else g.uniform(15, 90)


def slow_chats_sonnet46(seed: int = 501) -> Workload:
    """Sonnet-4-6 support chats whose users all answer after 6-50 minutes (3.2k system)."""
    rng = random.Random(seed)
    system = system_of(rng, 3200, "You are a university admissions advisor.")
    steps: list[Step] = []
    for _ in range(5):
        steps += chat(rng, system, 6, lambda r, _t: r.uniform(360, 3000), rng.uniform(0, 1200),
                      answer=(150, 450))
    return Workload("v4 slow chats 6-50m", "claude-sonnet-4-6", _sorted(steps), allow_1h=True)


def mixed_users_opus47(seed: int = 502) -> Workload:
    """Opus-4-7, 9 users on one instance: fast (15-75 s), slow (6-40 min), fast-but-away-once."""
    rng = random.Random(seed)
    system = system_of(rng, 2200, "You are a mortgage broker's assistant.")
    steps: list[Step] = []
    for u in range(9):
        turns = rng.randint(6, 9)
        kind = u % 3
        if kind == 0:
            gap = lambda r, _t: r.uniform(15, 75)  # noqa: E731
        elif kind == 1:
            gap = lambda r, _t: r.uniform(360, 2400)  # noqa: E731
        else:
            gap = _away_once(rng, turns)
        steps += chat(rng, system, turns, gap, rng.uniform(0, 1500))
    return Workload("v4 mixed + away once", "claude-opus-4-7", _sorted(steps), allow_1h=True)


def trim_tokens_opus45(seed: int = 503) -> Workload:
    """Opus-4-5 (4096 min): 4.8k system + 6 tools, ``trim_messages`` to 2500 approximate tokens."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 6, 80)
    system = system_of(rng, 4800, "You are an insurance underwriting assistant.")
    steps: list[Step] = []
    for _ in range(3):
        steps += shifting_chat(rng, system, 13, rng.uniform(0, 150), trim_by_tokens(2500), tools,
                               gap=lambda r: r.uniform(20, 200))
    return Workload("v4 trim_messages + tools", "claude-opus-4-5", _sorted(steps))


def remove_pair_small_head(seed: int = 504) -> Workload:
    """Sonnet-4-5: a 1k system with 4 short tools (head near 1024), oldest pair removed."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 4, 30)
    system = system_of(rng, 1000, "You are a fitness coach.")
    steps: list[Step] = []
    for _ in range(4):
        steps += shifting_chat(rng, system, 11, rng.uniform(0, 300), drop_oldest_pair(10), tools,
                               gap=lambda r: r.uniform(10, 120))
    return Workload("v4 RemoveMessage small head", "claude-sonnet-4-5", _sorted(steps))


def _summarised(rng: random.Random, system: SystemMessage, turns: int, start: float) -> list[Step]:
    """A summarising memory: once the state holds more than 10 messages, the oldest are replaced
    by one summary message and the last 4 kept; the prefix is stable between summarisations."""
    state: list[BaseMessage] = []
    steps: list[Step] = []
    t = start
    for _ in range(turns):
        state = [*state, HumanMessage(words(rng, rng.randint(30, 140)))]
        if len(state) > 10:
            recent = state[-4:]
            while not isinstance(recent[0], HumanMessage):
                recent = recent[1:]
            summary = HumanMessage("Summary of the conversation so far: "
                                   + words(rng, rng.randint(250, 600)))
            state = [summary, _answer(rng, 4, 10), *recent]
        steps.append(Step(t, [system, *state]))
        state = [*state, _answer(rng, 150, 420)]
        t += rng.uniform(25, 150)
    return steps


def summarising_memory_opus46(seed: int = 505) -> Workload:
    """Opus-4-6 (4096 min): 7k system, three conversations under a summarising memory."""
    rng = random.Random(seed)
    system = system_of(rng, 7000, "You are a clinical documentation assistant.")
    steps: list[Step] = []
    for _ in range(3):
        steps += _summarised(rng, system, 14, rng.uniform(0, 200))
    return Workload("v4 summarising memory", "claude-opus-4-6", _sorted(steps))


def dynamic_system_haiku(seed: int = 506) -> Workload:
    """Haiku-4-5: date on top, 11k rules, then customer line, clock and cart size per request."""
    rng = random.Random(seed)
    rules = words(rng, tokens_words(11000))
    steps: list[Step] = []
    for _ in range(5):
        who = f"Customer {rng.randrange(10**5):05d}, tier {rng.choice(('gold', 'basic'))}"

        def system(t: float, who: str = who, r: random.Random = rng) -> SystemMessage:
            day, hms = clock_text(t, day0=20)
            return SystemMessage(f"Date: {day}\nYou are a retail assistant.\n{rules}\n{who}\n"
                                 f"Local time {hms}; cart holds {r.randint(0, 9)} items")

        steps += chat(rng, system, 7, lambda r, _t: r.uniform(20, 150), rng.uniform(0, 3000))
    return Workload("v4 dyn system haiku", "claude-haiku-4-5", _sorted(steps))


def batch_extract_opus47(seed: int = 507) -> Workload:
    """Opus-4-7: 5.5k instruction + forced output tool; bursts; pauses 5-25 min, one past 1h."""
    rng = random.Random(seed)
    system = system_of(rng, 5500, "Extract every clause of the lease agreement.")
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 300, "fill")
    long_pause = rng.randrange(4)
    steps: list[Step] = []
    t = 0.0
    for burst in range(5):
        for _ in range(rng.randint(6, 14)):
            doc = HumanMessage("Lease:\n" + words(rng, rng.randint(300, 3500)))
            steps.append(Step(t, [system, doc], tools, tool_choice="fill_0"))
            t += rng.uniform(1, 10)
        t += rng.uniform(3900, 4800) if burst == long_pause else rng.uniform(300, 1500)
    return Workload("v4 batch bursts opus-4-7", "claude-opus-4-7", steps, allow_1h=True)


def _pauses(rng: random.Random, steps_n: int, count: int, lo: float, hi: float) -> dict[int, float]:
    return {i: rng.uniform(lo, hi) for i in rng.sample(range(1, steps_n), count)}


def agents_approvals_opus45(seed: int = 508) -> Workload:
    """Opus-4-5, 16 tools, 8 overlapping tasks on one instance with 0, 1 or 2 approvals (5-40m)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 16, 110)
    system = system_of(rng, 2000, "You are a security incident response agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(8):
        n = rng.randint(5, 10)
        pauses = _pauses(rng, n, rng.choice((0, 0, 1, 1, 2)), 300, 2400)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 3000), n, pauses, ident)
    return Workload("v4 agents 0-2 approvals", "claude-opus-4-5", _sorted(steps), allow_1h=True)


def fleet_round_robin_agents(seed: int = 509) -> Workload:
    """Sonnet-4-6 agents: 12 conversations, requests round-robin over 6 workers; some approvals."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 9, 70)
    system = system_of(rng, 1800, "You are a finance reconciliation agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(12):
        n = rng.randint(4, 8)
        pauses = _pauses(rng, n, rng.choice((0, 0, 1)), 300, 1500)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 1800), n, pauses, ident)
    ordered = _sorted(steps)
    for k, step in enumerate(ordered):
        step.instance = f"worker-{k % 6}"
    return Workload("v4 fleet rr agents x6", "claude-sonnet-4-6", ordered, allow_1h=True)


def _extraction_trickle(rng: random.Random, n: int) -> list[Step]:
    """An extraction app: a 4.5k instruction and forced tool, one document every 1-7 minutes."""
    system = system_of(rng, 4500, "Extract the claim fields.")
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 200, "claim")
    steps: list[Step] = []
    t = rng.uniform(0, 300)
    for _ in range(n):
        doc = HumanMessage("Claim form:\n" + words(rng, rng.randint(200, 1500)))
        steps.append(Step(t, [system, doc], tools, tool_choice="claim_0"))
        t += rng.uniform(60, 420)
    return steps


def three_apps_haiku(seed: int = 510) -> Workload:
    """Haiku-4-5, one planner: a card-support chat (some users away once), a doc Q&A app with
    tools whose 2.5k system is under the 4096 minimum, and an extraction trickle."""
    rng = random.Random(seed)
    support = system_of(rng, 5000, "You are the card support assistant.")
    qa = system_of(rng, 2500, "You answer questions about the employee handbook.")
    qa_tools = _schema_tools(rng, 3, 60, "lookup")
    steps: list[Step] = []
    for _ in range(5):
        turns = rng.randint(5, 8)
        gap = _away_once(rng, turns) if rng.random() < 0.5 else (lambda r, _t: r.uniform(15, 90))
        steps += chat(rng, support, turns, gap, rng.uniform(0, 2400))
    for _ in range(3):
        more = chat(rng, qa, 6, lambda r, _t: r.uniform(30, 300), rng.uniform(0, 2400))
        steps += [Step(s.t, s.messages, qa_tools) for s in more]
    steps += _extraction_trickle(rng, 15)
    return Workload("v4 three apps haiku", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


HOLDOUT_V4 = {
    w.__name__: w
    for w in (
        slow_chats_sonnet46, mixed_users_opus47, trim_tokens_opus45, remove_pair_small_head,
        summarising_memory_opus46, dynamic_system_haiku, batch_extract_opus47,
        agents_approvals_opus45, fleet_round_robin_agents, three_apps_haiku,
    )
}
