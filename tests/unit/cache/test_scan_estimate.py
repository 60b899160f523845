"""The planner's positions count tokens as the estimator does: the same total for the whole body,
with the model's token costs and the per-request part (hidden tool-use prompt) in front."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.cache._scan import ScanCache, scan_body
from langchain_cometapi.tokens import estimate_request_tokens, request_overhead_tokens
from tests.helpers.cache_bodies import words


def _body(model: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 64,
        "tools": [{"name": "lookup", "description": "Look.", "input_schema": {"type": "object"}}],
        "system": words(400),
        "messages": [
            {"role": "user", "content": words(300, 1)},
            {"role": "assistant", "content": [{"type": "text", "text": "Noted."}]},
            {"role": "user", "content": [{"type": "text", "text": words(50, 2)}]},
        ],
        **extra,
    }


def _scan(body: dict[str, Any], recent: ScanCache | None = None) -> Any:
    return scan_body(body, [{"type": "text", "text": body["system"]}], {}, recent)


@pytest.mark.parametrize(
    "model", ["claude-opus-4-7", "claude-sonnet-4-6", "claude-3-5-haiku", "unknown-model"]
)
def test_scan_total_is_the_estimate_of_the_body(model: str) -> None:
    body = _body(model)
    scan = _scan(body)
    assert scan.total == estimate_request_tokens(body)
    # the hidden tool-use prompt comes before the first tool
    assert scan.tokens_at(-1) == request_overhead_tokens(body) > 0
    assert scan.tokens_at(0) > request_overhead_tokens(body)


def test_models_with_another_tokenizer_are_not_counted_from_the_memo_of_another() -> None:
    memo: dict[int, int] = {}
    sonnet, opus = _body("claude-sonnet-4-6"), _body("claude-opus-4-7")
    scan_body(sonnet, [{"type": "text", "text": sonnet["system"]}], memo)
    opus_scan = scan_body(opus, [{"type": "text", "text": opus["system"]}], memo)
    assert opus_scan.total == estimate_request_tokens(opus)


def test_copied_positions_follow_a_changed_per_request_part() -> None:
    recent = ScanCache()
    first = _body("claude-sonnet-4-6")
    _scan(first, recent)
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    second = {**first, "output_config": {"format": {"type": "json_schema", "schema": schema}}}
    assert request_overhead_tokens(second) != request_overhead_tokens(first)
    second["messages"] = [*first["messages"], {"role": "assistant", "content": "ok"}]
    second["messages"].append({"role": "user", "content": "and then?"})
    assert _scan(second, recent).total == estimate_request_tokens(second)
