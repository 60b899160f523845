"""Holdout v5 -- sealed: not to be tuned on.

Written on 2026-12-07 (second session of the day), BEFORE that session's planner changes
(automatic TTL on agent fleets, per-request dynamic system text on Haiku, pauses past the hour,
plan speed), on main at 5a49be9, by a helper who saw neither those changes nor any figure of the
planner on this set. Sealed: run once, by the lead, at the end of the session; diagnose on the
probe set (``_workloads_probe.py``), never on this one. If it is ever tuned on, docs/caching.md
must say so. ``tests/unit/project/test_benchmark_workloads.py`` pins a SHA-256 digest of
everything it sends, ``allow_1h`` marks included.

Every kind issue 12 names, with new seeds (601-610), models and sizes (system prompts from about
0.9k to 10.5k tokens, 0-12 tools; all six models): slow chats (6-50 min answers); one app with
fast, slow and step-away-once users whose tool set changes at a deploy mid-session; one app whose
conversations run under ``trim_messages`` by tokens or LangGraph ``RemoveMessage`` of the oldest
pair; a summarising memory triggered by a token count (inside a three-app workload with a slow
tutor and an extraction trickle through one planner); a Haiku chat whose system prompt ends in a
per-user line and a per-request clock and request id; batch extraction in bursts with one pause
past the hour; agent loops on one instance with 0-2 approval pauses of 5-40 min, a few of them
longer than an hour; 12 agent conversations sticky over 6 workers. Kinds no earlier set has:
agents whose pauses sometimes pass the hour, RAG whose user turns carry documents of a small
corpus as separate blocks (they recur across conversations), a chat whose tools change
mid-session at a deploy, extended-thinking agents with approval pauses.
Run: ``cache_workloads.py --holdout-v5`` (lead only, once).
"""

from __future__ import annotations

import random
from typing import Any

from _workload_parts import (
    agent_task_paused,
    chat,
    clock_text,
    drop_oldest_pair,
    request_id,
    shifting_chat,
    system_of,
    trim_by_tokens,
)
from _workloads_holdout import (
    Step,
    Workload,
    _agent_turn,
    _answer,
    _schema_tools,
    _sorted,
    tokens_words,
    words,
)
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately

THINKING = {"type": "enabled", "budget_tokens": 2048}


def _away_once(r: random.Random, turns: int, lo: float, hi: float) -> Any:
    """A user who answers in ``lo``-``hi`` seconds but steps away 10-40 min once."""
    away = r.randrange(1, turns - 1)
    return lambda g, turn: g.uniform(600, 2400) if turn == away else g.uniform(lo, hi)


def _pauses(rng: random.Random, steps_n: int, count: int, lo: float, hi: float) -> dict[int, float]:
    return {i: rng.uniform(lo, hi) for i in rng.sample(range(1, steps_n), count)}


def slow_chats_opus46(seed: int = 601) -> Workload:
    """Opus-4-6 (4096 min): 8.5k system, four chats whose users answer after 6-50 minutes."""
    rng = random.Random(seed)
    system = system_of(rng, 8500, "You are a tax preparation assistant.")
    steps: list[Step] = []
    for _ in range(4):
        steps += chat(rng, system, rng.randint(5, 8), lambda r, _t: r.uniform(360, 3000),
                      rng.uniform(0, 1800), answer=(120, 500))
    return Workload("v5 slow chats opus-4-6", "claude-opus-4-6", _sorted(steps), allow_1h=True)


def mixed_users_tools_deploy(seed: int = 602) -> Workload:
    """Sonnet-4-5, 9 users on one instance (fast, slow 6-45 min, fast-but-away-once) behind a
    1.4k system and 4 tools; a deploy at 40 min drops one tool and adds two (mid-session)."""
    rng = random.Random(seed)
    system = system_of(rng, 1400, "You are a travel insurance claims assistant.")
    before = _schema_tools(rng, 4, 60, "claims")
    after = before[:1] + before[2:] + _schema_tools(rng, 2, 60, "policy")
    steps: list[Step] = []
    for u in range(9):
        turns = rng.randint(6, 10)
        if u % 3 == 0:
            gap = lambda r, _t: r.uniform(10, 60)  # noqa: E731
        elif u % 3 == 1:
            gap = lambda r, _t: r.uniform(360, 2700)  # noqa: E731
        else:
            gap = _away_once(rng, turns, 15, 80)
        steps += chat(rng, system, turns, gap, rng.uniform(0, 2000))
    deployed = [Step(s.t, s.messages, before if s.t < 2400 else after) for s in steps]
    return Workload("v5 mixed users + deploy", "claude-sonnet-4-5", _sorted(deployed),
                    allow_1h=True)


