"""Holdout v6 -- sealed: not to be tuned on.

Written on 2026-12-07 (fourth session of the day), BEFORE that session's planner changes (the
prior for a long first user turn, the automatic 5m/1h choice on agent traffic with pauses of
5 min-3 h, plan speed), on main at 4d038dd, by a helper who saw neither those changes nor any
figure of the planner on this set. Sealed: run once, by the lead, at the end of the session;
diagnose on the probe set (``_workloads_probe.py``), never on this one. If it is ever tuned on,
docs/caching.md must say so. ``tests/unit/project/test_benchmark_workloads.py`` pins a SHA-256
digest of everything it sends, ``allow_1h`` marks included.

Every kind issue 12 names, with new seeds (701-712), models and sizes (system prompts of about
1k to 11k tokens, 0-14 tools, each of the six models twice): slow chats (6-50 min answers); a
Haiku app with fast, slow, mixed-speed and step-away-once users; one app whose conversations run
under ``trim_messages`` by tokens, LangGraph ``RemoveMessage`` of the oldest pair or a
summarising memory rewritten every fourth turn; per-request dynamic text (clock, retrieved
account notes) at the end of a long system prompt; batch extraction in bursts (3-50 min pauses)
whose head passes the minimum only with its output tool; agents on one instance with 0-2
approval pauses of 5-40 min; 12 agent conversations round-robin over 6 workers; RAG chats from
app start whose first user turn carries 3-5 passages of a large corpus and whose second turns
come after 20 s-3 min; one app where some requests are one-shots with a long prompt and others
open chats; agents with random human pauses of 5 min-3 h, on one instance (extended thinking)
and sticky over 6 workers. Kinds no earlier set has: a scheduled report agent that runs every
50-70 minutes (gaps around the 1h TTL), a few-shot classifier whose fixed example exchanges are
a message prefix shared by every request under a system prompt below the minimum, a canvas
editor whose live document closes the system prompt and is edited on some turns (those three
apps through one planner), chats where the user pastes a long document mid-conversation.
Sizes are ``system_of`` targets (the emulator counts about a quarter more); every claim below
about a per-model minimum holds for the emulator's count.
Run: ``cache_workloads.py --holdout-v6`` (lead only, once).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from _workload_parts import (
    agent_task_paused,
    between,
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
    _agent_turn,
    _answer,
    _schema_tools,
    _sorted,
    tokens_words,
    words,
)
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

THINKING = {"type": "enabled", "budget_tokens": 3072}
ChatGap = Callable[[random.Random, int], float]
View = Callable[[list[BaseMessage], int], list[BaseMessage]]


def _away_once(r: random.Random, turns: int) -> ChatGap:
    """A fast user (15-90 s) who steps away 10-40 min once, at a random turn."""
    away = r.randrange(1, turns - 1)
    return lambda g, turn: g.uniform(600, 2400) if turn == away else g.uniform(15, 90)


def _mixed_speed(g: random.Random, _turn: int) -> float:
    """A user whose speed changes turn by turn: 20-120 s mostly, 6-30 min two times in five."""
    return g.uniform(20, 120) if g.random() < 0.6 else g.uniform(360, 1800)


def _pauses(rng: random.Random, steps_n: int, count: int, lo: float, hi: float) -> dict[int, float]:
    """``count`` approvals of ``lo``-``hi`` seconds, never before the first step."""
    return {i: rng.uniform(lo, hi) for i in rng.sample(range(1, steps_n), count)}


def _human_pauses(rng: random.Random, steps_n: int, count: int) -> dict[int, float]:
    """``count`` human pauses, log-uniform between 5 minutes and 3 hours (most are short)."""
    at = rng.sample(range(1, steps_n), min(count, steps_n - 1))
    return {i: math.exp(rng.uniform(math.log(300), math.log(10800))) for i in at}


def _with(steps: list[Step], tools: list[dict[str, Any]]) -> list[Step]:
    """The same steps with the app's tools bound (``chat`` builds tool-less steps)."""
    return [Step(s.t, s.messages, tools, s.instance, s.tool_choice) for s in steps]


