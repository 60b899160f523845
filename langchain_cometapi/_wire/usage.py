"""The Messages API ``usage`` object, parsed once: every reader of usage goes through here.

Gateways vary the shape (new-api's converted channels, Bedrock, Vertex): counts may be missing,
``null``, strings or floats, the 5m/1h split may be absent or nested, and ``message_delta`` may
repeat the totals. Parsing never raises: a field that is not a count reads as 0, so a fully
streamed reply is never thrown away over its accounting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata

__all__ = ["Usage", "count", "usage_metadata"]


def count(value: Any) -> int:
    """A token count from a wire value: ints, integral floats and digit strings; else 0."""
    if type(value) is int:  # the common case first (bool is not int by type)
        return value if value >= 0 else 0
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(0, value)
    if isinstance(value, float) and value.is_integer():
        return max(0, int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


@dataclass(frozen=True)
class Usage:
    """One response's tokens. ``uncached`` is ``input_tokens`` (cache tokens excluded)."""

    uncached: int = 0
    read: int = 0
    write_5m: int = 0
    write_1h: int = 0
    output: int = 0
    ttl_split: bool = False  # whether the API reported the 5m/1h split

    @property
    def written(self) -> int:
        return self.write_5m + self.write_1h

    @property
    def prompt(self) -> int:
        """Everything billed as prompt: uncached + read + written."""
        return self.uncached + self.read + self.written

    @classmethod
    def parse(cls, usage: Any) -> Usage:
        """From a raw wire ``usage`` dict; anything else is an empty usage."""
        if type(usage) is not dict and not isinstance(usage, Mapping):
            return cls()
        created = count(usage.get("cache_creation_input_tokens"))
        split = _nested_split(usage.get("cache_creation")) or _flat_split(usage, created)
        w5, w1h = split or (0, 0)
        # a generic count larger than the split: the remainder is a 5m write (the default TTL)
        w5 += max(0, created - w5 - w1h)
        return cls(
            uncached=count(usage.get("input_tokens")),
            read=count(usage.get("cache_read_input_tokens")),
            write_5m=w5,
            write_1h=w1h,
            output=count(usage.get("output_tokens")),
            ttl_split=split is not None,
        )


#: new-api's flat names for the 5m/1h write counts: its ``ClaudeUsage`` always serialises them
#: and a reply it builds or rewrites may carry no nested ``cache_creation`` split beside them.
FLAT_TTL_KEYS = ("claude_cache_creation_5_m_tokens", "claude_cache_creation_1_h_tokens")


def _nested_split(split: Any) -> tuple[int, int] | None:
    """The API's ``cache_creation`` split, when it reports a write (zeros say nothing)."""
    if split is None or not (type(split) is dict or isinstance(split, Mapping)):
        return None
    w5 = count(split.get("ephemeral_5m_input_tokens"))
    w1h = count(split.get("ephemeral_1h_input_tokens"))
    return (w5, w1h) if w5 or w1h else None


def _flat_split(usage: Mapping[str, Any], created: int) -> tuple[int, int] | None:
    """new-api's flat pair, read only as the split of the generic count (capped by it): a
    gateway's extra field never adds tokens the API's own count does not report, it only says
    which TTL they were written at (a 1h write counted as 5m misprices it and teaches the
    planner that the endpoint ignores 1h)."""
    w1h = min(count(usage.get(FLAT_TTL_KEYS[1])), created)
    w5 = min(count(usage.get(FLAT_TTL_KEYS[0])), created - w1h)
    return (w5, w1h) if w5 or w1h else None


def usage_metadata(usage: Mapping[str, Any] | None) -> UsageMetadata:
    """LangChain usage: input counts everything billed as prompt (plain + cache read + write)."""
    parsed = Usage.parse(usage)
    usage = usage or {}
    # Both keys always (zeros without cache activity), as ChatAnthropic reports them: callers
    # read usage["input_token_details"]["cache_read"] without a KeyError.
    details = InputTokenDetails(cache_read=parsed.read, cache_creation=parsed.written)
    details.update(_ttl_details(parsed, usage.get("cache_creation")))  # type: ignore[typeddict-item]
    if parsed.ttl_split:
        # ChatAnthropic's convention: the TTL split replaces the generic count (then 0), so
        # summing input_token_details never counts a cache write twice.
        details["cache_creation"] = 0
    result = UsageMetadata(
        input_tokens=parsed.prompt,
        output_tokens=parsed.output,
        total_tokens=parsed.prompt + parsed.output,
    )
    result["input_token_details"] = details
    out_details = usage.get("output_tokens_details")
    reasoning = (
        (out_details.get("thinking_tokens") if isinstance(out_details, Mapping) else None)
        or usage.get("reasoning_tokens")
        or usage.get("thinking_tokens")
    )
    if reasoning or _reported(out_details, "thinking_tokens"):
        # a reported 0 is kept, as ChatAnthropic keeps it: "no thinking" is an answer too
        result["output_token_details"] = OutputTokenDetails(reasoning=count(reasoning))
    return result


_TTL_KEYS = ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")


def _reported(details: Any, key: str) -> bool:
    return isinstance(details, Mapping) and details.get(key) is not None


def _ttl_details(parsed: Usage, split: Any) -> dict[str, int]:
    """The 5m/1h write counts, whenever the API reports its ``cache_creation`` split (the
    Messages API always does, zeros included), as ChatAnthropic reports them: a caller may read
    ``input_token_details["ephemeral_1h_input_tokens"]`` of any reply without a KeyError.
    With a positive split the parsed counts (a generic remainder is a 5m write); with a zero
    split the zeros, the generic ``cache_creation`` count standing alone."""
    if parsed.ttl_split:
        return dict(zip(_TTL_KEYS, (parsed.write_5m, parsed.write_1h), strict=True))
    return {key: count(split[key]) for key in _TTL_KEYS if _reported(split, key)}
