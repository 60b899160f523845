"""Connection pools shared per process, one async pool per event loop, reset after fork.

Why shared: a chat model created per request (a common LangChain pattern) would otherwise open a
TCP (and TLS) connection per request and leave an unclosed client behind. Instances with the same
settings (timeout, fixed headers) share one pool; credentials are attached per request
(``credentials.KeyAuth``), so sharing a pool never shares a key.

Why per loop: an httpx2 async pool cannot cross event loops. Each loop's pool is closed *by that
loop* as it shuts down: a suspended async generator registered with the loop is finalised by
``loop.shutdown_asyncgens()`` (which ``asyncio.run`` calls), and its ``finally`` awaits the
client's ``aclose()``. A loop that was closed without that step is swept on the next use. A
weak-keyed cache does not work: the client's connections keep their loop alive.

Why a fork hook: after ``fork()`` parent and child would share pooled sockets (and read each
other's replies), and a lock held by a parent thread stays held forever in the child. The child
starts with empty pools and a fresh lock; the parent's clients are kept, untouched, so that no
garbage collection in the child closes the parent's sockets.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import ssl
import threading
import weakref
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import httpx2

from .._version import __version__
from . import deadline

USER_AGENT = f"langchain-cometapi/{__version__}"
LIMITS = httpx2.Limits(max_connections=512, max_keepalive_connections=128)

PoolKey = tuple[float | None, tuple[tuple[str, str], ...]]


def pool_key(timeout: float | None, headers: dict[str, str]) -> PoolKey:
    return timeout, tuple(sorted(headers.items()))


_ssl: list[ssl.SSLContext] = []


def _verify() -> ssl.SSLContext:
    """One TLS context for every pool: loading the CA bundle costs ~20 ms, which a new pool per
    event loop (``asyncio.run`` per call) would otherwise pay on every call."""
    if not _ssl:
        _ssl.append(httpx2.create_ssl_context())
    return _ssl[0]


def _timeout(seconds: float | None) -> httpx2.Timeout:
    if seconds is None:
        return httpx2.Timeout(None)
    return httpx2.Timeout(seconds, connect=min(10.0, seconds))


@dataclass
class _LoopPool:
    loop: weakref.ref[asyncio.AbstractEventLoop]
    client: httpx2.AsyncClient
    closer: Any = None
    abandoned: bool = False


@dataclass
class _Registry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sync: dict[PoolKey, httpx2.Client] = field(default_factory=dict)
    loops: dict[tuple[PoolKey, int], _LoopPool] = field(default_factory=dict)
    # Who uses each pool (weakly: a dropped instance stops holding it). ``close()`` of one
    # instance closes the pool only when no other live instance uses it, so closing a model
    # (``with ChatCometAPI(...) as llm`` per request) never cuts another's call in flight.
    holders: dict[object, weakref.WeakSet[Any]] = field(default_factory=dict)


class Holder:
    """A client's handle on the shared pools (an object, so pools can hold it weakly)."""

    __slots__ = ("__weakref__",)


def hold(slot: object, holder: Holder) -> None:
    """Record that ``holder`` uses the pool in ``slot`` (a pool key, or key and loop id)."""
    registry = _registry
    users = registry.holders.get(slot)
    if users is None:
        with registry.lock:
            users = registry.holders.setdefault(slot, weakref.WeakSet())
    if holder not in users:
        users.add(holder)


def _release(slot: object, holder: Holder) -> bool:
    """Drop ``holder`` from the pool's users (under lock); True when no live user is left."""
    users = _registry.holders.get(slot)
    if users is None:
        return True
    users.discard(holder)
    return len(users) == 0


_registry = _Registry()
_forked_away: list[_Registry] = []  # the parent's pools, as seen by a child: never touched


def _after_fork_in_child() -> None:
    global _registry
    _forked_away.append(_registry)
    _registry = _Registry()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@atexit.register
