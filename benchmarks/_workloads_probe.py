"""Probe set: fresh workloads to find where the cache planner generalises badly.

Written on 2026-12-07, BEFORE any planner change of that session (issue 12 work), on main at
20c5907, and run once there (the "before" column). Unlike holdout v3 this set is meant to be
looked at: diagnose on it, then check on ``_workloads_holdout_v3.py`` (sealed).

It varies what the older sets never vary: one app with MIXED user speeds interleaved (20-90 s and
8-40 min users), gaps around the 5-minute edge (3.5-7 min), gaps beyond an hour (65-120 min, where
a 1h write is a pure loss), a user who is fast for 5 turns then away for 20 minutes; a 4096-minimum
model (opus-4-6) whose system prompt is below the minimum; LangGraph-style ``RemoveMessage`` of the
oldest pair each turn and ``trim_messages`` by tokens (the cut lands at varying points); dynamic
system text (date at the top, user name and locale in the middle, "Current time: HH:MM:SS" at the
end; retrieved snippets and a request UUID appended per request); batch extraction in bursts
separated by 10-30 minute pauses; an agent with large parallel tool results and a 10-20 minute
human-approval pause mid-loop; three apps with images through one planner; and a fleet with
seeded RANDOM assignment of requests to 8 workers. Run: ``cache_workloads.py --probe``.

Added later and tuned on (each docstring says so): agents with approval pauses (one instance,
sticky fleets), and, with the automatic-TTL work on fleets and long pauses, agents spread
round-robin over 8 workers, a Haiku app whose system prompt carries a date and a seconds clock,
and agents whose approvals mostly outlast the hour; and RAG chats whose user turns carry 2-3 of
7 popularity-weighted manuals before the question (two variants, see ``_rag_corpus``); and, with
the work on long first turns (a RAG chat app's first conversations, one-shot traffic), a RAG
chat app pasting its manuals into one text and an app serving one-shots and chats alike.
"""

from __future__ import annotations

import random
from typing import Any

from _workload_parts import (
    agent_task,
    agent_task_paused,
    between,
    chat,
    clock_text,
    drop_oldest_pair,
    png_data_url,
    request_id,
    shifting_chat,
    system_of,
    tool_loop_turn,
    trim_by_tokens,
)
from _workloads_holdout import Step, Workload, _schema_tools, _sorted, tokens_words, words
from _workloads_probe_rag import (
    one_shots_and_chats,
    rag_corpus_opus46,
    rag_corpus_sonnet46,
    rag_first_turns,
)
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage


def mixed_speeds(seed: int = 301) -> Workload:
    """Sonnet-4-6 app, 8 users on one instance: half answer in 20-90 s, half after 8-40 min."""
    rng = random.Random(seed)
    system = system_of(rng, 3500, "You are the insurance claims assistant.")
    steps: list[Step] = []
    for u in range(8):
        lo, hi = (20, 90) if u % 2 == 0 else (480, 2400)
        steps += chat(rng, system, 8, between(lo, hi),
                      rng.uniform(0, 600))
    return Workload("probe mixed speeds", "claude-sonnet-4-6", _sorted(steps), allow_1h=True)


def five_minute_edge(seed: int = 302) -> Workload:
    """Opus-4-7 chats whose users answer after 3.5-7 minutes: half the gaps just miss 5m."""
    rng = random.Random(seed)
    system = system_of(rng, 2600, "You are a legal drafting assistant.")
    steps: list[Step] = []
    for _ in range(3):
        steps += chat(rng, system, 10, lambda r, _t: r.uniform(210, 420), rng.uniform(0, 100))
    return Workload("probe 5-min edge 3.5-7m", "claude-opus-4-7", _sorted(steps), allow_1h=True)


