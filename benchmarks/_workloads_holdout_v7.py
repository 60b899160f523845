"""Holdout v7 -- sealed: not to be tuned on.

Written on 2026-12-08 (sixth planner session: fleets learning from usage when siblings serve
the same conversations, placement / selection rules where a fixed rule wins), on main at 7e3baa3
(main at the start of that session), by a helper who saw neither that session's planner changes
nor any figure. Sealed: run once, by the lead, at the end of the session; diagnose on the probe
set (``_workloads_probe.py``), never on this one; if it is ever tuned on, docs/caching.md must
say so. ``tests/unit/project/test_benchmark_workloads.py`` pins a SHA-256 digest of everything
it sends, ``allow_1h`` marks included.

Every kind issue 12 names, new seeds (801-812), all six models, systems of 1.5k-9k tokens, 0-18
tools: slow chats (6-50 min) on 8 round-robin workers; mixed-speed and step-away-once users;
``trim_messages`` by tokens, ``RemoveMessage`` of the oldest pair, a summarising memory; dynamic
system text; batch extraction in bursts; agents with 0-2 approvals of 5-40 min on one instance
and round-robin over 6 workers; apps through one planner; RAG chats from app start (long first
turn, second turns after 20 s-3 min) sticky over 8 workers; long one-shots mixed with chats;
agents with human pauses of 5 min-3 h (extended thinking on one instance; 8 round-robin
workers). New kinds: the system prompt as two blocks (static, then per-request), compaction at
a token threshold, chats connecting a tool server mid-conversation, tenants with their own
prompts (one redeployed mid-run), a sticky fleet whose worker dies and restarts fresh, agent
pauses past the hour as often as under it. Sizes: ``system_of`` targets. Run once, by the lead:
``cache_workloads.py --holdout-v7``.
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
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import count_tokens_approximately

THINKING = {"type": "enabled", "budget_tokens": 2048}
ChatGap = Callable[[random.Random, int], float]
View = Callable[[list[BaseMessage], int], list[BaseMessage]]
Tools = list[dict[str, Any]]


def _away_once(r: random.Random, turns: int) -> ChatGap:
    """A fast user (10-80 s) who steps away 10-40 min once, at a random turn."""
    away = r.randrange(1, turns - 1)
    return lambda g, turn: g.uniform(600, 2400) if turn == away else g.uniform(10, 80)


def _mixed_speed(g: random.Random, _turn: int) -> float:
    """A user whose speed changes turn by turn: 15-100 s half the time, else 6-40 min."""
    return g.uniform(15, 100) if g.random() < 0.5 else g.uniform(360, 2400)


def _pauses(rng: random.Random, steps_n: int, count: int, kind: str) -> dict[int, float]:
    """``count`` human pauses, never before the first step: "approval" 5-40 min; "long" half of
    5-40 min, half of 65 min-3 h; "log" log-uniform in 5 min-3 h (most are short)."""
    def one() -> float:
        if kind == "log":
            return math.exp(rng.uniform(math.log(300), math.log(10800)))
        if kind == "long" and rng.random() < 0.5:
            return rng.uniform(3900, 10800)
        return rng.uniform(300, 2400)
    return {i: one() for i in rng.sample(range(1, steps_n), min(count, steps_n - 1))}


def _with(steps: list[Step], tools: Tools) -> list[Step]:
    """The same steps with the app's tools bound (``chat`` builds tool-less steps)."""
    return [Step(s.t, s.messages, tools, s.instance, s.tool_choice) for s in steps]


def _round_robin(steps: list[Step], workers: int) -> list[Step]:
    """Time-ordered steps spread over ``worker-{k}`` by a round-robin balancer."""
    ordered = _sorted(steps)
    return [Step(s.t, s.messages, s.tools, f"worker-{k % workers}", s.tool_choice)
            for k, s in enumerate(ordered)]


