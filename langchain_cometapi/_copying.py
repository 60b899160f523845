"""Pickle and deepcopy for ChatCometAPI: copy the settings, rebuild the runtime parts.

The HTTP client, the cache planner and the cache report hold locks (and sockets), which neither
pickle nor deepcopy can copy; ChatAnthropic pickles before first use, and process pools, Spark
UDFs and ``copy.deepcopy`` of a chain need the same. A copy starts with a fresh client, planner
and report; user-supplied httpx2 clients are shared by deepcopy (they cannot be pickled).
"""

from __future__ import annotations

import copy
from typing import Any


class RuntimeCopyMixin:
    """Goes before BaseModel in the bases; the class provides ``_fresh_runtime()``."""

    def _fresh_runtime(self) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict[Any, Any]:
        state: dict[Any, Any] = super().__getstate__()  # type: ignore[misc,assignment]
        return {**state, "__pydantic_private__": None}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)  # type: ignore[misc]
        self._fresh_runtime()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        memo = {} if memo is None else memo
        for name in ("http_client", "http_async_client"):
            client = getattr(self, name, None)
            if client is not None:
                memo[id(client)] = client
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        clone.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        return clone
