"""What the automatic TTL's 1h bets really earned: the premium paid against what they rescued.

A 1h entry costs 0.75 more per token to write than a 5m one and earns more only when it is read
after its last use is more than 5 minutes old (a 5m entry would have expired: the request would
have rewritten those tokens at 1.25 instead of reading them at 0.1, 1.15 saved). Every other
outcome (read within 5 minutes, never read) is the premium lost. On small traffic, one or two
bets on a shared prefix (tools, system, leading documents) made on its kind's late share and
never read late (the traffic ends, the next need comes after the hour) are what made auto cost
more than 5m-only. So the state keeps the account of its bets as the API billed them, credited
also (at ``FOREGONE_WEIGHT``) with what 1h would have saved where a shared prefix at 5m was
needed again within the hour, and a plan writes a shared prefix at 1h under a 5m tail only while
the account, with that bet lost, stays within ``ALLOWANCE`` of what the state spent. A
conversation's own 1h tail (a slow chat's, a resumed agent's) is not limited: it rests on that
conversation's own gap, and the first of those bets is often the whole gain of a slow chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from ._pricing import PRICE_READ, WRITE_PRICE
from ._select import Candidate, Choice

__all__ = [
    "ALLOWANCE", "FOREGONE_WEIGHT", "PREMIUM", "RESCUE", "BetAccount", "five_minute_only",
    "foregone_tokens", "rescued_tokens",
]

#: Share of what the state spent that its 1h bets may stand to lose, net of what they rescued.
ALLOWANCE = 0.01
#: Share of what a 1h entry would have saved that a late need seen at 5m counts for: evidence
#: that 1h pays, weaker than a late read of a 1h entry (the next need may come after the hour,
#: or never: small traffic ends).
FOREGONE_WEIGHT = 0.25
#: A token read late from a 1h entry instead of rewritten at 5m.
RESCUE = WRITE_PRICE["5m"] - PRICE_READ
#: A token written at 1h instead of 5m.
PREMIUM = WRITE_PRICE["1h"] - WRITE_PRICE["5m"]
_FIVE_MINUTES, _ONE_HOUR = 300.0, 3600.0


class Entry(Protocol):
    """What a remembered entry (``_state.Entry``, which imports this module) tells of its life."""

    alive_until: float  # believed expiry: the last write or read plus its TTL
    ttl: str


@dataclass(slots=True)
class BetAccount:
    """The 1h bets of one state, in base-input-token units, from the usage the API reported."""

    spent: float = 0.0  # every response's prompt cost
    paid: float = 0.0  # the premium of the tokens written at 1h
    rescued: float = 0.0  # what late reads of 1h entries saved over rewriting them at 5m
    #: what 1h entries would have saved on the shared prefixes rewritten after their 5m expired
    foregone: float = 0.0

    def settle(self, cost: float, written_1h: int, rescued: float) -> None:
        """One response: its prompt ``cost``, its 1h writes, and the tokens it read late from a
        1h entry (``rescued_tokens``, capped by what the API read)."""
        self.spent += cost
        self.paid += PREMIUM * written_1h
        self.rescued += RESCUE * rescued

    def forgo(self, tokens: float) -> None:
        """A shared prefix rewritten that a 1h entry would have kept (``foregone_tokens``)."""
        self.foregone += FOREGONE_WEIGHT * RESCUE * tokens

    def affords_shared(self, choice: Choice) -> bool:
        """Whether a plan may keep its 1h writes under a 5m tail (its last mark): bets on the
        prefixes other conversations share (tools, system, leading documents), valued on their
        kind's late share, not on this conversation's own pauses. Allowed while the account,
        with these writes lost, stays within ``ALLOWANCE`` of what was spent. A 1h tail (and
        what the ordering rule writes at 1h before it) is this conversation's bet, on its own
        gap: not limited here (slow chats earn their first late reads with it)."""
        if not choice.write_1h or not choice.marks or choice.marks[-1][1] == "1h":
            return True
        bet = PREMIUM * choice.write_1h
        return self.paid + bet - self.rescued - self.foregone <= ALLOWANCE * self.spent


def rescued_tokens(
    entries: Sequence[Entry | None], prefix_tokens: Sequence[float], alive: Sequence[int],
    read_pos: int, now: float,
) -> float:
    """Prefix tokens a read at ``read_pos`` takes from a 1h entry last used more than 5 minutes
    ago, above the longest entry a 5m policy would still hold (one used within 5 minutes).
    ``entries``: the remembered entry of each position in ``alive``."""
    if read_pos < 0:
        return 0.0
    below = 0.0
    for pos, entry in zip(alive, entries, strict=True):
        if entry is None or pos > read_pos:
            continue
        recent = entry.alive_until - now > (_ONE_HOUR - _FIVE_MINUTES if entry.ttl == "1h" else 0)
        if pos == read_pos:
            if recent:
                return 0.0
        elif recent and prefix_tokens[pos] > below:
            below = prefix_tokens[pos]
    return max(0.0, prefix_tokens[read_pos] - below)


def foregone_tokens(
    entries: Sequence[tuple[int, Entry | None]], prefix_tokens: Sequence[float],
    alive: Sequence[int], now: float,
) -> float:
    """Prefix tokens of a shared prefix (``entries``: its positions and remembered entries) this
    request needs again after its 5m entry expired, less than an hour after its last use: what a
    1h entry written then would have saved, above the longest live entry."""
    longest = alive[-1] if alive else -1
    for pos, entry in sorted(entries, reverse=True):
        if pos <= longest or entry is None or entry.ttl != "5m" or entry.alive_until <= 0.0:
            continue
        idle = now - (entry.alive_until - _FIVE_MINUTES)
        if _FIVE_MINUTES < idle <= _ONE_HOUR:
            below = prefix_tokens[longest] if longest >= 0 else 0.0
            return max(0.0, prefix_tokens[pos] - below)
    return 0.0


def five_minute_only(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with no 1h bet: each planner-chosen 1h at 5m, no tail staked on a pause."""
    out: list[Candidate] = []
    for c in candidates:
        if not c.fixed and (c.ttl == "1h" or c.late > 0.0):
            c = replace(c, ttl="5m", late=0.0)
        out.append(c)
    return out
