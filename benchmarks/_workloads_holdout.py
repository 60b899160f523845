"""Second tuning set (formerly the holdout): same kinds as ``_workloads.py``, other shapes.

Written separately from the planner's tuning set, but rules were added after its first run and
the v2 work looked at it, so it is in-sample now (docs/caching.md); the holdout is
``_workloads_holdout_v2.py``. Every workload is a list of :class:`Step`, LangChain messages in,
driven end to end through ``ChatCometAPI`` against the emulator (``cache_workloads.py
--holdout``); the wire bodies captured on the way also feed the body-level peers and the bound.

Shapes deliberately differ from the tuning set: other models (4096 / 2048 / 1024-token minimums),
system prompts just above and just below the minimum, tools-only prefixes, 5-30 parallel tool
calls with results of very different sizes, thinking turns with signatures, documents in the first
user message, a timestamp at the start or in the middle of the system prompt, branching (regenerate
/ edit the last user turn), many users interleaved on one instance, a fresh instance per request,
gaps of 2-4 / 6-9 / 15-50 minutes, the user's own cache_control markers, tools changing mid-session.
"""

from __future__ import annotations

import random
from typing import Any

from _workload_types import Step, Workload, _answer, _sorted, _system, tokens_words, words
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

# The sets written after this one import the shared types and text helpers from here.
__all__ = ["HOLDOUT", "Step", "Workload", "_agent_turn", "_answer", "_schema_tools", "_sorted",
           "_system", "tokens_words", "words"]

# --------------------------------------------------------------------------- multi-user chat
def chat_haiku_interleaved(seed: int = 11) -> Workload:
    """Twelve users interleaved on one haiku instance; system just above the 4096 minimum."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 4400, "You are the billing help desk."))
    steps: list[Step] = []
    for _ in range(12):
        t = rng.uniform(0, 240)
        msgs: list[BaseMessage] = [system]
        for _ in range(rng.randint(3, 7)):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(10, 80)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 40, 250)]
            t += rng.uniform(15, 200)
    return Workload("chat haiku 12 users", "claude-haiku-4-5", _sorted(steps))


def chat_below_min_system(seed: int = 12) -> Workload:
    """Opus-4-5 (4096 minimum), system just below it: only the growing conversation can cache."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 3600, "You are a contracts reviewer."))
    steps: list[Step] = []
    for _ in range(4):
        t = rng.uniform(0, 60)
        msgs: list[BaseMessage] = [system]
        for _ in range(8):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(40, 200)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 150, 500)]
            t += rng.uniform(30, 150)
    return Workload("chat opus-4-5 sys<min", "claude-opus-4-5", _sorted(steps))


def chat_branching(seed: int = 13) -> Workload:
    """Sonnet-4-6 chats that regenerate or edit the last user turn (the tree branches)."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 1600, "You are a travel planner."))
    steps: list[Step] = []
    for _ in range(5):
        t = rng.uniform(0, 100)
        msgs: list[BaseMessage] = [system]
        for _ in range(7):
            question = HumanMessage(words(rng, rng.randint(20, 120)))
            steps.append(Step(t, [*msgs, question]))
            t += rng.uniform(10, 60)
            roll = rng.random()
            if roll < 0.3:  # regenerate: the very same request again
                steps.append(Step(t, [*msgs, question]))
                t += rng.uniform(10, 60)
            elif roll < 0.55:  # edit the last user turn
                question = HumanMessage(words(rng, rng.randint(20, 120)))
                steps.append(Step(t, [*msgs, question]))
                t += rng.uniform(10, 60)
            msgs = [*msgs, question, _answer(rng, 100, 400)]
    return Workload("chat branching", "claude-sonnet-4-6", _sorted(steps))


def chat_fresh_instances(seed: int = 14) -> Workload:
    """Sonnet-4-5 chat served by a new ChatCometAPI per request (a stateless web handler)."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 2500, "You are a shop assistant."))
    steps: list[Step] = []
    for _ in range(6):
        t = rng.uniform(0, 120)
        msgs: list[BaseMessage] = [system]
        for _ in range(6):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(15, 100)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 80, 300)]
            t += rng.uniform(20, 90)
    return Workload("chat fresh instance", "claude-sonnet-4-5", _sorted(steps),
                    fresh_instance=True)


