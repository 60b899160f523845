"""Copying a conversation's earlier scan gives exactly what a full scan gives."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._scan import Scan, ScanCache, scan_body
from tests.helpers.cache_bodies import words

SYSTEM = [{"type": "text", "text": "You help.\n" + words(300)}]


def _fields(scan: Scan) -> tuple[Any, ...]:
    return (scan.block_fps, scan.prefix_tokens, scan.hashes, scan.eligible, scan.message_of,
            scan.message_starts, scan.message_roles, scan.has_images, scan.user_ttl,
            scan.extra_user_markers, [scan.location(p) for p in range(len(scan))])


def _body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": messages, **extra}


def _assert_same_as_full(bodies: list[dict[str, Any]]) -> None:
    recent, memo = ScanCache(), {}
    for body in bodies:
        reused = scan_body(body, SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(body, SYSTEM))


def test_a_growing_conversation_rebuilt_from_fresh_dicts() -> None:
    texts = [words(50, salt) for salt in range(12)]
    bodies = []
    for turn in range(1, 12):
        messages = [
            {"role": "user" if i % 2 == 0 else "assistant",
             "content": [{"type": "text", "text": texts[i]}] if i % 3 else texts[i]}
            for i in range(turn)
        ]
        bodies.append(_body(messages))
    _assert_same_as_full(bodies)


def test_edited_reordered_and_richer_histories() -> None:
    a, b, c, d = (words(40, salt) for salt in range(4))
    edited = words(40, 99)
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "iVBORw0KGgo="}}
    marked = {"type": "text", "text": c, "cache_control": {"type": "ephemeral"}}
    _assert_same_as_full([
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": c}]),
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": edited},
               {"role": "user", "content": c}]),  # a middle message edited
        _body([{"role": "user", "content": a}, {"role": "user", "content": b},
               {"role": "user", "content": c}]),  # same texts, another role
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": [image, {"type": "text", "text": d}]}]),  # an image
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": [marked]}]),  # the user's own marker
        _body([{"role": "user", "content": a}], tool_choice={"type": "any"},
              tools=[{"name": "t", "description": "d", "input_schema": {"type": "object"}}]),
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b}]),
    ])
