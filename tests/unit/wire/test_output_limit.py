"""``max_tokens`` against the model's output limit (``_models.output_limit``), before sending.

The limit is the registry's, raised where a beta raises it (Claude 3.7 Sonnet writes 128K
tokens under ``output-128k-2025-02-19``, from the model's betas, the call's or an explicit
``anthropic-beta`` header); an unknown model is not checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from langchain_cometapi._wire.body import RequestDefaults, build_request

SONNET_3_7 = "claude-3-7-sonnet-20250219"
OUTPUT_128K = "output-128k-2025-02-19"


def _body(defaults: RequestDefaults, **kwargs: Any) -> dict[str, Any]:
    return build_request([HumanMessage("hi")], defaults, None, kwargs).body


@pytest.mark.parametrize(
    ("betas", "kwargs"),
    [
        ([OUTPUT_128K], {}),
        (None, {"betas": [OUTPUT_128K]}),
        (None, {"extra_headers": {"Anthropic-Beta": f"other, {OUTPUT_128K}"}}),
    ],
)
def test_the_128k_output_beta_opens_claude_3_7_sonnet_limit(
    betas: list[str] | None, kwargs: dict[str, Any]
) -> None:
    defaults = RequestDefaults(model=SONNET_3_7, max_tokens=100_000, betas=betas)
    assert _body(defaults, **kwargs)["max_tokens"] == 100_000


def test_without_the_beta_claude_3_7_sonnet_is_held_to_64k() -> None:
    with pytest.raises(ValueError, match=r"max_tokens=100000 is more than .*\(64000 tokens\)"):
        _body(RequestDefaults(model=SONNET_3_7, max_tokens=100_000))


def test_an_unknown_model_is_not_checked() -> None:
    defaults = RequestDefaults(model="a-model-nobody-knows", max_tokens=1_000_000)
    assert _body(defaults)["max_tokens"] == 1_000_000


def test_a_call_model_gets_its_default_when_max_tokens_was_not_set() -> None:
    defaults = RequestDefaults(model="claude-sonnet-4-6", max_tokens=8192, max_tokens_given=False)
    assert _body(defaults, model="claude-3-haiku-20240307")["max_tokens"] == 4096
    assert _body(defaults)["max_tokens"] == 8192


def test_a_max_tokens_set_by_the_user_is_kept_and_checked_for_a_call_model() -> None:
    defaults = RequestDefaults(model="claude-sonnet-4-6", max_tokens=8192)
    with pytest.raises(ValueError, match="more than claude-3-haiku-20240307 can write"):
        _body(defaults, model="claude-3-haiku-20240307")