def slow_chats_opus47(seed: int = 701) -> Workload:
    """Opus-4-7 (2048 min): 3k system + 3 tools, five tutoring chats answered after 6-50 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 3, 50, "lookup")
    system = system_of(rng, 3000, "You are an online tutor for statistics students.")
    steps: list[Step] = []
    for _ in range(5):
        steps += chat(rng, system, rng.randint(4, 8), between(360, 3000), rng.uniform(0, 2400),
                      answer=(150, 550))
    return Workload("v6 slow chats opus-4-7", "claude-opus-4-7", _sorted(_with(steps, tools)),
                    allow_1h=True)


def mixed_speeds_haiku(seed: int = 702) -> Workload:
    """Haiku-4-5: an 11k system, 10 users on one instance: fast (10-70 s), slow (6-50 min),
    speed changing turn by turn, fast but away 10-40 min once."""
    rng = random.Random(seed)
    system = system_of(rng, 11000, "You are the help desk of a payroll software vendor.")
    steps: list[Step] = []
    for u in range(10):
        turns = rng.randint(5, 9)
        gaps: tuple[ChatGap, ...] = (between(10, 70), between(360, 3000), _mixed_speed,
                                     _away_once(rng, turns))
        steps += chat(rng, system, turns, gaps[u % 4], rng.uniform(0, 2700))
    return Workload("v6 mixed speeds haiku", "claude-haiku-4-5", _sorted(steps), allow_1h=True)


def _summary_every(period: int, keep: int, seed: int) -> View:
    """A summarising memory rewritten every ``period`` turns: the history before the last
    ``keep`` messages becomes one summary (the same text until the next rewrite)."""
    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        at = (turn // period) * period
        if at == 0:
            return history
        r = random.Random(seed * 1000 + at)
        text = words(r, r.randint(120, 350))
        summary = HumanMessage("Summary of our conversation so far: " + text)
        return [summary, AIMessage("Noted."), *history[2 * at - keep:]]
    return view


def shifting_histories_sonnet46(seed: int = 703) -> Workload:
    """Sonnet-4-6: a 1k system + 2 tools (a short head); six conversations of 10-14 turns
    under ``trim_messages`` to 2500 approximate tokens, ``RemoveMessage`` of the oldest pair
    (state of 6), or a summary rewritten every fourth turn (last 4 messages kept)."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 2, 40, "crm")
    system = system_of(rng, 1000, "You are a sales enablement assistant.")
    steps: list[Step] = []
    for k in range(6):
        views = (trim_by_tokens(2500), drop_oldest_pair(6), _summary_every(4, 4, seed + k))
        steps += shifting_chat(rng, system, rng.randint(10, 14), rng.uniform(0, 900), views[k % 3],
                               tools, gap=lambda r: r.uniform(15, 120))
    return Workload("v6 shifting histories", "claude-sonnet-4-6", _sorted(steps))


def dynamic_system_opus46(seed: int = 704) -> Workload:
    """Opus-4-6 (4096 min): 4.8k static rules, then per user a customer line and per request the
    local time and retrieved account notes; seven users on two web workers."""
    rng = random.Random(seed)
    rules = words(rng, tokens_words(4800))
    steps: list[Step] = []
    for u in range(7):
        who = f"Customer: {rng.choice(('Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Farah'))} "
        who += f"{rng.randrange(10**4):04d}, tier {rng.choice(('basic', 'plus', 'private'))}"

        def system(t: float, who: str = who, r: random.Random = rng) -> SystemMessage:
            day, hms = clock_text(t, day0=21)
            notes = words(r, r.randint(20, 70))
            return SystemMessage(f"You are a bank's mortgage help desk.\n{rules}\n{who}\n"
                                 f"Local time: {day} {hms[:5]}\nRelevant account notes: {notes}")

        steps += chat(rng, system, rng.randint(5, 9), between(20, 200), rng.uniform(0, 2400),
                      instance=f"web-{u % 2}")
    return Workload("v6 dyn system opus-4-6", "claude-opus-4-6", _sorted(steps))


