"""Request options of one call: the anthropic SDK's ``timeout`` and ``extra_query``, per request.

ChatAnthropic hands ``invoke(..., timeout=5)`` and ``extra_query={...}`` to the SDK, which applies
them to that request only; a migrating user's code keeps working only if they mean the same here.
They are checked here, before anything is sent (a wrong type would otherwise surface as an
httpx2 error mid-call, or worse be ignored), and the client applies them to each attempt of that
call; the retry policy stays the instance's.

What a timeout means, as in the SDK over httpx:

- seconds (``int``/``float``): every phase (connect, read, write, pool) and, as the model's own
  ``timeout`` does, a total deadline per attempt and the idle bound of a stream;
- an ``httpx2.Timeout``: its phases as httpx2 applies them, and nothing more (no total
  deadline; a stream's idle bound is its ``read``);
- ``None``: no timeout at all for that call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx2

__all__ = ["CallOptions", "Timeout", "call_options"]

Timeout = float | httpx2.Timeout | None


class _Unset:
    """The model's timeout applies (a call that names none)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

#: Values a query parameter may take (httpx2 renders them, ``True`` as ``true``; ``None``
#: would silently become ``?name=``).
_QUERY_SCALARS = (str, int, float)


@dataclass(frozen=True)
class CallOptions:
    """Per-call headers and request options, as one value the senders pass along unchanged."""

    headers: Mapping[str, str] | None = None
    timeout: Timeout | _Unset = UNSET
    query: Mapping[str, Any] | None = None

    def httpx_timeout(self) -> Any:
        """What ``build_request(timeout=...)`` takes: the client's default when none was given."""
        return httpx2.USE_CLIENT_DEFAULT if isinstance(self.timeout, _Unset) else self.timeout

    def deadline(self, default: float | None) -> float | None:
        """The total per-attempt deadline (``deadline.attempt_deadline``) in seconds."""
        if isinstance(self.timeout, _Unset):
            return default
        return None if isinstance(self.timeout, httpx2.Timeout) else self.timeout

    def idle(self, default: float | None) -> float | None:
        """A stream's idle bound: the seconds given, or an ``httpx2.Timeout``'s ``read``."""
        if isinstance(self.timeout, httpx2.Timeout):
            return self.timeout.read
        return self.deadline(default)


def _check_seconds(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(
            f"{name} must be seconds (a number), an httpx2.Timeout or None; got "
            f"{type(value).__name__}; nothing was sent."
        )
    if not (0 < value < math.inf):
        raise ValueError(f"{name} must be a positive, finite number of seconds; nothing was sent.")
    return float(value)


def _check_timeout(value: Any) -> Timeout:
    if isinstance(value, httpx2.Timeout):
        for phase, seconds in value.as_dict().items():
            _check_seconds(seconds, f"timeout's {phase}")
        return value
    return _check_seconds(value, "timeout")


def _check_query(value: Any) -> Mapping[str, Any] | None:
    """A dict of query parameters: names are strings, values scalars or lists of scalars."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(
            f"extra_query must be a dict of query parameters, got {type(value).__name__}; "
            "nothing was sent."
        )
    for name, item in value.items():
        items = item if isinstance(item, (list, tuple)) else [item]
        if not isinstance(name, str) or not all(isinstance(v, _QUERY_SCALARS) for v in items):
            raise ValueError(
                f"extra_query[{name!r}] must be a string or number (or a list of them); "
                "nothing was sent."
            )
    return dict(value) or None


def call_options(headers: Mapping[str, str] | None, given: Mapping[str, Any]) -> CallOptions:
    """The checked options of one call (``given``: ``timeout`` / ``extra_query`` when passed)."""
    timeout = _check_timeout(given["timeout"]) if "timeout" in given else UNSET
    return CallOptions(headers, timeout, _check_query(given.get("extra_query")))
