"""Prompt-cache planner (placeholder: pass-through until the planner lands)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class CachePolicy(BaseModel):
    """How the planner may place cache_control breakpoints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ttl: Literal["5m", "1h", "auto"] = "5m"
    max_breakpoints: int = 4
    min_tokens: int | None = None


@dataclass
class CachePlan:
    """Where breakpoints went and why."""

    model: str
    breakpoints: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class CachePlanner:
    """Places breakpoints and learns across calls (thread-safe)."""

    def __init__(self, policy: CachePolicy | None = None) -> None:
        self.policy = policy or CachePolicy()

    def plan(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], CachePlan]:
        return copy.deepcopy(dict(body)), CachePlan(model=str(body.get("model", "")))

    def observe(self, plan: CachePlan, usage: Mapping[str, Any]) -> None:
        return None
