"""The emulator's ``max_tokens`` ceiling per model is the API's documented maximum output.

ChatAnthropic sends the model's maximum as its default ``max_tokens`` (128000 for Sonnet 4.6),
so a ceiling below the real one fails every migrating user's first call offline although the
real API answers it.
"""

from __future__ import annotations

import pytest

from langchain_cometapi._models import default_profile
from langchain_cometapi.testing import MessagesEmulator, max_output_tokens
from tests.helpers.emulator import KEY, body, client, post

#: Anthropic's models overview ("Max output").
DOCUMENTED = {
    "claude-sonnet-4-5": 64_000,
    "claude-sonnet-4-6": 128_000,
    "claude-opus-4-1": 32_000,
    "claude-opus-4-5": 64_000,
    "claude-opus-4-6": 128_000,
    "claude-haiku-4-5": 64_000,
    "claude-sonnet-5": 128_000,
    "claude-haiku-5-5": 128_000,
}


@pytest.mark.parametrize(("model", "ceiling"), sorted(DOCUMENTED.items()))
def test_the_ceiling_is_the_documented_maximum_output(model: str, ceiling: int) -> None:
    assert max_output_tokens(model) == ceiling
    emu = MessagesEmulator()
    assert post(emu, body(model=model, max_tokens=ceiling)).status_code == 200
    refused = post(emu, body(model=model, max_tokens=ceiling + 1))
    assert refused.status_code == 400
    assert f"> {ceiling}, which is the maximum" in refused.json()["error"]["message"]


@pytest.mark.parametrize("model", sorted(DOCUMENTED))
def test_the_profile_names_the_same_output_limit(model: str) -> None:
    """``profile["max_output_tokens"]`` (read by middleware) is the ceiling the API applies."""
    profile = default_profile(model)
    assert profile is not None and profile.get("max_output_tokens") == DOCUMENTED[model]


@pytest.mark.parametrize(("beta", "status"), [("output-128k-2025-02-19", 200), (None, 400)])
def test_claude_3_7_sonnet_writes_128k_only_under_the_extended_output_beta(
    beta: str | None, status: int
) -> None:
    headers = {**KEY, **({"anthropic-beta": f"other-2025-01-01, {beta}"} if beta else {})}
    payload = body(model="claude-3-7-sonnet-20250219", max_tokens=100_000)
    with client(MessagesEmulator()) as c:
        assert c.post("/v1/messages", headers=headers, json=payload).status_code == status
