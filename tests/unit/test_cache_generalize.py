"""Planner behaviour that must hold on workloads it was not tuned on (holdout findings)."""

from __future__ import annotations

from typing import Any

from langchain_cometapi import tokens
from langchain_cometapi._cache_models import min_cacheable_tokens
from langchain_cometapi._cache_planner import CachePlanner
from langchain_cometapi.testing import ManualClock

from .cache_helpers import markers, words


def _body(system_words: int, model: str = "claude-haiku-4-5") -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 64,
        "system": "You help.\n" + words(system_words),
        "messages": [{"role": "user", "content": "hi " + words(20, 3)}],
    }


def _system_share(body: dict[str, Any]) -> float:
    system = tokens.estimate_block_tokens({"type": "text", "text": body["system"]})
    return system / min_cacheable_tokens(body["model"])


def test_uncalibrated_planner_marks_a_system_estimated_somewhat_below_the_minimum() -> None:
    body = _body(1000)
    assert 0.55 < _system_share(body) < 0.8  # the estimate may be low; a wasted marker is free
    out, _ = CachePlanner(clock=ManualClock()).plan(body)
    assert [loc for loc, _, _ in markers(out)][:1] == [("system", 0)]


def test_calibrated_planner_stops_marking_below_the_minimum() -> None:
    planner = CachePlanner(clock=ManualClock())
    body = _body(1000)
    _, plan = planner.plan(body)
    planner.observe(plan, {"input_tokens": plan.raw_estimate})  # the estimate was exact
    out, _ = planner.plan(_body(1000))
    assert list(markers(out)) == []


def test_first_usage_sample_replaces_the_ratio_guess() -> None:
    planner = CachePlanner(clock=ManualClock())
    _, plan = planner.plan(_body(1000))
    planner.observe(plan, {"input_tokens": round(plan.raw_estimate * 1.5)})
    assert abs(planner.state.ratio - 1.5) < 0.01