def fleet_rr_slow_chats_sonnet46(seed: int = 801) -> Workload:
    """Sonnet-4-6: 5.5k system + 4 tools, 8 support chats answered after 6-50 min, every
    request sent to the next of 8 workers by a round-robin balancer."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 4, 70, "kb")
    system = system_of(rng, 5500, "You are the support desk of a home insurance company.")
    steps: list[Step] = []
    for _ in range(8):
        steps += chat(rng, system, rng.randint(4, 7), between(360, 3000), rng.uniform(0, 3000))
    return Workload("v7 fleet rr slow chats", "claude-sonnet-4-6",
                    _round_robin(_with(steps, tools), 8), allow_1h=True)


def mixed_speeds_opus45(seed: int = 802) -> Workload:
    """Opus-4-5 (4096 min): a 6.5k system, 11 users on one instance: fast (10-60 s), slow
    (6-50 min), speed changing turn by turn, fast but away 10-40 min once."""
    rng = random.Random(seed)
    system = system_of(rng, 6500, "You are a travel agency's booking assistant.")
    steps: list[Step] = []
    for u in range(11):
        turns = rng.randint(4, 9)
        gaps: tuple[ChatGap, ...] = (_away_once(rng, turns), between(10, 60), _mixed_speed,
                                     between(360, 3000))
        steps += chat(rng, system, turns, gaps[u % 4], rng.uniform(0, 3000), answer=(80, 350))
    return Workload("v7 mixed speeds opus-4-5", "claude-opus-4-5", _sorted(steps), allow_1h=True)


def _summary_every(period: int, keep: int, seed: int) -> View:
    """A summarising memory rewritten every ``period`` turns: the history before the last
    ``keep`` messages becomes one summary (the same text until the next rewrite)."""
    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        at = (turn // period) * period
        if at == 0:
            return history
        r = random.Random(seed * 1000 + at)
        summary = HumanMessage("Conversation summary: " + words(r, r.randint(150, 400)))
        return [summary, AIMessage("Noted."), *history[2 * at - keep:]]
    return view


def _compact_over(limit: int, seed: int) -> View:
    """Compaction at a threshold (agent-CLI style): once the sent history passes ``limit``
    approximate tokens, everything but the new user turn becomes one summary, and the history
    grows again from there (called once per turn, in order)."""
    state: dict[str, Any] = {"cut": 0, "head": []}

    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        if count_tokens_approximately([*state["head"], *history[state["cut"]:]]) > limit:
            r = random.Random(seed * 1000 + turn)
            text = "Summary of the work so far: " + words(r, r.randint(200, 450))
            state.update(cut=len(history) - 1, head=[HumanMessage(text), AIMessage("Continuing.")])
        return [*state["head"], *history[state["cut"]:]]
    return view


def shifting_histories_haiku(seed: int = 803) -> Workload:
    """Haiku-4-5 (4096 min): 4.2k system + 3 tools; eight conversations of 9-15 turns under
    ``trim_messages`` to 3000 approximate tokens, ``RemoveMessage`` of the oldest pair (state of
    8), a summary rewritten every third turn (last 2 kept), or compaction past 3500 tokens."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 3, 60, "orders")
    system = system_of(rng, 4200, "You are a wholesale order desk assistant.")
    steps: list[Step] = []
    for k in range(8):
        views = (trim_by_tokens(3000), drop_oldest_pair(8), _summary_every(3, 2, seed + k),
                 _compact_over(3500, seed + k))
        steps += shifting_chat(rng, system, rng.randint(9, 15), rng.uniform(0, 1200), views[k % 4],
                               tools, gap=lambda r: r.uniform(10, 150))
    return Workload("v7 shifting histories haiku", "claude-haiku-4-5", _sorted(steps))