def trim_and_remove_opus47(seed: int = 603) -> Workload:
    """Opus-4-7 (2048 min): 3.8k system + 5 tools; two conversations under ``trim_messages`` to
    3000 approximate tokens, two under ``RemoveMessage`` of the oldest pair (state of 8)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 5, 50)
    system = system_of(rng, 3800, "You are a procurement policy assistant.")
    steps: list[Step] = []
    for k in range(4):
        view = trim_by_tokens(3000) if k % 2 == 0 else drop_oldest_pair(8)
        steps += shifting_chat(rng, system, 12, rng.uniform(0, 400), view, tools,
                               gap=lambda r: r.uniform(15, 150))
    return Workload("v5 trim + remove pair", "claude-opus-4-7", _sorted(steps))


def dynamic_tail_haiku(seed: int = 604) -> Workload:
    """Haiku-4-5: 10.5k static rules, then a per-user line, then a per-request tail (clock to the
    second, request id): six users of 6-9 turns, some on a second instance."""
    rng = random.Random(seed)
    rules = words(rng, tokens_words(10500))
    steps: list[Step] = []
    for u in range(6):
        who = f"Signed-in user: member {rng.randrange(10**6):06d}, plan "
        who += rng.choice(("family", "solo", "business"))

        def system(t: float, who: str = who, r: random.Random = rng) -> SystemMessage:
            day, hms = clock_text(t, day0=3)
            return SystemMessage(f"You are a streaming service helper.\n{rules}\n{who}\n"
                                 f"Now: {day} {hms}. Request {request_id(r)}")

        steps += chat(rng, system, rng.randint(6, 9), lambda r, _t: r.uniform(15, 200),
                      rng.uniform(0, 2400), instance="main" if u % 3 else "second")
    return Workload("v5 dyn tail haiku", "claude-haiku-4-5", _sorted(steps))


def batch_bursts_sonnet46(seed: int = 605) -> Workload:
    """Sonnet-4-6: 2.2k instruction + forced output tool, 6 bursts of 5-16 documents (0.5-6 s
    apart), pauses of 4-35 min and one of 65-100 min."""
    rng = random.Random(seed)
    system = system_of(rng, 2200, "Extract the line items of the customs declaration.")
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 250, "declare")
    long_pause = rng.randrange(1, 5)
    steps: list[Step] = []
    t = 0.0
    for burst in range(6):
        for _ in range(rng.randint(5, 16)):
            doc = HumanMessage("Declaration:\n" + words(rng, rng.randint(400, 4000)))
            steps.append(Step(t, [system, doc], tools, tool_choice="declare_0"))
            t += rng.uniform(0.5, 6)
        t += rng.uniform(3900, 6000) if burst == long_pause else rng.uniform(240, 2100)
    return Workload("v5 batch bursts sonnet-4-6", "claude-sonnet-4-6", steps, allow_1h=True)


def agents_long_pauses_haiku(seed: int = 606) -> Workload:
    """Haiku-4-5, one instance: 3k system + 12 tools, 9 agent tasks with 0, 1 or 2 approvals of
    5-40 min; two tasks also wait 65-130 min once (the approver went home)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 12, 70)
    system = system_of(rng, 3000, "You are a cloud cost optimisation agent.")
    slow_tasks = set(rng.sample(range(9), 2))
    steps: list[Step] = []
    ident = [0]
    for task in range(9):
        n = rng.randint(5, 11)
        pauses = _pauses(rng, n, rng.choice((0, 0, 1, 1, 2)), 300, 2400)
        if task in slow_tasks:
            pauses[rng.randrange(1, n)] = rng.uniform(3900, 7800)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 5400), n, pauses, ident)
    return Workload("v5 agents pauses > 1h", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


def fleet_sticky_agents_opus47(seed: int = 607) -> Workload:
    """Opus-4-7 agents: 12 conversations sticky over 6 workers (``worker-{k % 6}``), 1.3k system
    + 7 tools, about half with one or two approval pauses of 5-30 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 7, 100)
    system = system_of(rng, 1300, "You are an HR onboarding agent.")
    steps: list[Step] = []
    ident = [0]
    for k in range(12):
        n = rng.randint(4, 9)
        pauses = _pauses(rng, n, rng.choice((0, 1, 2)), 300, 1800)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 2400), n, pauses, ident,
                                   instance=f"worker-{k % 6}")
    return Workload("v5 fleet sticky agents x6", "claude-opus-4-7", _sorted(steps), allow_1h=True)


def _thinking_task(
    rng: random.Random, system: SystemMessage, tools: list[dict[str, Any]], start: float,
    steps_n: int, pauses: dict[int, float], ident: list[int],
) -> list[Step]:
    """An agent loop whose assistant turns carry signed thinking blocks; ``pauses[i]`` seconds
    of human approval pass before step ``i``."""
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(50, 200)))]
    steps: list[Step] = []
    t = start
    for i in range(steps_n):
        t += pauses.get(i, 0.0)
        steps.append(Step(t, msgs, tools))
        fan = rng.choice((1, 1, 2, 3, 6))
        msgs = [*msgs, *_agent_turn(rng, ident, fan, tools, thinking=True)]
        t += rng.uniform(6, 45)
    return steps


def thinking_agents_opus45(seed: int = 608) -> Workload:
    """Opus-4-5 (4096 min) with extended thinking: 2.8k system + 10 tools, 6 tasks, some with an
    approval pause of 5-40 min, one with a pause of 70-120 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 10, 90)
    system = system_of(rng, 2800, "You are a database migration agent. Think before acting.")
    steps: list[Step] = []
    ident = [0]
    long_task = rng.randrange(6)
    for task in range(6):
        n = rng.randint(5, 9)
        pauses = _pauses(rng, n, rng.choice((0, 1, 1, 2)), 300, 2400)
        if task == long_task:
            pauses[rng.randrange(1, n)] = rng.uniform(4200, 7200)
        steps += _thinking_task(rng, system, tools, rng.uniform(0, 3600), n, pauses, ident)
    return Workload("v5 thinking agents opus-4-5", "claude-opus-4-5", _sorted(steps),
                    thinking=THINKING, allow_1h=True)


