"""Endpoints that do not take what the planner sends: the decision to resend, and the memory.

Some Anthropic-compatible endpoints refuse the ``ttl`` field of ``cache_control`` (400 naming
``ttl``), some refuse ``cache_control`` altogether (400 "Extra inputs are not permitted"), and
some accept ``ttl: "1h"`` but bill a 5-minute entry. None of that may break a call: the refused
request is resent once without the field (``resend_without``, a pure function of the error and
the body), the finding is remembered per base URL for every planner in the process
(``EndpointQuirks``) and logged once at INFO; from then on the planner plans within it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .._wire.validate import count_cache_markers

__all__ = [
    "EndpointQuirks",
    "Refusal",
    "has_ttl",
    "quirks_for",
    "resend_without",
    "strip_cache_control",
]

logger = logging.getLogger("langchain_cometapi")


class Refusal(str, Enum):
    """What a 400 refused."""

    TTL = "ttl"  # the ttl field of cache_control
    MARKERS = "cache_control"  # cache_control itself


def has_ttl(value: Any) -> bool:
    """Whether any cache_control in ``value`` (a body or part of one) carries a ttl."""
    if isinstance(value, Mapping):
        marker = value.get("cache_control")
        if isinstance(marker, Mapping) and "ttl" in marker:
            return True
        return any(has_ttl(v) for k, v in value.items() if k in _WALK)
    if isinstance(value, list):
        return any(has_ttl(item) for item in value)
    return False


_WALK = frozenset({"system", "tools", "messages", "content"})


#: How endpoints say a field is unknown to them. A 400 that names cache_control for another
#: reason (five markers, a 1h marker after a 5m one, a marker on empty text) is a mistake in the
#: request, not a missing feature: it is raised as is and nothing is remembered.
_UNSUPPORTED = (
    "extra inputs are not permitted",
    "extra_forbidden",
    "not permitted",
    "not allowed",
    "not supported",
    "unsupported",
    "unknown field",
    "unknown parameter",
    "unrecognized",
    "unexpected",
    "invalid field",
)


def refusal_of(status: int | None, message: str, body: Mapping[str, Any]) -> Refusal | None:
    """Which caching field a refused request was refused for, if any."""
    if status != 400 or not count_cache_markers(body):
        return None
    text = message.lower()
    if not any(phrase in text for phrase in _UNSUPPORTED):
        return None
    if "ttl" in text and has_ttl(body):
        return Refusal.TTL
    if "cache_control" in text:
        return Refusal.MARKERS
    return None


def strip_cache_control(body: Mapping[str, Any], only_ttl: bool) -> dict[str, Any]:
    """A copy of ``body`` without ``cache_control`` (or only without its ``ttl``), everywhere."""

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key == "cache_control":
                    if only_ttl and isinstance(item, Mapping):
                        out[key] = {k: v for k, v in item.items() if k != "ttl"}
                    continue
                out[key] = clean(item)
            return out
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    return clean(body)  # type: ignore[no-any-return]


def resend_without(
    status: int | None, message: str, body: Mapping[str, Any]
) -> tuple[Refusal, dict[str, Any]] | None:
    """The body to resend once after a refusal, or None when the refusal is not about caching."""
    refusal = refusal_of(status, message, body)
    if refusal is None:
        return None
    return refusal, strip_cache_control(body, only_ttl=refusal is Refusal.TTL)


@dataclass
class EndpointQuirks:
    """What one base URL is known not to support (shared by every planner that sends there)."""

    base_url: str
    ttl_refused: bool = False
    markers_refused: bool = False
    ttl_ignored: bool = False

    def learn(self, refusal: Refusal) -> None:
        with _LOCK:
            if refusal is Refusal.TTL and not self.ttl_refused:
                self.ttl_refused = True
                logger.info(
                    "%s refused cache_control.ttl: resent without it; 1h caching is off for "
                    "this endpoint from now on", self.base_url,
                )
            elif refusal is Refusal.MARKERS and not self.markers_refused:
                self.markers_refused = True
                logger.info(
                    "%s refused cache_control: resent without markers; prompt caching is off "
                    "for this endpoint from now on", self.base_url,
                )

    def learn_ttl_ignored(self) -> None:
        with _LOCK:
            if not self.ttl_ignored:
                self.ttl_ignored = True
                logger.info(
                    "%s billed 5-minute entries where ttl='1h' was asked: planning with "
                    "5-minute caching for this endpoint from now on", self.base_url,
                )

    @property
    def one_hour(self) -> bool:
        return not (self.ttl_refused or self.ttl_ignored)


#: Responses in a row that wrote no 1h entry where one was asked before 1h counts as ignored.
IGNORED_1H_EVIDENCE = 3
_LOCK = threading.Lock()
_KNOWN: dict[str, EndpointQuirks] = {}


def _fresh_lock_in_child() -> None:
    """A fork while another thread held the lock would leave it held forever in the child."""
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_lock_in_child)


def quirks_for(base_url: str) -> EndpointQuirks:
    """The process-wide record for ``base_url`` (a private one for ``""``: an unnamed endpoint,
    e.g. a planner used on its own, shares nothing)."""
    if not base_url:
        return EndpointQuirks("")
    key = base_url.strip().rstrip("/").lower()
    with _LOCK:
        found = _KNOWN.get(key)
        if found is None:
            found = _KNOWN[key] = EndpointQuirks(base_url)
        return found