def batch_bursts_opus45(seed: int = 705) -> Workload:
    """Opus-4-5 (4096 min): a 3.1k instruction (under the minimum alone) + a forced output tool
    with a long schema; 7 bursts of 4-14 documents 1-8 s apart, pauses of 3-50 min."""
    rng = random.Random(seed)
    tools: list[dict[str, Any]] = _schema_tools(rng, 1, 350, "record")
    system = system_of(rng, 3100, "Extract every obligation of the supplier contract.")
    steps: list[Step] = []
    t = 0.0
    for _ in range(7):
        for _ in range(rng.randint(4, 14)):
            doc = HumanMessage("Contract:\n" + words(rng, rng.randint(300, 5000)))
            steps.append(Step(t, [system, doc], tools, tool_choice="record_0"))
            t += rng.uniform(1, 8)
        t += rng.uniform(180, 3000)
    return Workload("v6 batch bursts opus-4-5", "claude-opus-4-5", steps, allow_1h=True)


def agents_approvals_sonnet45(seed: int = 706) -> Workload:
    """Sonnet-4-5, one instance: 2k system + 14 tools, 9 overlapping agent tasks with large tool
    results; each has 0, 1 or 2 human approvals of 5-40 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 14, 60)
    system = system_of(rng, 2000, "You are a release engineering agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(9):
        n = rng.randint(5, 10)
        pauses = _pauses(rng, n, rng.choice((0, 0, 1, 1, 2)), 300, 2400)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 5400), n, pauses, ident)
    return Workload("v6 agents 0-2 approvals", "claude-sonnet-4-5", _sorted(steps), allow_1h=True)


def fleet_rr_agents_haiku(seed: int = 707) -> Workload:
    """Haiku-4-5: 4.5k system + 6 tools, 12 agent conversations whose requests go round-robin
    over 6 workers (``worker-{k}``); most have one or two approvals of 5-40 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 6, 120)
    system = system_of(rng, 4500, "You are an IT asset inventory agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(12):
        n = rng.randint(4, 8)
        pauses = _pauses(rng, n, rng.choice((0, 1, 1, 2)), 300, 2400)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 2400), n, pauses, ident)
    ordered = _sorted(steps)
    for k, step in enumerate(ordered):
        step.instance = f"worker-{k % 6}"
    return Workload("v6 fleet rr agents haiku", "claude-haiku-4-5", ordered, allow_1h=True)


def _report_runs(rng: random.Random, runs: int, ident: list[int]) -> list[Step]:
    """A scheduled report agent: a 3-6 step tool loop every 50-70 minutes (around the 1h TTL)."""
    tools = _schema_tools(rng, 5, 90, "metrics")
    system = system_of(rng, 2600, "You write the operations report for the last hour.")
    steps: list[Step] = []
    t = rng.uniform(0, 600)
    for _ in range(runs):
        steps += agent_task_paused(rng, system, tools, t, rng.randint(3, 6), {}, ident)
        t += rng.uniform(3000, 4200)
    return steps


def _classifier(rng: random.Random, requests: int) -> list[Step]:
    """A few-shot ticket classifier: a 1k system (under the minimum) and 10 fixed example
    exchanges shared by every request, then the new ticket; one every 2-15 minutes."""
    system = system_of(rng, 1000, "Classify the support ticket. Answer in JSON.")
    examples: list[BaseMessage] = []
    for _ in range(10):
        ticket = HumanMessage("Ticket:\n" + words(rng, rng.randint(100, 300)))
        label = f'{{"queue": "q{rng.randrange(8)}", "urgency": {rng.randrange(4)}}}'
        examples += [ticket, AIMessage(label)]
    steps: list[Step] = []
    t = rng.uniform(0, 300)
    for _ in range(requests):
        ticket = HumanMessage("Ticket:\n" + words(rng, rng.randint(60, 400)))
        steps.append(Step(t, [system, *examples, ticket]))
        t += rng.uniform(120, 900)
    return steps


