"""Concurrent calls outside ``batch`` (LangGraph branches, ``asyncio.gather``, a thread pool)
sharing a cacheable system prompt: all are sent before any answer, so only the first one's
write of the prompt can ever be read; the others leave it unmarked instead of writing it again
at 1.25x (``CacheState.in_flight``)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model
from tests.helpers.cache_bodies import words

SYSTEM = SystemMessage("You are the claims assistant of an insurer.\n" + words(2500))
CALLS = 6


def _model() -> Any:
    return emulated_chat_model(MessagesEmulator(latency=0.3), model="claude-sonnet-4-5",
                               max_tokens=32)


def _head_writes(messages: list[AIMessage]) -> int:
    """Calls whose usage shows the system prompt written (at 1.25x)."""
    return sum(m.response_metadata["usage"]["cache_creation_input_tokens"] > 2000
               for m in messages)


def _inputs() -> list[list[Any]]:
    return [[SYSTEM, HumanMessage(f"claim {i}: is hail covered?")] for i in range(CALLS)]


def test_threads_write_a_shared_system_prompt_once() -> None:
    llm = _model()
    with ThreadPoolExecutor(CALLS) as pool:
        replies = list(pool.map(llm.invoke, _inputs()))
    assert _head_writes(replies) == 1
    again = llm.invoke([SYSTEM, HumanMessage("one more")])  # answered by now: read
    assert again.response_metadata["usage"]["cache_read_input_tokens"] > 2000


def test_gathered_coroutines_write_a_shared_system_prompt_once() -> None:
    async def run() -> list[AIMessage]:
        llm = _model()
        return list(await asyncio.gather(*(llm.ainvoke(m) for m in _inputs())))

    assert _head_writes(asyncio.run(run())) == 1


def _first_question() -> list[Any]:
    return [SYSTEM, HumanMessage("claim 0: is hail covered?")]


def _head_counted_on(llm: Any) -> bool:
    """Whether a call planned now would count on reading the system prompt."""
    return llm.plan_cache([SYSTEM, HumanMessage("another claim")]).expected_read_tokens > 2000


def test_a_stream_that_began_lets_the_next_calls_read_its_writes() -> None:
    llm = _model()
    stream = llm.stream(_first_question())
    next(stream)  # the response began: the prompt was processed and written
    assert _head_counted_on(llm)
    stream.close()


def test_an_async_stream_that_began_lets_the_next_calls_read_its_writes() -> None:
    async def run() -> bool:
        llm = _model()
        stream = llm.astream(_first_question())
        await stream.__anext__()
        counted = _head_counted_on(llm)
        await stream.aclose()
        return counted

    assert asyncio.run(run())