def _close_at_exit() -> None:
    """Close the shared sync pools as the interpreter exits (no unclosed-socket warnings)."""
    with _registry.lock:
        clients = list(_registry.sync.values())
        _registry.sync.clear()
    for client in clients:
        with contextlib.suppress(Exception):
            client.close()


def sync_client(key: PoolKey, holder: Holder) -> httpx2.Client:
    """The shared client for these settings, created once (under a lock) on first use."""
    hold(key, holder)
    registry = _registry
    client = registry.sync.get(key)
    if client is None:
        with registry.lock:
            client = registry.sync.get(key)
            if client is None:
                client = httpx2.Client(
                    timeout=_timeout(key[0]), limits=LIMITS, headers=key[1], verify=_verify()
                )
                deadline.install(client)
                registry.sync[key] = client
    return client


def async_client(key: PoolKey, holder: Holder) -> httpx2.AsyncClient:
    """The shared client for these settings on the running loop (call from that loop)."""
    loop = asyncio.get_running_loop()
    hold((key, id(loop)), holder)
    registry = _registry
    entry = registry.loops.get((key, id(loop)))
    if entry is not None and entry.loop() is loop:
        return entry.client
    with registry.lock:
        dead = _sweep(registry)
        entry = registry.loops.get((key, id(loop)))
        if entry is None or entry.loop() is not loop:
            client = httpx2.AsyncClient(
                timeout=_timeout(key[0]), limits=LIMITS, headers=key[1], verify=_verify()
            )
            deadline.install(client)
            entry = _LoopPool(weakref.ref(loop), client)
            registry.loops[(key, id(loop))] = entry
        else:
            client, entry = entry.client, None  # type: ignore[assignment]
    _abandon(dead)
    if entry is None:
        return client
    entry.closer = _closed_with_loop(registry, (key, id(loop)), entry)
    _start(entry.closer)
    return client


async def _closed_with_loop(
    registry: _Registry, slot: tuple[PoolKey, int], entry: _LoopPool
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        with registry.lock:
            if registry.loops.get(slot) is entry:
                del registry.loops[slot]
        if not entry.abandoned:
            await entry.client.aclose()


def _start(agen: AsyncGenerator[None, None]) -> None:
    """Run the generator to its first ``yield`` now: the loop's first-iteration hook registers
    it, so ``shutdown_asyncgens`` will finalise it (running its ``finally``)."""
    with contextlib.suppress(StopIteration):
        agen.__anext__().send(None)


def _sweep(registry: _Registry) -> list[_LoopPool]:
    """Pools whose loop is gone or was closed without finalising its generators (under lock)."""
    dead = []
    for slot, entry in list(registry.loops.items()):
        loop = entry.loop()
        if loop is None or loop.is_closed():
            del registry.loops[slot]
            dead.append(entry)
    return dead


def _abandon(dead: list[_LoopPool]) -> None:
    """Finish the closers of dead loops without their loop (no await: there is no loop to run
    it), so that no finaliser later schedules work on a closed loop. Their sockets are closed
    by garbage collection, as asyncio does for transports of a closed loop."""
    for entry in dead:
        entry.abandoned = True
        if entry.closer is not None:
            with contextlib.suppress(StopIteration, RuntimeError):
                entry.closer.aclose().send(None)


def close_sync(key: PoolKey, holder: Holder) -> None:
    """``holder`` is done with the pool for these settings; the last live user closes it (the
    next call opens a new one)."""
    with _registry.lock:
        last = _release(key, holder)
        client = _registry.sync.pop(key, None) if last else None
    if client is not None:
        client.close()


async def close_async(key: PoolKey, holder: Holder) -> None:
    """The same for the running loop's pool."""
    slot = (key, id(asyncio.get_running_loop()))
    with _registry.lock:
        last = _release(slot, holder)
        entry = _registry.loops.pop(slot, None) if last else None
    if entry is not None:
        await entry.client.aclose()


def open_loop_pools() -> int:
    """How many per-loop async pools exist (tests check that closed loops leave none)."""
    with _registry.lock:
        dead = _sweep(_registry)
        count = len(_registry.loops)
    _abandon(dead)
    return count
