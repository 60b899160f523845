"""Seeded random agent traffic over rotating tool lists, for the cache planner's tool-list
breakpoints and its automatic TTL in tool loops with approval pauses.

Several agents share one tool registry: each binds the registry's core tools plus a few of its
own, some lists extend another one, some carry the same tools in another order, one edits a
tool in place from some point on, some put a marker on a tool themselves, and ``tool_choice``
changes now and then. Each task is a tool loop (tool calls and their results) that sometimes
waits for a human (a pause of 5-90 minutes). The script is fixed in advance (absolute time,
planner index, body), so twin planners can replay it and be compared (``cache_traffic.Replay``).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any

from tests.helpers.cache_bodies import words
from tests.helpers.cache_traffic import Request

#: How an agent's tool list is made from the registry (see ``_tool_list``).
LIST_STYLES = (
    "own", "extends", "reordered", "edited", "user_marker", "user_marker_1h", "core_only",
    "picked",
)
CHOICES = (None, {"type": "auto"}, {"type": "any"}, {"type": "tool", "name": "core_0"})


def _tool(name: str, salt: int, size: int = 90) -> dict[str, Any]:
    return {"name": name, "description": words(size, salt),
            "input_schema": {"type": "object", "properties": {"arg": {"type": "string"}}}}


CORE = [_tool(f"core_{i}", i) for i in range(8)]
SYSTEM = "You operate the cluster for the user.\n" + words(700, 5)


@dataclass(frozen=True)
class ToolTrafficShape:
    """What the random tool traffic mixes."""

    styles: tuple[str, ...] = LIST_STYLES
    agents: int = 4
    planners: int = 1
    requests: int = 40
    #: Seconds between two requests of a running task (uniform from 0).
    step_gap: float = 60.0
    #: Share of steps that wait for an approval, and how long such a pause lasts (seconds).
    pauses: float = 0.15
    pause: tuple[float, float] = (300.0, 5400.0)
    #: Share of requests that change ``tool_choice``.
    choices: float = 0.1
    #: Share of requests that start a new task (else a running one goes on).
    new_tasks: float = 0.3
    #: A task idle this long never goes on (keeps every reuse gap of a conversation under it).
    stale_after: float = float("inf")
    #: A new task starts at least this often (the tools and system are needed again in time).
    fresh_every: float = float("inf")


def _tool_list(style: str, agent: int, edited: bool) -> list[dict[str, Any]]:
    own = [_tool(f"own_{agent}_{k}", 200 + 7 * agent + k) for k in range(2)]
    core = [dict(t) for t in CORE]
    if style == "extends":  # a list that is another agent's list plus one tool
        return [*core, *[_tool(f"own_0_{k}", 200 + k) for k in range(2)], _tool("extra", 999)]
    if style == "reordered":  # the same tools, two of the core ones swapped
        core[1], core[2] = core[2], core[1]
    if style == "edited" and edited:  # a core tool's description edited in place
        core[3] = {**core[3], "description": core[3]["description"] + " (v2)"}
    if style == "user_marker":
        core[5] = {**core[5], "cache_control": {"type": "ephemeral"}}
    if style == "user_marker_1h":  # also after a tool other lists part at (edited, reordered)
        core[5] = {**core[5], "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    if style == "core_only":
        return core
    if style == "picked":  # tools picked per agent from the registry, in the registry's order
        pick = random.Random(agent)
        return [t for t in [*core, *own] if pick.random() < 0.7] or core
    return [*core, *own]


@dataclass
class _Task:
    agent: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    steps: int = 0
    last: float = 0.0


def _step(task: _Task, rng: random.Random) -> None:
    """The assistant's tool call (or calls) and their results."""
    salt = rng.randint(0, 10**6)
    ids = [f"toolu_{task.agent}_{task.steps}_{salt}_{i}" for i in range(rng.choice((1, 1, 3)))]
    task.messages.append({"role": "assistant", "content": [
        {"type": "text", "text": words(rng.randint(3, 30), salt)},
        *({"type": "tool_use", "id": i, "name": "core_0", "input": {"arg": str(salt)}}
          for i in ids)]})
    task.messages.append({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": i, "content": words(rng.randint(5, 400), salt)}
        for i in ids]})
    task.steps += 1


def _gap(rng: random.Random, shape: ToolTrafficShape) -> float:
    if rng.random() < shape.pauses:
        return rng.uniform(*shape.pause)
    return rng.uniform(0.0, shape.step_gap)


def tool_script(seed: int, shape: ToolTrafficShape) -> list[Request]:
    """A reproducible list of agent requests for ``shape``."""
    rng = random.Random(seed)
    styles = [rng.choice(shape.styles) for _ in range(shape.agents)]
    edit_at = rng.randrange(max(shape.requests, 1))
    choice: dict[str, Any] | None = None
    live: list[_Task] = []
    out: list[Request] = []
    at = started = 0.0
    for n in range(shape.requests):
        at += _gap(rng, shape)
        live = [t for t in live if at - t.last <= shape.stale_after]
        if not live or rng.random() < shape.new_tasks or at - started >= shape.fresh_every:
            task = _Task(rng.randrange(shape.agents))
            task.messages.append({"role": "user", "content": f"task {n}: " + words(40, n)})
            live, started = [*live[-3:], task], at
        else:
            task = rng.choice(live)
            _step(task, rng)
        task.last = at
        if rng.random() < shape.choices:
            choice = rng.choice(CHOICES)
        body: dict[str, Any] = {
            "model": "claude-sonnet-4-5", "max_tokens": 64, "system": SYSTEM,
            "tools": _tool_list(styles[task.agent], task.agent, n >= edit_at),
            "messages": copy.deepcopy(task.messages),
        }
        if choice is not None:
            body["tool_choice"] = choice
        out.append(Request(at, rng.randrange(shape.planners), body))
    return out
