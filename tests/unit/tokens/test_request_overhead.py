"""The per-request overhead of a body without tools or other settings (the planner's every call)
is the general formula's, memoised."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_cometapi.tokens import _estimate
from langchain_cometapi.tokens._costs import costs_for

MODELS = ["claude-sonnet-4-5", "claude-3-haiku-20240307", "anthropic/claude-opus-4-1", "mystery",
          None]


def _general(body: dict[str, Any], citations: bool) -> int:
    return round(_estimate._request_overhead(body, costs_for(_estimate._model(body)), citations))


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("citations", [False, True])
def test_plain_bodies_match_the_general_formula(model: str | None, citations: bool) -> None:
    for system in (None, "", "You help.", [{"type": "text", "text": "You help."}], []):
        for last in ("user", "assistant"):
            body: dict[str, Any] = {"model": model, "max_tokens": 5, "system": system,
                                    "messages": [{"role": "user", "content": "hi"},
                                                 {"role": last, "content": "ok"}]}
            got = _estimate.request_overhead_tokens(body, citations=citations)
            assert got == _general(body, citations)


def test_settings_with_overhead_take_the_general_formula() -> None:
    tool = {"name": "t", "description": "d", "input_schema": {"type": "object"}}
    base: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 5,
                            "messages": [{"role": "user", "content": "hi"}]}
    plain = _estimate.request_overhead_tokens(base, citations=False)
    for extra in ({"tools": [tool]}, {"thinking": {"type": "enabled", "budget_tokens": 2000}},
                  {"output_config": {"effort": "high"}},
                  {"output_format": {"type": "json_schema", "schema": {"type": "object"}}},
                  {"context_management": {"edits": [{"type": "compact_20260112"}]}}):
        body = {**base, **extra}
        got = _estimate.request_overhead_tokens(body, citations=False)
        assert got == _general(body, False), extra
        if "tools" in extra:
            assert got > plain  # the hidden tool-use prompt
