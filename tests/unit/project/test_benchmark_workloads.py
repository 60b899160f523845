"""The probe set and the sealed holdouts v3-v7 of benchmarks/ build deterministic workloads.

A workload set is only worth its "before" column if every run replays the same traffic: a builder
that draws from an unseeded source, or a sealed set edited after it was run, would silently change
what the figures mean. Each sealed set is pinned by a digest of everything it sends. Cheap: only
the first requests of each workload go through ``ChatCometAPI`` and the emulator here, the full
benchmark is ``benchmarks/cache_workloads.py --probe / --holdout-v3 / ... / --holdout-v7``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_cometapi.testing import min_cacheable_tokens

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCH))

from _holdout_driver import drive  # noqa: E402
from _workloads_holdout import Workload  # noqa: E402
from _workloads_holdout_v3 import HOLDOUT_V3  # noqa: E402
from _workloads_holdout_v4 import HOLDOUT_V4  # noqa: E402
from _workloads_holdout_v5 import HOLDOUT_V5  # noqa: E402
from _workloads_holdout_v6 import HOLDOUT_V6  # noqa: E402
from _workloads_holdout_v7 import HOLDOUT_V7  # noqa: E402
from _workloads_probe import PROBE  # noqa: E402

SETS: dict[str, dict[str, Callable[[], Workload]]] = {
    "probe": PROBE, "holdout_v3": HOLDOUT_V3, "holdout_v4": HOLDOUT_V4, "holdout_v5": HOLDOUT_V5,
    "holdout_v6": HOLDOUT_V6, "holdout_v7": HOLDOUT_V7,
}
BUILDERS = [(s, name) for s, builders in SETS.items() for name in builders]
# Digest of every step holdout v3 sends (sealed: not to be tuned on). A change here means the
# sealed set changed; that needs a new holdout, not a new digest.
HOLDOUT_V3_DIGEST = "7460359322488c3cbf8a4033c1ccd5b25d3aacf88b233093c83d8bf2fc0fee02"
# Holdout v4 (sealed, written before the approval-pause / TTL session's planner changes); its
# digest also covers each workload's ``allow_1h`` mark.
HOLDOUT_V4_DIGEST = "e4cb244bf7660a5c0414dec271d9388cdd14460e2cc016a6c5ee737a4a41e5eb"
# Holdout v5 (sealed, written before the second 2026-12-07 session's planner changes: TTL on agent
# fleets, dynamic system text on Haiku, pauses past the hour); covers ``allow_1h`` too.
HOLDOUT_V5_DIGEST = "48ac39cf13d6d064b6891cf3b51898666794821282f7d33eda0158203975595f"
# Holdout v6 (sealed, written before the fourth 2026-12-07 session's planner changes: the long
# first-turn prior, TTL on agents with pauses of 5 min-3 h, plan speed); covers ``allow_1h`` too.
HOLDOUT_V6_DIGEST = "fd64a8e6583e30a87bda1196235f44680a4d75ab2c3a8ef7c762dd0e55e949f0"
# Holdout v7 (sealed, written on 2026-12-08 before the sixth session's planner changes: fleets
# learning from usage, placement / selection rules where a fixed rule wins); covers ``allow_1h``.
HOLDOUT_V7_DIGEST = "2be6b688760f9f7d3490fc30f791471b7accf6714b19046283acdc576c5c442a"


def _fingerprint(workload: Workload) -> str:
    """Everything a step sends, as text: time, routing, tools, tool choice, message contents."""
    steps = [
        [round(s.t, 6), s.instance, s.tool_choice, s.tools,
         [[type(m).__name__, m.content, getattr(m, "tool_calls", None)] for m in s.messages]]
        for s in workload.steps
    ]
    head = [workload.name, workload.model, workload.thinking, workload.fresh_instance]
    text = json.dumps([head, steps], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(("which", "name"), BUILDERS)
def test_builder_is_deterministic_and_time_ordered(which: str, name: str) -> None:
    make = SETS[which][name]
    first, second = make(), make()
    assert first.steps, f"{name}: no steps"
    assert _fingerprint(first) == _fingerprint(second), f"{name}: two builds differ"
    times = [s.t for s in first.steps]
    assert times == sorted(times), f"{name}: steps out of time order"
    assert all(s.messages for s in first.steps)
    assert min_cacheable_tokens(first.model) > 0


@pytest.mark.parametrize(("which", "name"), BUILDERS)
def test_first_requests_are_accepted_end_to_end(which: str, name: str) -> None:
    """The first requests go through ChatCometAPI and the emulator without a 400 (planner on)."""
    workload = SETS[which][name]()
    head = Workload(workload.name, workload.model, workload.steps[:4], workload.thinking,
                    workload.fresh_instance, workload.allow_1h)
    out: dict[str, Any] = drive(head, planner=True)
    assert out["errors"] == 0
    assert len(out["sent"]) == len(head.steps)


def test_workload_names_are_unique_across_sets() -> None:
    names = [make().name for builders in SETS.values() for make in builders.values()]
    assert len(names) == len(set(names))


def test_sealed_holdout_v3_is_unchanged() -> None:
    joined = "".join(_fingerprint(make()) for make in HOLDOUT_V3.values())
    assert hashlib.sha256(joined.encode()).hexdigest() == HOLDOUT_V3_DIGEST


def test_sealed_holdout_v4_is_unchanged() -> None:
    joined = "".join(_fingerprint(w) + str(w.allow_1h) for w in (m() for m in HOLDOUT_V4.values()))
    assert hashlib.sha256(joined.encode()).hexdigest() == HOLDOUT_V4_DIGEST


def test_sealed_holdout_v5_is_unchanged() -> None:
    joined = "".join(_fingerprint(w) + str(w.allow_1h) for w in (m() for m in HOLDOUT_V5.values()))
    assert hashlib.sha256(joined.encode()).hexdigest() == HOLDOUT_V5_DIGEST


def test_sealed_holdout_v6_is_unchanged() -> None:
    joined = "".join(_fingerprint(w) + str(w.allow_1h) for w in (m() for m in HOLDOUT_V6.values()))
    assert hashlib.sha256(joined.encode()).hexdigest() == HOLDOUT_V6_DIGEST


def test_sealed_holdout_v7_is_unchanged() -> None:
    joined = "".join(_fingerprint(w) + str(w.allow_1h) for w in (m() for m in HOLDOUT_V7.values()))
    assert hashlib.sha256(joined.encode()).hexdigest() == HOLDOUT_V7_DIGEST
