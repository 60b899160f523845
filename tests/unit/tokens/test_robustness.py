"""The estimate never raises and never guesses silently.

``get_num_tokens_from_messages`` and ``trim_messages(token_counter=llm)`` count whatever a
caller holds: foreign blocks (OpenAI-style ``{"type": "file"}``), ``None`` content, odd
slices. An exception there breaks an agent loop, so every JSON-like input must give a number.
What cannot be known offline (a remote MCP server's tools, the size of an image behind a URL)
is named in the breakdown and logged, not hidden.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.tokens import (
    _estimate,
    estimate_block_tokens,
    estimate_request_tokens,
    estimate_tool_tokens,
    request_token_breakdown,
)

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["type", "text", "content", "source", "input", "role", "data", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)
_types = st.sampled_from(
    [
        "text",
        "image",
        "document",
        "tool_use",
        "tool_result",
        "thinking",
        "file",
        "image_url",
        "search_result",
        "web_search_tool_result",
        "compaction",
        "mystery",
        None,
    ]
)
_block = st.builds(
    lambda t, rest: {**rest, "type": t},
    _types,
    st.dictionaries(
        st.sampled_from(["text", "content", "source", "input", "citations", "name", "id"]),
        _json,
        max_size=3,
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    messages=st.lists(
        st.fixed_dictionaries(
            {
                "role": st.sampled_from(["user", "assistant", None]),
                "content": st.one_of(st.text(max_size=20), st.none(), st.lists(_block | _json)),
            }
        )
        | _json,
        max_size=4,
    ),
    tools=st.lists(_json | st.builds(dict, type=_types), max_size=3),
    extra=st.dictionaries(
        st.sampled_from(
            [
                "system",
                "thinking",
                "tool_choice",
                "output_config",
                "mcp_servers",
                "context_management",
                "model",
            ]
        ),
        _json,
        max_size=4,
    ),
)
def test_any_json_body_gives_a_count(
    messages: list[Any], tools: list[Any], extra: dict[str, Any]
) -> None:
    body = {"model": "claude-sonnet-4-5", **extra, "messages": messages, "tools": tools}
    total = estimate_request_tokens(body)
    assert isinstance(total, int)
    assert total == request_token_breakdown(body).total


@pytest.mark.parametrize(
    "block",
    [
        {"type": "file", "file": {"file_id": "file-abc", "filename": "a.pdf"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
        None,
        42,
        ["nested", {"type": "text"}],
        {"type": "image", "source": None},
        {"type": "document", "source": {"type": "base64", "data": None}},
        {"type": "tool_result", "content": None},
        {"type": "text", "text": None, "citations": [None, 3]},
    ],
)
def test_foreign_and_broken_blocks_count_as_their_text(block: Any) -> None:
    assert estimate_block_tokens(block) >= 0
    body = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": [block]}]}
    assert estimate_request_tokens(body) > 0
    assert estimate_tool_tokens(block) >= 0


def test_non_mapping_body_is_zero() -> None:
    assert estimate_request_tokens(None) == 0  # type: ignore[arg-type]
    assert estimate_request_tokens([]) == 0  # type: ignore[arg-type]


def test_counting_messages_with_foreign_blocks_through_the_chat_model() -> None:
    llm = ChatCometAPI(api_key="k", model="claude-sonnet-4-5")
    messages = [
        HumanMessage(content=[{"type": "file", "file": {"file_id": "f1"}}, "describe it"]),
        AIMessage(content="", tool_calls=[{"name": "f", "args": {"a": 1}, "id": "t1"}]),
        ToolMessage(content=[{"type": "mystery", "payload": [1, 2]}], tool_call_id="t1"),
    ]
    assert llm.get_num_tokens_from_messages(messages) > 0


def test_mcp_tools_are_named_unknowable_and_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_estimate, "_warned", set())  # logged once per process and reason
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [{"role": "user", "content": "weather?"}],
        "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "w"}],
    }
    plain = estimate_request_tokens({k: v for k, v in body.items() if k != "mcp_servers"})
    with caplog.at_level(logging.WARNING, logger="langchain_cometapi.tokens"):
        breakdown = request_token_breakdown(body)
    assert any("MCP" in reason for reason in breakdown.unknown)
    assert breakdown.total >= plain + 496  # the documented tool-use prompt is still counted
    assert [r for r in caplog.records if "MCP" in r.getMessage()]
    caplog.clear()
    request_token_breakdown(body)
    assert not caplog.records  # once, not on every count of an agent loop


def test_url_image_size_is_named_unknowable() -> None:
    block = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    body = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": [block]}]}
    assert request_token_breakdown(body).unknown == [
        "the size of a image given by url (assumed, not read)"
    ]
    assert request_token_breakdown({**body, "messages": []}).unknown == []
