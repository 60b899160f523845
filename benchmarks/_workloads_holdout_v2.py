"""Holdout v2: workloads of the kinds cache planner v2 targets, written before any v2 tuning.

Committed before the planner was changed for v2 and never tuned on (docs/caching.md says so and
says it again if that stops being true). The older ``_workloads_holdout.py`` set was looked at
while rules were added, so it is reported as a second tuning set, not as a holdout.

Kinds: slow chats (gaps of 8-45 minutes; a bimodal tutor with bursts and long pauses), shifting
histories (a count-trimmed window with tools, a summarising memory whose summary changes every few
turns), batch extraction (one long instruction plus a forced output tool, a different document per
request) and fleets (the same chats spread round-robin over 8 instances; ``cache_workloads.py``
runs every workload as a fleet too). Models, sizes and seeds differ from the tuning set.
"""

from __future__ import annotations

import random
from typing import Any

from _workloads_holdout import Step, Workload, _answer, _schema_tools, _sorted, _system, words
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage


def slow_support_haiku(seed: int = 61) -> Workload:
    """Three haiku support chats, users answer after 8-45 minutes; 5k-token system."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 5000, "You are the returns desk."))
    steps: list[Step] = []
    for _ in range(3):
        t = rng.uniform(0, 200)
        msgs: list[BaseMessage] = [system]
        for _ in range(8):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(20, 120)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 100, 400)]
            t += rng.uniform(480, 2700)
    return Workload("v2 slow support 8-45m", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


def tutor_bimodal(seed: int = 62) -> Workload:
    """Sonnet-4-6 tutoring: bursts of quick turns (30-90 s) and pauses of 10-30 minutes."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 2200, "You are a maths tutor."))
    steps: list[Step] = []
    for _ in range(2):
        t = rng.uniform(0, 60)
        msgs: list[BaseMessage] = [system]
        for _ in range(14):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(15, 90)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 120, 450)]
            t += rng.uniform(30, 90) if rng.random() < 0.5 else rng.uniform(600, 1800)
    return Workload("v2 tutor bursts+pauses", "claude-sonnet-4-6", _sorted(steps), allow_1h=True)


def trimmed_window_agentless(seed: int = 63) -> Workload:
    """Opus-4-7 chats with tools, history trimmed to the last 8 messages on every call."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 6, 80)
    system = SystemMessage(_system(rng, 2600, "You are a booking assistant."))
    steps: list[Step] = []
    for _ in range(4):
        t = rng.uniform(0, 120)
        history: list[BaseMessage] = []
        for _ in range(12):
            history = [*history, HumanMessage(words(rng, rng.randint(30, 160)))]
            window = history[-8:]
            while not isinstance(window[0], HumanMessage):
                window = window[1:]
            steps.append(Step(t, [system, *window], tools))
            history = [*history, _answer(rng, 120, 420)]
            t += rng.uniform(20, 100)
    return Workload("v2 trimmed window", "claude-opus-4-7", _sorted(steps))


def summarising_memory(seed: int = 64) -> Workload:
    """Sonnet-4-5: system, a running summary (rewritten every 2 turns), the last 4 messages."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 3000, "You are a project assistant."))
    steps: list[Step] = []
    for _ in range(3):
        t = rng.uniform(0, 90)
        history: list[BaseMessage] = []
        summary = words(rng, 300)
        for turn in range(12):
            if turn % 2 == 0 and turn:
                summary = words(rng, 300 + 40 * turn)
            history = [*history, HumanMessage(words(rng, rng.randint(30, 150)))]
            memo = HumanMessage("Summary of the conversation so far: " + summary)
            recent = history[-4:]
            while not isinstance(recent[0], HumanMessage):
                recent = recent[1:]
            ack = _answer(rng, 5, 10)
            steps.append(Step(t, [system, memo, ack, *recent]))
            history = [*history, _answer(rng, 150, 400)]
            t += rng.uniform(20, 120)
    return Workload("v2 summarising memory", "claude-sonnet-4-5", _sorted(steps))


def batch_extract_opus(seed: int = 65) -> Workload:
    """Opus-4-5 (4096 minimum): 5k-token instruction + forced output tool, 50 documents."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 5000, "Extract every invoice field."))
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 200, "emit")
    steps: list[Step] = []
    t = 0.0
    for _ in range(50):
        doc = HumanMessage("Invoice:\n" + words(rng, rng.randint(300, 3500)))
        steps.append(Step(t, [system, doc], tools, tool_choice="emit_0"))
        t += rng.uniform(0.5, 12)
    return Workload("v2 batch extract", "claude-opus-4-5", steps)


def fleet_chat(seed: int = 66) -> Workload:
    """Ten sonnet-4-6 users behind 8 instances, requests dealt round-robin."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 3200, "You are the HR help desk."))
    steps: list[Step] = []
    for _ in range(10):
        t = rng.uniform(0, 180)
        msgs: list[BaseMessage] = [system]
        for _ in range(6):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(20, 120)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 80, 300)]
            t += rng.uniform(10, 120)
    ordered = _sorted(steps)
    for i, step in enumerate(ordered):
        step.instance = f"worker-{i % 8}"
    return Workload("v2 fleet of 8 chat", "claude-sonnet-4-6", ordered)


HOLDOUT_V2 = {
    w.__name__: w
    for w in (
        slow_support_haiku, tutor_bimodal, trimmed_window_agentless, summarising_memory,
        batch_extract_opus, fleet_chat,
    )
}
