"""One learnt state per endpoint, key and policy in a process, whichever instance plans.

The API's cache belongs to the account, not to a ``ChatCometAPI`` object: two instances sending
the same prompts with the same key read each other's entries. Code that builds a model per
request (a web handler calling ``ChatCometAPI(...)`` each time, a chain factory) would otherwise
start every request from the priors: no split of a per-request system tail, no 1h for slow
users, no memory of what was written a second ago. So instances with the same endpoint, key,
policy and HTTP client share one ``CacheState`` (and the server clock its TTLs run on).

The client is part of the key because tests give each emulator its own client (their planners
must not learn from one another) and because separate clients may well be separate accounts
behind a proxy; it is held weakly, so a state lives no longer than the client it was learnt
through. Worker *processes* share nothing: a fleet behind a balancer learns per process.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from typing import Any

from ._clock import ServerClock
from ._planner import CachePlanner
from ._policy import CachePolicy
from ._state import CacheState

__all__ = ["planner_for", "shared_state"]

#: States kept for instances built with the default client (per endpoint, key and policy).
MAX_SHARED = 16

_Key = tuple[str, str, str]
_lock = threading.Lock()
_default: OrderedDict[_Key, CacheState] = OrderedDict()
_by_client: weakref.WeakKeyDictionary[Any, OrderedDict[_Key, CacheState]] = (
    weakref.WeakKeyDictionary()
)


def _fresh_lock_in_child() -> None:
    """A fork while another thread held the lock would leave it held forever in the child."""
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_lock_in_child)


def _key(base_url: str, api_key: str | None, policy: CachePolicy) -> _Key:
    """The key's digest, never the key (it may end up in a repr or a heap dump)."""
    digest = hashlib.sha256((api_key or "").encode()).hexdigest()[:16]
    return base_url, digest, policy.model_dump_json()


def shared_state(
    base_url: str, api_key: str | None, policy: CachePolicy, client: object | None
) -> CacheState:
    """The state every planner of this endpoint, key, policy and client learns into (created on
    first use, with a server clock: TTLs run on the server's time)."""
    key = _key(base_url, api_key, policy)
    with _lock:
        states = _default if client is None else _by_client.setdefault(client, OrderedDict())
        state = states.get(key)
        if state is None:
            state = states[key] = CacheState(policy.history_size, ServerClock())
        states.move_to_end(key)
        while len(states) > MAX_SHARED:
            states.popitem(last=False)
        return state


def planner_for(
    prompt_cache: object, base_url: str, api_key: str | None, client: object | None
) -> CachePlanner | None:
    """A model's planner (None when its ``prompt_cache`` is "off"), learning into the state
    shared by the instances of its endpoint, key, policy and client."""
    if prompt_cache == "off":
        return None
    policy = prompt_cache if isinstance(prompt_cache, CachePolicy) else CachePolicy()
    state = shared_state(base_url, api_key, policy, client)
    return CachePlanner(policy, base_url=base_url, state=state)
