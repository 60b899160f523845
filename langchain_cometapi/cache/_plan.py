"""The planner's answer: where each breakpoint went, why, and what it should cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Action", "Breakpoint", "CachePlan", "Location", "new_breakpoint"]

Location = tuple[str | int, ...]
Action = Literal["write", "read", "user"]


@dataclass(frozen=True)
class Breakpoint:
    """One ``cache_control`` marker in the planned body.

    ``location`` is a path into the body: ``("tools", 3)``, ``("system", 0)`` or
    ``("messages", 5, 2)`` (message 5, content block 2).
    """

    location: Location
    segment: str
    reason: str
    ttl: str
    prefix_tokens: int
    segment_tokens: int
    action: Action
    source: Literal["planner", "user"] = "planner"


def new_breakpoint(
    *,
    location: Location,
    segment: str,
    reason: str,
    ttl: str,
    prefix_tokens: int,
    segment_tokens: int,
    action: Action,
    source: Literal["planner", "user"],
) -> Breakpoint:
    """``Breakpoint(...)`` at a fraction of the cost, for the planner's every call: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__`` (~3 us for eight on
    the development VM); filling the new instance's dict gives an equal object (no
    ``__post_init__`` to skip). Same fields, all required (tests/unit/cache/test_plan_records)."""
    point = object.__new__(Breakpoint)
    point.__dict__.update(
        location=location,
        segment=segment,
        reason=reason,
        ttl=ttl,
        prefix_tokens=prefix_tokens,
        segment_tokens=segment_tokens,
        action=action,
        source=source,
    )
    return point


@dataclass
class CachePlan:
    """Planned breakpoints plus the estimate behind them, in base-input-token units."""

    model: str
    breakpoints: list[Breakpoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    min_tokens: int = 0
    estimated_input_tokens: int = 0
    expected_read_tokens: int = 0
    expected_write_5m_tokens: int = 0
    expected_write_1h_tokens: int = 0
    expected_cost: float = 0.0
    uncached_cost: float = 0.0
    system_split_at: int | None = None
    created_at: float = 0.0

    @property
    def expected_saving(self) -> float:
        """Fraction of the uncached input cost this request is expected to save (may be < 0)."""
        if self.uncached_cost <= 0:
            return 0.0
        return 1.0 - self.expected_cost / self.uncached_cost

    def explain(self) -> str:
        """Human-readable summary, one line per breakpoint."""
        lines = [
            f"cache plan for {self.model or '<unknown model>'}: "
            f"~{self.estimated_input_tokens} input tokens, minimum cacheable {self.min_tokens}",
        ]
        if not self.breakpoints:
            lines.append("  no breakpoints")
        for bp in self.breakpoints:
            where = "/".join(str(p) for p in bp.location)
            who = "user marker" if bp.source == "user" else f"{bp.action} {bp.ttl}"
            lines.append(
                f"  {where:<16} {bp.segment:<10} {who:<12} prefix ~{bp.prefix_tokens} tok "
                f"(+{bp.segment_tokens}) - {bp.reason}"
            )
        if self.system_split_at is not None:
            lines.append(f"  system text split at char {self.system_split_at} (dynamic tail)")
        lines.append(
            f"  expected: read {self.expected_read_tokens}, write 5m "
            f"{self.expected_write_5m_tokens}, write 1h {self.expected_write_1h_tokens}; "
            f"cost {self.expected_cost:.0f} vs {self.uncached_cost:.0f} uncached "
            f"({self.expected_saving:+.0%} saved)"
        )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)
