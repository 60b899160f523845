"""Recent scans by conversation, so a conversation's next request extends its previous scan.

A scan is found by its head (tools, system, the settings that key the messages' cache) and the
text object of its first message; or by that text object alone (``lineage``), before the head
is scanned. Which leading messages a request shares with a kept scan is equality with that
scan's private copies of them (``_copies``), tested at C level.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from operator import ne
from typing import Any

from ._copies import NOT_PLAIN, plain_text, strict_copy_or_none
from ._positions import Scan

__all__ = ["ScanCache", "shared_messages"]


class ScanCache:
    """Recent scans by conversation (head fingerprint and first message), for reuse. A scan
    kept here may be cut back and extended in place by the next request of its conversation
    (``_scan``): hold none across calls."""

    def __init__(self, capacity: int = 64) -> None:
        self._items: OrderedDict[tuple[int, int], Scan] = OrderedDict()
        self._lineage: OrderedDict[int, Scan] = OrderedDict()  # by the first message's text
        self._capacity = capacity
        self._tools: tuple[object, list[int]] | None = None  # a copy of the last tools, their fps

    def tool_fingerprints(self, tools: Any) -> list[int] | None:
        """The fingerprints of ``tools`` when they equal the last tools kept (an application
        sends the same tools on every call; fingerprinting their schemas is the costly part)."""
        if self._tools is None or not tools:
            return None
        copied, fps = self._tools
        try:
            return fps if copied == tools else None
        except Exception:  # a caller's object that cannot compare itself
            return None

    def keep_tools(self, tools: Any, fps: list[int]) -> list[int] | None:
        """Keep ``tools`` (a copy) with their fingerprints; returns the list kept, or None."""
        if type(tools) is list and all(type(t) is dict and "cache_control" not in t for t in tools):
            self._tools = (strict_copy_or_none(tools), fps)
            return fps
        return None

    def lineage(self, messages: Any) -> tuple[Scan, int] | None:
        """The last scan of this conversation (whatever its head) and how many leading messages
        ``messages`` shares with it: what is known of a request before its head is scanned."""
        if not messages or type(messages) is not list or type(messages[0]) is not dict:
            return None
        key = plain_text(messages[0].get("content"))
        found = self._lineage.get(id(key))
        if found is None or found.message_keys[0] is not key:
            return None
        return found, shared_messages(found.message_copies, messages)

    def find(self, head: int, first: object) -> Scan | None:
        found = self._items.get((head, id(first)))
        if found is None or not found.message_keys or found.message_keys[0] is not first:
            return None
        return found

    def keep(self, head: int, scan: Scan) -> None:
        if not scan.message_keys or scan.message_keys[0] is NOT_PLAIN:
            return
        first = id(scan.message_keys[0])
        items, lineage = self._items, self._lineage
        if lineage.get(first) is scan and items.get((head, first)) is scan:  # extended in place
            items.move_to_end((head, first))
            lineage.move_to_end(first)
            return
        items[head, first] = scan
        items.move_to_end((head, first))
        while len(items) > self._capacity:
            items.popitem(last=False)
        lineage[first] = scan
        lineage.move_to_end(first)
        while len(lineage) > self._capacity:
            lineage.popitem(last=False)

    def discard(self, head: int, scan: Scan) -> None:
        """Forget ``scan`` (left half rebuilt by a request that failed while extending it)."""
        if scan.message_keys:
            first = id(scan.message_keys[0])
            if self._items.get((head, first)) is scan:
                del self._items[head, first]
            if self._lineage.get(first) is scan:
                del self._lineage[first]


def shared_messages(copies: list[object], messages: Sequence[Any]) -> int:
    """How many leading messages equal the copies an earlier scan kept. The hot loop of a warm
    plan, at C level: dict equality compares the same text objects by identity first."""
    try:
        differs = list(map(ne, messages, copies))  # stops at the shorter of the two
    except Exception:  # a caller's object that cannot compare itself: scan everything afresh
        return 0
    try:
        return differs.index(True)
    except ValueError:
        return len(differs)
