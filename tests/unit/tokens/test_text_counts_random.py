"""The counting fast paths on random texts: the character classes skip passes that cannot match
and count some classes at C level, long one-character runs are searched only where a substring
test finds one, and the planner's ``estimate_text_block_once`` skips the per-string cache. Each
must give exactly the plain count, on texts mixing every class around the length thresholds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_cometapi.tokens import _text, estimate_block_tokens
from langchain_cometapi.tokens._estimate import estimate_text_block_once
from tests.helpers.random_text import texts

_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])
def _plain_counts(text: str) -> list[float]:
    """One regex pass per class, as the fallback was first written."""
    counts = [float(len(p.findall(text))) for p in _text._PATTERNS]
    counts[_text._CHUNK] -= counts[_text._WORD]
    counts[_text._NON_ASCII] -= counts[_text._CJK]
    words = _text._PATTERNS[_text._WORD].findall(text)
    runs = [w for w in words if len(w) >= _text._LONG_WORD and (w.islower() or w.isupper())]
    alphabetic = float(len(_text._ALPHABETIC.findall(text)))
    astral = float(len(_text._ASTRAL.findall(text)))
    counts[_text._NON_ASCII] -= alphabetic + astral
    return [*counts, float(sum(map(len, runs))), alphabetic, astral]


@_SETTINGS
@given(text=texts)
def test_class_counts_equal_one_regex_pass_per_class_on_random_text(text: str) -> None:
    assert _text.class_counts(text) == _plain_counts(text)


@_SETTINGS
@given(text=texts)
def test_repeats_split_as_the_regex_splits_them_on_random_text(text: str) -> None:
    runs = [m.group(0) for m in _text._REPEAT.finditer(text)]
    plain = sum(len(r) / _text._REPEAT_CHARS_PER_TOKEN for r in runs)
    assert _text._split_repeats(text) == ((_text._REPEAT.sub(" ", text), plain) if runs
                                          else (text, 0.0))


@_SETTINGS
@given(text=texts, model=st.sampled_from([None, "claude-sonnet-4-5", "claude-3-haiku-20240307",
                                          "claude-opus-4-7"]))
def test_estimate_text_block_once_equals_estimate_block_tokens_on_random_text(
    text: str, model: str | None
) -> None:
    _text.clear_cache()
    once = estimate_text_block_once(text, model=model)
    assert text not in _text._cache
    assert once == estimate_block_tokens(text, model=model)
    assert estimate_block_tokens({"type": "text", "text": text}, model=model) == once
    assert estimate_text_block_once(text, model=model) == once  # now from the per-string cache
