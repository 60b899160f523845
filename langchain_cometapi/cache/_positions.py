"""The scan's record of a body: parallel arrays, one entry per block position, in prefix order.

Anthropic caches prefixes at content-block boundaries in the order tools -> system -> messages;
``_scan`` fills this record, ``_recent`` keeps recent ones to copy or extend (a conversation's
next request), and every later stage of a planning pass reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import mul

from ._plan import Location

__all__ = ["HeadInputs", "Markable", "Scan", "new_scan", "scaled_tokens"]

#: What a scan's head (tools and system positions, base tokens, head key) was built from: the
#: model, the fingerprints of the tools (the object ``ScanCache`` keeps for equal tools, None
#: without tools), a private copy of the system blocks, the fingerprints of ``tool_choice`` and
#: ``thinking``, and the per-request tokens. Equal inputs give an equal head.
HeadInputs = tuple[str, object, object, int, int, int]


@dataclass(slots=True)
class Scan:
    """Parallel arrays, one entry per block position, in prefix order."""

    block_fps: list[int] = field(default_factory=list)  # each block's own content fingerprint
    prefix_tokens: list[int] = field(default_factory=list)  # tokens up to and including it
    hashes: list[int] = field(default_factory=list)  # fingerprint of the whole prefix
    eligible: list[bool] = field(default_factory=list)
    message_of: list[int] = field(default_factory=list)  # message index (-1: tools, system)
    user_ttl: dict[int, str] = field(default_factory=dict)
    extra_user_markers: int = 0
    tools_end: int = -1
    system_end: int = -1
    system_block_ends: list[int] = field(default_factory=list)
    message_starts: list[int] = field(default_factory=list)
    message_roles: list[str] = field(default_factory=list)
    message_keys: list[object] = field(default_factory=list)  # identity of plain-text content
    # a private copy of each plain-text message (role, content's shape, text), else a sentinel
    message_copies: list[object] = field(default_factory=list)
    #: characters of text (``_blocks.text_chars``) in the messages before each message, and in
    #: all of them last: what ``_fastpath`` needs to know a prompt is large without walking it
    text_chars: list[int] = field(default_factory=lambda: [0])
    has_images: bool = False
    base_tokens: int = 0  # billed once per request, before the first block (tool-use prompt)
    head_key: int = 0  # the head's fingerprint, with the settings that key the messages' cache
    head_inputs: HeadInputs | None = None  # None: a head that cannot be taken over (markers)
    #: ``prefix_tokens`` times ``scaled_ratio`` (the learnt estimate ratio), for the positions
    #: scaled so far: an extended scan scales only its new positions (``scaled_tokens``)
    scaled: list[float] = field(default_factory=list)
    scaled_ratio: float = 0.0

    def __len__(self) -> int:
        return len(self.block_fps)

    @property
    def user_marker_count(self) -> int:
        return len(self.user_ttl) + self.extra_user_markers

    @property
    def total(self) -> int:
        return self.prefix_tokens[-1] if self.prefix_tokens else self.base_tokens

    def tokens_at(self, pos: int) -> int:
        return self.prefix_tokens[pos] if pos >= 0 else self.base_tokens

    def section(self, pos: int) -> str:
        if pos <= self.tools_end:
            return "tools"
        return "system" if pos <= self.system_end else "messages"

    def location(self, pos: int) -> Location:
        """Path of a position in the body: ("tools", i), ("system", i), ("messages", m, b)."""
        if pos <= self.tools_end:
            return ("tools", pos)
        if pos <= self.system_end:
            return ("system", pos - self.tools_end - 1)
        m = self.message_of[pos]
        return ("messages", m, pos - self.message_starts[m])


def new_scan() -> Scan:
    """``Scan()`` without its dataclass ``__init__`` (a dozen factory calls, ~100 bytecodes):
    every plan makes one. Equal to ``Scan()`` (tests/unit/cache/test_scan_reuse)."""
    scan = object.__new__(Scan)
    scan.block_fps, scan.prefix_tokens, scan.hashes, scan.eligible = [], [], [], []
    scan.message_of, scan.user_ttl, scan.extra_user_markers = [], {}, 0
    scan.tools_end = scan.system_end = -1
    scan.system_block_ends, scan.message_starts, scan.message_roles = [], [], []
    scan.message_keys, scan.message_copies, scan.text_chars = [], [], [0]
    scan.has_images, scan.base_tokens, scan.head_key, scan.head_inputs = False, 0, 0, None
    scan.scaled, scan.scaled_ratio = [], 0.0
    return scan


def scaled_tokens(scan: Scan, ratio: float) -> list[float]:
    """``scan.prefix_tokens`` times ``ratio`` (API units), at C level. Kept on the scan: when
    it was extended in place with the ratio unchanged, only the new positions are scaled (the
    list is shared, so nothing may change it)."""
    scaled, tokens = scan.scaled, scan.prefix_tokens
    if scan.scaled_ratio != ratio:
        scaled = scan.scaled = list(map(mul, tokens, repeat(ratio)))
        scan.scaled_ratio = ratio
    else:  # a few new positions at most: a loop (``repeat`` parses its arguments slowly)
        for t in tokens[len(scaled) :]:
            scaled.append(t * ratio)
    return scaled


class Markable:
    """Positions that may carry a planner's marker (eligible, not the user's own), as a
    container: membership without building a set per call."""

    __slots__ = ("_eligible", "_user_ttl")

    def __init__(self, scan: Scan) -> None:
        self._eligible, self._user_ttl = scan.eligible, scan.user_ttl  # kept, not copied

    def __contains__(self, pos: object) -> bool:
        try:  # an int in range; anything else raises below (a bool is an int)
            at: int = pos  # type: ignore[assignment]
            return at >= 0 and self._eligible[at] and at not in self._user_ttl
        except (TypeError, IndexError):
            return False