def beyond_hour(seed: int = 303) -> Workload:
    """Haiku-4-5 (4096 min) chats with 65-120 minute gaps: no TTL reaches the next turn."""
    rng = random.Random(seed)
    system = system_of(rng, 5200, "You are a travel planner.")
    steps: list[Step] = []
    for _ in range(3):
        steps += chat(rng, system, 6, lambda r, _t: r.uniform(3900, 7200), rng.uniform(0, 300))
    return Workload("probe gaps 65-120m", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


def fast_then_away(seed: int = 304) -> Workload:
    """Sonnet-4-5: 5 quick turns (15-60 s), away 18-25 minutes, 5 quick turns, ... (3 rounds)."""
    rng = random.Random(seed)
    system = system_of(rng, 2400, "You are a coding helper.")

    def gap(r: random.Random, turn: int) -> float:
        return r.uniform(1080, 1500) if turn % 5 == 4 else r.uniform(15, 60)

    steps: list[Step] = []
    for _ in range(2):
        steps += chat(rng, system, 15, gap, rng.uniform(0, 120), answer=(150, 600))
    return Workload("probe fast then away 20m", "claude-sonnet-4-5", _sorted(steps),
                    allow_1h=True)


def below_min_opus46(seed: int = 305) -> Workload:
    """Opus-4-6 (4096 min): a 2.5k-token system below the minimum, chats that grow past it."""
    rng = random.Random(seed)
    system = system_of(rng, 2500, "You are a product manager's assistant.")
    steps: list[Step] = []
    for _ in range(3):
        steps += chat(rng, system, 9, lambda r, _t: r.uniform(20, 100), rng.uniform(0, 90),
                      answer=(200, 500))
    return Workload("probe opus-4-6 sys<min", "claude-opus-4-6", _sorted(steps))


def remove_oldest_pair(seed: int = 306) -> Workload:
    """Opus-4-7 with tools, LangGraph RemoveMessage of the oldest human/AI pair from turn 4 on."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 7, 90)
    system = system_of(rng, 2300, "You are a scheduling agent.")
    steps: list[Step] = []
    for _ in range(3):
        steps += shifting_chat(rng, system, 12, rng.uniform(0, 90), drop_oldest_pair(8), tools)
    return Workload("probe RemoveMessage pair", "claude-opus-4-7", _sorted(steps))


def trim_tokens(seed: int = 307) -> Workload:
    """Sonnet-4-6: ``trim_messages`` to 2000 approximate tokens; the cut moves every turn."""
    rng = random.Random(seed)
    system = system_of(rng, 1800, "You are a customer success agent.")
    steps: list[Step] = []
    for _ in range(3):
        steps += shifting_chat(rng, system, 14, rng.uniform(0, 60), trim_by_tokens(2000))
    return Workload("probe trim_messages tok", "claude-sonnet-4-6", _sorted(steps))


def dynamic_system(seed: int = 308) -> Workload:
    """Sonnet-4-5, 6 users: date on top, user name + locale in the middle, time (seconds) last."""
    rng = random.Random(seed)
    rules_a = words(rng, tokens_words(1500))
    rules_b = words(rng, tokens_words(1300))
    steps: list[Step] = []
    for u in range(6):
        who = f"User: {rng.choice(('Ana', 'Bo', 'Chen', 'Dita', 'Emre', 'Femi'))}-{u}; locale "
        who += rng.choice(("en-GB", "de-DE", "fr-FR", "ja-JP"))

        def system(t: float, who: str = who) -> SystemMessage:
            day, hms = clock_text(t)
            return SystemMessage(f"Today is {day}.\nYou are a banking assistant.\n{rules_a}\n"
                                 f"{who}\n{rules_b}\nCurrent time: {hms}")

        steps += chat(rng, system, 7, lambda r, _t: r.uniform(15, 120), rng.uniform(0, 1500))
    return Workload("probe dyn system 3 parts", "claude-sonnet-4-5", _sorted(steps))


def rag_system_snippets(seed: int = 309) -> Workload:
    """Opus-4-7: long static system + per-request retrieved snippets + request UUID appended."""
    rng = random.Random(seed)
    static = words(rng, tokens_words(3000))
    snippets = [words(rng, rng.randint(150, 500)) for _ in range(30)]
    steps: list[Step] = []
    t = 0.0
    for _ in range(40):
        chosen = rng.sample(range(30), rng.randint(2, 5))
        found = "\n".join(f"<snippet id={i}>{snippets[i]}</snippet>" for i in chosen)
        system = SystemMessage(f"You are a support search assistant.\n{static}\n"
                               f"Retrieved:\n{found}\nRequest-Id: {request_id(rng)}")
        steps.append(Step(t, [system, HumanMessage(words(rng, rng.randint(10, 50)))]))
        t += rng.uniform(2, 45)
    return Workload("probe RAG snippets in sys", "claude-opus-4-7", steps)


def batch_bursts(seed: int = 310) -> Workload:
    """Haiku-4-5: 6k instruction + forced output tool, bursts of 8-15 docs, 10-30 min pauses."""
    rng = random.Random(seed)
    system = system_of(rng, 6000, "Extract every field of the shipping manifest.")
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 250, "record")
    steps: list[Step] = []
    t = 0.0
    for _ in range(5):
        for _ in range(rng.randint(8, 15)):
            doc = HumanMessage("Manifest:\n" + words(rng, rng.randint(200, 2500)))
            steps.append(Step(t, [system, doc], tools, tool_choice="record_0"))
            t += rng.uniform(0.5, 8)
        t += rng.uniform(600, 1800)
    return Workload("probe batch bursts", "claude-haiku-4-5", steps, allow_1h=True)


def agent_approval_pause(seed: int = 311) -> Workload:
    """Sonnet-4-6 agent: parallel calls, results up to 3k words, a 10-20 min approval mid-loop."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 12, 100)
    system = system_of(rng, 2000, "You are a cloud operations agent.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(3):
        n = rng.randint(7, 10)
        more, t = agent_task(rng, system, tools, t, n, rng.randint(2, n - 2), (600, 1200), ident)
        steps += more
        t += rng.uniform(60, 300)
    return Workload("probe agent approval", "claude-sonnet-4-6", steps, allow_1h=True)


def _paused_task(
    rng: random.Random, system: SystemMessage, tools: list[dict[str, Any]], start: float,
    ident: list[int], instance: str = "main",
) -> tuple[list[Step], float]:
    """An agent loop of 6-12 steps; about half the tasks wait once for a human's approval
    (5-40 minutes), some twice. Added with the automatic-TTL work on agent pauses (tunable)."""
    n = rng.randint(6, 12)
    pauses = rng.choice((0, 0, 0, 1, 1, 1, 2))
    at = set(rng.sample(range(2, n), pauses))
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(40, 160)))]
    steps: list[Step] = []
    t = start
    for i in range(n):
        if i in at:
            t += rng.uniform(300, 2400)
        steps.append(Step(t, msgs, tools, instance))
        msgs = [*msgs, *tool_loop_turn(rng, ident, tools, rng.choice((1, 1, 2, 3)))]
        t += rng.uniform(3, 25)
    return steps, t


