"""Building blocks shared by the probe set and holdouts v3 and v4 (LangChain-shaped traffic).

Kept apart from the sets so that none imports another: the probe set may be looked at and
extended during planner work; holdouts v3 and v4 are sealed and must not change when the probe
does. Only edit a function here in a way that leaves every body it produced unchanged
(``tests/unit/project/test_benchmark_workloads.py`` pins a digest of each sealed holdout).
"""

from __future__ import annotations

import base64
import random
import struct
import uuid
import zlib
from collections.abc import Callable
from typing import Any

from _workloads_holdout import Step, _answer, _system, words
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    trim_messages,
)
from langchain_core.messages.utils import count_tokens_approximately

Gap = Callable[[random.Random], float]


def fast(lo: float = 20, hi: float = 90) -> Gap:
    return lambda rng: rng.uniform(lo, hi)


def between(lo: float, hi: float) -> Callable[[random.Random, int], float]:
    """A user who answers after ``lo``-``hi`` seconds whatever the turn (a ``chat`` gap)."""
    return lambda rng, _turn: rng.uniform(lo, hi)


def chat(
    rng: random.Random, system: SystemMessage | Callable[[float], SystemMessage], turns: int,
    gap: Callable[[random.Random, int], float], start: float, instance: str = "main",
    user: tuple[int, int] = (20, 120), answer: tuple[int, int] = (100, 400),
) -> list[Step]:
    """One growing conversation; ``gap(rng, turn)`` is the user's delay before the next turn and
    ``system`` may be a function of the request time (dynamic system text)."""
    steps: list[Step] = []
    history: list[BaseMessage] = []
    t = start
    for turn in range(turns):
        history = [*history, HumanMessage(words(rng, rng.randint(*user)))]
        head = system(t) if callable(system) else system
        steps.append(Step(t, [head, *history], instance=instance))
        history = [*history, _answer(rng, *answer)]
        t += gap(rng, turn)
    return steps


def shifting_chat(
    rng: random.Random, system: SystemMessage, turns: int, start: float,
    view: Callable[[list[BaseMessage], int], list[BaseMessage]],
    tools: list[dict[str, Any]] | None = None, gap: Gap | None = None,
) -> list[Step]:
    """A conversation whose sent history is ``view(full_history, turn)``: the window, trimmer or
    memory in front of the model changes the prefix after the system prompt every turn."""
    gap = gap or fast(15, 80)
    steps: list[Step] = []
    history: list[BaseMessage] = []
    t = start
    for turn in range(turns):
        history = [*history, HumanMessage(words(rng, rng.randint(25, 150)))]
        steps.append(Step(t, [system, *view(history, turn)], tools))
        history = [*history, _answer(rng, 120, 450)]
        t += gap(rng)
    return steps


def drop_oldest_pair(keep_from: int) -> Callable[[list[BaseMessage], int], list[BaseMessage]]:
    """LangGraph ``RemoveMessage`` of the oldest human/AI pair each turn once the history has
    ``keep_from`` messages: the state keeps the last ``keep_from - 1`` or so."""
    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        drop = max(0, turn - keep_from // 2 + 1) * 2
        return history[drop:]
    return view


def trim_by_tokens(max_tokens: int) -> Callable[[list[BaseMessage], int], list[BaseMessage]]:
    """``trim_messages(strategy="last", start_on="human")`` with LangChain's approximate counter:
    where the cut lands depends on message sizes, not on a fixed count."""
    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        return list(trim_messages(history, max_tokens=max_tokens, strategy="last",
                                  token_counter=count_tokens_approximately, start_on="human"))
    return view


def pinned_first(last: int) -> Callable[[list[BaseMessage], int], list[BaseMessage]]:
    """A window that keeps the first user message (the task statement) and the last ``last``."""
    def view(history: list[BaseMessage], turn: int) -> list[BaseMessage]:
        if len(history) <= last + 1:
            return history
        tail = history[-last:]
        while not isinstance(tail[0], HumanMessage):
            tail = tail[1:]
        return [history[0], AIMessage("Understood."), *tail]
    return view


def clock_text(t: float, day0: int = 14) -> tuple[str, str]:
    """(date at day resolution, HH:MM:SS) for a request at ``t`` seconds after 23:10 on day0:
    a long workload crosses midnight, so the date line changes once."""
    s = int(t) + 23 * 3600 + 600
    day, rest = divmod(s, 86400)
    h, rest = divmod(rest, 3600)
    m, sec = divmod(rest, 60)
    return f"2026-03-{day0 + day:02d}", f"{h:02d}:{m:02d}:{sec:02d}"


def request_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def png_data_url(width: int, height: int) -> str:
    """A real (all-black, greyscale) PNG of the given size as a data URL: tokens by size."""
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0,
                                                           0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def tool_loop_turn(
    rng: random.Random, ident: list[int], tools: list[dict[str, Any]], fan: int,
    sizes: tuple[int, ...] = (300, 1200, 3000),
) -> list[BaseMessage]:
    """One assistant turn with ``fan`` parallel tool calls and their (often large) results."""
    calls = []
    for _ in range(fan):
        ident[0] += 1
        calls.append({"name": rng.choice(tools)["name"], "args": {"p0": words(rng, 6)},
                      "id": f"toolu_{ident[0]:08d}", "type": "tool_call"})
    out: list[BaseMessage] = [AIMessage(content=words(rng, rng.randint(5, 30)), tool_calls=calls)]
    for c in calls:
        size = rng.choice(sizes)
        out.append(ToolMessage(content=words(rng, rng.randint(size // 2, size)),
                               tool_call_id=c["id"]))
    return out


def agent_task(
    rng: random.Random, system: SystemMessage, tools: list[dict[str, Any]], start: float,
    steps_n: int, approval_at: int | None, approval_gap: tuple[float, float],
    ident: list[int], instance: str = "main",
) -> tuple[list[Step], float]:
    """An agent loop; before step ``approval_at`` a human approves a tool call (a long pause)."""
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(40, 160)))]
    steps: list[Step] = []
    t = start
    for i in range(steps_n):
        if i == approval_at:
            t += rng.uniform(*approval_gap)
        steps.append(Step(t, msgs, tools, instance))
        msgs = [*msgs, *tool_loop_turn(rng, ident, tools, rng.choice((1, 1, 2, 3, 5)))]
        t += rng.uniform(3, 20)
    return steps, t


