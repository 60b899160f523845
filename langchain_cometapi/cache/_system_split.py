"""Find the static head of a system prompt whose tail changes per call (timestamps, user ids).

A one-block system prompt ending in ``Current time: ...`` never matches the previous call's
prefix, so nothing after it is ever read from cache. Comparing the text with recent calls'
text gives the longest common prefix; cutting there (snapped back to a line or word
boundary so the next call cuts at the same place) yields a static block that can carry a
marker plus a dynamic block that does not.
"""

from __future__ import annotations

from collections import OrderedDict, deque

__all__ = ["SystemSplitter", "common_prefix_length"]

_MIN_STATIC_CHARS = 200


def common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by bisection over C-level slice comparisons."""
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _snap(text: str, cut: int) -> int:
    """Move a cut back to just after a newline (or else a space) so it is stable across calls."""
    newline = text.rfind("\n", 0, cut)
    if newline >= 0 and newline + 1 >= cut * 0.5:
        return newline + 1
    space = text.rfind(" ", 0, cut)
    return space + 1 if space >= 0 else 0


class SystemSplitter:
    """Remembers recent system texts and the cut points learned from them (not thread-safe;
    the planner state's lock guards it)."""

    def __init__(self, recent: int = 8, known: int = 64) -> None:
        self._recent: deque[str] = deque(maxlen=recent)
        self._known: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._known_cap = known

    def split_point(self, text: str, learn: bool = True) -> int | None:
        """Character index where ``text``'s dynamic tail starts, or None to keep it whole."""
        for length, digest in reversed(self._known):
            if length < len(text) and hash(text[:length]) == digest:
                if learn:
                    self._known.move_to_end((length, digest))
                    self._remember(text)
                return length
        best = 0
        for other in self._recent:
            if other is text or other == text:
                continue
            best = max(best, common_prefix_length(text, other))
        if learn:
            self._remember(text)
        if best <= 0 or best >= len(text):
            return None
        cut = _snap(text, best)
        if cut < _MIN_STATIC_CHARS:
            return None
        if not learn:
            return cut
        self._known[(cut, hash(text[:cut]))] = None
        while len(self._known) > self._known_cap:
            self._known.popitem(last=False)
        return cut

    def _remember(self, text: str) -> None:
        if not self._recent or self._recent[-1] != text:
            self._recent.append(text)