def dynamic_block_sonnet45(seed: int = 804) -> Workload:
    """Sonnet-4-5: the system prompt as two content blocks, 2.4k static rules then a per-request
    block (user, clock to the second, request id); 3 tools, nine users, one instance."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 3, 50, "hr")
    rules = "You are an HR policy assistant.\n" + words(rng, tokens_words(2400))
    steps: list[Step] = []
    for _ in range(9):
        who = f"{rng.choice(('Ines', 'Jon', 'Kai', 'Lea', 'Mo', 'Nia'))} ({rng.randrange(900)})"

        def system(t: float, who: str = who, r: random.Random = rng) -> SystemMessage:
            clock = f"{int(t) // 3600 + 8:02d}:{int(t) // 60 % 60:02d}:{int(t) % 60:02d}"
            tail = f"User: {who}\nTime: {clock}\nRequest: {request_id(r)}"
            return SystemMessage(content=[{"type": "text", "text": rules},
                                          {"type": "text", "text": tail}])

        steps += chat(rng, system, rng.randint(4, 9), between(15, 240), rng.uniform(0, 2700))
    return Workload("v7 dyn system block", "claude-sonnet-4-5", _sorted(_with(steps, tools)))


def batch_bursts_opus46(seed: int = 805) -> Workload:
    """Opus-4-6 (4096 min): a 4.6k instruction + a forced output tool; 6 bursts of 6-18
    documents 0.5-5 s apart, pauses of 2-70 min (some past the hour)."""
    rng = random.Random(seed)
    tools: Tools = _schema_tools(rng, 1, 200, "extract")
    system = system_of(rng, 4600, "Extract every adverse event from the clinical report.")
    steps: list[Step] = []
    t = 0.0
    for _ in range(6):
        for _ in range(rng.randint(6, 18)):
            doc = HumanMessage("Report:\n" + words(rng, rng.randint(200, 4000)))
            steps.append(Step(t, [system, doc], tools, tool_choice="extract_0"))
            t += rng.uniform(0.5, 5)
        t += rng.uniform(120, 4200)
    return Workload("v7 batch bursts opus-4-6", "claude-opus-4-6", steps, allow_1h=True)


def agents_approvals_opus47(seed: int = 806) -> Workload:
    """Opus-4-7 (2048 min), one instance: 1.6k system + 18 tools, 10 overlapping agent tasks;
    each has 0, 1 or 2 human approvals of 5-40 min."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 18, 45)
    system = system_of(rng, 1600, "You are a database migration agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(10):
        n = rng.randint(4, 11)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 4800), n,
                                   _pauses(rng, n, rng.choice((0, 1, 1, 2)), "approval"), ident)
    return Workload("v7 agents approvals", "claude-opus-4-7", _sorted(steps), allow_1h=True)


def fleet_rr_agents_opus46(seed: int = 807) -> Workload:
    """Opus-4-6 (4096 min): 3.4k system + 8 tools, 12 agent conversations whose requests go
    round-robin over 6 workers (``worker-{k}``); 0-2 approvals of 5-40 min each."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 8, 90)
    system = system_of(rng, 3400, "You are a payments reconciliation agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(12):
        n = rng.randint(4, 9)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 3000), n,
                                   _pauses(rng, n, rng.choice((0, 1, 2)), "approval"), ident)
    return Workload("v7 fleet rr agents", "claude-opus-4-6", _round_robin(steps, 6), allow_1h=True)


def _tool_server_chats(rng: random.Random, chats: int) -> list[Step]:
    """Chats (2.2k system, 3 tools) where the user connects a tool server at a random turn in
    two of three: from then on that conversation's tool list has 4 more tools at its end."""
    base = _schema_tools(rng, 3, 60, "notes")
    extra = _schema_tools(rng, 4, 80, "drive")
    system = system_of(rng, 2200, "You are a personal productivity assistant.")
    steps: list[Step] = []
    for _ in range(chats):
        turns = rng.randint(5, 10)
        connect = rng.randrange(2, turns) if rng.random() < 0.67 else turns
        convo = chat(rng, system, turns, between(15, 200), rng.uniform(0, 5400))
        steps += [Step(s.t, s.messages, base if i < connect else base + extra)
                  for i, s in enumerate(convo)]
    return steps


