"""Offline token estimation for Anthropic Messages request bodies.

Public path ``langchain_cometapi.tokens``. Modules: _estimate (the request walk), _blocks (one
block or tool definition), _costs (what the API adds around content, per token family; the
documented tool-use prompt per model is in ``_models``), _text (text counting: tiktoken cl100k
when its file is local, else a character-class model), _media (image and PDF sizes).
"""

from ._estimate import (
    TokenBreakdown,
    estimate_block_tokens,
    estimate_request_tokens,
    estimate_text_tokens,
    estimate_tool_tokens,
    message_overhead_tokens,
    request_overhead_tokens,
    request_token_breakdown,
)

__all__ = [
    "TokenBreakdown",
    "estimate_block_tokens",
    "estimate_request_tokens",
    "estimate_text_tokens",
    "estimate_tool_tokens",
    "message_overhead_tokens",
    "request_overhead_tokens",
    "request_token_breakdown",
]
