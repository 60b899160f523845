"""The kinds of prefix the planner learns about, and what it believes of each before evidence.

Recurrence is learnt per kind (and per application), so the kinds are a closed set: an Enum, not
strings, so a typo cannot open a bucket nobody reads.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Hashable

__all__ = [
    "LATE_PRIOR",
    "PRIORS",
    "SHARED_SEGMENTS",
    "SHORT_FIRST_TURN",
    "PrefixKind",
    "head_need",
    "needed_only_alone",
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
    #: The head as needed by a new conversation, or by one returning after its own entries
    #: expired: only their late shares are learnt apart (``head_need``).
    HEAD_NEW = "prefix-new"
    HEAD_RETURN = "prefix-return"
    #: The end of a conversation that came back after more than a few minutes: what follows
    #: such a return is learnt apart (a slow chat's next turn is late again, an agent's one
    #: approval is over).
    AFTER_PAUSE = "tail-after-pause"
    #: The previous turn's tail another planner of a fleet planned: whether a marker of this
    #: planner within reach of it was read (that planner wrote it, and it is still live).
    FOREIGN_TAIL = "tail-foreign"


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
    PrefixKind.HEAD_NEW: 0.5,
    PrefixKind.HEAD_RETURN: 0.5,
    PrefixKind.AFTER_PAUSE: 0.7,
    PrefixKind.FOREIGN_TAIL: 0.7,
}

#: Prior share of reuses that come after 5 minutes but within the hour. Low: a 1h entry costs
#: 2x to write, so the planner waits for evidence of long gaps before it pays for one.
LATE_PRIOR: Final = 0.05

#: A first turn this short reads like the start of a chat, not a one-shot document task.
SHORT_FIRST_TURN: Final = 1024
#: Members bound once: reading one off the class goes through the Enum metaclass (slow before
#: Python 3.12), and every plan asks for a few.
_TAIL_CONTINUED, _TAIL_FIRST = PrefixKind.TAIL_CONTINUED, PrefixKind.TAIL_FIRST
_TAIL_FIRST_SHORT = PrefixKind.TAIL_FIRST_SHORT
_HEAD_NEW, _HEAD_RETURN = PrefixKind.HEAD_NEW, PrefixKind.HEAD_RETURN


def tail_kind(users: int, first_turn_tokens: float) -> PrefixKind:
    """Kind of the prefix that ends a request of ``users`` user messages: a continued
    conversation or a first turn."""
    if users > 1:
        return _TAIL_CONTINUED
    return tail_kind_of_first(first_turn_tokens)


def head_need(users: int) -> PrefixKind:
    """Who needs the head in this request: a new conversation (one user turn) or a returning
    one. The next need after each differs: an agent task's start is followed by its own steps
    and then its approval pause (often past the hour), a return from that pause by the next
    task's start (minutes). One late share for both would bet the hour at the start on what
    follows returns."""
    return _HEAD_RETURN if users > 1 else _HEAD_NEW


def tail_kind_of_first(first_turn_tokens: float) -> PrefixKind:
    """A first turn this long: the start of a chat, or a one-shot task."""
    return _TAIL_FIRST_SHORT if first_turn_tokens < SHORT_FIRST_TURN else _TAIL_FIRST


#: Prefixes shared by many conversations (tools and system: the head). The API refreshes
#: only the entry a request reads, its longest cached prefix: while a conversation reads its own
#: longer entries, the shared one it also holds is neither read nor refreshed, and expires a TTL
#: after it was last written or read. Its reuse gap is therefore the time between requests that
#: need it as their longest prefix (a new conversation, one whose own entries expired), not the
#: time between requests that merely contain it: conversations of a few minutes each, starting
#: every seven, contain the system prompt every minute and still rewrite it at every start.
#: Not leading documents (on the RAG workloads their need-based gaps chose 1h entries that were
#: not read again) nor the dynamic system text, whose bucket measures whether a per-request
#: tail recurs at all, a question of containment.
_SHARED_KINDS: Final = frozenset({PrefixKind.HEAD})
#: The candidate segments that end a prefix of a shared kind: their reads add to the tail's.
SHARED_SEGMENTS: Final = frozenset({"tools", "system"})


def needed_only_alone(bucket: tuple[PrefixKind, Hashable] | None) -> bool:
    """Whether a sighting of a remembered prefix learnt in this bucket counts only when no
    longer cached prefix of the same request is live (see ``_SHARED_KINDS``)."""
    return bucket is not None and bucket[0] in _SHARED_KINDS
