"""Flatten a Messages body into cacheable block positions with prefix fingerprints.

Anthropic caches prefixes at content-block boundaries in the order tools -> system ->
messages; a position's fingerprint chains every earlier block, so two requests share a
cache entry exactly when they share a position fingerprint. Fingerprints use Python's
``hash`` (cached on str objects), so re-scanning the same long strings is cheap; they only
steer the planner and are never sent.

Planning runs on every call, so a conversation must not cost more to plan as it grows: block
token estimates are memoised by fingerprint, and the positions of the messages a request shares
with its conversation's previous request are copied from that request's scan instead of being
walked again (``ScanCache``). "Shares" is equality with private copies of those messages
(``_copies``), tested at C level.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import ne
from typing import Any

from .._models import model_info
from ..tokens import _estimate as _tokens
from ._blocks import (
    IMAGE_TYPES,
    block_fingerprint,
    eligible,
    fingerprint,
    marker_ttl,
    nested_markers,
)
from ._copies import copy_of, strict_copy_or_none
from ._plan import Location

__all__ = ["Markable", "Scan", "ScanCache", "new_scan", "scan_body"]


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
    has_images: bool = False
    base_tokens: int = 0  # billed once per request, before the first block (tool-use prompt)

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
    """``Scan()`` without its dataclass ``__init__`` (eleven factory calls, ~100 bytecodes):
    every plan makes one. Equal to ``Scan()`` (tests/unit/cache/test_scan_reuse)."""
    scan = object.__new__(Scan)
    scan.block_fps, scan.prefix_tokens, scan.hashes, scan.eligible = [], [], [], []
    scan.message_of, scan.user_ttl, scan.extra_user_markers = [], {}, 0
    scan.tools_end = scan.system_end = -1
    scan.system_block_ends, scan.message_starts, scan.message_roles = [], [], []
    scan.message_keys, scan.message_copies = [], []
    scan.has_images, scan.base_tokens = False, 0
    return scan


class Markable:
    """Positions that may carry a planner's marker (eligible, not the user's own), as a
    container: membership without building a set per call."""

    __slots__ = ("_eligible", "_user_ttl")

    def __init__(self, scan: Scan) -> None:
        self._eligible, self._user_ttl = scan.eligible, scan.user_ttl  # kept, not copied

    def __contains__(self, pos: object) -> bool:
        eligible = self._eligible
        return (
            isinstance(pos, int)
            and 0 <= pos < len(eligible)
            and eligible[pos]
            and pos not in self._user_ttl
        )


def _estimate(block: Any, is_tool: bool, model: str | None) -> int:
    if is_tool:
        return _tokens.estimate_tool_tokens(block, model=model)
    return _tokens.estimate_block_tokens(block, model=model)


_NOT_PLAIN = object()


def _plain_text(content: Any) -> object:
    """The content's text object when it is a str or one plain text block, else a sentinel:
    such a message carries no marker, image or nested block and is fully known by its text."""
    if type(content) is str:
        return content
    if type(content) is list and len(content) == 1:
        return _plain_block(content[0])
    return _NOT_PLAIN


def _plain_block(block: Any) -> object:
    """The text of a block that holds nothing but its type and text, else a sentinel."""
    if type(block) is dict and len(block) == 2 and block.get("type") == "text":
        text = block.get("text")
        if type(text) is str:
            return text
    return _NOT_PLAIN


class ScanCache:
    """Recent scans by conversation (head fingerprint and first message), for reuse."""

    def __init__(self, capacity: int = 64) -> None:
        self._items: OrderedDict[tuple[int, int], Scan] = OrderedDict()
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

    def keep_tools(self, tools: Any, fps: list[int]) -> None:
        if type(tools) is list and all(type(t) is dict and "cache_control" not in t for t in tools):
            self._tools = (strict_copy_or_none(tools), fps)

    def find(self, head: int, first: object) -> Scan | None:
        found = self._items.get((head, id(first)))
        if found is None or not found.message_keys or found.message_keys[0] is not first:
            return None
        return found

    def keep(self, head: int, scan: Scan) -> None:
        if not scan.message_keys or scan.message_keys[0] is _NOT_PLAIN:
            return
        key = (head, id(scan.message_keys[0]))
        self._items[key] = scan
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)


@lru_cache(maxsize=512)
def _model_constants(model: str | None) -> tuple[int, int]:
    """The memo salt (token family) and per-message framing of a model id, normalised once."""
    return hash(model_info(model).token_family), _tokens.message_overhead_tokens(model)


class _Builder:
    """Fills a Scan block by block, estimating each block once (``memo``: fingerprint and
    token family -> tokens, shared across calls).

    Counts follow the estimator's identity (``tokens.estimate_request_tokens``, citation
    instructions aside): the prefix starts with what the API bills once per request (the
    hidden tool-use prompt, rendered before the tools), blocks are counted with the model's
    token costs, and each message adds the model's framing on its first block.
    """

    __slots__ = ("framing", "memo", "model", "salt", "scan", "tokens")

    def __init__(self, scan: Scan, memo: dict[int, int], body: Mapping[str, Any]) -> None:
        self.scan = scan
        self.memo = memo
        model = body.get("model")
        self.model = model if isinstance(model, str) else None
        self.salt, self.framing = _model_constants(self.model)
        # Without the citation instructions: finding out walks every message, and planning
        # must stay flat in conversation length (the learnt estimate ratio absorbs them).
        self.tokens = _tokens.request_overhead_tokens(body, citations=False)
        scan.base_tokens = self.tokens

    def text(self, text: str, msg: int, extra: int) -> None:
        """A plain text message block (type and text only): the common case, kept cheap."""
        fp = hash(("text", text))
        key = fp ^ self.salt
        tokens = self.memo.get(key)
        if tokens is None:
            tokens = self.memo[key] = _tokens.estimate_text_block_once(text, model=self.model)
        scan = self.scan  # ``_append``, inline: one call less on the most common block
        self.tokens += tokens + extra
        scan.block_fps.append(fp)
        scan.prefix_tokens.append(self.tokens)
        scan.eligible.append(bool(text))
        scan.message_of.append(msg)

    def block(
        self, block: Any, msg: int, is_tool: bool, extra: int, fp: int | None = None
    ) -> None:
        """One block; ``fp``: its fingerprint when already known (``ScanCache.keep_tools``)."""
        text = _NOT_PLAIN if is_tool else _plain_block(block)
        if text is not _NOT_PLAIN:
            assert isinstance(text, str)
            self.text(text, msg, extra)  # the same fingerprint, estimate and eligibility
            return
        fp = block_fingerprint(block) if fp is None else fp
        key = fp ^ self.salt
        tokens = self.memo.get(key)
        if tokens is None:
            tokens = self.memo[key] = _estimate(block, is_tool, self.model)
        self._append(fp, tokens + extra, eligible(block) or is_tool, msg)
        ttl = marker_ttl(block)
        if ttl is not None:
            self.scan.user_ttl[len(self.scan.block_fps) - 1] = ttl
        self.scan.extra_user_markers += nested_markers(block)

    def _append(self, fp: int, tokens: int, eligible: bool, msg: int) -> None:
        scan = self.scan
        self.tokens += tokens
        scan.block_fps.append(fp)
        scan.prefix_tokens.append(self.tokens)
        scan.eligible.append(eligible)
        scan.message_of.append(msg)

    def message(self, m: int, message: Any) -> None:
        scan = self.scan
        scan.message_starts.append(len(scan.block_fps))
        is_map = type(message) is dict or isinstance(message, Mapping)
        scan.message_roles.append(str(message.get("role", "")) if is_map else "")
        content = message.get("content") if is_map else None
        plain = _plain_text(content)
        scan.message_keys.append(plain)
        scan.message_copies.append(copy_of(message, content, plain))
        if plain is not _NOT_PLAIN:
            assert isinstance(plain, str)
            self.text(plain, m, self.framing)
            return
        for b, block in enumerate(content if isinstance(content, list) else ()):
            if isinstance(block, Mapping) and block.get("type") in IMAGE_TYPES:
                scan.has_images = True
            self.block(block, m, False, self.framing if b == 0 else 0)

    def reuse(self, previous: Scan, messages: Sequence[Any]) -> int:
        """Copy the positions of the leading messages ``previous`` scanned from equal messages
        (see ``_copies``); returns how many messages were copied."""
        keys, roles = previous.message_keys, previous.message_roles
        count = _shared_messages(previous.message_copies, messages)
        if count == 0:
            return 0
        scan, start = self.scan, previous.system_end + 1
        end = previous.message_starts[count] if count < len(keys) else len(previous.block_fps)
        offset = len(scan.block_fps) - start
        scan.block_fps.extend(previous.block_fps[start:end])
        shift = self.tokens - previous.tokens_at(previous.system_end)
        copied = previous.prefix_tokens[start:end]
        # same head, but the per-request part (effort, output format, ...) may differ
        scan.prefix_tokens.extend(copied if shift == 0 else map(shift.__add__, copied))
        scan.eligible.extend(previous.eligible[start:end])
        scan.message_of.extend(previous.message_of[start:end])
        starts = previous.message_starts[:count]  # the same head: at the same offsets
        scan.message_starts.extend(starts if offset == 0 else map(offset.__add__, starts))
        scan.message_roles.extend(roles[:count])
        scan.message_keys.extend(keys[:count])
        scan.message_copies.extend(previous.message_copies[:count])
        self.tokens = scan.prefix_tokens[-1]
        return count


def _shared_messages(copies: list[object], messages: Sequence[Any]) -> int:
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


def scan_body(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    memo: dict[int, int] | None = None,
    recent: ScanCache | None = None,
) -> Scan:
    """Positions of ``body`` with ``system`` (already normalized to a block list) in its place.

    ``memo`` maps block fingerprints to token estimates across calls; ``recent`` holds earlier
    scans whose leading messages may be copied (both are the planner state's).
    """
    scan = new_scan()
    build = _Builder(scan, {} if memo is None else memo, body)
    if body.get("cache_control"):
        scan.extra_user_markers += 1
    tools = body.get("tools") or ()
    known = recent.tool_fingerprints(tools) if recent is not None else None
    for t, tool in enumerate(tools):
        build.block(tool, -1, True, 0, None if known is None else known[t])
    scan.tools_end = len(scan.block_fps) - 1
    if recent is not None and tools and known is None:
        recent.keep_tools(tools, scan.block_fps[: scan.tools_end + 1])
    for block in system or ():
        build.block(block, -1, False, 0)
        scan.system_block_ends.append(len(scan.block_fps) - 1)
    scan.system_end = len(scan.block_fps) - 1
    head = _head_hashes(scan, body)
    messages = body.get("messages") or ()
    previous = None
    first = messages[0] if messages else None
    if recent is not None and (type(first) is dict or isinstance(first, Mapping)):
        assert first is not None
        previous = recent.find(head, _plain_text(first.get("content")))
    copied = build.reuse(previous, messages) if previous is not None else 0
    for m in range(copied, len(messages)):
        build.message(m, messages[m])
    start = scan.system_end + 1
    if previous is not None and previous.has_images == scan.has_images:
        start += _copied_positions(scan, copied)  # their prefix fingerprints are the same too
    _chain_messages(scan, body, head, start, previous)
    if recent is not None:
        recent.keep(head, scan)
    return scan


def _copied_positions(scan: Scan, copied: int) -> int:
    if copied == 0:
        return 0
    starts = scan.message_starts
    end = starts[copied] if copied < len(starts) else len(scan.block_fps)
    return end - (scan.system_end + 1)


def _head_hashes(scan: Scan, body: Mapping[str, Any]) -> int:
    """Fill the prefix fingerprints of tools and system; returns the head's key (the last head
    fingerprint folded with the settings that key the message cache, images aside)."""
    h = hash(("cometapi-cache-v1", str(body.get("model", ""))))
    for pos, fp in enumerate(scan.block_fps):
        h = hash((h, "tools" if pos <= scan.tools_end else "system", fp))
        scan.hashes.append(h)
    return hash((h, "ctx", fingerprint(body.get("tool_choice")), fingerprint(body.get("thinking"))))


def _chain_messages(
    scan: Scan, body: Mapping[str, Any], head: int, start: int, previous: Scan | None
) -> None:
    """Prefix fingerprints of the message positions; those before ``start`` are copied."""
    first = scan.system_end + 1
    if start > first and previous is not None:
        scan.hashes.extend(previous.hashes[first:start])
        h = scan.hashes[-1]
    else:
        start = first
        h = hash((head, scan.has_images))
    roles, message_of, fps = scan.message_roles, scan.message_of, scan.block_fps
    starts = scan.message_starts
    out = scan.hashes
    for pos in range(start, len(fps)):
        m = message_of[pos]
        h = hash((h, roles[m], pos == starts[m], fps[pos]))
        out.append(h)