def _retrieved_turn(rng: random.Random, corpus: list[str]) -> HumanMessage:
    """A RAG user turn: 2-3 documents of the corpus, most relevant first, each its own block
    (popular documents come back often), then the question."""
    chosen = rng.choices(range(len(corpus)), weights=[8, 5, 4, 3, 2, 2, 1], k=6)
    picked = list(dict.fromkeys(chosen))[: rng.randint(2, 3)]
    blocks: list[str | dict[str, Any]] = [
        {"type": "text", "text": f"<doc id={i}>\n{corpus[i]}\n</doc>"} for i in picked
    ]
    blocks.append({"type": "text", "text": "Question: " + words(rng, rng.randint(10, 60))})
    return HumanMessage(content=blocks)


def rag_small_corpus_opus46(seed: int = 609) -> Workload:
    """Opus-4-6 (4096 min): a 0.9k system (below the minimum); each user turn carries 2-3 of 7
    product manuals (700-2400 words) as separate blocks; 14 conversations of 1-4 turns."""
    rng = random.Random(seed)
    system = system_of(rng, 900, "Answer only from the documents in the user's message.")
    corpus = [words(rng, rng.randint(700, 2400)) for _ in range(7)]
    steps: list[Step] = []
    for _ in range(14):
        t = rng.uniform(0, 3600)
        history: list[BaseMessage] = []
        for _ in range(rng.randint(1, 4)):
            history = [*history, _retrieved_turn(rng, corpus)]
            steps.append(Step(t, [system, *history]))
            history = [*history, _answer(rng, 80, 350)]
            t += rng.uniform(20, 240)
    return Workload("v5 RAG small corpus", "claude-opus-4-6", _sorted(steps))


def _summarising(rng: random.Random, system: SystemMessage, turns: int, start: float) -> list[Step]:
    """A summarising memory triggered by size: once the history passes 3000 approximate tokens,
    all but the previous exchange and the new question become one summary message (the prefix
    moves then only)."""
    state: list[BaseMessage] = []
    steps: list[Step] = []
    t = start
    for _ in range(turns):
        state = [*state, HumanMessage(words(rng, rng.randint(20, 120)))]
        if count_tokens_approximately(state) > 3000:
            summary = HumanMessage("Here is a summary of the conversation to date: "
                                   + words(rng, rng.randint(150, 400)))
            state = [summary, _answer(rng, 3, 8), *state[-3:]]
        steps.append(Step(t, [system, *state]))
        state = [*state, _answer(rng, 100, 380)]
        t += rng.uniform(20, 120)
    return steps


def three_apps_sonnet46(seed: int = 610) -> Workload:
    """Sonnet-4-6, one planner: a 1.6k-system chat under a summarising memory, a slow tutor
    (2.4k system + 2 tools, answers after 6-30 min) and an extraction trickle (3.2k instruction,
    forced tool, a document every 2-9 min)."""
    rng = random.Random(seed)
    memory = system_of(rng, 1600, "You are a wellbeing journaling companion.")
    tutor = system_of(rng, 2400, "You are a patient chemistry tutor.")
    tutor_tools = _schema_tools(rng, 2, 40, "quiz")
    extract = system_of(rng, 3200, "Extract the fields of the lab report.")
    report_tool: list[dict[str, Any]] = _schema_tools(rng, 1, 180, "report")
    steps: list[Step] = []
    for _ in range(4):
        steps += _summarising(rng, memory, 12, rng.uniform(0, 3000))
    for _ in range(3):
        more = chat(rng, tutor, 6, lambda r, _t: r.uniform(360, 1800), rng.uniform(0, 2400))
        steps += [Step(s.t, s.messages, tutor_tools) for s in more]
    t = rng.uniform(0, 600)
    for _ in range(18):
        doc = HumanMessage("Lab report:\n" + words(rng, rng.randint(250, 1800)))
        steps.append(Step(t, [extract, doc], report_tool, tool_choice="report_0"))
        t += rng.uniform(120, 540)
    return Workload("v5 three apps sonnet-4-6", "claude-sonnet-4-6", _sorted(steps),
                    allow_1h=True)


HOLDOUT_V5 = {
    w.__name__: w
    for w in (
        slow_chats_opus46, mixed_users_tools_deploy, trim_and_remove_opus47, dynamic_tail_haiku,
        batch_bursts_sonnet46, agents_long_pauses_haiku, fleet_sticky_agents_opus47,
        thinking_agents_opus45, rag_small_corpus_opus46, three_apps_sonnet46,
    )
}
