"""The planner's shortcut for prompts far below the model's minimum cacheable length.

Most calls of small chains are such prompts; a marker cannot help them even after a turn or two of
growth, and the full pass (scan, hashing, learning) would cost ~50 us a call for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._models import min_cacheable_tokens
from .._wire.validate import count_cache_markers
from ..tokens import _estimate as _tokens
from ._blocks import text_chars
from ._plan import CachePlan
from ._policy import CachePolicy
from ._pricing import PRICE_PLAIN
from ._state import CacheState

__all__ = ["far_below_minimum"]

# Under this share of the minimum, growth of a turn or two still leaves nothing to cache.
_SMALL_SHARE = 0.5


def far_below_minimum(
    body: Mapping[str, Any], policy: CachePolicy, state: CacheState, known: tuple[int, int] = (0, 0)
) -> tuple[CachePlan, int] | None:
    """A no-marker plan for a prompt far below the minimum and the raw token estimate behind it
    (0 when not estimated), else None (plan it in full)."""
    model = str(body.get("model", ""))
    minimum = policy.min_tokens or min_cacheable_tokens(model)
    limit = _SMALL_SHARE * minimum
    if _surely_large(body, _LARGE_CHARS_PER_TOKEN * limit, known):
        return None
    bound = _token_upper_bound(body, limit)
    if bound is not None:
        raw, estimate = 0, float(bound)  # too small to bother the estimator (nor to calibrate)
    else:
        raw = _tokens.estimate_request_tokens(body)
        estimate = raw * state.ratio
    if estimate >= limit or count_cache_markers(body) > 0:
        return None  # the full pass also reports the user's own markers
    total = round(estimate)
    plan = CachePlan(
        model=model,
        notes=[f"prompt (~{total} tokens) is far below the {minimum}-token minimum: no markers"],
        min_tokens=minimum,
        estimated_input_tokens=total,
        expected_cost=PRICE_PLAIN * total,
        uncached_cost=PRICE_PLAIN * total,
        created_at=state.clock(),
    )
    return plan, raw


_FRAMING = 16  # generous per-message and per-block framing, in tokens
#: No tokenizer packs more characters than this into one token of ordinary text.
_LARGE_CHARS_PER_TOKEN = 8


def _surely_large(body: Mapping[str, Any], chars: float, known: tuple[int, int] = (0, 0)) -> bool:
    """Whether the message texts alone hold ``chars`` characters (then the prompt cannot be far
    below the minimum, and the full pass may skip estimating it twice). Stops once it knows.
    Texts are those of text blocks and the string content of tool results (an agent's history
    is mostly results: counting only text blocks sent it to the full estimate on every call)."""
    counted, total = known
    if total >= chars:
        return True
    messages = body.get("messages") or ()
    for m in range(len(messages) - 1, counted - 1, -1):
        turn = messages[m]
        # ``type(x) is dict or`` skips the slow ABC check in the common case
        content = turn.get("content") if type(turn) is dict or isinstance(turn, Mapping) else None
        total += text_chars(content)
        if total >= chars:
            return True
    return False


def _token_upper_bound(body: Mapping[str, Any], limit: float) -> int | None:
    """A cheap bound on a text-only prompt's tokens (a token covers at least one UTF-8 byte),
    or None when it passes ``limit`` or the body holds anything but text (tools, media...)."""
    if body.get("tools"):
        return None
    total = 0
    system = body.get("system")
    parts: list[Any] = [system] if isinstance(system, str) else list(system or ())
    for turn in body.get("messages") or ():
        if not isinstance(turn, Mapping):
            return None
        content = turn.get("content")
        total += _FRAMING
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(content)
        else:
            return None
    for part in parts:
        text = part if isinstance(part, str) else None
        if isinstance(part, Mapping) and part.get("type") == "text":
            text = part.get("text")
        if not isinstance(text, str):
            return None
        total += _FRAMING + (len(text) if text.isascii() else 4 * len(text))
        if total >= limit:
            return None
    return total
