"""Cumulative prompt-cache accounting: what caching actually saved, per instance or run.

Prices are in base-input-token units (plain 1.0, cache read 0.1, 5m write 1.25, 1h write
2.0), so the saving is independent of the model's price list.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from .._wire.usage import Usage, count
from ._pricing import input_cost

__all__ = ["CacheReport", "CacheReportCallback", "CacheTurn"]


@dataclass(frozen=True)
class CacheTurn:
    """One response's input split (tokens)."""

    model: str
    uncached: int
    read: int
    write_5m: int
    write_1h: int

    @property
    def total(self) -> int:
        return self.uncached + self.read + self.write_5m + self.write_1h

    @property
    def cost(self) -> float:
        return input_cost(self.uncached, self.read, self.write_5m, self.write_1h)

    @classmethod
    def from_usage(cls, usage: Mapping[str, Any], model: str = "") -> CacheTurn:
        """From a raw Messages API ``usage`` dict (``input_tokens`` excludes cache tokens)."""
        parsed = Usage.parse(usage)
        return cls(model, parsed.uncached, parsed.read, parsed.write_5m, parsed.write_1h)

    @classmethod
    def from_usage_metadata(cls, meta: Mapping[str, Any], model: str = "") -> CacheTurn:
        """From LangChain ``usage_metadata`` (its ``input_tokens`` includes cache tokens)."""
        details = meta.get("input_token_details")
        details = details if isinstance(details, Mapping) else {}
        read = count(details.get("cache_read"))
        created = count(details.get("cache_creation"))
        w5 = count(details.get("ephemeral_5m_input_tokens"))
        w1h = count(details.get("ephemeral_1h_input_tokens"))
        w5 += max(0, created - w5 - w1h)
        total = count(meta.get("input_tokens"))
        return cls(model, max(0, total - read - w5 - w1h), read, w5, w1h)


class CacheReport:
    """Thread-safe running totals over many responses; ``str()`` renders a small table.

    The totals change together under one lock, and the figures derived from several of them
    (``input_tokens``, ``hit_rate``, ``saved``) read them under it too: a reader on another
    thread sees the state before a turn or after it, never a mix."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # reentrant: the rates read ``input_tokens`` under it
        self.requests = 0
        self.requests_with_reads = 0
        self.uncached_tokens = 0
        self.read_tokens = 0
        self.write_5m_tokens = 0
        self.write_1h_tokens = 0
        self.cost = 0.0

    def add(self, usage: Mapping[str, Any], model: str = "") -> CacheTurn:
        """Account one raw API usage dict; returns the parsed turn."""
        turn = CacheTurn.from_usage(usage, model)
        self.add_turn(turn)
        return turn

    def add_turn(self, turn: CacheTurn) -> int:
        """Account one turn; returns its number (1 for the first), counted under the lock so
        that turns added at once from several threads get different ones."""
        with self._lock:
            self.requests += 1
            self.requests_with_reads += turn.read > 0
            self.uncached_tokens += turn.uncached
            self.read_tokens += turn.read
            self.write_5m_tokens += turn.write_5m
            self.write_1h_tokens += turn.write_1h
            self.cost += turn.cost
            return self.requests

    @property
    def input_tokens(self) -> int:
        """All input tokens, cached or not: also the cost without caching."""
        with self._lock:
            return (self.uncached_tokens + self.read_tokens + self.write_5m_tokens
                    + self.write_1h_tokens)

    @property
    def hit_rate(self) -> float:
        """Share of input tokens served from the cache."""
        with self._lock:
            total = self.input_tokens
            return self.read_tokens / total if total else 0.0

    @property
    def saved(self) -> float:
        """Fraction of the uncached input cost saved (negative when caching cost more)."""
        with self._lock:
            total = self.input_tokens
            return 1.0 - self.cost / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "requests_with_reads": self.requests_with_reads,
                "input_tokens": self.input_tokens,
                "uncached_tokens": self.uncached_tokens,
                "read_tokens": self.read_tokens,
                "write_5m_tokens": self.write_5m_tokens,
                "write_1h_tokens": self.write_1h_tokens,
                "hit_rate": self.hit_rate,
                "cost": self.cost,
                "cost_without_cache": float(self.input_tokens),
                "saved": self.saved,
            }

    def __str__(self) -> str:
        d = self.as_dict()
        rows = [
            ("requests", f"{d['requests']} ({d['requests_with_reads']} with cache reads)"),
            ("input tokens", f"{d['input_tokens']:,}"),
            ("  read from cache", f"{d['read_tokens']:,}"),
            ("  written 5m", f"{d['write_5m_tokens']:,}"),
            ("  written 1h", f"{d['write_1h_tokens']:,}"),
            ("  uncached", f"{d['uncached_tokens']:,}"),
            ("hit rate", f"{d['hit_rate']:.1%}"),
            ("cost (input units)", f"{d['cost']:,.0f} vs {d['cost_without_cache']:,.0f} uncached"),
            ("saved", f"{d['saved']:.1%}"),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


class CacheReportCallback(BaseCallbackHandler):
    """Accumulates a :class:`CacheReport` from every chat model response it sees.

    Prefers the raw ``response_metadata["usage"]`` (exact 5m/1h split), falling back to
    ``usage_metadata``; with ``print_turns=True`` writes one row per response.
    """

    def __init__(
        self,
        report: CacheReport | None = None,
        *,
        print_turns: bool = False,
        file: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.report = report if report is not None else CacheReport()
        self.print_turns = print_turns
        self.file = file

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        for generations in response.generations:
            for generation in generations:
                turn = self._turn(getattr(generation, "message", None))
                if turn is None:
                    continue
                number = self.report.add_turn(turn)
                if self.print_turns:
                    print(
                        f"[cache] #{number} {turn.model}: read {turn.read}, "
                        f"write 5m {turn.write_5m}, write 1h {turn.write_1h}, "
                        f"uncached {turn.uncached} -> cost {turn.cost:.0f}/{turn.total}",
                        file=self.file or sys.stdout,
                    )

    @staticmethod
    def _turn(message: Any) -> CacheTurn | None:
        if message is None:
            return None
        meta = getattr(message, "response_metadata", None) or {}
        model = str(meta.get("model") or meta.get("model_name") or "")
        raw = meta.get("usage")
        if isinstance(raw, Mapping) and "input_tokens" in raw:
            return CacheTurn.from_usage(raw, model)
        usage_metadata = getattr(message, "usage_metadata", None)
        if isinstance(usage_metadata, Mapping):
            return CacheTurn.from_usage_metadata(usage_metadata, model)
        return None
