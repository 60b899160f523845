"""get_num_tokens(text) works offline (langchain-core's default imports transformers' GPT-2).

Used by text splitters, map-reduce summarisers and memory classes through ``llm.get_num_tokens``.
"""

from __future__ import annotations

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.tokens import estimate_text_tokens


def test_get_num_tokens_uses_the_offline_estimator() -> None:
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5")
    text = "The quick brown fox jumps over the lazy dog. " * 20
    count = llm.get_num_tokens(text)
    assert count == estimate_text_tokens(text, model="claude-sonnet-4-5")
    assert 150 < count < 400
    assert llm.get_num_tokens("") == 0
    assert llm.get_num_tokens(text + text) > count
