"""Claude models get a default LangChain profile, as ChatAnthropic's do.

SummarizationMiddleware refuses fractional triggers without ``profile["max_input_tokens"]``,
and create_agent reads ``profile["structured_output"]``.
"""

from __future__ import annotations

import pytest
from langchain.agents.middleware import SummarizationMiddleware

from langchain_cometapi import ChatCometAPI


@pytest.mark.parametrize(
    ("model", "max_input", "structured"),
    [
        ("claude-sonnet-4-5", 200_000, True),
        ("claude-sonnet-4-5-20250929", 200_000, True),
        ("claude-sonnet-4-20250514", 200_000, False),
        ("claude-opus-4-6", 1_000_000, True),
        ("claude-haiku-4-5", 200_000, True),
    ],
)
def test_known_models_have_a_profile(model: str, max_input: int, structured: bool) -> None:
    profile = ChatCometAPI(api_key="k", model=model).profile
    assert profile is not None
    assert profile["max_input_tokens"] == max_input
    assert profile["structured_output"] is structured
    assert profile["tool_calling"] and profile["image_inputs"] and profile["pdf_inputs"]


def test_unknown_model_has_none_and_user_profile_wins() -> None:
    assert ChatCometAPI(api_key="k", model="some-other-model").profile is None
    custom = ChatCometAPI(api_key="k", model="claude-sonnet-4-5", profile={"max_input_tokens": 9})
    assert custom.profile == {"max_input_tokens": 9}


def test_summarization_middleware_accepts_fractional_trigger() -> None:
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5")
    middleware = SummarizationMiddleware(model=llm, trigger=("fraction", 0.8))
    assert middleware is not None


@pytest.mark.parametrize(
    ("model", "temperature", "mid_system"),
    [
        ("claude-sonnet-4-6", True, False),
        ("claude-opus-4-8", True, True),
        ("claude-sonnet-5-5", False, True),  # fixed sampling: temperature refused
        ("claude-fable-5-1", False, True),
    ],
)
def test_profile_says_what_the_request_checks_enforce(
    model: str, temperature: bool, mid_system: bool
) -> None:
    """One source: the profile's ``temperature`` and ``mid_conversation_system_messages`` are
    the same facts the request builder acts on (``setting_refusal``, ``mid_system``)."""
    profile = ChatCometAPI(model=model, api_key="sk-test").profile
    assert profile is not None
    assert profile["temperature"] is temperature
    assert profile["mid_conversation_system_messages"] is mid_system