def _tenants(rng: random.Random) -> list[Step]:
    """Three tenants with their own 3-4k system prompts; tenant 1 redeploys its prompt at
    50 min (one paragraph in the middle rewritten) and every later request uses it."""
    steps: list[Step] = []
    for k in range(3):
        first, last = words(rng, tokens_words(1800)), words(rng, tokens_words(1500))
        old, new = words(rng, 200), words(rng, 220)

        def system(t: float, k: int = k, a: str = first, b: str = last, o: str = old,
                   n: str = new) -> SystemMessage:
            middle = n if k == 1 and t >= 3000 else o
            return SystemMessage(f"You are tenant {k}'s customer assistant.\n{a}\n{middle}\n{b}")

        for _ in range(rng.randint(4, 6)):
            steps += chat(rng, system, rng.randint(3, 7), between(20, 300), rng.uniform(0, 6000))
    return steps


def three_apps_sonnet46(seed: int = 808) -> Workload:
    """Sonnet-4-6, one planner over about two hours: chats that connect a tool server
    mid-conversation, and three tenants' support apps (one prompt redeployed mid-run)."""
    rng = random.Random(seed)
    steps = _tool_server_chats(rng, 9) + _tenants(rng)
    return Workload("v7 tool server + tenants", "claude-sonnet-4-6", _sorted(steps), allow_1h=True)


def _sticky_failover(conversation: int, t: float) -> str:
    """Sticky by conversation over 8 workers; worker-3 dies at 500 s (its conversations, one
    mid-way, go to worker-4) and is back at 25 min as a fresh process (``worker-3-restarted``)."""
    worker = conversation % 8
    if worker != 3 or t < 500:
        return f"worker-{worker}"
    return "worker-4" if t < 1500 else "worker-3-restarted"


def fleet_sticky_rag_opus47(seed: int = 809) -> Workload:
    """Opus-4-7 (2048 min) from app start: a 1.5k system (under the minimum alone); 26 RAG chats
    whose first turn carries 3-6 of 40 passages (each a block) before the question; 0-3
    follow-ups after 20 s-3 min; a new chat every 3 s-3 min; sticky over 8 workers."""
    rng = random.Random(seed)
    system = system_of(rng, 1500, "Answer only from the passages and quote their ids.")
    corpus = [words(rng, rng.randint(500, 1800)) for _ in range(40)]
    steps: list[Step] = []
    t = 0.0
    for c in range(26):
        blocks: list[str | dict[str, Any]] = [
            {"type": "text", "text": f"<passage id={i}>\n{corpus[i]}\n</passage>"}
            for i in rng.sample(range(40), rng.randint(3, 6))
        ]
        blocks.append({"type": "text", "text": "Question: " + words(rng, rng.randint(10, 60))})
        history: list[BaseMessage] = [HumanMessage(content=blocks)]
        at = t
        for turn in range(1 + rng.choice((0, 1, 1, 2, 3))):
            if turn:
                history = [*history, _answer(rng, 100, 450),
                           HumanMessage(words(rng, rng.randint(8, 60)))]
                at += rng.uniform(20, 180)
            steps.append(Step(at, [system, *history], instance=_sticky_failover(c, at)))
        t += rng.uniform(3, 180)
    return Workload("v7 fleet sticky RAG", "claude-opus-4-7", _sorted(steps))


