"""Decayed trial counts of one kind of prefix: how often it recurs within 5 minutes, within the
hour, or after it (``_state`` keeps one per kind and application; ``_ttl`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Bucket"]

_DECAY = 0.9
_PRIOR_WEIGHT = 2.0
#: 1h costs 2x to write: one late reuse is not a habit (a fleet worker sees every eighth call).
_LATE_WEIGHT = 4.0
#: Weight of the prior "a conversation that comes back after a pause comes back within the
#: hour" against returns seen after it.
_RETURN_WEIGHT = 2.0


@dataclass(slots=True)
class Bucket:
    """Decayed trial counts for one kind of prefix."""

    hits: float = 0.0
    trials: float = 0.0
    late: float = 0.0
    #: Misses seen again only after the hour (decayed with ``late``): against ``late``, how
    #: often a conversation that comes back after a pause comes back within the hour.
    beyond: float = 0.0

    def add_trial(self, hit: bool, weight: float = 1.0) -> None:
        self.hits = self.hits * _DECAY + hit * weight
        self.trials = self.trials * _DECAY + weight

    def reused_elsewhere(self) -> None:
        """A reuse within 5 minutes that this planner did not see (another planner's): it
        turns a miss (and the late reuse that may have followed it) into a hit."""
        self.hits += 1.0
        self.trials = max(self.trials, self.hits)
        self.late = max(0.0, self.late - 1.0)

    def add_late(self, weight: float = 1.0) -> None:
        self.late = self.late * _DECAY + weight
        self.beyond *= _DECAY

    def add_beyond(self, weight: float = 1.0) -> None:
        """A miss seen again only after the hour. It leaves ``late`` as it is: ``late_share``
        counts such a miss as not late already (it is in the trials)."""
        self.beyond = self.beyond * _DECAY + weight

    def p(self, prior: float) -> float:
        """P(seen again within 5 minutes)."""
        return (self.hits + prior * _PRIOR_WEIGHT) / (self.trials + _PRIOR_WEIGHT)

    def late_share(self, prior: float) -> float:
        """P(seen again within the hour | not within 5 minutes); open trials count as not yet."""
        misses = max(0.0, self.trials - self.hits)
        return min(1.0, (self.late + prior * _LATE_WEIGHT) / (misses + _LATE_WEIGHT))

    def return_share(self) -> float:
        """P(within the hour | seen again after 5 minutes): misses that never come back (a
        conversation that ended) do not count. The prior is "within the hour"."""
        return (self.late + _RETURN_WEIGHT) / (self.late + self.beyond + _RETURN_WEIGHT)
