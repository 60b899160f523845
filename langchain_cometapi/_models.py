"""Prompt-cache facts per model: one table, so a new model is a one-line change.

Minimums are the smallest prefix (in tokens) Anthropic caches; a breakpoint on a shorter
prefix is silently ignored, so the planner must not spend a slot on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

__all__ = [
    "DEFAULT_MIN_TOKENS",
    "LOOKBACK_BLOCKS",
    "MAX_BREAKPOINTS",
    "PRICE_PLAIN",
    "PRICE_READ",
    "TTL_SECONDS",
    "WRITE_PRICE",
    "min_cacheable_tokens",
    "normalize_model",
]

Ttl = Literal["5m", "1h"]

#: Anthropic rejects a request with more block-level cache_control markers than this.
MAX_BREAKPOINTS: Final = 4
#: A read checks this many block positions (the breakpoint's own included) for an earlier entry.
LOOKBACK_BLOCKS: Final = 20
#: Lifetime of an entry after its last write or read.
TTL_SECONDS: Final[dict[str, float]] = {"5m": 300.0, "1h": 3600.0}
#: Prices in base-input-token units.
WRITE_PRICE: Final[dict[str, float]] = {"5m": 1.25, "1h": 2.0}
PRICE_READ: Final = 0.1
PRICE_PLAIN: Final = 1.0

#: Minimum cacheable prefix by normalized model name (longest matching prefix wins).
_MIN_TOKENS: Final[dict[str, int]] = {
    "claude-opus-4-7": 2048,
    "claude-opus-4-6": 4096,
    "claude-opus-4-5": 4096,
    "claude-opus-4-1": 1024,
    "claude-opus-4": 1024,
    "claude-sonnet-4-6": 1024,
    "claude-sonnet-4-5": 1024,
    "claude-sonnet-4": 1024,
    "claude-haiku-4-5": 4096,
    "claude-3-7-sonnet": 1024,
    "claude-3-5-sonnet": 1024,
    "claude-3-5-haiku": 2048,
    "claude-3-haiku": 2048,
    "claude-3-opus": 1024,
    # Family fallbacks for names newer than this table: conservative where families differ.
    "claude-sonnet": 1024,
    "claude-opus": 4096,
    "claude-haiku": 4096,
}
#: Unknown model: the largest minimum, so a slot is never spent on a prefix that is not cached.
DEFAULT_MIN_TOKENS: Final = 4096

_DATE_SUFFIX = re.compile(r"(?:[-@]\d{8}|-latest|-v\d+(?::\d+)?)$")
_PROVIDER_PREFIX = re.compile(r"^(?:[a-z0-9_.-]*[/.])?(?=claude-)")


def normalize_model(model: str) -> str:
    """Strip provider prefixes and dated or versioned suffixes (``-20250929``, ``@2025...``)."""
    name = model.strip().lower()
    name = _PROVIDER_PREFIX.sub("", name)
    previous = None
    while previous != name:
        previous = name
        name = _DATE_SUFFIX.sub("", name)
    return name


@lru_cache(maxsize=256)
def min_cacheable_tokens(model: str) -> int:
    """Smallest prefix the model caches; prefix matching only on ``-`` boundaries."""
    name = normalize_model(model)
    best: tuple[int, int] | None = None
    for key, value in _MIN_TOKENS.items():
        matches = name == key or name.startswith(key + "-")
        if matches and (best is None or len(key) > best[0]):
            best = (len(key), value)
    return DEFAULT_MIN_TOKENS if best is None else best[1]
