"""Batches that share a long system prompt: input cost and wall time, with and without warm-up.

Run: ``.venv/bin/python benchmarks/batch_warmup.py``. One loopback ``EmulatorServer`` whose
emulator models requests in flight (``MessagesEmulator(latency=0.3)``: an entry is readable once
the response that wrote it has begun), synthetic extraction inputs (a ~3.3k-token instruction
prompt, a different ~400-token document each), ``batch`` with LangChain's default concurrency,
and the same inputs as concurrent ``ainvoke`` calls (``asyncio.gather``: no batch, so no
warm-up; what LangGraph branches do). Compared in the same run: ChatAnthropic with the system
prompt marked by hand (what its docs suggest), ChatCometAPI with the warm-up turned off, and
ChatCometAPI as shipped. Cost = input cost / the same inputs uncached (the emulator's own token
counts). Emulator figures, not live.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._wire.usage import Usage
from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._pricing import usage_cost
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator

MODEL = "claude-sonnet-4-5"
WORDS = ("record", "field", "invoice", "total", "party", "date", "clause", "amount", "term")


def _text(n: int, salt: int) -> str:
    return " ".join(WORDS[(i * 7 + salt) % len(WORDS)] + str((i + salt) % 17) for i in range(n))


def _inputs(n: int, marked: bool) -> list[list[BaseMessage]]:
    instructions = "Extract the fields below from the document.\n" + _text(2500, 1)
    system = SystemMessage(
        [{"type": "text", "text": instructions, "cache_control": {"type": "ephemeral"}}]
        if marked else instructions
    )
    return [[system, HumanMessage(f"Document {i}:\n" + _text(300, i + 2))] for i in range(n)]


async def _gathered(llm: Any, inputs: list[list[BaseMessage]]) -> list[Any]:
    return list(await asyncio.gather(*(llm.ainvoke(one) for one in inputs)))


def _run(make: Any, n: int, marked: bool, gather: bool = False) -> tuple[float, float]:
    """(input cost / uncached, wall seconds) of one batch of ``n`` inputs (or of ``n`` concurrent
    ``ainvoke`` calls)."""
    emulator = MessagesEmulator(latency=0.3)
    with EmulatorServer(emulator) as server:
        llm = make(server.base_url)
        started = time.perf_counter()
        inputs = _inputs(n, marked)
        results = asyncio.run(_gathered(llm, inputs)) if gather else llm.batch(inputs)
        wall = time.perf_counter() - started
    usages = [Usage.parse(r.response_metadata["usage"]) for r in results]
    return sum(map(usage_cost, usages)) / sum(u.prompt for u in usages), wall


def main() -> None:
    from langchain_anthropic import ChatAnthropic

    settings: dict[str, Any] = {"model": MODEL, "max_tokens": 32, "max_retries": 0}
    rows = {
        "ChatAnthropic, system marked": (
            lambda url: ChatAnthropic(**{"api_key": "sk-ant-bench", **settings}, base_url=url),
            True),
        "ChatCometAPI, warm-up off": (
            lambda url: ChatCometAPI(**{"api_key": "bench", "base_url": url, **settings},
                                     prompt_cache=CachePolicy(warm_batches=None)),
            False),
        "ChatCometAPI (default)": (
            lambda url: ChatCometAPI(**{"api_key": "bench", "base_url": url, **settings}), False),
    }
    print(f"{'batch of n':<32}{'n':>4}{'cost':>8}{'wall s':>9}")
    for n in (5, 20):
        for name, (make, marked) in rows.items():
            cost, wall = _run(make, n, marked)
            print(f"{name:<32}{n:>4}{cost:>8.3f}{wall:>9.2f}")
    print(f"{'gathered ainvoke calls':<32}{'n':>4}{'cost':>8}{'wall s':>9}")
    for n in (5, 20):
        for name, (make, marked) in rows.items():
            if "warm-up off" in name:  # no batch: the warm-up does not apply
                continue
            cost, wall = _run(make, n, marked, gather=True)
            print(f"{name:<32}{n:>4}{cost:>8.3f}{wall:>9.2f}")
    print("cost = input cost / uncached input cost (emulator with requests in flight)")


if __name__ == "__main__":
    main()
