"""A system prompt with a dynamic tail is sent as written when the plan places no marker."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache import CachePolicy
from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
STATIC = "You answer.\n" + words(1000) + "\n"


def _body(second: int) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": STATIC + f"Now: 2025-06-01T10:05:{second:02d}Z",
            "messages": [{"role": "user", "content": "hi " + words(40)}]}


def test_a_plan_without_markers_sends_the_stamped_system_prompt_unsplit() -> None:
    """Under the minimum nothing is read or written, so the split would only add the billed
    tokens of an extra text block."""
    planner = CachePlanner(CachePolicy(min_tokens=4096), clock=ManualClock())
    for second in (7, 8):
        body = _body(second)
        out, plan = planner.plan(body)
        assert not plan.breakpoints, plan.explain()
        assert out["system"] == body["system"]
        assert plan.system_split_at is None


def test_the_split_is_kept_when_a_marker_needs_it() -> None:
    planner = CachePlanner(clock=ManualClock())
    out, plan = planner.plan(_body(7))
    assert plan.system_split_at == len(STATIC)
    assert [b["text"] for b in out["system"]] == [STATIC, "Now: 2025-06-01T10:05:07Z"]


def test_the_emulator_bills_the_split_as_more_input_tokens() -> None:
    """Why an unmarked split is not free: each text block has its own overhead."""
    emulator = MessagesEmulator(clock=ManualClock())
    body = _body(7)
    split = {**body, "system": [{"type": "text", "text": STATIC},
                                {"type": "text", "text": "Now: 2025-06-01T10:05:07Z"}]}
    plain = emulator.handle("POST", "/v1/messages", HEADERS, body).json()["usage"]
    parts = emulator.handle("POST", "/v1/messages", HEADERS, split).json()["usage"]
    assert parts["input_tokens"] > plain["input_tokens"]