def agent_pauses(seed: int = 314) -> Workload:
    """Sonnet-4-6, one instance: 8 agent tasks one after another, about half with one or two
    approval pauses of 5-40 minutes (tuned on: written for the automatic-TTL work)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 10, 100)
    system = system_of(rng, 2500, "You are a release engineering agent.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(8):
        more, t = _paused_task(rng, system, tools, t, ident)
        steps += more
        t += rng.uniform(30, 400)
    return Workload("probe agent pauses", "claude-sonnet-4-6", steps, allow_1h=True)


def fleet_sticky_pauses(seed: int = 315) -> Workload:
    """Opus-4-7 agents: 12 tasks pinned to 8 sticky workers, started over 40 minutes, about
    half with approval pauses (tuned on: written for the automatic-TTL work)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 8, 110)
    system = system_of(rng, 3200, "You are an infrastructure change agent.")
    steps: list[Step] = []
    ident = [0]
    for k in range(12):
        more, _ = _paused_task(rng, system, tools, rng.uniform(0, 2400), ident,
                               instance=f"worker-{k % 8}")
        steps += more
    return Workload("probe sticky agent pauses", "claude-opus-4-7", _sorted(steps),
                    allow_1h=True)


def fleet_sticky_approvals(seed: int = 316) -> Workload:
    """Sonnet-4-6 agents: 10 tasks of 7-10 steps pinned to 8 sticky workers, large parallel tool
    results, every other task with one 10-20 minute approval (tuned on: automatic-TTL work)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 10, 90)
    system = system_of(rng, 2800, "You are a data pipeline agent.")
    steps: list[Step] = []
    ident = [0]
    for k in range(10):
        n = rng.randint(7, 10)
        more, _ = agent_task(rng, system, tools, rng.uniform(0, 1800), n,
                             rng.randint(2, n - 2) if k % 2 else None, (600, 1200), ident,
                             instance=f"worker-{k % 8}")
        steps += more
    return Workload("probe sticky approvals", "claude-sonnet-4-6", _sorted(steps),
                    allow_1h=True)


def apps_with_images(seed: int = 312) -> Workload:
    """Sonnet-4-5: three apps (own system prompts) through one planner; photos in user turns."""
    rng = random.Random(seed)
    heads = [system_of(rng, n, h) for n, h in ((2200, "You are a claims photo reviewer."),
                                               (1400, "You are a recipe helper."),
                                               (3100, "You are a property surveyor."))]
    steps: list[Step] = []
    for c in range(9):
        system = heads[c % 3]
        more = chat(rng, system, 5, lambda r, _t: r.uniform(10, 90), rng.uniform(0, 400))
        for i, step in enumerate(more):
            if i in (0, 2):
                last = step.messages[-1]
                side = rng.choice((400, 800, 1200))
                step.messages[-1] = HumanMessage(content=[
                    {"type": "image_url", "image_url": {"url": png_data_url(side, side)}},
                    {"type": "text", "text": str(last.content)}])
                for later in more[i + 1:]:
                    later.messages[len(step.messages) - 1] = step.messages[-1]
        steps += more
    return Workload("probe 3 apps + images", "claude-sonnet-4-5", _sorted(steps))


def fleet_random(seed: int = 313) -> Workload:
    """Twelve opus-4-7 users; each request goes to one of 8 workers at random (seeded)."""
    rng = random.Random(seed)
    system = system_of(rng, 3000, "You are the IT service desk.")
    steps: list[Step] = []
    for _ in range(12):
        steps += chat(rng, system, 6, lambda r, _t: r.uniform(15, 150), rng.uniform(0, 240))
    ordered = _sorted(steps)
    for step in ordered:
        step.instance = f"worker-{rng.randrange(8)}"
    return Workload("probe fleet random x8", "claude-opus-4-7", ordered)


def fleet_rr_approvals(seed: int = 321) -> Workload:
    """Sonnet-4-5 agents: 6 tasks of 7-11 steps started over 20 minutes, every request sent
    round-robin to one of 8 workers (a worker sees a task's steps only now and then), half the
    tasks waiting once for an 8-40 minute approval (added with the autottl work: tunable)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 9, 100)
    system = system_of(rng, 3000, "You are a billing operations agent.")
    steps: list[Step] = []
    ident = [0]
    for k in range(6):
        n = rng.randint(7, 11)
        more, _ = agent_task(rng, system, tools, rng.uniform(0, 1200), n,
                             rng.randint(2, n - 2) if k % 2 else None, (480, 2400), ident)
        steps += more
    ordered = _sorted(steps)
    for i, step in enumerate(ordered):
        step.instance = f"worker-{i % 8}"
    return Workload("probe fleet rr approvals", "claude-sonnet-4-5", ordered, allow_1h=True)


