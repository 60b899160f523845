"""Seeded random traffic for the cache planner: many users and conversations over shared apps
(tools, system prompts with per-user lines, clocks, request ids or snippets, leading documents,
agent turns with tool results), replayed against planners and the offline emulator.

A script is a list of requests fixed in advance (absolute time, planner index, body), so the
same script can be replayed on twin planners and compared.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_cometapi.cache._planner import CachePlan, CachePlanner
from langchain_cometapi.cache._pricing import input_cost
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}

#: How a system prompt is built (see ``system_prompt``).
SYSTEM_STYLES = (
    "none", "static", "minute", "seconds", "user_stamp", "user_uuid", "snippet", "optional",
    "list", "stamp_first", "unicode",
)
STATIC = "You answer questions about the product.\n" + words(520) + "\n"


def _user_lines(user: int) -> str:
    return f"User: user-{user}; locale en-GB; plan {user % 3}\n" + words(140, user) + "\n"


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _clock_text(at: float, seconds: bool) -> str:
    day = int(at) % 86_400
    hh, mm, ss = day // 3600, day % 3600 // 60, day % 60
    return f"{hh:02d}:{mm:02d}:{ss:02d}" if seconds else f"{hh:02d}:{mm:02d}"


def system_prompt(style: str, user: int, at: float, rng: random.Random) -> Any:
    """A system prompt of the given style for one user's request at time ``at``."""
    if style == "none":
        return None
    if style == "static":
        return STATIC
    if style == "minute":
        return STATIC + "Current time: " + _clock_text(at, False)
    if style == "seconds":
        return STATIC + "Now: 2026-12-07T" + _clock_text(at, True) + "Z"
    if style == "user_stamp":
        return STATIC + _user_lines(user) + "Current time: " + _clock_text(at, True)
    if style == "user_uuid":
        return STATIC + _user_lines(user) + "Request id: " + _uuid(rng)
    if style == "snippet":
        return STATIC + "Context:\n" + words(rng.randint(20, 200), rng.randint(0, 10**6))
    if style == "optional":  # a user's lines, sometimes an extra note line appended
        note = ""
        if rng.random() < 0.6:
            note = f"Note: {words(rng.randint(1, 8), rng.randint(0, 99))}\n"
        return STATIC + _user_lines(user) + note
    if style == "list":
        return [{"type": "text", "text": STATIC}, {"type": "text", "text": _user_lines(user)}]
    if style == "stamp_first":
        return "Now: 2026-12-07T" + _clock_text(at, True) + "Z\n" + STATIC
    # unicode: multi-byte characters and emoji around the per-user lines and the stamp
    return (STATIC + "Régles: ünïcödé — 日本語 😀 👩‍💻\n" + _user_lines(user)
            + "Zeit: " + _clock_text(at, True) + " 😀")  # fmt: skip


TOOLS = [
    {"name": f"tool_{j}", "description": words(120, j), "input_schema": {"type": "object"}}
    for j in range(3)
]


@dataclass
class _Conversation:
    app: int
    user: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    turns: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class TrafficShape:
    """What the random traffic mixes."""

    styles: Sequence[str] = SYSTEM_STYLES
    planners: int = 1
    requests: int = 40
    max_gap: float = 600.0
    users: int = 4
    apps: int = 2
    models: Sequence[str] = ("claude-sonnet-4-5",)
    #: A conversation idle this long never continues (keeps every reuse gap under it).
    stale_after: float = float("inf")
    #: A new conversation starts at least this often (the head is needed again in time).
    fresh_every: float = float("inf")
    documents: float = 0.3  # share of first turns that lead with documents


@dataclass(frozen=True)
class Request:
    at: float
    planner: int
    body: dict[str, Any]


def _first_message(conv: _Conversation, rng: random.Random, documents: float) -> dict[str, Any]:
    question = f"Question from user {conv.user}: " + words(rng.randint(5, 60), rng.randint(0, 999))
    if rng.random() < documents:
        docs = [{"type": "text", "text": words(300, 1000 + d)} for d in rng.sample(range(4), 2)]
        return {"role": "user", "content": [*docs, {"type": "text", "text": question}]}
    return {"role": "user", "content": question}


def _next_turn(conv: _Conversation, rng: random.Random) -> None:
    """Append the assistant's reply and the next user turn (text or a fan-out of tool results)."""
    salt = rng.randint(0, 999)
    if rng.random() < 0.3:
        fan = rng.choice((1, 3, 12))
        ids = [f"toolu_{conv.turns}_{salt}_{i}" for i in range(fan)]
        conv.messages.append({"role": "assistant", "content": [
            {"type": "tool_use", "id": i, "name": "tool_0", "input": {"q": salt}} for i in ids
        ]})
        conv.messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": i, "content": words(rng.randint(1, 40), salt)}
            for i in ids
        ]})
    else:
        conv.messages.append({"role": "assistant", "content": words(rng.randint(10, 120), salt)})
        question = "Next: " + words(rng.randint(3, 50), salt)
        conv.messages.append({"role": "user", "content": question})


def _user_markers(body: dict[str, Any], rng: random.Random) -> None:
    """Sometimes the caller places markers itself (a valid order: 1h never after 5m)."""
    if rng.random() > 0.1:
        return
    ttl = rng.choice(("5m", "1h"))
    last = body["messages"][-1]
    content = last["content"]
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    else:
        content = [dict(b) for b in content]
    content[-1]["cache_control"] = {"type": "ephemeral", "ttl": ttl}
    body["messages"][-1] = {**last, "content": content}


