"""The planner's markers on recorded real requests (``../shared``): every request the real API
answered 200 is still accepted once planned, under the automatic policy and under 1h.

The synthetic workloads draw text-only bodies; real traffic carries images, documents,
thinking blocks with signatures, server-tool results, citations, user-placed markers. A marker
the planner puts where the API refuses one (an empty text block, a thinking block, a sixth
marker, a 1h marker after a 5m one) would turn a working request into a 400. Each body is
planned three times against one emulator (the second and third plans are warm: the planner has
seen the usage of the first). Skipped when the recorded traffic is absent.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from langchain_cometapi._wire.tools import required_betas
from langchain_cometapi.cache import CachePlanner, CachePolicy
from langchain_cometapi.testing import ManualClock, MessagesEmulator
from tests.helpers import recorded

ACCEPTED = recorded.accepted()


def _statuses(body: dict[str, Any], policy: CachePolicy) -> list[tuple[int, str]]:
    headers = {"x-api-key": "sk-test", "anthropic-version": "2023-06-01"}
    betas = required_betas(body)
    if betas:
        headers["anthropic-beta"] = ",".join(betas)
    clock = ManualClock(0.0)
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(policy, clock=clock)
    out: list[tuple[int, str]] = []
    for _ in range(3):
        planned, plan = planner.plan(copy.deepcopy(body))
        response = emulator.handle("POST", "/v1/messages", headers, planned)
        payload = json.loads(b"".join(response.chunks)) if response.status != 200 else {}
        out.append((response.status, str(payload.get("error", ""))))
        if response.status != 200:
            break
        planner.observe(plan, response.json()["usage"], dict(response.headers))
        clock.advance(30.0)
    return out


@pytest.mark.parametrize("case", ACCEPTED, ids=recorded.name)
def test_a_recorded_request_is_accepted_once_planned(case: dict[str, Any]) -> None:
    body = {k: v for k, v in case["request_body"].items() if k != "stream"}
    for policy in (CachePolicy(), CachePolicy(ttl="1h")):
        statuses = _statuses(body, policy)
        assert all(status == 200 for status, _ in statuses), statuses
