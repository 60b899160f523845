"""Synthetic prompt-cache workloads: (time in seconds, Messages request body) sequences.

Deterministic (seeded) and self-contained; conversations grow by appending synthetic
assistant replies, so every strategy replays exactly the same bodies.
"""

from __future__ import annotations

import random
from typing import Any

Request = tuple[float, dict[str, Any]]
MODEL = "claude-sonnet-4-5"
_WORDS = (
    "cache prefix token model agent tool result system prompt document query answer "
    "data value index server client latency request response stream budget policy "
    "window the of and to in for on with as by at from that this is are be it an or "
    "we they report market figure revenue quarter growth customer product design "
    "review patient record contract clause section appendix table analysis method "
    "summary detail "
)
_VOCAB = tuple(_WORDS.split())


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_VOCAB) for _ in range(words)) + "."


def _body(system: Any, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": MODEL, "max_tokens": 1024, "messages": messages}
    if system is not None:
        body["system"] = system
    body.update(extra)
    return body


def multi_user_chat(seed: int = 1, users: int = 6, turns: int = 8) -> list[Request]:
    """Users chatting concurrently behind one shared ~3k-token system prompt."""
    rng = random.Random(seed)
    system = "You are the support assistant.\n" + text(rng, 2400)
    out: list[Request] = []
    for _ in range(users):
        t = rng.uniform(0, 120)
        messages: list[dict[str, Any]] = []
        for _ in range(turns):
            messages = [*messages, {"role": "user", "content": text(rng, rng.randint(30, 150))}]
            out.append((t, _body(system, messages)))
            answer = text(rng, rng.randint(100, 400))
            reply = {"role": "assistant", "content": [{"type": "text", "text": answer}]}
            messages = [*messages, reply]
            t += rng.uniform(20, 120)
    return sorted(out, key=lambda r: r[0])  # users interleave in time


def _tools(rng: random.Random, n: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"tool_{i}",
            "description": text(rng, 90),
            "input_schema": {
                "type": "object",
                "properties": {"arg": {"type": "string", "description": text(rng, 12)}},
                "required": ["arg"],
            },
        }
        for i in range(n)
    ]


def agent_loop(seed: int = 2, tasks: int = 3, steps: int = 12) -> list[Request]:
    """Tool-using agent; some steps fan out into 10-12 parallel calls (20+ new blocks)."""
    rng = random.Random(seed)
    tools = _tools(rng, 12)
    system = "You are an autonomous research agent.\n" + text(rng, 1200)
    out: list[Request] = []
    t = 0.0
    ident = 0
    for _ in range(tasks):
        messages: list[dict[str, Any]] = [{"role": "user", "content": text(rng, 200)}]
        for _ in range(steps):
            out.append((t, _body(system, messages, tools=tools)))
            fan = rng.choice((1, 1, 2, 3, 4, 10, 12))
            uses, results = [{"type": "text", "text": text(rng, 40)}], []
            for _ in range(fan):
                ident += 1
                uses.append({"type": "tool_use", "id": f"toolu_{ident:06d}",
                             "name": f"tool_{rng.randrange(12)}", "input": {"arg": text(rng, 8)}})
                results.append({"type": "tool_result", "tool_use_id": f"toolu_{ident:06d}",
                                "content": text(rng, rng.randint(60, 300))})
            messages = [*messages, {"role": "assistant", "content": uses},
                        {"role": "user", "content": results}]
            t += rng.uniform(3, 15)
        t += 30
    return out


