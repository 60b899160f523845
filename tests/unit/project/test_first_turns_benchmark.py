"""``benchmarks/first_turns.py`` counts a first turn as gone on only when a later request of the
same conversation comes within 5 minutes (the window a 5m write pays for)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCH))

from first_turns import _went_on, first_turns  # noqa: E402

DOCUMENTS_AND_QUESTION = [{"type": "text", "text": "doc"}, {"type": "text", "text": "q"}]
FIRST = {"role": "user", "content": DOCUMENTS_AND_QUESTION}


def _body(system: str, turns: int) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [FIRST]
    for i in range(turns - 1):
        messages.append({"role": "assistant", "content": f"a{i}"})
        messages.append({"role": "user", "content": f"u{i}"})
    return {"system": system, "messages": messages}


def test_a_second_turn_within_five_minutes_is_counted_as_going_on() -> None:
    requests = [(0.0, _body("s", 1)), (240.0, _body("s", 2))]
    assert _went_on(requests, 0)


def test_a_late_second_turn_or_another_apps_turn_is_not() -> None:
    assert not _went_on([(0.0, _body("s", 1)), (360.0, _body("s", 2))], 0)
    assert not _went_on([(0.0, _body("s", 1)), (60.0, _body("other", 2))], 0)
    assert not _went_on([(0.0, _body("s", 1)), (60.0, _body("s", 1))], 0)  # a new conversation


def test_a_random_workload_yields_its_first_turns() -> None:
    turns = first_turns(0)
    assert turns and all(len(group) == 3 for group, _ in turns)