def _canvas(rng: random.Random, static: str, start: float, turns: int) -> list[Step]:
    """A canvas editor: the live document closes the system prompt; after 3 turns in 5 an edit
    replaces one of its paragraphs, so the system text changes from that paragraph on."""
    paragraphs = [words(rng, rng.randint(120, 300)) for _ in range(rng.randint(8, 12))]
    history: list[BaseMessage] = []
    steps: list[Step] = []
    t = start
    for _ in range(turns):
        document = "\n\n".join(paragraphs)
        system = SystemMessage(f"{static}\n<document>\n{document}\n</document>")
        history = [*history, HumanMessage(words(rng, rng.randint(10, 50)))]
        steps.append(Step(t, [system, *history]))
        history = [*history, _answer(rng, 40, 200)]
        if rng.random() < 0.6:
            paragraphs[rng.randrange(len(paragraphs))] = words(rng, rng.randint(120, 300))
        t += rng.uniform(20, 240)
    return steps


def three_new_apps_opus47(seed: int = 708) -> Workload:
    """Opus-4-7 (2048 min), one planner over five hours: a scheduled report agent (2.6k system +
    5 tools, every 50-70 min), a few-shot classifier trickle and three canvas sessions."""
    rng = random.Random(seed)
    ident = [0]
    steps = _report_runs(rng, 5, ident) + _classifier(rng, 34)
    static = "You are a writing assistant working on the user's document.\n" + words(rng, 1000)
    for _ in range(3):
        steps += _canvas(rng, static, rng.uniform(0, 16000), rng.randint(8, 12))
    return Workload("v6 three new apps opus-4-7", "claude-opus-4-7", _sorted(steps),
                    allow_1h=True)


def rag_first_turns_sonnet45(seed: int = 709) -> Workload:
    """Sonnet-4-5 from app start: a 1k system (just above 1024); 16 RAG chats whose first turn
    carries 3-5 of 30 passages (400-1500 words, each a block) before the question; 0-3 short
    follow-ups after 20 s-3 min; a new chat every 5 s-4 min."""
    rng = random.Random(seed)
    system = system_of(rng, 1000, "Answer from the passages only and cite their ids.")
    corpus = [words(rng, rng.randint(400, 1500)) for _ in range(30)]
    steps: list[Step] = []
    t = 0.0
    for _ in range(16):
        blocks: list[str | dict[str, Any]] = [
            {"type": "text", "text": f"<passage id={i}>\n{corpus[i]}\n</passage>"}
            for i in rng.sample(range(30), rng.randint(3, 5))
        ]
        blocks.append({"type": "text", "text": "Question: " + words(rng, rng.randint(10, 50))})
        history: list[BaseMessage] = [HumanMessage(content=blocks)]
        at = t
        for turn in range(1 + rng.choice((0, 1, 1, 2, 3))):
            if turn:
                history = [*history, _answer(rng, 100, 400),
                           HumanMessage(words(rng, rng.randint(8, 60)))]
                at += rng.uniform(20, 180)
            steps.append(Step(at, [system, *history]))
        t += rng.uniform(5, 240)
    return Workload("v6 RAG first turns", "claude-sonnet-4-5", _sorted(steps))


def _session(rng: random.Random, system: SystemMessage, start: float, kind: int) -> list[Step]:
    """kind 0: a one-shot with a long pasted text; 1: a chat of 3-7 short turns; 2: a chat where
    the user pastes a long document at turn 2 or 3 and goes on with short questions."""
    turns = 1 if kind == 0 else rng.randint(3, 7)
    paste_at = 0 if kind == 0 else (rng.randint(1, 2) if kind == 2 else -1)
    history: list[BaseMessage] = []
    steps: list[Step] = []
    t = start
    for turn in range(turns):
        text = words(rng, rng.randint(15, 80))
        if turn == paste_at:
            text = "Here is the text:\n" + words(rng, rng.randint(1500, 5000)) + "\n" + text
        history = [*history, HumanMessage(text)]
        steps.append(Step(t, [system, *history]))
        history = [*history, _answer(rng, 80, 400)]
        t += rng.uniform(15, 150)
    return steps


