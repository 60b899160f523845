"""What every end-to-end workload set is made of: a ``Step`` (one call), a ``Workload`` (steps
on one model), and the seeded text they are written in.

Defined with the second tuning set (``_workloads_holdout``, which re-exports them for the sets
written after it); apart from it so that module stays short. Changing anything here changes
every set's traffic: the sealed sets' digest tests would fail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

_TEXT = (
    "ledger invoice shipment carrier route depot pallet manifest customs tariff broker "
    "warehouse quota forecast supplier audit variance margin region store basket return "
    "refund ticket escalation priority owner status open closed pending resolved a the of "
    "to in on for with by from as is was be are were has have it its this that these those "
    "which when where how why what who will would should could may might must can"
)
_VOCAB = tuple(_TEXT.split(" "))


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_VOCAB) for _ in range(n)) + "."


def tokens_words(tokens: int) -> int:
    """Words giving roughly ``tokens`` tokens of this vocabulary (about 1.25 tokens a word)."""
    return max(1, int(tokens / 1.25))


@dataclass
class Step:
    """One call: when, what, with which tools, on which instance."""

    t: float
    messages: list[BaseMessage]
    tools: list[dict[str, Any]] | None = None
    instance: str = "main"
    tool_choice: str | None = None


@dataclass
class Workload:
    name: str
    model: str
    steps: list[Step]
    thinking: dict[str, Any] | None = None
    fresh_instance: bool = False  # a new ChatCometAPI for every request (no learned state)
    allow_1h: bool = False
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _system(rng: random.Random, tokens: int, head: str) -> str:
    return head + "\n" + words(rng, tokens_words(tokens))


def _answer(rng: random.Random, lo: int, hi: int) -> AIMessage:
    return AIMessage(content=words(rng, rng.randint(lo, hi)))


def _sorted(steps: list[Step]) -> list[Step]:
    return sorted(steps, key=lambda s: s.t)
