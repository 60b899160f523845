"""What every part of one planning pass reads: the policy, the learnt state, the time, the floor.

A plain record handed from ``_planning`` to ``_candidates`` and ``_ttl``, so they depend on it
and not on the pass that drives them (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._policy import CachePolicy
from ._state import CacheState

__all__ = ["PlanContext"]


@dataclass
class PlanContext:
    policy: CachePolicy
    state: CacheState
    now: float
    learn: bool  # False for a preview: nothing is recorded
    floor: float  # smallest prefix estimate worth a marker
    ttls: tuple[str, ...]  # TTLs the policy and the endpoint allow
    notes: list[str] = field(default_factory=list)