def chat_user_markers(seed: int = 15) -> Workload:
    """Code that already marks blocks (middleware style): system marked, last user turn marked."""
    rng = random.Random(seed)
    text = _system(rng, 2200, "You are a code reviewer.")
    steps: list[Step] = []
    for user in range(4):
        t = rng.uniform(0, 60)
        marks = 1 + user  # 1-4 user markers
        msgs: list[BaseMessage] = []
        for _ in range(7):
            system = SystemMessage(
                content=[{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]
            )
            human = HumanMessage(words(rng, rng.randint(20, 120)))
            history = [*msgs, human]
            marked = _mark_last_users(history, marks - 1)
            steps.append(Step(t, [system, *marked]))
            msgs = [*history, _answer(rng, 100, 350)]
            t += rng.uniform(20, 100)
    return Workload("chat user markers", "claude-sonnet-4-5", _sorted(steps))


def _mark_last_users(history: list[BaseMessage], count: int) -> list[BaseMessage]:
    out = list(history)
    done = 0
    for i in range(len(out) - 1, -1, -1):
        if done >= count:
            break
        if isinstance(out[i], HumanMessage) and isinstance(out[i].content, str):
            out[i] = HumanMessage(content=[{"type": "text", "text": out[i].content,
                                            "cache_control": {"type": "ephemeral"}}])
            done += 1
    return out


# --------------------------------------------------------------------------- agents
def _schema_tools(
    rng: random.Random, n: int, desc_words: int, prefix: str = "op"
) -> list[dict[str, Any]]:
    return [
        {
            "name": f"{prefix}_{i}",
            "description": words(rng, desc_words),
            "input_schema": {
                "type": "object",
                "properties": {
                    f"p{j}": {"type": "string", "description": words(rng, 15)}
                    for j in range(rng.randint(2, 6))
                },
            },
        }
        for i in range(n)
    ]


def _agent_turn(
    rng: random.Random, ident: list[int], fan: int, tools: list[dict[str, Any]],
    thinking: bool = False,
) -> list[BaseMessage]:
    calls = []
    for _ in range(fan):
        ident[0] += 1
        calls.append({"name": rng.choice(tools)["name"], "args": {"p0": words(rng, 5)},
                      "id": f"toolu_{ident[0]:08d}", "type": "tool_call"})
    content: list[Any] = []
    if thinking:
        content.append({"type": "thinking", "thinking": words(rng, rng.randint(40, 300)),
                        "signature": f"sig{ident[0]:08d}" + "Q" * 40})
    content.append({"type": "text", "text": words(rng, rng.randint(5, 40))})
    for c in calls:
        content.append({"type": "tool_use", "id": c["id"], "name": c["name"], "input": c["args"]})
    out: list[BaseMessage] = [AIMessage(content=content, tool_calls=calls)]
    for c in calls:
        size = rng.choice((5, 20, 80, 400, 1500))
        out.append(ToolMessage(content=words(rng, rng.randint(size // 2, size)),
                               tool_call_id=c["id"]))
    return out


def agent_wide_fanout(seed: int = 21) -> Workload:
    """Opus-4-7 agent: 5-30 parallel calls per turn, results of 5-1500 words, tiny system."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 25, 120)
    system = SystemMessage("You are a logistics agent. Use tools in parallel.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(3):
        msgs: list[BaseMessage] = [system, HumanMessage(words(rng, 150))]
        for _ in range(rng.randint(5, 9)):
            steps.append(Step(t, msgs, tools))
            msgs = [*msgs, *_agent_turn(rng, ident, rng.randint(5, 30), tools)]
            t += rng.uniform(2, 25)
        t += rng.uniform(60, 400)
    return Workload("agent fanout 5-30", "claude-opus-4-7", steps)


def agent_thinking(seed: int = 22) -> Workload:
    """Sonnet-4-6 agent with thinking on: every assistant turn carries a signed thinking block."""
    rng = random.Random(seed)
    tools = _schema_tools(rng, 8, 60)
    system = SystemMessage(_system(rng, 900, "You are a data analyst agent."))
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for _ in range(3):
        msgs: list[BaseMessage] = [system, HumanMessage(words(rng, 80))]
        for _ in range(8):
            steps.append(Step(t, msgs, tools))
            fan = rng.choice((1, 2, 3, 6, 15))
            msgs = [*msgs, *_agent_turn(rng, ident, fan, tools, thinking=True)]
            t += rng.uniform(5, 40)
        t += 200
    return Workload("agent thinking", "claude-sonnet-4-6", steps,
                    thinking={"type": "enabled", "budget_tokens": 2048})


def agent_tools_only_change(seed: int = 23) -> Workload:
    """Haiku agent: big tool schemas, one-line system, tool set changes mid-session."""
    rng = random.Random(seed)
    tools_a = _schema_tools(rng, 30, 150)
    tools_b = tools_a[:20] + _schema_tools(random.Random(seed + 100), 6, 150, "alt")
    system = SystemMessage("Be precise.")
    steps: list[Step] = []
    ident = [0]
    t = 0.0
    for task in range(4):
        tools = tools_a if task % 2 == 0 else tools_b
        msgs: list[BaseMessage] = [system, HumanMessage(words(rng, 60))]
        for _ in range(6):
            steps.append(Step(t, msgs, tools))
            msgs = [*msgs, *_agent_turn(rng, ident, rng.choice((1, 2, 4, 8)), tools)]
            t += rng.uniform(3, 30)
        t += rng.uniform(20, 120)
    return Workload("agent tools change", "claude-haiku-4-5", steps)


# --------------------------------------------------------------------------- RAG
def _stamp(t: float, seconds: bool) -> str:
    m, s = divmod(int(t), 60)
    return f"2025-06-01T{10 + m // 60:02d}:{m % 60:02d}" + (f":{s:02d}Z" if seconds else "Z")


def rag_docs_in_user(seed: int = 31) -> Workload:
    """Opus-4-5: short system, shared documents in the first user message, per-request id."""
    rng = random.Random(seed)
    docs = [words(rng, rng.randint(900, 2600)) for _ in range(6)]
    sets = [(0, 1), (0, 1, 2), (3, 4, 5), (2, 5)]
    steps: list[Step] = []
    t = 0.0
    for _ in range(45):
        chosen = sets[min(3, int(rng.expovariate(1.2)))]
        content: list[Any] = [{"type": "text", "text": f"<document index={d}>\n{docs[d]}\n"
                               "</document>"} for d in chosen]
        content.append({"type": "text", "text": "Question: " + words(rng, rng.randint(8, 40))})
        steps.append(Step(t, [SystemMessage("Answer from the documents only."),
                              HumanMessage(content=content)]))
        t += rng.uniform(3, 40)
    return Workload("RAG docs in user", "claude-opus-4-5", steps)


def rag_stamp_start(seed: int = 32) -> Workload:
    """Sonnet-4-5: timestamp (seconds) at the START of the system prompt, docs in the user turn."""
    rng = random.Random(seed)
    policy = words(rng, tokens_words(1800))
    docs = [words(rng, 1500) for _ in range(3)]
    steps: list[Step] = []
    t = 0.0
    for _ in range(35):
        system = SystemMessage(f"Now: {_stamp(t, True)}\nYou are a compliance assistant.\n{policy}")
        content: list[Any] = [{"type": "text", "text": docs[rng.randrange(3)]},
                              {"type": "text", "text": words(rng, 30)}]
        steps.append(Step(t, [system, HumanMessage(content=content)]))
        t += rng.uniform(5, 50)
    return Workload("RAG stamp at start", "claude-sonnet-4-5", steps)


def rag_stamp_middle(seed: int = 33) -> Workload:
    """Opus-4-7: a request id + time in the MIDDLE of a long system prompt, docs after it."""
    rng = random.Random(seed)
    head = _system(rng, 2600, "You are a research assistant.")
    tail = words(rng, tokens_words(1200))
    docs = [words(rng, 1800) for _ in range(4)]
    steps: list[Step] = []
    t = 0.0
    for i in range(40):
        system = SystemMessage(
            f"{head}\nRequest {rng.getrandbits(32):08x} at {_stamp(t, True)}\n{tail}"
        )
        content: list[Any] = [{"type": "text", "text": docs[d]} for d in (0, rng.randrange(1, 4))]
        content.append({"type": "text", "text": f"Q{i}: " + words(rng, 25)})
        steps.append(Step(t, [system, HumanMessage(content=content)]))
        t += rng.uniform(4, 30)
    return Workload("RAG stamp in middle", "claude-opus-4-7", steps)


# --------------------------------------------------------------------------- one-shot, small
def one_shot_mixed(seed: int = 41) -> Workload:
    """Unique long prompts (2-9k tokens) on opus-4-7 under a tiny shared system prompt."""
    rng = random.Random(seed)
    steps = []
    t = 0.0
    for _ in range(30):
        steps.append(Step(t, [SystemMessage("Extract the key figures."),
                              HumanMessage(words(rng, rng.randint(1600, 7200)))]))
        t += rng.uniform(1, 20)
    return Workload("one-shot opus-4-7", "claude-opus-4-7", steps)


def one_shot_fresh(seed: int = 42) -> Workload:
    """Unique long prompts behind a shared 1.2k-token system, a fresh instance per request."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 1200, "You are a summarizer."))
    steps = []
    t = 0.0
    for _ in range(25):
        steps.append(Step(t, [system, HumanMessage(words(rng, rng.randint(2500, 6000)))]))
        t += rng.uniform(5, 90)
    return Workload("one-shot fresh", "claude-sonnet-4-5", steps, fresh_instance=True)


def below_min_haiku(seed: int = 43) -> Workload:
    """Haiku chats that grow to ~3k tokens: always below its 4096 minimum."""
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, 1500, "You are a concise helper."))
    steps: list[Step] = []
    for _ in range(8):
        t = rng.uniform(0, 100)
        msgs: list[BaseMessage] = [system]
        for _ in range(4):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(20, 60)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 60, 200)]
            t += rng.uniform(5, 40)
    return Workload("below min haiku", "claude-haiku-4-5", _sorted(steps))


