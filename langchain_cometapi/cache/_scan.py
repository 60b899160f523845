"""Flatten a Messages body into cacheable block positions with prefix fingerprints.

Anthropic caches prefixes at content-block boundaries in the order tools -> system ->
messages; a position's fingerprint chains every earlier block, so two requests share a
cache entry exactly when they share a position fingerprint. Fingerprints use Python's
``hash`` (cached on str objects), so re-scanning the same long strings is cheap; they only
steer the planner and are never sent.

Planning runs on every call, so a conversation must not cost more to plan as it grows: block
token estimates are memoised by fingerprint, and the messages a request shares with its
conversation's previous request are not walked again (``_recent``): when the head is the same,
that request's scan is cut back to them and extended in place (``_extend``); otherwise their
positions are copied from it. "Shares" is equality with private copies of those messages
(``_copies``), tested at C level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
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
    text_chars,
)
from ._copies import NOT_COPIED, NOT_PLAIN, copy_of, plain_block, plain_text, strict_copy_or_none
from ._positions import HeadInputs, Markable, Scan, new_scan
from ._recent import ScanCache
from ._recent import shared_messages as _shared_messages

__all__ = ["Markable", "Scan", "ScanCache", "new_scan", "scan_body"]


def _estimate(block: Any, is_tool: bool, model: str | None) -> int:
    if is_tool:
        return _tokens.estimate_tool_tokens(block, model=model)
    return _tokens.estimate_block_tokens(block, model=model)


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

    def __init__(
        self, scan: Scan, memo: dict[int, int], body: Mapping[str, Any], base: int
    ) -> None:
        self.scan = scan
        self.memo = memo
        model = body.get("model")
        self.model = model if isinstance(model, str) else None
        self.salt, self.framing = _model_constants(self.model)
        self.tokens = scan.base_tokens = base

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
        text = NOT_PLAIN if is_tool else plain_block(block)
        if text is not NOT_PLAIN:
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
        plain = plain_text(content)
        scan.message_keys.append(plain)
        scan.message_copies.append(copy_of(message, content, plain))
        if plain is not NOT_PLAIN:
            assert isinstance(plain, str)
            scan.text_chars.append(scan.text_chars[-1] + len(plain))  # ``text_chars`` of it
            self.text(plain, m, self.framing)
            return
        scan.text_chars.append(scan.text_chars[-1] + text_chars(content))
        for b, block in enumerate(content if isinstance(content, list) else ()):
            if isinstance(block, Mapping) and block.get("type") in IMAGE_TYPES:
                scan.has_images = True
            self.block(block, m, False, self.framing if b == 0 else 0)

    def reuse(self, previous: Scan, count: int) -> None:
        """Copy the positions of the ``count`` leading messages ``previous`` scanned from equal
        messages (see ``_copies``)."""
        keys, roles = previous.message_keys, previous.message_roles
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
        scan.text_chars.extend(previous.text_chars[1 : count + 1])
        self.tokens = scan.prefix_tokens[-1]


def scan_body(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    memo: dict[int, int] | None = None,
    recent: ScanCache | None = None,
    shared: tuple[Scan, int] | None = None,
) -> Scan:
    """Positions of ``body`` with ``system`` (already normalized to a block list) in its place.

    ``memo`` maps block fingerprints to token estimates across calls; ``recent`` holds earlier
    scans to copy or extend (both are the planner state's); ``shared``: ``recent.lineage`` of
    the messages, when the caller has it already.
    """
    memo = {} if memo is None else memo
    messages = body.get("messages") or ()
    if recent is not None:
        shared = recent.lineage(messages) if shared is None else shared
        if shared is not None and shared[1]:
            extended = _extend(body, system, memo, recent, shared)
            if extended is not None:
                return extended
    scan = new_scan()
    build = _Builder(scan, memo, body, _tokens.request_overhead_tokens(body, citations=False))
    head = _scan_head(build, body, system, recent)
    previous = None
    first = messages[0] if messages else None
    if recent is not None and (type(first) is dict or isinstance(first, Mapping)):
        assert first is not None
        previous = recent.find(head, plain_text(first.get("content")))
    copied = 0
    if previous is not None:
        if shared is not None and shared[0] is previous:
            copied = shared[1]
        else:
            copied = _shared_messages(previous.message_copies, messages)
        if copied:
            build.reuse(previous, copied)
    for m in range(copied, len(messages)):
        build.message(m, messages[m])
    start = first_message = scan.system_end + 1
    if previous is not None and previous.has_images == scan.has_images:
        start += _copied_positions(scan, copied)  # their prefix fingerprints are the same too
        scan.hashes.extend(previous.hashes[first_message:start])
    _chain(scan, head, start)
    if recent is not None:
        recent.keep(head, scan)
    return scan


def _scan_head(
    build: _Builder, body: Mapping[str, Any], system: Sequence[Any] | None, recent: ScanCache | None
) -> int:
    """Scan the tools and the system blocks and fill their prefix fingerprints; returns the
    head's key (see ``_head_hashes``) and, with ``recent``, records what the head was built of."""
    scan = build.scan
    tools = body.get("tools") or ()
    known = recent.tool_fingerprints(tools) if recent is not None else None
    for t, tool in enumerate(tools):
        build.block(tool, -1, True, 0, None if known is None else known[t])
    scan.tools_end = len(scan.block_fps) - 1
    if recent is not None and tools and known is None:
        known = recent.keep_tools(tools, scan.block_fps[: scan.tools_end + 1])
    for block in system or ():
        build.block(block, -1, False, 0)
        scan.system_block_ends.append(len(scan.block_fps) - 1)
    scan.system_end = len(scan.block_fps) - 1
    settings = _settings(body)
    head = scan.head_key = _head_hashes(scan, body, settings)
    if recent is not None:
        scan.head_inputs = _head_inputs(body, system, known if tools else None, scan, settings)
    if body.get("cache_control"):
        scan.extra_user_markers += 1
    return head


def _settings(body: Mapping[str, Any]) -> tuple[int, int]:
    """Fingerprints of the settings that key the messages' cache besides the head's blocks."""
    return fingerprint(body.get("tool_choice")), fingerprint(body.get("thinking"))


def _head_inputs(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    tool_fps: object,
    scan: Scan,
    settings: tuple[int, int],
) -> HeadInputs | None:
    """What the head was built of (see ``HeadInputs``), or None when a later request could not
    take it over: markers in it (``_extend`` keeps none), tools or a system that were not
    copied, a model that is not a str."""
    model = body.get("model")
    if type(model) is not str or type(system) is not list:
        return None
    if scan.user_ttl or scan.extra_user_markers:
        return None
    if body.get("tools") and tool_fps is None:
        return None
    copied = strict_copy_or_none(system)
    if copied is NOT_COPIED:
        return None
    return model, tool_fps, copied, settings[0], settings[1], scan.base_tokens


def _extend(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    memo: dict[int, int],
    recent: ScanCache,
    shared: tuple[Scan, int],
) -> Scan | None:
    """The conversation's previous scan, cut back to the ``count`` messages this request shares
    with it and extended in place by the rest, when this request's head is built of the same
    inputs (then the head's positions, tokens and fingerprints are the same); else None."""
    scan, count = shared
    base = _same_head(body, system, recent, scan.head_inputs)
    if base is None:
        return None
    messages = body.get("messages") or ()
    starts = scan.message_starts
    end = starts[count] if count < len(starts) else len(scan.block_fps)
    had_images = scan.has_images
    try:
        _cut(scan, end, count)
        # The shared messages hold no marker and no image (``_copies``): the head none either.
        scan.user_ttl.clear()
        scan.extra_user_markers = 1 if body.get("cache_control") else 0
        scan.has_images = False
        build = _Builder(scan, memo, body, base)
        build.tokens = scan.tokens_at(end - 1)
        for m in range(count, len(messages)):
            build.message(m, messages[m])
        start = end if scan.has_images == had_images else scan.system_end + 1
        del scan.hashes[start:]
        _chain(scan, scan.head_key, start)
        recent.keep(scan.head_key, scan)
    except BaseException:  # half rebuilt: not to be found again
        recent.discard(scan.head_key, scan)
        raise
    return scan


def _same_head(
    body: Mapping[str, Any],
    system: Sequence[Any] | None,
    recent: ScanCache,
    inputs: HeadInputs | None,
) -> int | None:
    """This request's base tokens when its head is built of ``inputs``, else None."""
    if inputs is None or type(system) is not list:
        return None
    tools = body.get("tools") or ()
    try:
        if body.get("model") != inputs[0] or inputs[2] != system:
            return None
        if (recent.tool_fingerprints(tools) if tools else None) is not inputs[1]:
            return None
    except Exception:  # a caller's object that cannot compare itself
        return None
    if _settings(body) != inputs[3:5]:
        return None
    base = _tokens.request_overhead_tokens(body, citations=False)
    return base if base == inputs[5] else None


def _cut(scan: Scan, end: int, count: int) -> None:
    """Drop the positions from ``end`` on and the messages from ``count`` on (hashes aside)."""
    del scan.block_fps[end:], scan.prefix_tokens[end:], scan.eligible[end:]
    del scan.message_of[end:], scan.message_starts[count:], scan.message_roles[count:]
    del scan.message_keys[count:], scan.message_copies[count:], scan.text_chars[count + 1 :]
    del scan.scaled[end:]


def _copied_positions(scan: Scan, copied: int) -> int:
    if copied == 0:
        return 0
    starts = scan.message_starts
    end = starts[copied] if copied < len(starts) else len(scan.block_fps)
    return end - (scan.system_end + 1)


def _head_hashes(scan: Scan, body: Mapping[str, Any], settings: tuple[int, int]) -> int:
    """Fill the prefix fingerprints of tools and system; returns the head's key (the last head
    fingerprint folded with the settings that key the message cache, images aside)."""
    h = hash(("cometapi-cache-v1", str(body.get("model", ""))))
    for pos, fp in enumerate(scan.block_fps):
        h = hash((h, "tools" if pos <= scan.tools_end else "system", fp))
        scan.hashes.append(h)
    return hash((h, "ctx", *settings))


def _chain(scan: Scan, head: int, start: int) -> None:
    """Prefix fingerprints of the message positions from ``start`` on (those before it are
    filled already)."""
    first = scan.system_end + 1
    h = scan.hashes[start - 1] if start > first else hash((head, scan.has_images))
    roles, message_of, fps = scan.message_roles, scan.message_of, scan.block_fps
    starts = scan.message_starts
    out = scan.hashes
    for pos in range(start, len(fps)):
        m = message_of[pos]
        h = hash((h, roles[m], pos == starts[m], fps[pos]))
        out.append(h)
