"""The profile follows the 1M-context beta however it is given (as ChatAnthropic users pass
it: ``betas=`` or ``model_kwargs={"betas": ...}``), so summarisation and context-overflow
middleware trigger at the real window."""

from __future__ import annotations

import pytest

from langchain_cometapi import ChatCometAPI

BETA = "context-1m-2025-08-07"


def test_betas_field_opens_the_1m_window() -> None:
    assert (
        ChatCometAPI(api_key="k", model="claude-sonnet-4-5").profile["max_input_tokens"] == 200_000
    )
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5", betas=[BETA])
    assert llm.profile["max_input_tokens"] == 1_000_000


def test_betas_in_model_kwargs_open_the_1m_window() -> None:
    with pytest.warns(UserWarning, match="model_kwargs"):
        llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5", model_kwargs={"betas": [BETA]})
    assert llm.betas == [BETA]
    assert llm.profile["max_input_tokens"] == 1_000_000