def oneshots_and_chats_sonnet46(seed: int = 710) -> Workload:
    """Sonnet-4-6, one app (2.5k system + 2 tools): 20 sessions started over an hour, about 2 in
    5 one-shots with a long pasted text, the rest chats, some pasting a document mid-way."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 2, 70, "docs")
    system = system_of(rng, 2500, "You are a research assistant for a law firm.")
    steps: list[Step] = []
    for _ in range(20):
        steps += _session(rng, system, rng.uniform(0, 3600), rng.choice((0, 0, 1, 1, 2)))
    return Workload("v6 one-shots + chats", "claude-sonnet-4-6", _sorted(_with(steps, tools)))


def _thinking_task(
    rng: random.Random, system: SystemMessage, tools: list[dict[str, Any]], start: float,
    steps_n: int, pauses: dict[int, float], ident: list[int],
) -> list[Step]:
    """An agent loop whose assistant turns carry signed thinking blocks; ``pauses[i]`` seconds
    of human waiting pass before step ``i``."""
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(40, 180)))]
    steps: list[Step] = []
    t = start
    for i in range(steps_n):
        t += pauses.get(i, 0.0)
        steps.append(Step(t, msgs, tools))
        msgs = [*msgs, *_agent_turn(rng, ident, rng.choice((1, 1, 2, 4)), tools, thinking=True)]
        t += rng.uniform(8, 50)
    return steps


def thinking_agents_pauses_opus46(seed: int = 711) -> Workload:
    """Opus-4-6 with extended thinking, one instance: 6k system + 9 tools, 7 agent tasks one
    after another, each with 0-3 human pauses log-uniform in 5 min-3 h."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 9, 80)
    system = system_of(rng, 6000, "You are a security incident response agent. Think first.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(7):
        n = rng.randint(5, 9)
        more = _thinking_task(rng, system, tools, t, n,
                              _human_pauses(rng, n, rng.choice((0, 1, 1, 2, 3))), ident)
        steps += more
        t = more[-1].t + rng.uniform(30, 1200)
    return Workload("v6 thinking agents 5m-3h", "claude-opus-4-6", steps, thinking=THINKING,
                    allow_1h=True)


def fleet_sticky_pauses_opus45(seed: int = 712) -> Workload:
    """Opus-4-5 (4096 min): 2.9k system + 11 tools (the head passes the minimum with them); 12
    agent conversations sticky over 6 workers, 0-2 human pauses log-uniform in 5 min-3 h."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 11, 80)
    system = system_of(rng, 2900, "You are a logistics exception handling agent.")
    steps: list[Step] = []
    ident = [0]
    for k in range(12):
        n = rng.randint(4, 9)
        pauses = _human_pauses(rng, n, rng.choice((0, 1, 1, 2)))
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 3600), n, pauses, ident,
                                   instance=f"worker-{k % 6}")
    return Workload("v6 fleet sticky 5m-3h", "claude-opus-4-5", _sorted(steps), allow_1h=True)


HOLDOUT_V6 = {
    w.__name__: w
    for w in (
        slow_chats_opus47, mixed_speeds_haiku, shifting_histories_sonnet46, dynamic_system_opus46,
        batch_bursts_opus45, agents_approvals_sonnet45, fleet_rr_agents_haiku,
        three_new_apps_opus47, rag_first_turns_sonnet45, oneshots_and_chats_sonnet46,
        thinking_agents_pauses_opus46, fleet_sticky_pauses_opus45,
    )
}
