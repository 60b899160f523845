"""The planner measures time on the server's clock (Date header), forward only."""

from __future__ import annotations

import asyncio
import email.utils

import httpx2
import pytest
from langchain_core.messages import BaseMessage, BaseMessageChunk, HumanMessage, SystemMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.cache import CachePlan
from langchain_cometapi.cache._clock import ServerClock
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import EmulatorTransport, ManualClock, MessagesEmulator


class Local:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


def test_sync_moves_forward_only() -> None:
    local = Local()
    clock = ServerClock(local)
    start = clock()
    clock.sync(_date(start + 600))
    assert clock() >= start + 599  # Date has one-second resolution
    local.t += 5
    assert clock() >= start + 604
    before = clock()
    clock.sync(_date(start - 3600))  # a stale Date from a proxy cache: ignored
    assert clock() >= before
    clock.sync("not a date")
    clock.sync(None)
    assert clock() >= before


def test_emulator_dates_follow_its_clock() -> None:
    manual = ManualClock()
    emu = MessagesEmulator(clock=manual)
    body = {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [
        {"role": "user", "content": "hi"}]}  # fmt: skip
    headers = {"x-api-key": "k"}
    first = email.utils.parsedate_to_datetime(
        emu.handle("POST", "/v1/messages", headers, body).header("date") or ""
    )
    manual.advance(3600)
    second = email.utils.parsedate_to_datetime(
        emu.handle("POST", "/v1/messages", headers, body).header("date") or ""
    )
    assert (second - first).total_seconds() == 3600


def _reply(llm: ChatCometAPI, history: list[BaseMessage], mode: str) -> BaseMessage:
    if mode == "invoke":
        return llm.invoke(history)
    if mode == "ainvoke":
        return asyncio.run(llm.ainvoke(history))
    if mode == "stream":
        chunks = list(llm.stream(history))
    else:

        async def collect() -> list[BaseMessageChunk]:
            return [chunk async for chunk in llm.astream(history)]

        chunks = asyncio.run(collect())
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return full


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
def test_planner_sees_emulated_time_pass(mode: str) -> None:
    """Turns 10 minutes apart on the emulator's clock are 10 minutes apart for the planner: the
    planner reads the Date of every response it is handed, JSON or stream, sync or async."""
    manual = ManualClock()
    emu = MessagesEmulator(clock=manual)
    transport = EmulatorTransport(emu)
    llm = ChatCometAPI(
        api_key="k",
        base_url="http://emu",
        http_client=httpx2.Client(transport=transport),
        http_async_client=httpx2.AsyncClient(transport=transport),
    )
    planner = llm._planner
    assert planner is not None
    history = [SystemMessage("Rules. " + "Be precise about every topic. " * 300)]
    seen = []
    for turn in range(3):
        history.append(HumanMessage(f"question {turn}"))
        history.append(_reply(llm, history, mode))
        seen.append(planner.state.clock())
        manual.advance(600)
    # Date headers carry whole seconds, so each reading may lag the emulator by up to 1 s
    assert seen[2] - seen[0] >= 1200 - 2


def test_observe_reads_the_date_of_the_response_headers() -> None:
    planner = CachePlanner()
    body = {"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [
        {"role": "user", "content": "hi"}]}  # fmt: skip
    _, plan = planner.plan(body)
    start = planner.state.clock()
    planner.observe(plan, {"input_tokens": 5}, {"Date": _date(start + 1800)})
    assert planner.state.clock() >= start + 1799


def test_the_plan_carries_only_what_users_read() -> None:
    fields = set(CachePlan.__dataclass_fields__)
    assert not fields & {"raw_estimate", "read_key", "live_keys", "write_keys"}
