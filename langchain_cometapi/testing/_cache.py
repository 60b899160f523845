"""Prompt-cache accounting that follows Anthropic's published rules.

* Every block carrying ``cache_control`` is a breakpoint; an entry is the whole prefix up to it.
* On a request the breakpoints are tried from last to first; for each, the breakpoint position and
  the 20 positions before it are checked for a live entry (the "20-block lookback"). The first hit
  is the longest cached prefix: its tokens are *read* and its TTL is refreshed.
* Tokens between the hit and the last breakpoint are *written*, each stretch billed at the TTL of
  the breakpoint that closes it; tokens after the last breakpoint are plain input.
* A prefix shorter than the model's minimum cacheable length is never cached (silently).
* An entry is readable only once the response that wrote it has begun: ``account`` is atomic
  (the next request sees the writes), ``account_in_flight`` decides the reads on arrival and
  hands back the commit the transport calls when the response starts, so requests sent
  concurrently all miss and each write the shared prefix, as the real API bills them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from ._layout import Layout
from ._models import min_cacheable_tokens

__all__ = [
    "LOOKBACK_BLOCKS",
    "TTL_SECONDS",
    "CacheEntry",
    "CacheStats",
    "CacheUsage",
    "PromptCache",
]

LOOKBACK_BLOCKS = 20
TTL_SECONDS: dict[str, float] = {"5m": 300.0, "1h": 3600.0}


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached prefix (a snapshot; the live store is internal)."""

    key: str  # hex digest of the prefix
    model: str
    tokens: int
    ttl: str
    created_at: float
    last_used: float
    expires_at: float
    reads: int = 0


@dataclass(frozen=True, slots=True)
class CacheUsage:
    """How one request's input tokens split between plain input, cache reads and cache writes."""

    input_tokens: int
    cache_read_input_tokens: int
    cache_write_5m: int
    cache_write_1h: int
    hit_position: int | None = None

    @property
    def cache_creation_input_tokens(self) -> int:
        return self.cache_write_5m + self.cache_write_1h


@dataclass(frozen=True, slots=True)
class CacheStats:
    requests: int
    requests_with_breakpoints: int
    hits: int
    misses: int
    read_tokens: int
    write_tokens: int
    input_tokens: int
    live_entries: int

    @property
    def hit_rate(self) -> float:
        """Share of cacheable requests that read from the cache."""
        n = self.hits + self.misses
        return self.hits / n if n else 0.0


class PromptCache:
    """Thread-safe store of cache entries with an injectable clock."""

    def __init__(self, clock: Callable[[], float], lengthen_on_read: bool = True) -> None:
        self._clock = clock
        self._lengthen = lengthen_on_read
        self._entries: dict[bytes, CacheEntry] = {}
        self._lock = threading.Lock()
        self._requests = self._with_bp = self._hits = self._misses = 0
        self._read = self._write = self._input = 0

    def account(self, layout: Layout, model: str) -> CacheUsage:
        """Price one request against the cache, its writes readable by the very next request."""
        with self._lock:
            usage, writes = self._account(layout, model)
            self._entries.update(writes)
            self._count(usage)
            return usage

    def account_in_flight(
        self, layout: Layout, model: str
    ) -> tuple[CacheUsage, Callable[[], None]]:
        """Price one request now (its reads and TTL refreshes happen on arrival); its writes
        become readable only when the returned commit is called, when its response begins (the
        real API: "a cache entry is only available once the first response has begun")."""
        with self._lock:
            usage, writes = self._account(layout, model)
            self._count(usage)
        pending = [writes]

        def commit() -> None:
            with self._lock:
                if pending:
                    self._entries.update(pending.pop())

        return usage, commit

    def _count(self, usage: CacheUsage) -> None:
        self._requests += 1
        self._read += usage.cache_read_input_tokens
        self._write += usage.cache_creation_input_tokens
        self._input += usage.input_tokens

    def _live(self, key: bytes, now: float) -> CacheEntry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= now:
            del self._entries[key]
            return None
        return entry

    def _find_hit(self, layout: Layout, now: float) -> int | None:
        """The position read: the first live entry within the lookback of a breakpoint,
        breakpoints tried from the last."""
        positions = layout.positions
        for bp in reversed(layout.breakpoints):
            for j in range(bp, max(-1, bp - LOOKBACK_BLOCKS - 1), -1):
                if self._live(positions[j].digest, now) is not None:
                    return j
        return None

    def _account(self, layout: Layout, model: str) -> tuple[CacheUsage, dict[bytes, CacheEntry]]:
        """The usage, and the entries the request writes (applied by the caller)."""
        positions = layout.positions
        total = layout.total_tokens
        breakpoints = layout.breakpoints
        if not breakpoints:
            return CacheUsage(total, 0, 0, 0), {}
        self._with_bp += 1
        now = self._clock()
        minimum = min_cacheable_tokens(model)

        hit = self._find_hit(layout, now)
        read = 0
        if hit is not None:
            self._hits += 1
            key = positions[hit].digest
            entry = self._entries[key]
            ttl = (positions[hit].ttl or entry.ttl) if self._lengthen else entry.ttl
            if TTL_SECONDS.get(entry.ttl, 300.0) > TTL_SECONDS.get(ttl, 300.0):
                ttl = entry.ttl
            self._entries[key] = replace(
                entry,
                ttl=ttl,
                last_used=now,
                expires_at=now + TTL_SECONDS.get(ttl, 300.0),
                reads=entry.reads + 1,
            )
            read = positions[hit].cumulative
        else:
            self._misses += 1

        write = {"5m": 0, "1h": 0}
        writes: dict[bytes, CacheEntry] = {}
        covered = read
        for bp in breakpoints:
            pos = positions[bp]
            if (hit is not None and bp <= hit) or pos.cumulative < minimum:
                continue
            ttl = pos.ttl if pos.ttl in TTL_SECONDS else "5m"
            segment = pos.cumulative - covered
            if segment > 0:
                write[ttl] += segment
                covered = pos.cumulative
            writes[pos.digest] = CacheEntry(
                key=pos.digest.hex(),
                model=model,
                tokens=pos.cumulative,
                ttl=ttl,
                created_at=now,
                last_used=now,
                expires_at=now + TTL_SECONDS[ttl],
            )
        written = write["5m"] + write["1h"]
        usage = CacheUsage(total - read - written, read, write["5m"], write["1h"], hit)
        return usage, writes

    def entries(self) -> list[CacheEntry]:
        """Live entries, oldest first."""
        with self._lock:
            now = self._clock()
            for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
                del self._entries[key]
            return sorted(self._entries.values(), key=lambda e: (e.created_at, e.tokens))

    def stats(self) -> CacheStats:
        live = len(self.entries())
        with self._lock:
            return CacheStats(
                requests=self._requests,
                requests_with_breakpoints=self._with_bp,
                hits=self._hits,
                misses=self._misses,
                read_tokens=self._read,
                write_tokens=self._write,
                input_tokens=self._input,
                live_entries=live,
            )

    def clear(self) -> None:
        """Forget every entry (counters are kept)."""
        with self._lock:
            self._entries.clear()