def _session(rng: random.Random, system: SystemMessage, start: float, oneshot: bool) -> list[Step]:
    """A one-shot carrying a long pasted text, or a chat of 3-8 short turns."""
    turns = 1 if oneshot else rng.randint(3, 8)
    history: list[BaseMessage] = []
    steps: list[Step] = []
    t = start
    for _ in range(turns):
        text = words(rng, rng.randint(15, 90))
        if oneshot:
            text = "Summarise this:\n" + words(rng, rng.randint(2000, 7000)) + "\n" + text
        history = [*history, HumanMessage(text)]
        steps.append(Step(t, [system, *history]))
        history = [*history, _answer(rng, 80, 400)]
        t += rng.uniform(10, 120)
    return steps


def oneshots_and_chats_haiku(seed: int = 810) -> Workload:
    """Haiku-4-5 (4096 min), one app (2.9k system + 6 tools: the head passes the minimum only
    with its tools): 24 sessions started over 80 minutes, about half long one-shots."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 6, 110, "files")
    system = system_of(rng, 2900, "You are a document assistant for an accounting firm.")
    steps: list[Step] = []
    for _ in range(24):
        steps += _session(rng, system, rng.uniform(0, 4800), rng.random() < 0.5)
    return Workload("v7 one-shots + chats haiku", "claude-haiku-4-5", _sorted(_with(steps, tools)))


def _thinking_task(
    rng: random.Random, system: SystemMessage, tools: Tools, start: float, steps_n: int,
    pauses: dict[int, float], ident: list[int],
) -> list[Step]:
    """An agent loop whose assistant turns carry signed thinking blocks; ``pauses[i]`` seconds
    of human waiting pass before step ``i``."""
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(30, 160)))]
    steps: list[Step] = []
    t = start
    for i in range(steps_n):
        t += pauses.get(i, 0.0)
        steps.append(Step(t, msgs, tools))
        msgs = [*msgs, *_agent_turn(rng, ident, rng.choice((1, 2, 2, 3)), tools, thinking=True)]
        t += rng.uniform(6, 40)
    return steps


def thinking_agents_long_pauses_sonnet45(seed: int = 811) -> Workload:
    """Sonnet-4-5 with extended thinking, one instance: 9k system + 5 tools, 8 agent tasks one
    after another, each with 0-3 human pauses, half of 5-40 min and half of 65 min-3 h."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 5, 70)
    system = system_of(rng, 9000, "You are a regulatory filing agent. Think before acting.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(8):
        n = rng.randint(4, 9)
        more = _thinking_task(rng, system, tools, t, n,
                              _pauses(rng, n, rng.choice((0, 1, 2, 2, 3)), "long"), ident)
        steps += more
        t = more[-1].t + rng.uniform(20, 900)
    return Workload("v7 thinking agents long pauses", "claude-sonnet-4-5", steps,
                    thinking=THINKING, allow_1h=True)


def fleet_rr_pauses_opus47(seed: int = 812) -> Workload:
    """Opus-4-7 (2048 min): 7k system + 12 tools, 14 agent conversations, 0-2 human pauses
    log-uniform in 5 min-3 h (most are short), round-robin over 8 workers."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 12, 60)
    system = system_of(rng, 7000, "You are a procurement negotiation agent.")
    steps: list[Step] = []
    ident = [0]
    for _ in range(14):
        n = rng.randint(4, 9)
        steps += agent_task_paused(rng, system, tools, rng.uniform(0, 3600), n,
                                   _pauses(rng, n, rng.choice((0, 1, 1, 2)), "log"), ident)
    return Workload("v7 fleet rr pauses", "claude-opus-4-7", _round_robin(steps, 8), allow_1h=True)


HOLDOUT_V7 = {
    w.__name__: w
    for w in (
        fleet_rr_slow_chats_sonnet46, mixed_speeds_opus45, shifting_histories_haiku,
        dynamic_block_sonnet45, batch_bursts_opus46, agents_approvals_opus47,
        fleet_rr_agents_opus46, three_apps_sonnet46, fleet_sticky_rag_opus47,
        oneshots_and_chats_haiku, thinking_agents_long_pauses_sonnet45, fleet_rr_pauses_opus47,
    )
}
