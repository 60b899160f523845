"""Random cache workloads: one seed -> one workload drawn from a family of the kinds issue 12 names.

The fixed sets (``_workloads*.py``) are a few dozen hand-made shapes; the planner has been tuned
on most of them. This family draws the shape itself at random -- which apps share one planner,
each app's kind (chat, RAG, batch, one-shot, agent), its model, sizes, how fast its users
answer, whether its history shifts, whether its system prompt ends with per-request text --
so that a rule that only fits the hand-made shapes shows up as a loss somewhere here.

Seeds are split once, before anything is tuned on them: ``EXPLORE`` (0-199) may be looked at and
diagnosed; ``SEALED`` (1000-1199) was run once, at the end of the fourth 2026-12-07 session, for
an out-of-sample figure of the same distribution (spent: later tuning may have seen its summary).
``SEALED_5`` (2000-2199) was defined at the start of the fifth session, before its changes: run
once at its start (summary only) and once at its end (spent at that end: its rows were then
read). ``SEALED_6`` (3000-3199) was defined at the start of the sixth session (2026-12-07, from
23:58 UTC), before its changes, on the same terms. Bodies are wire bodies (as
``_workloads.py``): every strategy replays the same ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from _workloads import Request, text

EXPLORE = range(0, 200)
SEALED = range(1000, 1200)
SEALED_5 = range(2000, 2200)
SEALED_6 = range(3000, 3200)
MODELS = ("claude-sonnet-4-5", "claude-sonnet-4-6", "claude-opus-4-6", "claude-opus-4-7",
          "claude-haiku-4-5")
#: (lowest, highest) seconds between a user's turns, by speed.
SPEEDS = {"fast": (5.0, 120.0), "edge": (200.0, 420.0), "slow": (360.0, 3000.0),
          "away": (5.0, 120.0), "mixed": (5.0, 3000.0)}


@dataclass(frozen=True)
class RandomWorkload:
    seed: int
    model: str
    apps: tuple[str, ...]  # one word per app: what was drawn
    requests: list[Request]

    @property
    def name(self) -> str:
        return f"r{self.seed} " + "+".join(self.apps)


def _tools(rng: random.Random, n: int, tag: str) -> list[dict[str, Any]]:
    schema = {"type": "object", "properties": {"arg": {"type": "string"}}, "required": ["arg"]}
    return [{"name": f"{tag}_{i}", "description": text(rng, rng.randint(20, 120)),
             "input_schema": schema} for i in range(n)]


@dataclass
class _App:
    """What every kind draws: a static head, maybe tools, maybe a per-request system tail."""

    rng: random.Random
    model: str
    tag: str

    def __post_init__(self) -> None:
        rng = self.rng
        self.system = f"You are the {self.tag} assistant.\n" + text(rng, rng.randint(200, 7000))
        self.tools = _tools(rng, rng.choice((0, 0, 3, 8, 16)), self.tag)
        self.dynamic = rng.random() < 0.25

    def body(self, t: float, messages: list[dict[str, Any]]) -> dict[str, Any]:
        system = self.system + (f"\nNow: 12:{int(t // 60) % 60:02d}:{int(t) % 60:02d}"
                                if self.dynamic else "")
        body: dict[str, Any] = {"model": self.model, "max_tokens": 1024, "system": system,
                                "messages": messages}
        if self.tools:
            body["tools"] = self.tools
        return body


def _gap(rng: random.Random, speed: str, slow_share: float) -> float:
    if speed == "mixed":
        return rng.uniform(*SPEEDS["slow"]) if rng.random() < slow_share else rng.uniform(5, 120)
    if speed == "away" and rng.random() < 0.12:
        return rng.uniform(600, 2400)
    return rng.uniform(*SPEEDS[speed])


def _shift(salt: str, messages: list[dict[str, Any]], history: str, keep: int,
           turn: int) -> list[dict[str, Any]]:
    """The history the app sends: all of it, a window of the last ``keep`` messages (starting
    with a user turn), or a summary of the older part that changes every few turns."""
    if history == "window" and len(messages) > keep:
        cut = messages[-keep:]
        return cut if cut[0]["role"] == "user" else cut[1:]
    if history == "summary" and len(messages) > keep:  # rewritten every third turn
        words = text(random.Random(f"{salt}/{turn // 3}"), 120)
        summary = {"role": "user", "content": f"Summary {turn // 3}: {words}"}
        tail = messages[-(keep - 1):]
        return [summary, *(tail if tail[0]["role"] == "assistant" else tail[1:])]
    return messages


def chat(app: _App, start: float) -> list[Request]:
    rng = app.rng
    speed = rng.choice(tuple(SPEEDS))
    history = rng.choice(("full", "full", "window", "summary"))
    keep, slow_share = rng.choice((4, 6, 8)), rng.uniform(0.1, 0.6)
    out: list[Request] = []
    for user in range(rng.randint(1, 8)):
        t, messages = start + rng.uniform(0, 600), []
        for turn in range(rng.randint(2, 14)):
            messages = [*messages, {"role": "user", "content": text(rng, rng.randint(10, 300))}]
            messages = _shift(f"{app.tag}/{user}", messages, history, keep, turn)
            out.append((t, app.body(t, messages)))
            reply = text(rng, rng.randint(40, 600))
            messages = [*messages, {"role": "assistant", "content": reply}]
            t += _gap(rng, speed, slow_share)
    return out


def rag(app: _App, start: float) -> list[Request]:
    """Conversations opening with retrieved documents of a corpus; some go on for a few turns."""
    rng = app.rng
    corpus = [text(rng, rng.randint(300, 2500)) for _ in range(rng.randint(3, 30))]
    follow, speed = rng.uniform(0.0, 0.9), rng.choice(("fast", "fast", "edge", "slow"))
    out: list[Request] = []
    t = start
    for _ in range(rng.randint(4, 30)):
        docs = rng.sample(range(len(corpus)), min(len(corpus), rng.randint(1, 4)))
        content = [{"type": "text", "text": f"<doc {d}>{corpus[d]}</doc>"} for d in sorted(docs)]
        content.append({"type": "text", "text": "Question: " + text(rng, 30)})
        messages: list[dict[str, Any]] = [{"role": "user", "content": content}]
        u = t
        while True:
            out.append((u, app.body(u, messages)))
            if rng.random() > follow:
                break
            messages = [*messages, {"role": "assistant", "content": text(rng, 200)},
                        {"role": "user", "content": text(rng, 40)}]
            u += rng.uniform(20, 180) if speed != "slow" else rng.uniform(*SPEEDS["slow"])
        t += rng.expovariate(1 / rng.choice((3.0, 30.0, 240.0)))
    return out


def batch(app: _App, start: float) -> list[Request]:
    """The app's instructions (system prompt, its tools if any), a different document per request,
    in bursts of 3-25 requests seconds apart, the bursts 1-90 minutes apart."""
    rng = app.rng
    out: list[Request] = []
    t = start
    for _ in range(rng.randint(1, 4)):
        for _ in range(rng.randint(3, 25)):
            doc = "Document:\n" + text(rng, rng.randint(200, 4000))
            out.append((t, app.body(t, [{"role": "user", "content": doc}])))
            t += rng.uniform(0.0, 4.0)
        t += rng.uniform(60, 5400)
    return out


def one_shot(app: _App, start: float) -> list[Request]:
    rng = app.rng
    out: list[Request] = []
    t = start
    for _ in range(rng.randint(5, 30)):
        prompt = "Task:\n" + text(rng, rng.randint(500, 6000))
        out.append((t, app.body(t, [{"role": "user", "content": prompt}])))
        t += rng.uniform(1, 120)
    return out


def agent(app: _App, start: float) -> list[Request]:
    """Tool loops; some tasks stop for a human approval of minutes to hours."""
    rng = app.rng
    if not app.tools:
        app.tools = _tools(rng, 6, app.tag)
    pause_share, pause_top = rng.uniform(0.0, 0.3), rng.choice((1200.0, 3600.0, 10800.0))
    out: list[Request] = []
    t, ident = start, 0
    for _ in range(rng.randint(1, 6)):
        messages: list[dict[str, Any]] = [{"role": "user", "content": text(rng, 150)}]
        for _ in range(rng.randint(3, 20)):
            out.append((t, app.body(t, messages)))
            uses, results = [], []
            for _ in range(rng.choice((1, 1, 2, 4, 10))):
                ident += 1
                uses.append({"type": "tool_use", "id": f"toolu_{app.tag}{ident:05d}",
                             "name": app.tools[rng.randrange(len(app.tools))]["name"],
                             "input": {"arg": text(rng, 6)}})
                results.append({"type": "tool_result", "tool_use_id": f"toolu_{app.tag}{ident:05d}",
                                "content": text(rng, rng.randint(20, 500))})
            messages = [*messages, {"role": "assistant", "content": uses},
                        {"role": "user", "content": results}]
            pause = rng.random() < pause_share
            t += rng.uniform(300, pause_top) if pause else rng.uniform(2, 20)
        t += rng.uniform(10, 1800)
    return out


KINDS: dict[str, Callable[[_App, float], list[Request]]] = {
    "chat": chat, "rag": rag, "batch": batch, "one-shot": one_shot, "agent": agent,
}


def random_workload(seed: int) -> RandomWorkload:
    """One to three apps of random kinds behind one planner, one model, interleaved in time."""
    rng = random.Random(seed)
    model = rng.choice(MODELS)
    drawn: list[str] = []
    requests: list[Request] = []
    for index in range(rng.choice((1, 1, 2, 3))):
        kind = rng.choice(tuple(KINDS))
        drawn.append(kind)
        app = _App(random.Random(rng.random()), model, f"app{index}")
        requests += KINDS[kind](app, rng.uniform(0, 900))
    requests.sort(key=lambda r: r[0])
    return RandomWorkload(seed, model, tuple(drawn), requests)
