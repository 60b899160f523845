"""THE cost formula of prompt caching, in base-input-token units.

Reading a cached prefix costs 0.1x the input price, writing it 1.25x (5-minute TTL) or 2x
(1-hour TTL); uncached input 1x. The planner's expected values, the cache report and the
benchmarks all price tokens here and nowhere else.
"""

from __future__ import annotations

from typing import Final

from .._wire.usage import Usage

__all__ = ["PRICE_PLAIN", "PRICE_READ", "WRITE_PRICE", "input_cost", "usage_cost"]

PRICE_PLAIN: Final = 1.0
PRICE_READ: Final = 0.1
WRITE_PRICE: Final[dict[str, float]] = {"5m": 1.25, "1h": 2.0}


def input_cost(
    uncached: float, read: float = 0.0, write_5m: float = 0.0, write_1h: float = 0.0
) -> float:
    """Price of a prompt split into uncached, cache-read and cache-written tokens."""
    return (
        PRICE_PLAIN * uncached
        + PRICE_READ * read
        + WRITE_PRICE["5m"] * write_5m
        + WRITE_PRICE["1h"] * write_1h
    )


def usage_cost(usage: Usage) -> float:
    """Price of the prompt a response's usage reports."""
    return input_cost(usage.uncached, usage.read, usage.write_5m, usage.write_1h)
