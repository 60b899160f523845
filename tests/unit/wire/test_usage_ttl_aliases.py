"""new-api's flat TTL counts (``claude_cache_creation_5_m_tokens`` / ``..._1_h_tokens``) split a
cache write into 5m and 1h when the API's nested ``cache_creation`` split is absent.

new-api's ``ClaudeUsage`` always writes the flat pair, and a reply it builds or rewrites may
carry only them (its own usage rewrites, a chained new-api upstream). Read as an unknown field,
a 1h write was counted as a 5m one: the usage details, the cost report (1h writes cost 2x, 5m
ones 1.25x) and the planner, which after three such replies decided the endpoint bills 1h as 5m
and stopped asking for 1h. The flat pair only splits the generic count: totals never change.
"""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi._wire.usage import Usage, usage_metadata
from langchain_cometapi.cache._fallback import IGNORED_1H_EVIDENCE
from langchain_cometapi.cache._planner import CachePlanner, CachePolicy
from langchain_cometapi.cache._report import CacheTurn
from tests.helpers.cache_bodies import words
from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    sse_response,
    text_stream,
)

#: A 1h write of 1000 tokens as new-api reports it when it has no nested split to copy.
FLAT_1H = {
    "input_tokens": 10,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 1000,
    "output_tokens": 5,
    "claude_cache_creation_5_m_tokens": 0,
    "claude_cache_creation_1_h_tokens": 1000,
}


def test_flat_pair_splits_the_write() -> None:
    parsed = Usage.parse(FLAT_1H)
    assert (parsed.write_5m, parsed.write_1h, parsed.ttl_split) == (0, 1000, True)
    details = usage_metadata(FLAT_1H)["input_token_details"]
    assert details == {
        "cache_read": 0,
        "cache_creation": 0,  # the split replaces the generic count, as for the nested split
        "ephemeral_5m_input_tokens": 0,
        "ephemeral_1h_input_tokens": 1000,
    }


def test_flat_pair_with_a_remainder_puts_it_in_5m() -> None:
    usage = {**FLAT_1H, "claude_cache_creation_1_h_tokens": 600}
    parsed = Usage.parse(usage)
    assert (parsed.write_5m, parsed.write_1h) == (400, 600)


def test_nested_split_wins_over_the_flat_pair() -> None:
    """new-api re-serialising an official reply keeps the nested split and writes zeros flat."""
    nested = {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 1000}
    usage = {**FLAT_1H, "cache_creation": nested, "claude_cache_creation_1_h_tokens": 0}
    assert (Usage.parse(usage).write_5m, Usage.parse(usage).write_1h) == (0, 1000)
    usage = {**FLAT_1H, "cache_creation": nested, "claude_cache_creation_5_m_tokens": 1000,
             "claude_cache_creation_1_h_tokens": 0}  # fmt: skip
    assert (Usage.parse(usage).write_5m, Usage.parse(usage).write_1h) == (0, 1000)


@pytest.mark.parametrize(
    "flat",
    [{"claude_cache_creation_5_m_tokens": 3}, {"claude_cache_creation_1_h_tokens": 3000}],
    ids=["no_generic_count", "larger_than_the_generic_count"],
)
def test_flat_pair_never_changes_the_totals(flat: dict[str, Any]) -> None:
    usage = {"input_tokens": 100, "cache_creation_input_tokens": 0, "output_tokens": 1}
    if "claude_cache_creation_1_h_tokens" in flat:
        usage["cache_creation_input_tokens"] = 1000
    before = usage_metadata(usage)
    after = usage_metadata({**usage, **flat})
    assert (after["input_tokens"], after["total_tokens"]) == (
        before["input_tokens"],
        before["total_tokens"],
    )


def test_cost_report_prices_the_write_at_1h() -> None:
    turn = CacheTurn.from_usage(FLAT_1H)
    assert (turn.write_5m, turn.write_1h) == (0, 1000)
    meta = CacheTurn.from_usage_metadata(usage_metadata(FLAT_1H))
    assert (meta.write_5m, meta.write_1h) == (0, 1000)


@pytest.mark.parametrize("path", PATHS)
async def test_every_path_reports_the_1h_write(path: str) -> None:
    events = text_stream("ok")
    events[0]["message"]["usage"] = dict(FLAT_1H)
    events[-2]["usage"] = {"output_tokens": 5}
    answer = sse_response(events) if "stream" in path else json_response(message(**FLAT_1H))
    reply = await call(model_with(Recorder(answer)), path)
    details = reply.usage_metadata["input_token_details"]
    assert details["ephemeral_1h_input_tokens"] == 1000
    assert details["ephemeral_5m_input_tokens"] == 0
    assert reply.usage_metadata["input_tokens"] == 1010


def _body() -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "system": "Rules.\n" + words(3000),
        "messages": [{"role": "user", "content": "hi"}],
    }


def test_planner_keeps_asking_1h_from_an_endpoint_that_bills_it_flat() -> None:
    planner = CachePlanner(CachePolicy(ttl="1h"))
    for _ in range(IGNORED_1H_EVIDENCE + 1):
        _, plan = planner.plan(_body())
        assert plan.expected_write_1h_tokens or plan.expected_read_tokens
        planner.observe(plan, FLAT_1H)
    assert planner.endpoint.one_hour
