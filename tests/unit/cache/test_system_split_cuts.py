"""Where the system splitter cuts, on any sequence of texts: two non-blank blocks (the API
refuses an empty system text block), at a line or word start, the same cut for the same text,
and a head that does not follow per-request text (request ids, snippets)."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_cometapi.cache._planner import CachePlanner
from langchain_cometapi.cache._system_split import SystemSplitter
from langchain_cometapi.testing import ManualClock, MessagesEmulator, emulated_chat_model
from tests.helpers.cache_bodies import words
from tests.helpers.cache_traffic import HEADERS, STATIC
from tests.helpers.chat_model import acall
from tests.helpers.hostile import PATH_IDS, PATHS

_SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])
HEADS = (STATIC, "Tu réponds en français. 日本語も話します 😀\n" + words(200, 9) + "\n")


def _uuid(rng: random.Random) -> str:
    """A request id with a fixed prefix: texts share characters into it, not up to a boundary."""
    return f"req_20261207_{rng.getrandbits(128):032x}"


def _user(user: int) -> str:
    return f"User: user-{user} ✓ — naïve café 👩‍💻\n" + words(90, user) + "\n"


#: Per-request endings: stamps, ids, snippets, nothing at all, blank lines, multi-byte text.
TAILS = (
    lambda r: f"Current time: 10:{r.randrange(60):02d}:{r.randrange(60):02d}",
    lambda r: f"Current time: 10:{r.randrange(60):02d}",
    lambda r: "Request id: " + _uuid(r),
    lambda r: "Context:\n" + words(r.randint(1, 80), r.randrange(10**6)),
    lambda r: "",
    lambda r: "\n",
    lambda r: "  \n\n",
    lambda r: f"Note: {words(r.randint(1, 5), r.randrange(99))}\n",
    lambda r: "Zeit: 10:05:07 😀 é" + "\u0301" * r.randint(0, 2),
)

texts = st.lists(
    st.tuples(st.integers(0, len(HEADS) - 1), st.integers(-1, 3),
              st.integers(0, len(TAILS) - 1), st.integers(0, 10**6)),
    min_size=1, max_size=30,
)


def _text(head: int, user: int, tail: int, seed: int) -> str:
    return HEADS[head] + (_user(user) if user >= 0 else "") + TAILS[tail](random.Random(seed))


def _check_cut(text: str, cut: int | None) -> None:
    if cut is None:
        return
    assert 0 < cut < len(text)
    assert text[cut:].strip(), f"blank tail {text[cut:]!r}"
    assert text[:cut].strip()
    assert text[cut - 1] in " \n", f"cut inside a word: {text[cut - 8:cut + 8]!r}"
    text[:cut].encode("utf-8")  # whole characters on both sides
    text[cut:].encode("utf-8")


@_SETTINGS
@given(sequence=texts)
def test_every_cut_leaves_two_non_blank_blocks_at_a_boundary(
    sequence: list[tuple[int, int, int, int]],
) -> None:
    splitter = SystemSplitter()
    for spec in sequence:
        text = _text(*spec)
        preview = splitter.split_point(text, learn=False)
        _check_cut(text, preview)
        cut = splitter.split_point(text)
        _check_cut(text, cut)
        if splitter.shared_cut is not None:  # the head every user shares: a block of its own
            assert cut is not None and 0 < splitter.shared_cut < cut
            _check_cut(text[:cut] + "x", splitter.shared_cut)


@_SETTINGS
@given(sequence=texts)
def test_the_same_text_again_gets_the_same_cut(sequence: list[tuple[int, int, int, int]]) -> None:
    """Sent twice in a row, a text is cut at the same place: its static head is read back."""
    splitter = SystemSplitter()
    for spec in sequence:
        text = _text(*spec)
        first = splitter.split_point(text)
        assert splitter.split_point(text) == first, text[-60:]


def test_a_text_that_recent_texts_extend_is_never_cut_at_its_very_end() -> None:
    """A user's lines ending in a newline, sent alone and with a note appended: the note-less
    text recurs whole; a cut at its end would send an empty system block."""
    splitter = SystemSplitter()
    ana, bo = STATIC + _user(1), STATIC + _user(2)
    for text in (ana, bo, ana + "Note: be brief\n", ana + "Note: use tables\n"):
        _check_cut(text, splitter.split_point(text))
    _check_cut(ana, splitter.split_point(ana, learn=False))
    _check_cut(ana, splitter.split_point(ana))


def test_the_planner_never_sends_an_empty_system_block() -> None:
    clock = ManualClock()
    emulator = MessagesEmulator(clock=clock)
    planner = CachePlanner(clock=clock)
    ana, bo = STATIC + _user(1), STATIC + _user(2)
    for text in (ana, bo, ana + "Note: be brief\n", ana + "Note: use tables\n", ana):
        body: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 32, "system": text,
                                "messages": [{"role": "user", "content": "hi " + words(30)}]}
        out, plan = planner.plan(body)
        system = out["system"]
        blocks = [system] if isinstance(system, str) else [b["text"] for b in system]
        assert all(b.strip() for b in blocks), blocks[-1][-40:]
        response = emulator.handle("POST", "/v1/messages", HEADERS, out)
        assert response.status == 200
        planner.observe(plan, response.json()["usage"], dict(response.headers))
        clock.advance(20)


@pytest.mark.parametrize(("mode", "stream"), PATHS, ids=PATH_IDS)
def test_chat_model_never_sends_an_empty_system_block(mode: str, stream: bool) -> None:
    emulator = MessagesEmulator()
    llm = emulated_chat_model(emulator, model="claude-sonnet-4-5", max_tokens=16)
    ana, bo = STATIC + _user(1), STATIC + _user(2)
    for text in (ana, bo, ana + "Note: be brief\n", ana + "Note: use tables\n", ana):
        messages = [SystemMessage(text), HumanMessage("hi " + words(30))]
        if mode == "sync" and stream:
            list(llm.stream(messages))
        elif mode == "sync":
            llm.invoke(messages)
        else:
            asyncio.run(acall(llm, messages, stream))
    for request in emulator.requests:
        system = request["body"]["system"]
        blocks = [system] if isinstance(system, str) else [b["text"] for b in system]
        assert all(b.strip() for b in blocks), blocks[-1][-40:]


def test_per_request_ids_after_a_user_s_lines_keep_one_head_per_user() -> None:
    """Request ids are not times: the cut must not wander into them, or every request would
    write a head of its own."""
    rng = random.Random(3)
    splitter = SystemSplitter()
    heads: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    for i in range(120):
        user = rng.randrange(3)
        text = STATIC + _user(user) + "Request id: " + _uuid(rng) + "\n" + words(20, i)
        cut = splitter.split_point(text)
        if i >= 30:
            assert cut is not None
            heads[user].add(text[:cut])
    assert all(len(found) == 1 for found in heads.values()), {u: len(h) for u, h in heads.items()}
