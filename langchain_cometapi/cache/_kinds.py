"""The kinds of prefix the planner learns about, and what it believes of each before evidence.

Recurrence is learnt per kind (and per application), so the kinds are a closed set: an Enum, not
strings, so a typo cannot open a bucket nobody reads.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._scan import Scan

__all__ = [
    "LATE_PRIOR",
    "PRIORS",
    "SHORT_FIRST_TURN",
    "PrefixKind",
    "tail_kind",
    "tail_kind_of_first",
]


class PrefixKind(str, Enum):
    """Where a remembered prefix ends."""

    HEAD = "prefix"  # end of the tools or of the static system prompt
    DOCUMENTS = "doc"  # end of the leading documents of a first user message
    TAIL_FIRST = "tail-first"  # end of a long first user turn (may be a one-shot task)
    TAIL_FIRST_SHORT = "tail-first-short"  # end of a short first turn (reads like a chat)
    TAIL_CONTINUED = "tail-cont"  # end of a conversation that already continued
    DYNAMIC = "dyn"  # the full system text including a tail that changes per call


#: Prior P(seen again within 5 minutes) per kind, before this instance has evidence. A first
#: user turn is not assumed to continue (one-shot prompts must not pay for writes); a
#: conversation that already continued usually goes on; system prompts and tools recur.
PRIORS: Final[dict[PrefixKind, float]] = {
    PrefixKind.HEAD: 0.5,
    PrefixKind.DOCUMENTS: 0.3,
    PrefixKind.TAIL_FIRST: 0.15,
    PrefixKind.TAIL_FIRST_SHORT: 0.3,
    PrefixKind.TAIL_CONTINUED: 0.7,
    PrefixKind.DYNAMIC: 0.2,
}

#: Prior share of reuses that come after 5 minutes but within the hour. Low: a 1h entry costs
#: 2x to write, so the planner waits for evidence of long gaps before it pays for one.
LATE_PRIOR: Final = 0.05

#: A first turn this short reads like the start of a chat, not a one-shot document task.
SHORT_FIRST_TURN: Final = 1024


def tail_kind(scan: Scan, first_turn_tokens: float) -> PrefixKind:
    """Kind of the prefix that ends a request: a continued conversation or a first turn."""
    users = scan.message_roles.count("user")
    if users > 1:
        return PrefixKind.TAIL_CONTINUED
    return tail_kind_of_first(first_turn_tokens)


def tail_kind_of_first(first_turn_tokens: float) -> PrefixKind:
    """A first turn this long: the start of a chat, or a one-shot task."""
    if first_turn_tokens < SHORT_FIRST_TURN:
        return PrefixKind.TAIL_FIRST_SHORT
    return PrefixKind.TAIL_FIRST
