"""The per-model registry: every spelling of a model id reaches the same row, so the cache
minimum, the LangChain profile and the token family can never disagree."""

from __future__ import annotations

import pytest

from langchain_cometapi._models import (
    _ROWS,
    CONTEXT_1M_BETA,
    default_profile,
    min_cacheable_tokens,
    model_info,
    normalize_model,
)
from langchain_cometapi.tokens._costs import costs_for

SPELLINGS = {
    "claude-opus-4-7": [
        "claude-opus-4-7-20260115",
        "anthropic/claude-opus-4-7",
        "cometapi-opus-4-7",
        "claude-opus-4-7-thinking",
        "claude-opus-4.7",
        "us.anthropic.claude-opus-4-7-v1:0",
        "claude-opus-4-7@20260115",
    ],
    "claude-sonnet-4-5": [
        "claude-sonnet-4-5-20250929",
        "cometapi-sonnet-4-5-20250929-thinking",
        "anthropic/claude-sonnet-4.5",
        "CLAUDE-SONNET-4-5",
    ],
    "claude-3-5-haiku": ["claude-3-5-haiku-latest", "anthropic.claude-3-5-haiku-20241022-v1:0"],
    "claude-opus-4-8": ["claude-opus-4-8", "anthropic/claude-opus-4-8-20261001"],
}


@pytest.mark.parametrize(
    ("family", "spelling"), [(f, s) for f, spellings in SPELLINGS.items() for s in spellings]
)
def test_every_spelling_reaches_the_family_row(family: str, spelling: str) -> None:
    assert model_info(spelling) == model_info(family)
    assert model_info(spelling).family == family
    assert min_cacheable_tokens(spelling) == min_cacheable_tokens(family)
    assert default_profile(spelling) == default_profile(family)
    assert costs_for(spelling) == costs_for(family)


def test_normalisation_strips_prefixes_dates_and_variants() -> None:
    assert normalize_model("us.anthropic.claude-opus-4-7-20260115-v1:0") == "claude-opus-4-7"
    assert normalize_model("cometapi-sonnet-4-5-thinking") == "claude-sonnet-4-5"


def test_a_new_point_release_is_not_its_predecessor() -> None:
    """opus-4-8 once fell back to opus-4's 1024 minimum and 200k/32k profile by prefix."""
    assert model_info("claude-opus-4-8").family == "claude-opus-4-8"
    profile = default_profile("claude-opus-4-8")
    assert profile is not None and profile.get("max_output_tokens") == 128_000


def test_longest_key_wins_on_dash_boundaries_only() -> None:
    assert model_info("claude-opus-4-1-20250805").family == "claude-opus-4-1"
    assert model_info("claude-opus-4-20250514").family == "claude-opus-4"
    assert model_info("claude-sonnet-4-6").cache_min_tokens == 1024
    assert model_info("claude-haiku-4-5").cache_min_tokens == 4096


def test_unknown_models_get_the_conservative_row_and_no_profile() -> None:
    info = model_info("gpt-4o")
    assert not info.known
    assert info.cache_min_tokens == max(row.cache_min_tokens for row in _ROWS)
    assert default_profile("gpt-4o") is None


def test_the_1m_context_beta_widens_the_profile_only_where_supported() -> None:
    plain = default_profile("claude-sonnet-4-5")
    wide = default_profile("claude-sonnet-4-5", [CONTEXT_1M_BETA])
    assert plain is not None and plain.get("max_input_tokens") == 200_000
    assert wide is not None and wide.get("max_input_tokens") == 1_000_000
    narrow = default_profile("claude-haiku-4-5", [CONTEXT_1M_BETA])
    assert narrow is not None and narrow.get("max_input_tokens") == 200_000
