"""Find the static head of a system prompt whose tail changes per call (timestamps, user ids).

A one-block system prompt ending in ``Current time: ...`` never matches the previous call's
prefix, so nothing after it is ever read from cache. Comparing the text with recent calls'
text gives the longest common prefix; cutting there (snapped back to a line or word
boundary so the next call cuts at the same place) yields a static block that can carry a
marker plus a dynamic block that does not.

Texts of several users share a head and differ from a user's own lines on: comparing two
users' texts cuts before those lines. Once a user's own lines recur (a recent text with the
same head reaches the stamp line, or two reach further), that user's texts are cut later, so
the lines that stay put for the user are cached with the head.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque

__all__ = ["SystemSplitter", "common_prefix_length", "stamped_at_start", "stamped_line"]

_MIN_STATIC_CHARS = 200
#: A time of day (``12:05``, ``T10:05:07``): per-request data, which a static prompt rarely holds.
_TIME_OF_DAY = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?(?![\d])")


def stamped_line(text: str) -> tuple[int, bool] | None:
    """Start of the first line that carries a time of day (a clock or request stamp), when the
    text before it is long enough to be a static head worth caching; else None.

    A planner that sees a system text for the first time (each worker of a fleet does, for
    every text it did not plan before) cannot compare it with another one; a stamp is the
    usual dynamic tail, so cutting before it at first sight gives the cut that comparing two
    texts would find, and every worker the same static head to write and read. The flag says
    whether the stamp has seconds: then it is per request and what follows never recurs (a
    minute clock recurs within its minute, which the planner cannot know at first sight)."""
    found = _TIME_OF_DAY.search(text)
    if found is None:
        return None
    start = text.rfind("\n", 0, found.start()) + 1
    return (start, found.group(1) is not None) if start >= _MIN_STATIC_CHARS else None


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


def stamped_at_start(text: str) -> bool:
    """Whether a time with seconds sits in the first ``_MIN_STATIC_CHARS`` characters (``Now:
    2025-06-01T10:05:07Z`` heading the prompt): no static head precedes it, so the whole text,
    and everything behind it, recurs only if the same second comes back."""
    found = _TIME_OF_DAY.search(text, 0, _MIN_STATIC_CHARS)
    return found is not None and found.group(1) is not None


class SystemSplitter:
    """Remembers recent system texts and the cut points learned from them (not thread-safe;
    the planner state's lock guards it)."""

    def __init__(self, recent: int = 8, known: int = 64) -> None:
        self._recent: deque[str] = deque(maxlen=recent)
        # cut (length, digest of the head) -> confirmed by two texts (else guessed from a stamp)
        self._known: OrderedDict[tuple[int, int], bool] = OrderedDict()
        #: Whether the last text, not split, starts with a per-request stamp (see
        #: ``stamped_at_start``) and was not seen before: nothing of it is expected to recur.
        self.volatile = False
        #: Whether the tail at the last cut returned is known to change per call (seen to vary,
        #: or a stamp with seconds): only then does what follows depend on the tail recurring.
        self.confirmed = False
        #: A shorter cut before the one returned: the head every user shares, when the cut
        #: returned moved past one user's own lines (see ``_extend``); None otherwise.
        self.shared_cut: int | None = None
        self._known_cap = known
        self._stamps: OrderedDict[int, tuple[int, bool] | None] = OrderedDict()

    def copy(self) -> SystemSplitter:
        """An independent copy (a preview learns on it, see ``CacheState.scratch_copy``)."""
        other = SystemSplitter(self._recent.maxlen or 8, self._known_cap)
        other._recent.extend(self._recent)
        other._known.update(self._known)
        other._stamps.update(self._stamps)
        return other

    def split_point(self, text: str, learn: bool = True) -> int | None:
        """Character index where ``text``'s dynamic tail starts, or None to keep it whole.

        Never a cut that leaves a blank tail: the API refuses an empty system text block
        (and a blank one says nothing changes after the cut: the whole text is the head). A
        text that other recent texts extend (the same lines plus a note) recurs as it is."""
        cut = self._cut(text, learn)
        if cut is not None and not text[cut:].strip():
            self.confirmed = self.volatile = False
            self.shared_cut = None
            return None
        return cut

    def _cut(self, text: str, learn: bool) -> int | None:
        self.confirmed = self.volatile = False
        self.shared_cut = None
        key = self._known_cut(text)
        if key is not None:
            length = key[0]
            self.confirmed = self._known[key] or self._varied(text, length)
            if learn:
                self._known[key] = self.confirmed
                self._known.move_to_end(key)
                longer = self._extend(text, length)
                self._remember(text)
                if longer is not None:
                    self.confirmed = True
                    self._learn_cut(text, longer, True)
                    self.shared_cut = length
                    return longer
            shorter = self._known_cut(text, below=length)
            self.shared_cut = shorter[0] if shorter is not None else None
            return length
        best = 0
        repeated = False
        for other in self._recent:
            if other is text or other == text:
                repeated = True
                continue
            best = max(best, common_prefix_length(text, other))
        if learn:
            self._remember(text)
        cut = _snap(text, best) if 0 < best < len(text) else 0
        self.confirmed = cut >= _MIN_STATIC_CHARS
        if not self.confirmed:
            found = self._stamp_cut(text)
            if found is None:
                self.volatile = not repeated and stamped_at_start(text)
                return None
            cut, self.confirmed = found
        if learn:
            self._learn_cut(text, cut, self.confirmed)
        return cut

    def _learn_cut(self, text: str, cut: int, confirmed: bool) -> None:
        self._known[(cut, hash(text[:cut]))] = confirmed
        while len(self._known) > self._known_cap:
            self._known.popitem(last=False)

    def _known_cut(self, text: str, below: int | None = None) -> tuple[int, int] | None:
        """The longest known cut (under ``below``) whose head this text has: the most recent
        match, then only longer cuts are tried (a head shared by every user, then one user's
        longer head)."""
        found: tuple[int, int] | None = None
        limit = len(text) if below is None else below
        for key in reversed(self._known):
            length, digest = key
            longer = found is None or length > found[0]
            if longer and length < limit and hash(text[:length]) == digest:
                found = key
        return found

    def _extend(self, text: str, length: int) -> int | None:
        """A longer cut for this text: where it differs from a recent text with the same
        head, when that leaves a longer static part (a user's own lines after a head that all
        users share, then a per-request stamp). None when no recent text goes further."""
        head = text[:length]
        shared = sorted(
            (common_prefix_length(text, other) for other in self._recent
             if other is not text and other != text and other.startswith(head)),
            reverse=True,
        )
        if not shared:
            return None
        stamp = _TIME_OF_DAY.search(text, length)
        if stamp is not None:  # a stamp line the recent text also reached: cut before it
            line = text.rfind("\n", 0, stamp.start()) + 1
            if line >= length + _MIN_STATIC_CHARS and shared[0] >= line:
                return line
        if len(shared) < 2:
            return None
        best = shared[1]  # a head at least two recent texts had: it recurs
        cut = _snap(text, best) if best > length else 0
        return cut if cut >= length + _MIN_STATIC_CHARS else None

    def _varied(self, text: str, length: int) -> bool:
        """A recent text with the same head but another tail: the tail does change per call."""
        head = text[:length]
        return any(o is not text and o != text and o.startswith(head) for o in self._recent)

    def _stamp_cut(self, text: str) -> tuple[int, bool] | None:
        """``stamped_line``, remembered per text: a static prompt is searched once, not per call."""
        key = hash(text)
        if key in self._stamps:
            return self._stamps[key]
        found = self._stamps[key] = stamped_line(text)
        while len(self._stamps) > self._known_cap:
            self._stamps.popitem(last=False)
        return found

    def _remember(self, text: str) -> None:
        if not self._recent or self._recent[-1] != text:
            self._recent.append(text)