# --------------------------------------------------------------------------- slow chats
def _slow(seed: int, lo: float, hi: float, name: str, model: str, sys_tokens: int) -> Workload:
    rng = random.Random(seed)
    system = SystemMessage(_system(rng, sys_tokens, "You are a tutor."))
    steps: list[Step] = []
    for _ in range(2):
        t = rng.uniform(0, 30)
        msgs: list[BaseMessage] = [system]
        for _ in range(10):
            msgs = [*msgs, HumanMessage(words(rng, rng.randint(30, 150)))]
            steps.append(Step(t, msgs))
            msgs = [*msgs, _answer(rng, 200, 600)]
            t += rng.uniform(lo, hi)
    return Workload(name, model, _sorted(steps), allow_1h=True)


def slow_2_4(seed: int = 51) -> Workload:
    return _slow(seed, 120, 240, "slow 2-4 min", "claude-sonnet-4-6", 3000)


def slow_6_9(seed: int = 52) -> Workload:
    return _slow(seed, 360, 540, "slow 6-9 min", "claude-sonnet-4-5", 3000)


def slow_15_50(seed: int = 53) -> Workload:
    return _slow(seed, 900, 3000, "slow 15-50 min", "claude-opus-4-7", 4000)


HOLDOUT = {
    w.__name__: w
    for w in (
        chat_haiku_interleaved, chat_below_min_system, chat_branching, chat_fresh_instances,
        chat_user_markers, agent_wide_fanout, agent_thinking, agent_tools_only_change,
        rag_docs_in_user, rag_stamp_start, rag_stamp_middle, one_shot_mixed, one_shot_fresh,
        below_min_haiku, slow_2_4, slow_6_9, slow_15_50,
    )
}
