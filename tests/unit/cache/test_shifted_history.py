"""A history that shifts every turn (trimmed window, rewritten summary): keep the head, drop the
tail writes that can never be read."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers.cache_bodies import words

HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


def _window(turn: int, keep: int) -> dict[str, Any]:
    history: list[dict[str, Any]] = []
    for t in range(turn):
        history.append({"role": "user", "content": f"question {t}: " + words(60, t)})
        if t < turn - 1:
            history.append({"role": "assistant", "content": words(150, t + 40)})
    window = history[-keep:]
    if window[0]["role"] != "user":
        window = window[1:]
    return {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "system": "You help.\n" + words(1500), "messages": window}


def _run(keep: int) -> tuple[list[set[str]], int]:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    segments: list[set[str]] = []
    refused = 0
    for turn in range(1, 14):
        out, plan = planner.plan(_window(turn, keep))
        segments.append({bp.segment for bp in plan.breakpoints if bp.action == "write"})
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        refused += response.status != 200
        if response.status == 200:
            planner.observe(plan, response.json()["usage"], dict(response.headers))
        clock.advance(30)
    return segments, refused


def test_a_sliding_window_stops_writing_its_tail_and_keeps_the_system_prompt() -> None:
    segments, refused = _run(keep=5)
    assert refused == 0
    assert all("tail" not in s for s in segments[4:]), segments
    assert all("system" not in s for s in segments[2:])  # written once, then read


def test_a_growing_history_keeps_writing_its_tail() -> None:
    segments, refused = _run(keep=1000)
    assert refused == 0
    assert all("tail" in s for s in segments[1:]), segments


def test_a_shift_is_reported_in_the_plan_notes() -> None:
    planner = CachePlanner(clock=ManualClock())
    planner.plan(_window(4, 5))
    plan = planner.plan(_window(5, 5))[1]
    assert any("history before the last turn changed" in note for note in plan.notes)