def script(seed: int, shape: TrafficShape) -> list[Request]:
    """A reproducible list of requests for ``shape``."""
    rng = random.Random(seed)
    apps = [(rng.choice(list(shape.styles)), rng.random() < 0.5, rng.choice(list(shape.models)))
            for _ in range(shape.apps)]
    live: list[_Conversation] = []
    out: list[Request] = []
    at = started = 0.0
    for _ in range(shape.requests):
        at += rng.uniform(0.0, shape.max_gap)
        live = [c for c in live if at - c.last <= shape.stale_after]
        if not live or rng.random() < 0.3 or at - started >= shape.fresh_every:
            conv = _Conversation(rng.randrange(shape.apps), rng.randrange(shape.users))
            conv.messages.append(_first_message(conv, rng, shape.documents))
            live, started = [*live[-5:], conv], at
        else:
            conv = rng.choice(live)
            _next_turn(conv, rng)
        conv.turns += 1
        conv.last = at
        style, tools, model = apps[conv.app]
        body: dict[str, Any] = {"model": model, "max_tokens": 64, "messages": list(conv.messages)}
        system = system_prompt(style, conv.user, 36_000 + at, rng)
        if system is not None:
            body["system"] = system
        if tools:
            body["tools"] = TOOLS
        _user_markers(body, rng)
        out.append(Request(at, rng.randrange(shape.planners), body))
    return out


def exchange(
    planner: CachePlanner, emulator: MessagesEmulator, body: dict[str, Any]
) -> tuple[CachePlan, float | None]:
    """Plan ``body``, send it to ``emulator`` and let the planner observe the answer: the plan and
    the request's input cost (None when the emulator refused it)."""
    out, plan = planner.plan(body)
    response = emulator.handle("POST", "/v1/messages", HEADERS, out)
    if response.status != 200:
        return plan, None
    usage: dict[str, Any] = response.json()["usage"]
    planner.observe(plan, usage, dict(response.headers))
    return plan, usage_price(usage)


def usage_price(usage: dict[str, Any]) -> float:
    split = usage.get("cache_creation") or {}
    return input_cost(usage["input_tokens"], usage["cache_read_input_tokens"],
                      split.get("ephemeral_5m_input_tokens", 0),
                      split.get("ephemeral_1h_input_tokens", 0))


@dataclass
class Replay:
    """Planners, one emulator and a manual clock replaying a script."""

    planners: list[CachePlanner]
    clock: ManualClock
    emulator: MessagesEmulator
    origin: float = 0.0
    cost: float = 0.0
    refused: list[str] = field(default_factory=list)

    @classmethod
    def new(cls, count: int, make: Callable[[ManualClock], CachePlanner]) -> Replay:
        clock = ManualClock()
        return cls([make(clock) for _ in range(count)], clock, MessagesEmulator(clock=clock),
                   origin=clock())

    def steps(
        self, requests: Sequence[Request], before_observe: Callable[[int], None] | None = None
    ) -> Iterator[tuple[Request, dict[str, Any], CachePlan, dict[str, Any]]]:
        """Plan, send and observe each request in turn; yields (request, sent body, plan, usage).
        ``before_observe(i)`` runs once request ``i`` is answered, before its usage is observed
        (another thread's turn in a real program)."""
        for i, request in enumerate(requests):
            self.clock.set(max(self.clock(), self.origin + request.at))
            planner = self.planners[request.planner]
            out, plan = planner.plan(request.body)
            response = self.emulator.handle("POST", "/v1/messages", HEADERS, out)
            if response.status != 200:
                self.refused.append(str(response.body))
                continue
            usage: dict[str, Any] = response.json()["usage"]
            if before_observe is not None:
                before_observe(i)
            self.cost += usage_price(usage)
            planner.observe(plan, usage, dict(response.headers))
            yield request, out, plan, usage


def _comparable(sent: dict[str, Any], plan: CachePlan) -> tuple[Any, ...]:
    return (sent, plan.breakpoints, plan.expected_read_tokens, plan.expected_write_5m_tokens,
            plan.expected_write_1h_tokens, plan.system_split_at)


def assert_previews_record_nothing(
    requests: Sequence[Request], planners: int, where: str,
    also: Callable[[CachePlanner, dict[str, Any]], None] | None = None,
) -> None:
    """Twin planners replay ``requests``; one also previews each request (``where``: "before"
    planning it, or "between": the next one while this answer is not yet observed), and runs
    ``also`` on it, and must plan exactly like the other (bodies, breakpoints, expectations)."""
    plain = Replay.new(planners, lambda c: CachePlanner(clock=c))
    previewed = Replay.new(planners, lambda c: CachePlanner(clock=c))

    def preview(i: int) -> None:
        if i < len(requests):
            previewed.clock.set(max(previewed.clock(), previewed.origin + requests[i].at))
            planner, body = previewed.planners[requests[i].planner], requests[i].body
            planner.preview(body)
            if also is not None:
                also(planner, body)

    steps = previewed.steps(requests, (lambda i: preview(i + 1)) if where == "between" else None)
    for i, (_, sent, plan, _) in enumerate(plain.steps(requests)):
        if where == "before":
            preview(i)
        _, twin_sent, twin_plan, _ = next(steps)
        assert _comparable(twin_sent, twin_plan) == _comparable(sent, plan), i
    assert plain.refused == previewed.refused == []