def agent_task_paused(
    rng: random.Random, system: SystemMessage, tools: list[dict[str, Any]], start: float,
    steps_n: int, pauses: dict[int, float], ident: list[int], instance: str = "main",
) -> list[Step]:
    """An agent loop with any number of human-approval pauses: ``pauses[i]`` seconds pass before
    step ``i`` (``agent_task`` allows one; real approval flows may ask twice or never)."""
    msgs: list[BaseMessage] = [system, HumanMessage(words(rng, rng.randint(40, 160)))]
    steps: list[Step] = []
    t = start
    for i in range(steps_n):
        t += pauses.get(i, 0.0)
        steps.append(Step(t, msgs, tools, instance))
        msgs = [*msgs, *tool_loop_turn(rng, ident, tools, rng.choice((1, 1, 2, 3, 4)))]
        t += rng.uniform(4, 25)
    return steps


def system_of(rng: random.Random, tokens: int, head: str) -> SystemMessage:
    return SystemMessage(_system(rng, tokens, head))


def manual_turns(
    rng: random.Random, system: SystemMessage, manuals: list[str], weights: list[float],
    turns: int, start: float, by_popularity: bool, gap: tuple[float, float] = (20, 120),
) -> list[Step]:
    """One RAG conversation whose every user turn carries 2-3 of a few popularity-weighted
    manuals as separate text blocks before the question (retrieval results pasted into the
    turn). ``by_popularity`` sends the chosen manuals most popular first (a fixed order);
    otherwise in the order they were drawn (a retriever's scores)."""
    steps: list[Step] = []
    history: list[BaseMessage] = []
    t = start
    for _ in range(turns):
        chosen: list[int] = []
        want = rng.choice((2, 2, 3))
        while len(chosen) < want:
            pick = rng.choices(range(len(manuals)), weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        if by_popularity:
            chosen.sort()
        blocks: list[str | dict[Any, Any]] = [
            {"type": "text", "text": f"<manual id={i}>\n{manuals[i]}\n</manual>"} for i in chosen
        ]
        blocks.append({"type": "text", "text": words(rng, rng.randint(15, 60))})
        history = [*history, HumanMessage(content=blocks)]
        steps.append(Step(t, [system, *history]))
        history = [*history, _answer(rng, 120, 400)]
        t += rng.uniform(*gap)
    return steps


def manual_corpus(
    rng: random.Random, system: SystemMessage, conversations: int, by_popularity: bool
) -> list[Step]:
    """RAG conversations of 1-4 turns started over 40 minutes, each user turn carrying 2-3 of 7
    manuals of 1.5k-4k tokens (popularity 1/rank) before its question (``manual_turns``)."""
    manuals = [words(rng, int(rng.randint(1500, 4000) / 1.25)) for _ in range(7)]
    weights = [1.0 / (k + 1) for k in range(7)]
    steps: list[Step] = []
    for _ in range(conversations):
        steps += manual_turns(rng, system, manuals, weights, rng.randint(1, 4),
                              rng.uniform(0, 2400), by_popularity)
    return steps