def rag(seed: int = 3, requests: int = 40) -> list[Request]:
    """Retrieval: shared documents in the first user turn, a clock line ending the system."""
    rng = random.Random(seed)
    static = "You answer from the documents provided.\n" + text(rng, 1500) + "\n"
    docs = [text(rng, 1200) for _ in range(5)]
    doc_sets = [(0, 1, 2), (1, 3, 4), (0, 2, 4)]
    out: list[Request] = []
    t = 0.0
    for _ in range(requests):
        minute = int(t // 60)
        system = static + f"Current time: 2025-06-01 12:{minute % 60:02d} UTC"
        chosen = doc_sets[min(2, int(rng.expovariate(1.5)))]
        content = [{"type": "text", "text": f"<doc id={d}>\n{docs[d]}\n</doc>"} for d in chosen]
        content.append({"type": "text", "text": "Question: " + text(rng, 30)})
        out.append((t, _body(system, [{"role": "user", "content": content}])))
        t += rng.uniform(5, 30)
    return out


def one_shot(seed: int = 4, requests: int = 30) -> list[Request]:
    """Unique long prompts, never repeated: caching can only cost."""
    rng = random.Random(seed)
    out: list[Request] = []
    t = 0.0
    for _ in range(requests):
        prompt = "Summarize:\n" + text(rng, rng.randint(3000, 6000))
        messages = [{"role": "user", "content": prompt}]
        out.append((t, _body("You are a helpful assistant.", messages)))
        t += rng.uniform(10, 60)
    return out


def below_minimum(seed: int = 5, users: int = 10) -> list[Request]:
    """Short chats whose whole prompt stays under the minimum cacheable length."""
    rng = random.Random(seed)
    out: list[Request] = []
    for _ in range(users):
        t = rng.uniform(0, 60)
        messages: list[dict[str, Any]] = []
        for _ in range(3):
            messages = [*messages, {"role": "user", "content": text(rng, 25)}]
            out.append((t, _body("Be brief.", messages)))
            messages = [*messages, {"role": "assistant", "content": text(rng, 60)}]
            t += rng.uniform(5, 30)
    return sorted(out, key=lambda r: r[0])


def slow_chat(seed: int = 6, turns: int = 12) -> list[Request]:
    """One conversation with 10-20 minutes between turns: 5m entries always expire."""
    rng = random.Random(seed)
    system = "You are a writing coach.\n" + text(rng, 2000)
    out: list[Request] = []
    messages: list[dict[str, Any]] = []
    t = 0.0
    for _ in range(turns):
        messages = [*messages, {"role": "user", "content": text(rng, rng.randint(50, 200))}]
        out.append((t, _body(system, messages)))
        messages = [*messages, {"role": "assistant", "content": text(rng, rng.randint(200, 500))}]
        t += rng.uniform(600, 1200)
    return out


def _chat(
    rng: random.Random,
    system: str,
    t: float,
    turns: int,
    question: tuple[int, int],
    answer: tuple[int, int],
    gap: tuple[float, float],
) -> list[Request]:
    """One conversation from ``t``: words per question and answer, seconds between turns."""
    out: list[Request] = []
    messages: list[dict[str, Any]] = []
    for _ in range(turns):
        messages = [*messages, {"role": "user", "content": text(rng, rng.randint(*question))}]
        out.append((t, _body(system, messages)))
        messages = [*messages, {"role": "assistant", "content": text(rng, rng.randint(*answer))}]
        t += rng.uniform(*gap)
    return out


def slow_chats(seed: int = 7, users: int = 3, turns: int = 10) -> list[Request]:
    """Support chats whose users answer after 6-50 minutes (every 5m entry expires)."""
    rng = random.Random(seed)
    system = "You are a patient support agent.\n" + text(rng, 2600)
    out: list[Request] = []
    for _ in range(users):
        out += _chat(rng, system, rng.uniform(0, 300), turns, (30, 160), (150, 450), (360, 3000))
    return sorted(out, key=lambda r: r[0])


def sliding_window(seed: int = 8, users: int = 4, turns: int = 12, keep: int = 6) -> list[Request]:
    """Chats trimmed to the last ``keep`` messages (trim_messages): the history shifts each turn."""
    rng = random.Random(seed)
    tools = _tools(rng, 4)
    system = "You are a shopping assistant.\n" + text(rng, 1800)
    out: list[Request] = []
    for _ in range(users):
        t = rng.uniform(0, 90)
        history: list[dict[str, Any]] = []
        for _ in range(turns):
            history = [*history, {"role": "user", "content": text(rng, rng.randint(40, 200))}]
            window = history[-keep:]
            if window[0]["role"] != "user":
                window = window[1:]
            out.append((t, _body(system, window, tools=tools)))
            reply = {"role": "assistant", "content": text(rng, rng.randint(150, 500))}
            history = [*history, reply]
            t += rng.uniform(15, 90)
    return sorted(out, key=lambda r: r[0])


def batch_extraction(seed: int = 9, requests: int = 40) -> list[Request]:
    """One long instruction prompt and a forced output tool, a different document per request."""
    rng = random.Random(seed)
    system = "Extract the fields below from the document.\n" + text(rng, 2200)
    tool = {
        "name": "record",
        "description": text(rng, 120),
        "input_schema": {
            "type": "object",
            "properties": {f"field_{i}": {"type": "string", "description": text(rng, 20)}
                           for i in range(12)},
        },
    }
    out: list[Request] = []
    t = 0.0
    for _ in range(requests):
        doc = {"role": "user", "content": "Document:\n" + text(rng, rng.randint(400, 3000))}
        out.append((t, _body(system, [doc], tools=[tool],
                             tool_choice={"type": "tool", "name": "record"})))
        t += rng.uniform(1, 20)
    return out


def staggered_chats(seed: int = 11, chats: int = 10, turns: int = 6) -> list[Request]:
    """Support chats of a few minutes each behind one long system prompt, a new one every ~7
    minutes: each chat reads its own entries, so the system prompt is needed on its own only at
    each start, after its 5m entry expired (a 1h write of it pays)."""
    rng = random.Random(seed)
    system = "You are the support assistant.\n" + text(rng, 3000)
    out: list[Request] = []
    for c in range(chats):
        start = c * 420 + rng.uniform(0, 30)
        out += _chat(rng, system, start, turns, (20, 80), (100, 300), (40, 90))
    return sorted(out, key=lambda r: r[0])


def rotating_tool_lists(seed: int = 12, lists: int = 4, tasks: int = 32) -> list[Request]:
    """Sub-agents of one graph, each binding the registry's 20 core tools plus 3 of its own,
    take turns on short tasks every 1-2 minutes: each list recurs only every 5-8 minutes
    (its own entry expires), the core tools every 1-2 (an entry where the lists part pays).
    An hour of traffic: with 16 tasks the 1h writes of the last few lists, never read before
    the replay ends, weigh more than in a running service (auto 1.046x 5m-only there)."""
    rng = random.Random(seed)
    core = _tools(rng, 20)
    extra = _tools(rng, 3 * lists)
    for i, tool in enumerate(extra):
        tool["name"] = f"own_{i}"
    tool_lists = [core + extra[3 * k : 3 * k + 3] for k in range(lists)]
    system = "Route each request to the right tool."
    out: list[Request] = []
    t, ident = 0.0, 0
    for task in range(tasks):
        tools = tool_lists[task % lists]
        messages: list[dict[str, Any]] = [{"role": "user", "content": text(rng, 60)}]
        for _ in range(rng.randint(1, 3)):
            out.append((t, _body(system, messages, tools=tools)))
            ident += 1
            use = {"type": "tool_use", "id": f"toolu_{ident:06d}",
                   "name": rng.choice(tools)["name"], "input": {"arg": text(rng, 8)}}
            result = {"type": "tool_result", "tool_use_id": use["id"],
                      "content": text(rng, rng.randint(40, 200))}
            messages = [*messages, {"role": "assistant", "content": [use]},
                        {"role": "user", "content": [result]}]
            t += rng.uniform(3, 10)
        t += rng.uniform(60, 120)
    return out


WORKLOADS = {
    "multi-user chat": multi_user_chat,
    "agent loop": agent_loop,
    "RAG + clock": rag,
    "one-shot long": one_shot,
    "below minimum": below_minimum,
    "slow chat": slow_chat,
    "slow chats 6-50m": slow_chats,
    "sliding window": sliding_window,
    "batch extraction": batch_extraction,
    "staggered chats 7m": staggered_chats,
    "rotating tool lists": rotating_tool_lists,
}


def mix() -> list[Request]:
    """Every workload at once on one instance, interleaved by time."""
    merged = [req for make in WORKLOADS.values() for req in make()]
    return sorted(merged, key=lambda r: r[0])
