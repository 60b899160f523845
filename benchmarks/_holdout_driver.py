"""Drive a holdout workload end to end: LangChain messages -> ChatCometAPI -> emulator.

Every strategy goes through the real ``ChatCometAPI`` request path over an httpx2 transport that
wraps ``EmulatorTransport``: peers run with ``prompt_cache="off"`` and rewrite the wire body
in the transport (as their middleware would have), the planner runs as shipped. A request the
emulator rejects is retried uncached in cost terms (it counts as plain input), so a strategy
cannot look cheap by failing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import httpx2
from _workloads_holdout import Step, Workload

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorTransport, ManualClock, MessagesEmulator

#: ``--no-free-lengthening``: the emulator keeps an entry's own TTL when a longer marker reads it
#: (the real API does not document that case), to show which figures depend on it.
LENGTHEN_ON_READ = "--no-free-lengthening" not in sys.argv


def emulator_for(clock: ManualClock) -> MessagesEmulator:
    return MessagesEmulator(clock=clock, lengthen_on_read=LENGTHEN_ON_READ)

Transform = Callable[[float, dict[str, Any]], dict[str, Any]]


class _Tap(httpx2.BaseTransport):
    """Rewrites (peers) and records each body on its way to the emulator."""

    def __init__(self, inner: EmulatorTransport, clock: ManualClock,
                 transform: Transform | None) -> None:
        self.inner = inner
        self.clock = clock
        self.transform = transform
        self.sent: list[dict[str, Any]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        body = json.loads(request.content)
        if self.transform is not None:
            body = self.transform(self.clock(), body)
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx2.Request(request.method, request.url, headers=headers,
                                     content=json.dumps(body).encode())
        self.sent.append(body)
        return self.inner.handle_request(request)


def _cost(usage: dict[str, Any]) -> float:
    created = usage.get("cache_creation") or {}
    return float(
        usage["input_tokens"]
        + 0.1 * usage.get("cache_read_input_tokens", 0)
        + 1.25 * created.get("ephemeral_5m_input_tokens", 0)
        + 2.0 * created.get("ephemeral_1h_input_tokens", 0)
    )


def drive(
    workload: Workload,
    *,
    planner: bool,
    transform: Transform | None = None,
    fresh: bool | None = None,
    base_costs: list[float] | None = None,
    policy: Any = None,
    fleet: int = 0,
) -> dict[str, Any]:
    """Replay one workload; returns cost, errors and the wire bodies sent (time, body)."""
    clock = ManualClock(0.0)
    emulator = emulator_for(clock)
    tap = _Tap(EmulatorTransport(emulator), clock, transform)
    # One HTTP client per instance name: instances of one name are one process's (a fresh
    # instance per request shares what the process learnt, ``cache._shared``); each fleet
    # worker is a process of its own.
    clients: dict[str, httpx2.Client] = {}
    fresh = workload.fresh_instance if fresh is None else fresh
    instances: dict[str, ChatCometAPI] = {}

    def model_for(step: Step) -> ChatCometAPI:
        if not fresh and step.instance in instances:
            return instances[step.instance]
        kwargs: dict[str, Any] = {"max_tokens": 4096}
        if workload.thinking:
            kwargs["thinking"] = workload.thinking
        if step.instance not in clients:
            clients[step.instance] = httpx2.Client(transport=tap, base_url="http://emulator")
        llm = ChatCometAPI(
            model=workload.model, api_key="bench", base_url="http://emulator",
            http_client=clients[step.instance], max_retries=0,
            prompt_cache=(policy or "auto") if planner else "off", **kwargs,
        )
        if planner and llm._planner is not None:
            llm._planner.state.clock = clock
        instances[step.instance] = llm
        return llm

    cost, errors, costs = 0.0, 0, []
    sent: list[tuple[float, dict[str, Any]]] = []
    for i, step in enumerate(workload.steps):
        if fleet:  # round-robin over ``fleet`` instances, whatever the workload's own routing
            step = Step(step.t, step.messages, step.tools, f"fleet-{i % fleet}", step.tool_choice)
        if step.t > clock():
            clock.set(step.t)
        llm = model_for(step)
        runnable: Any = (
            llm.bind_tools(step.tools, tool_choice=step.tool_choice) if step.tools else llm
        )
        before = len(tap.sent)
        try:
            message = runnable.invoke(step.messages)
            c = _cost(message.response_metadata["usage"])
        except Exception:  # a 400: the caller would retry without markers
            errors += 1
            c = base_costs[i] if base_costs else 0.0
        if len(tap.sent) > before:
            sent.append((step.t, tap.sent[-1]))
        costs.append(c)
        cost += c
    return {"cost": cost, "errors": errors, "costs": costs, "sent": sent}
