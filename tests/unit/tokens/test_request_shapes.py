"""Token estimates on request shapes the recorded traffic has few of: prose-heavy prompts,
structured output, the newest models, and the sizes that must stay sane (monotone, no jumps,
plausible characters per token) for CJK, emoji, numbers, base64 and code."""

from __future__ import annotations

import base64
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_cometapi.tokens import _text as _tok_text
from langchain_cometapi.tokens import (
    estimate_request_tokens,
    estimate_text_tokens,
    request_overhead_tokens,
)
from langchain_cometapi.tokens._costs import TEXT_FACTOR, costs_for


@pytest.fixture(autouse=True)
def offline_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The character-class backend, as without a local cl100k file (never a download)."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setattr(_tok_text, "_local_cl100k_file", lambda: None)
    _tok_text._reset_backend()
    yield
    _tok_text._reset_backend()


PROSE = (
    "The committee met on Tuesday to review the proposal. After a long discussion about "
    "costs, timelines and the risks of delay, its members agreed to ask for a revised plan, "
    "with a clearer budget and a named owner for each of the five work packages. "
)
SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "Full name of the person"},
        "age": {"type": "integer", "minimum": 0},
        "emails": {"type": "array", "items": {"type": "string", "format": "email"}},
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["street", "city"],
        },
    },
    "required": ["name", "age"],
}


def test_prose_counts_about_a_sixth_more_than_cl100k() -> None:
    """Claude's tokenizer (3.x to 4.6) splits English prose into ~16 % more tokens than
    OpenAI's (published side-by-side counts); an estimate at cl100k's rate, or at the 8 %
    a fit on tool-heavy requests drifted to, bills long system prompts 7-10 % short."""
    text = PROSE * 40
    ratio = estimate_text_tokens(text, model="claude-sonnet-4-5") / _tok_text.cl100k_tokens(text)
    assert 1.12 <= ratio <= 1.20
    assert costs_for("claude-3-haiku").text_factor == TEXT_FACTOR


def test_new_tokenizer_models_count_about_30_percent_more() -> None:
    """Opus 4.7+, the 5 series and Haiku 5.5 use the newer tokenizer (documented: about
    30 % more tokens for the same text than Haiku 4.5)."""
    text = PROSE * 20
    old = estimate_text_tokens(text, model="claude-haiku-4-5")
    for model in ("claude-haiku-5-5", "claude-opus-4-8", "claude-sonnet-5-5", "claude-fable-5-1"):
        assert 1.25 <= estimate_text_tokens(text, model=model) / old <= 1.35, model


def test_structured_output_schema_is_billed_like_its_indented_rendering() -> None:
    """The schema of ``output_config.format`` costs what its indented rendering costs
    (one key per line), so a bigger schema costs more than its compact JSON suggests."""
    base = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    fmt = {"type": "json_schema", "schema": SCHEMA}
    with_schema = {**base, "output_config": {"format": fmt}}
    added = request_overhead_tokens(with_schema) - request_overhead_tokens(base)
    p = costs_for("claude-sonnet-4-5")
    indented = _tok_text.cl100k_tokens(json.dumps(SCHEMA, indent=2)) * p.json_factor
    compact = _tok_text.cl100k_tokens(json.dumps(SCHEMA, separators=(",", ":"))) * p.json_factor
    assert indented > compact + 20
    assert abs(added - (p.output_format + indented)) <= 1
    legacy = {**base, "output_format": fmt}  # the beta spelling counts the same
    assert request_overhead_tokens(legacy) == request_overhead_tokens(with_schema)


def test_odd_structured_output_schemas_never_raise() -> None:
    base = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    for schema in ({}, [], "not a schema", 7, None, {"a": {1, 2}}, {"b": b"\x00"}):
        body = {**base, "output_config": {"format": {"type": "json_schema", "schema": schema}}}
        assert estimate_request_tokens(body) > 0


def _ids(n: int, alphabet: str, length: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choice(alphabet) for _ in range(length)) for _ in range(n))


