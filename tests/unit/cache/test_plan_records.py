"""The planner's fast Breakpoint constructor builds exactly what the dataclass's own would."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from langchain_cometapi.cache._plan import Breakpoint, new_breakpoint
from langchain_cometapi.cache._planner import plan_cache

_FIELDS: dict[str, Any] = {
    "location": ("messages", 3, 0),
    "segment": "tail",
    "reason": "end of the conversation so far",
    "ttl": "1h",
    "prefix_tokens": 4200,
    "segment_tokens": 300,
    "action": "write",
    "source": "planner",
}


def test_new_breakpoint_takes_every_field_of_breakpoint_and_only_those() -> None:
    params = inspect.signature(new_breakpoint).parameters
    assert set(params) == {f.name for f in dataclasses.fields(Breakpoint)}
    assert all(p.default is inspect.Parameter.empty for p in params.values())


def test_new_breakpoint_equals_the_dataclass_built_one() -> None:
    fast, slow = new_breakpoint(**_FIELDS), Breakpoint(**_FIELDS)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert vars(fast) == vars(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert copy.deepcopy(fast) == slow
    assert dataclasses.replace(fast, ttl="5m") == Breakpoint(**{**_FIELDS, "ttl": "5m"})


def test_new_breakpoint_stays_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        new_breakpoint(**_FIELDS).ttl = "5m"  # type: ignore[misc]


def test_planned_breakpoints_are_breakpoints() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 16,
        "system": "You are a careful assistant. " * 300,
        "messages": [{"role": "user", "content": "hello"}],
    }
    _, plan = plan_cache(body)
    assert plan.breakpoints
    for point in plan.breakpoints:
        assert type(point) is Breakpoint
        assert point == Breakpoint(**dataclasses.asdict(point))
