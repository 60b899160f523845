"""Text counting: the character-class fallback, long one-character runs, the local cl100k file.

The fallback is what runs on a machine without tiktoken's cl100k file (CI, air-gapped users),
so it has to track cl100k on prose, code and identifiers alike, and a run of one repeated
character has to cost about what Claude bills for it (~3 characters per token), which neither
a per-word model nor cl100k gives.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_cometapi.tokens import _text as _tok_text
from langchain_cometapi.tokens import estimate_text_tokens


@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_tok_text, "_local_cl100k_file", lambda: None)
    _tok_text._reset_backend()
    yield
    _tok_text._reset_backend()


@pytest.mark.parametrize("char", ["a", "Z", "0", "7"])
def test_long_run_of_one_character_costs_about_a_token_per_three(fallback: None, char: str) -> None:
    for length in (64, 3000, 20_000):
        tokens = estimate_text_tokens(char * length)
        assert length / 4 <= tokens <= length / 2.5, (char, length, tokens)


def test_run_inside_text_adds_to_the_text(fallback: None) -> None:
    prose = "The planner keeps the prefix stable across turns. " * 5
    with_run = prose + "x" * 900 + prose
    assert estimate_text_tokens(with_run) == pytest.approx(
        2 * estimate_text_tokens(prose) + 900 / 3, rel=0.1
    )


def test_random_identifiers_are_not_counted_as_one_word(fallback: None) -> None:
    rng = random.Random(3)
    for alphabet in (string.ascii_lowercase, string.ascii_letters + string.digits):
        ident = "".join(rng.choice(alphabet) for _ in range(2000))
        assert estimate_text_tokens(ident) > 2000 / 3  # cl100k: ~1.4-1.9 chars per token


def test_prose_is_about_a_token_per_word(fallback: None) -> None:
    words = ["the", "cache", "planner", "places", "breakpoints", "where", "prompt", "repeats"]
    text = " ".join(random.Random(0).choice(words) for _ in range(1000))
    assert 900 <= estimate_text_tokens(text) <= 1400


def test_fallback_tracks_cl100k_when_the_file_is_local() -> None:
    if _tok_text._local_cl100k_file() is None:
        pytest.skip("no local cl100k file (nothing is downloaded)")
    _tok_text._reset_backend()
    source = Path(_tok_text.__file__).read_text(encoding="utf-8")
    exact = _tok_text.cl100k_tokens(source)
    assert _tok_text.fallback_tokens(source) == pytest.approx(exact, rel=0.15)


def test_backend_is_forced_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGCHAIN_COMETAPI_TOKENIZER", "fallback")
    _tok_text._reset_backend()
    try:
        assert _tok_text.backend_name() == "charclass"
    finally:
        _tok_text._reset_backend()