SAMPLES: dict[str, tuple[str, float, float]] = {
    # kind: (a unit of text, lowest and highest plausible characters per Claude token)
    "prose": (PROSE, 3.2, 5.0),
    "code": (
        "def area(radius: float) -> float:\n    return math.pi * radius ** 2\n\n"
        "for item in items:\n    if item.size > limit:\n        total += item.size\n",
        2.0,
        4.5,
    ),
    "json": (json.dumps({"id": 123, "tags": ["a", "b"], "ok": True, "name": "x"}) + "\n", 1.5, 4),
    "numbers": ("3.14159 2718281 1234567890 42 0.5772 ", 1.0, 3.5),
    "cjk": ("東京都の天気は晴れです。明日は雨が降るでしょう。", 0.4, 1.5),
    "korean": ("서울의 날씨는 맑습니다. 내일은 비가 올 것입니다. ", 0.5, 2.0),
    "cyrillic": ("Погода в Москве сегодня солнечная, завтра будет дождь. ", 1.5, 4.5),
    "emoji": ("🎉🚀✨👍🏽🔥 ", 0.2, 2.5),
    "base64": (base64.b64encode(bytes(range(256)) * 3).decode(), 1.0, 3.5),
    "hex ids": (_ids(20, "0123456789abcdef", 32), 1.0, 3.5),
    "accented latin": ("Le café était très animé, où l'été dernier nous étions réunis. ", 2, 4.5),
    "one character": ("a" * 400, 2.5, 4.5),
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_characters_per_token_are_plausible_and_length_is_monotone(kind: str) -> None:
    unit, low, high = SAMPLES[kind]
    counts = [estimate_text_tokens(unit * n, model="claude-sonnet-4-5") for n in (1, 2, 4, 8, 32)]
    assert counts == sorted(counts) and counts[0] > 0
    long = unit * 32
    assert low <= len(long) / counts[-1] <= high, (kind, len(long) / counts[-1])
    # no jumps: doubling the text roughly doubles the count (within rounding of short ones)
    for shorter, longer in itertools.pairwise(counts):
        assert longer <= shorter * 4.6 + 2


def test_appending_one_character_never_jumps() -> None:
    """Growing a string a character at a time moves the count by a few tokens at most
    (a run of one character turning into a 'repeat' must not drop or add a lot at once)."""
    previous = 0
    for text in ("a" * n for n in range(1, 60)):
        count = estimate_text_tokens(text)
        assert previous - 2 <= count <= previous + 3, (len(text), previous, count)
        previous = count
    previous = estimate_text_tokens("x" + PROSE)
    for n in range(1, 40):
        count = estimate_text_tokens("x" + PROSE + "9" * n)
        assert previous - 2 <= count <= previous + 3
        previous = count


def _tool(i: int, n_props: int) -> dict[str, Any]:
    props = {
        f"field_{j}": {"type": "string", "description": f"The value of field {j} for tool {i}."}
        for j in range(n_props)
    }
    return {
        "name": f"tool_{i}",
        "description": PROSE,
        "input_schema": {"type": "object", "properties": props, "required": list(props)},
    }


def test_many_big_tools_scale_linearly() -> None:
    base = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]}
    one = estimate_request_tokens({**base, "tools": [_tool(0, 20)]})
    forty = estimate_request_tokens({**base, "tools": [_tool(i, 20) for i in range(40)]})
    per_tool = one - estimate_request_tokens(base) - 496  # minus the documented tool prompt
    assert 300 < per_tool < 1500
    assert forty == pytest.approx(one + 39 * per_tool, rel=0.05)


def test_long_system_prompts_of_each_kind_are_counted_in_full() -> None:
    base = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "hi"}]}
    plain = estimate_request_tokens(base)
    for kind, (unit, low, high) in SAMPLES.items():
        system = unit * (20_000 // len(unit) + 1)
        added = estimate_request_tokens({**base, "system": system}) - plain
        assert len(system) / high <= added <= len(system) / low, kind
