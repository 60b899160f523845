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



_SAMPLES = [
    "", " ", "\n", "\t", "  ", "a", "aaaaaaa", "a" * 13, "Ab" * 50, "camelCaseWords and_snake 42",
    "line one\n  indented\tline\r\n\x0b\x0c end", "café naïve Ñandú", "中文字符 and かな",
    "emoji 😀👍", "Привет, мир!", "x = {'k': [1, 2, 3]}  # comment\n",
    "\u00a0\u2028\u3000\x85 spaces",
    "SHOUTING LETTERS AAAAAAAAAAAAAAAAAAAAAAAA id_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "qwertyuiopasdfghjklzxcvbnm MixedCaseLettersThatRunOnForLong abcdefghijklmnopqrst 1" + "c" * 19,
    "alpha beta gamma delta epsilon zeta eta theta kappa " * 20,
    # long texts (the passes that cannot match are ruled out by substring tests first)
    "Version 2 of the plan: " + "words without a digit, " * 5 + "then one at the end 7",
    "x" * 70 + " a long run of one letter after " + "0" * 9 + " and of a digit",
    "zzzzzzz near misses: seven letters, zzzzzzz, 1111111 and 2222222 are not runs" * 2,
    "Ünïcödé ëvërÿwhërë, but ASCII runs too: " + "Q" * 8 + " " + "é" * 80,
    *("a long text whose only digit comes last: " * 2 + digit for digit in "0123456789"),
    "a text long enough for the C-level paths, with one word of twenty: abcdefghijKLMNOPQRST.",
    "and one of nineteen letters, which is no run: abcdefghijklmnopqrs ABCDEFGHIJKLMNOPQRS.",
]  # fmt: skip


@pytest.mark.parametrize("text", _SAMPLES)
def test_repeats_are_found_as_the_regex_finds_them(text: str) -> None:
    """Long texts are tested for a run of one letter or digit before the backreferencing regex
    runs; the split must be exactly the regex's."""
    from langchain_cometapi.tokens import _text

    runs = [m.group(0) for m in _text._REPEAT.finditer(text)] if len(text) >= 8 else []
    expected = (
        (_text._REPEAT.sub(" ", text), sum(len(r) / _text._REPEAT_CHARS_PER_TOKEN for r in runs))
        if runs
        else (text, 0.0)
    )
    assert _text._split_repeats(text) == expected


@pytest.mark.parametrize("text", _SAMPLES)
def test_class_counts_equal_one_regex_pass_per_class(text: str) -> None:
    """The fast path skips passes that cannot match and derives the 6-letter chunks from the
    words; the counts must be exactly those of running every class's regex."""
    from langchain_cometapi.tokens import _text

    plain = [float(len(p.findall(text))) for p in _text._PATTERNS]
    plain[_text._CHUNK] -= plain[_text._WORD]
    plain[_text._NON_ASCII] -= plain[_text._CJK]
    counts = _text.class_counts(text)
    assert len(counts) == len(_text._WEIGHTS)  # one weight per count: the sum pairs them
    counts[_text._NON_ASCII] += counts[-2] + counts[-1]  # two- and four-byte, counted apart
    assert counts[: len(plain)] == plain
    words = _text._PATTERNS[_text._WORD].findall(text)  # one-case words of 20 letters or more
    runs = [w for w in words if len(w) >= 20 and (w.islower() or w.isupper())]
    assert counts[_text._LONG_RUN] == float(sum(map(len, runs)))