def dynamic_system_haiku(seed: int = 322) -> Workload:
    """Haiku-4-5 (4096 minimum): a 6k-token system prompt headed by the date (it changes at
    midnight) and ending with the user's line and the request's time to the second; 8 users,
    half answering in 15-90 s, half after 6-40 minutes (added with the autottl work: tunable)."""
    rng = random.Random(seed)
    rules = words(rng, tokens_words(6000))
    steps: list[Step] = []
    for u in range(8):
        who = f"Signed-in user: {rng.choice(('Ines', 'Jon', 'Kofi', 'Lea'))}-{u}"

        def system(t: float, who: str = who) -> SystemMessage:
            day, hms = clock_text(t, 21)
            return SystemMessage(f"Date: {day}\nYou are a pharmacy help desk.\n{rules}\n"
                                 f"{who}\nRequest time: {hms}")

        lo, hi = (15, 90) if u % 2 == 0 else (360, 2400)
        steps += chat(rng, system, 7, between(lo, hi), rng.uniform(0, 2400))
    return Workload("probe dyn system haiku", "claude-haiku-4-5", _sorted(steps),
                    allow_1h=True)


def agent_long_pauses(seed: int = 323) -> Workload:
    """Sonnet-4-6, one instance: 7 agent tasks, most waiting once or twice for an approval
    that takes 1-3 hours (a few 10-40 minutes): heads written for the hour expire unread
    (added with the autottl work: tunable)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 8, 100)
    system = system_of(rng, 2800, "You are a procurement agent.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(7):
        n = rng.randint(6, 10)
        at = rng.sample(range(2, n), rng.choice((1, 1, 2)))
        pauses = {i: (rng.uniform(3600, 10800) if rng.random() < 0.75
                      else rng.uniform(600, 2400)) for i in at}
        more = agent_task_paused(rng, system, tools, t, n, pauses, ident)
        steps += more
        t = more[-1].t + rng.uniform(60, 900)
    return Workload("probe agent pauses 1-3h", "claude-sonnet-4-6", steps, allow_1h=True)


PROBE = {
    w.__name__: w
    for w in (
        mixed_speeds, five_minute_edge, beyond_hour, fast_then_away, below_min_opus46,
        remove_oldest_pair, trim_tokens, dynamic_system, rag_system_snippets, batch_bursts,
        agent_approval_pause, apps_with_images, fleet_random, agent_pauses,
        fleet_sticky_pauses, fleet_sticky_approvals, fleet_rr_approvals, dynamic_system_haiku,
        agent_long_pauses, rag_corpus_opus46, rag_corpus_sonnet46, rag_first_turns,
        one_shots_and_chats,
    )
}
