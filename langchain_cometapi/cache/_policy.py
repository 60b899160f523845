"""User-facing knobs for the prompt-cache planner."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._models import MAX_BREAKPOINTS

__all__ = ["ALL_SEGMENTS", "CachePolicy", "Segment"]

Segment = Literal["tools", "system", "documents", "tail", "bridge"]
ALL_SEGMENTS: frozenset[Segment] = frozenset({"tools", "system", "documents", "tail", "bridge"})


class CachePolicy(BaseModel):
    """How the planner may place ``cache_control`` breakpoints.

    ``ttl="auto"`` (the default) picks 5m or 1h per breakpoint from the reuse gaps it observes:
    1h (2x to write) only where prefixes come back after more than 5 minutes, never a 1h entry
    after a 5m one. An endpoint that refuses ``ttl`` or bills 1h as 5m is detected and planned
    with 5m from then on (see docs/caching.md).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ttl: Literal["5m", "1h", "auto"] = "auto"
    max_breakpoints: int = Field(default=MAX_BREAKPOINTS)
    min_tokens: int | None = None
    segments: frozenset[Segment] = ALL_SEGMENTS
    min_expected_reuse: float | None = None
    split_dynamic_system: bool = True
    history_size: int = 4096
    #: ``batch`` / ``abatch`` of at least this many inputs that share a head the planner would
    #: write send the first input alone, then the rest, so the rest read the head instead of
    #: all writing it at once (see ``langchain_cometapi._batching``); None: never.
    warm_batches: int | None = 3

    @field_validator("max_breakpoints")
    @classmethod
    def _check_breakpoints(cls, value: int) -> int:
        if not 1 <= value <= MAX_BREAKPOINTS:
            raise ValueError(
                f"max_breakpoints must be between 1 and {MAX_BREAKPOINTS} (the API rejects "
                f"more than {MAX_BREAKPOINTS} cache_control blocks); got {value}"
            )
        return value

    @field_validator("min_tokens")
    @classmethod
    def _check_min_tokens(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"min_tokens must be a positive token count or None; got {value}")
        return value

    @field_validator("min_expected_reuse")
    @classmethod
    def _check_reuse(cls, value: float | None) -> float | None:
        if value is not None and value < 0:
            raise ValueError(
                f"min_expected_reuse is an expected number of later reads (>= 0); got {value}"
            )
        return value

    @field_validator("warm_batches")
    @classmethod
    def _check_warm(cls, value: int | None) -> int | None:
        if value is not None and value < 2:
            raise ValueError(f"warm_batches must be a batch size >= 2 or None; got {value}")
        return value

    @field_validator("history_size")
    @classmethod
    def _check_history(cls, value: int) -> int:
        if not 16 <= value <= 1_000_000:
            raise ValueError(f"history_size must be between 16 and 1000000; got {value}")
        return value

    @field_validator("segments", mode="before")
    @classmethod
    def _check_segments(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(
                "segments must be a collection of segment names, e.g. {'system', 'tail'}; "
                f"got the string {value!r}"
            )
        if isinstance(value, (list, tuple, set, frozenset)):
            unknown = {v for v in value if v not in ALL_SEGMENTS}
            if unknown:
                raise ValueError(
                    f"unknown cache segments {sorted(map(str, unknown))}; "
                    f"choose from {sorted(ALL_SEGMENTS)}"
                )
            return frozenset(value)
        return value
