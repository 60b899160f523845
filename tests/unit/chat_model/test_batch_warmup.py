"""``batch`` / ``abatch`` whose inputs share a cacheable head send the first input alone.

Concurrent requests all arrive before any cache entry is readable (``MessagesEmulator(latency=)``
models the API's requests in flight), so without the warm-up every input writes the shared
system prompt at 1.25x and the batch costs more than no caching.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._batching import shares_head
from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import MessagesEmulator, emulated_chat_model
from tests.helpers.cache_bodies import words
from tests.helpers.emulator import SentTogether

SYSTEM = SystemMessage("Extract the fields from the document.\n" + words(2500))
LATENCY = 0.2  # long enough that inputs sent together all arrive before any answer


def _inputs(n: int, system: SystemMessage = SYSTEM) -> list[list[BaseMessage]]:
    return [[system, HumanMessage(f"Document {i}:\n" + words(300, i))] for i in range(n)]


def _model(emulator: MessagesEmulator | None = None,
           **settings: Any) -> tuple[ChatCometAPI, MessagesEmulator]:
    emulator = emulator if emulator is not None else MessagesEmulator(latency=LATENCY)
    return emulated_chat_model(emulator, model="claude-sonnet-4-5", max_tokens=32,
                               **settings), emulator


def _reads(results: list[Any]) -> list[int]:
    """Tokens each result read from cache, in input order."""
    return [int(r.response_metadata["usage"]["cache_read_input_tokens"]) for r in results]


def _sent_first(emulator: MessagesEmulator) -> str:
    return str(emulator.requests[0]["body"]["messages"][0]["content"])


def _check_warm(emulator: MessagesEmulator, results: list[Any], n: int) -> None:
    assert len(results) == n and all(isinstance(r, AIMessage) for r in results)
    assert "Document 0:" in _sent_first(emulator)  # sent alone, before the others
    reads = _reads(results)
    assert reads[0] == 0 and all(read > 2500 for read in reads[1:])


def test_a_batch_sharing_a_system_prompt_writes_it_once() -> None:
    llm, emulator = _model()
    _check_warm(emulator, llm.batch(_inputs(4)), 4)


async def test_an_async_batch_sharing_a_system_prompt_writes_it_once() -> None:
    llm, emulator = _model()
    _check_warm(emulator, await llm.abatch(_inputs(4)), 4)


def test_structured_output_batches_are_warmed_too() -> None:
    class Fields(BaseModel):
        title: str

    llm, emulator = _model()
    results = llm.with_structured_output(Fields).batch(_inputs(3))
    assert all(isinstance(r, Fields) for r in results)
    assert "Document 0:" in _sent_first(emulator)
    assert llm.cache_report.requests_with_reads == 2


def test_without_warm_up_every_concurrent_request_writes_the_head() -> None:
    sent_together = SentTogether(4, latency=LATENCY)  # however late a batch thread starts
    llm, _ = _model(sent_together, prompt_cache=CachePolicy(warm_batches=None))
    assert _reads(llm.batch(_inputs(4))) == [0, 0, 0, 0]


def test_a_batch_smaller_than_warm_batches_is_sent_at_once() -> None:
    llm, _ = _model()
    assert _reads(llm.batch(_inputs(2))) == [0, 0]


def test_results_keep_their_order_and_exceptions_their_place() -> None:
    llm, emulator = _model()
    inputs: list[Any] = _inputs(4)
    inputs[2] = []  # no messages: refused before sending
    results = llm.batch(inputs, return_exceptions=True)
    assert isinstance(results[2], ValueError)
    assert "Document 0:" in _sent_first(emulator) and len(emulator.requests) == 3
    assert _reads([results[0], results[1], results[3]])[1:] == _reads([results[1], results[3]])
    assert all(read > 2500 for read in _reads([results[1], results[3]]))


def test_caching_off_never_delays_a_batch() -> None:
    llm, emulator = _model(prompt_cache="off")
    assert _reads(llm.batch(_inputs(3))) == [0, 0, 0] and len(emulator.requests) == 3


def _body(system: str, doc: str, tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 32, "system": system,
                            "messages": [{"role": "user", "content": doc}]}
    if tools:
        body["tools"] = tools
    return body


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (_body(SYSTEM.text, "another document " + words(100, 9)), True),
        (_body("Another prompt.\n" + words(2500), "x"), False),  # another head
        (_body(SYSTEM.text, "x", [{"name": "t", "input_schema": {"type": "object"}}]), False),
        ({**_body(SYSTEM.text, "x"), "model": "claude-haiku-4-5"}, False),
    ],
)
def test_shares_head_compares_what_the_plan_writes(second: dict[str, Any], expected: bool) -> None:
    first = _body(SYSTEM.text, "a document " + words(100, 3))
    plan = CachePlanner().preview(first)
    assert shares_head(plan, first, second) is expected


def test_a_head_already_cached_needs_no_warm_up() -> None:
    first = _body(SYSTEM.text, "a document " + words(100, 3))
    planner = CachePlanner()
    planner.plan(first)  # believed written now
    assert not shares_head(planner.preview(first), first, first)


def _documents_body(documents: list[str], question: str) -> dict[str, Any]:
    blocks = [{"type": "text", "text": d} for d in documents]
    return {"model": "claude-sonnet-4-5", "max_tokens": 32, "system": "Answer from them.",
            "messages": [{"role": "user",
                          "content": [*blocks, {"type": "text", "text": question}]}]}


def test_shares_head_compares_leading_documents_up_to_the_written_block() -> None:
    documents = [words(1500, 1), words(1500, 2)]
    first = _documents_body(documents, "first question")
    plan = CachePlanner().preview(first)
    assert [bp.segment for bp in plan.breakpoints if bp.action == "write"] == ["documents"]
    assert shares_head(plan, first, _documents_body(documents, "another question"))
    assert not shares_head(plan, first, _documents_body([documents[0], words(1500, 5)], "q"))
