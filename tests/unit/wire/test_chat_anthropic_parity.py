"""Request bodies: ChatCometAPI builds what ChatAnthropic (langchain-anthropic) builds.

Each history below goes through ChatAnthropic's ``_get_request_payload`` and through our
``build_request`` (``prompt_cache="off"``), and the two bodies must be equal in the canonical
form of ``tests.helpers.chat_anthropic.same_request``. The inputs follow what
langchain-anthropic's own unit tests pin down (``_format_messages``, ``_merge_messages``,
data blocks, cache_control, citations, server tools, tool-call ids, betas, effort/output_config)
plus histories that ChatAnthropic itself produced. Where we deliberately send something else,
the test is in ``test_chat_anthropic_deviations.py``, one test per deviation, each listed in
docs/migrating.md ("Where ChatCometAPI deliberately differs").
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages import ToolMessage as Tool

from tests.helpers.chat_anthropic import ours_body, theirs_body

pytest.importorskip("langchain_anthropic")

H = HumanMessage("foo")
CC = {"type": "ephemeral"}
JPEG = {"type": "base64", "media_type": "image/jpeg", "data": "AAAA"}
CITE = {
    "type": "char_location",
    "cited_text": "The grass is green.",
    "document_index": 0,
    "document_title": "D",
    "start_char_index": 0,
    "end_char_index": 19,
}


def _called(content: Any = "", *ids: str, **extra: Any) -> AIMessage:
    calls = [{"name": "bar", "id": i, "args": {"baz": "buzz"}} for i in ids]
    return AIMessage(content, tool_calls=calls, **extra)


def _asked(*blocks: Any) -> list[BaseMessage]:
    return [HumanMessage(list(blocks))]


def _replied(*blocks: Any, **extra: Any) -> list[BaseMessage]:
    return [H, AIMessage(list(blocks), **extra), HumanMessage("more")]


HISTORIES: dict[str, list[BaseMessage]] = {
    "system and human": [SystemMessage("fuzz"), H],
    "tool calls with empty str and list content": [
        SystemMessage("fuzz"),
        H,
        _called("", "1"),
        Tool("blurb", tool_call_id="1"),
        _called([], "2"),
        Tool(
            [{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}}],
            tool_call_id="2",
        ),
    ],
    "text content then tool calls": [H, _called("thought", "1"), Tool("blurb", tool_call_id="1")],
    "text block then tool calls": [
        H,
        _called([{"type": "text", "text": "t"}], "1"),
        Tool("b", tool_call_id="1"),
    ],
    "tool_calls win over a tool_use block": [
        H,
        _called([{"type": "tool_use", "name": "bar", "id": "1", "input": {"baz": "NOT"}}], "1"),
        Tool("blurb", tool_call_id="1"),
    ],
    "streamed tool_use with partial_json only": [
        H,
        AIMessage(
            [
                {
                    "type": "tool_use",
                    "name": "f",
                    "id": "2",
                    "input": {},
                    "partial_json": '{"b": 2}',
                    "index": 1,
                }
            ]
        ),
        Tool("r", tool_call_id="2"),
    ],
    "legacy tool_input and text None keys": [
        H,
        AIMessage(
            [
                {"text": "baz", "type": "text"},
                {
                    "tool_input": {"a": "b"},
                    "type": "tool_use",
                    "id": "1",
                    "text": None,
                    "name": "buz",
                },
            ]
        ),
        Tool("o", tool_call_id="1"),
    ],
    "tool message error status": [
        H,
        _called("", "1"),
        Tool("boom", tool_call_id="1", status="error"),
    ],
    "tool message list content": [
        H,
        _called("", "1"),
        Tool([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}], tool_call_id="1"),
    ],
    "tool message empty list": [H, _called("", "1"), Tool([], tool_call_id="1")],
    "tool message empty string": [H, _called("", "1"), Tool("", tool_call_id="1")],
    "tool message nested cache_control hoisted": [
        H,
        _called("", "1"),
        Tool([{"type": "text", "text": "a", "cache_control": CC}], tool_call_id="1"),
    ],
    "tool message already tool_result": [
        H,
        _called("", "1"),
        Tool([{"type": "tool_result", "content": "b", "tool_use_id": "1"}], tool_call_id="1"),
    ],
    "tool message v1 image": [
        H,
        _called("", "1"),
        Tool([{"type": "image", "base64": "AAAA", "mime_type": "image/png"}], tool_call_id="1"),
    ],
    "tool message v1 pdf": [
        H,
        _called("", "1"),
        Tool([{"type": "file", "base64": "PDF", "mime_type": "application/pdf"}], tool_call_id="1"),
    ],
    "tool message anthropic image": [
        H,
        _called("", "1"),
        Tool([{"type": "image", "source": JPEG}], tool_call_id="1"),
    ],
    "tool result then human text": [
        H,
        _called("", "1"),
        Tool("r", tool_call_id="1"),
        HumanMessage("next"),
    ],
    "foreign tool-call ids": [
        H,
        _called("", "functions.write_todos:0"),
        Tool("done", tool_call_id="functions.write_todos:0"),
    ],
    "foreign id in a prebuilt tool_result": [
        H,
        _called("", "functions.a:0"),
        Tool(
            [{"type": "tool_result", "tool_use_id": "functions.a:0", "content": "done"}],
            tool_call_id="functions.a:0",
        ),
    ],
    "foreign id on an inline tool_use": [
        H,
        AIMessage([{"type": "tool_use", "name": "s", "id": "functions.s:2", "input": {"q": "x"}}]),
        Tool("r", tool_call_id="functions.s:2"),
    ],
    "invalid tool call answered": [
        H,
        AIMessage(
            "",
            invalid_tool_calls=[
                {"name": "f", "id": "1", "args": "{bad", "error": "x", "type": "invalid_tool_call"}
            ],
        ),
        Tool("bad args", tool_call_id="1"),
    ],
    "cache_control on system and human": [
        SystemMessage([{"type": "text", "text": "foo", "cache_control": CC}]),
        HumanMessage(
            [{"type": "text", "text": "foo", "cache_control": CC}, {"type": "text", "text": "foo"}]
        ),
    ],
    "v0 base64 pdf with cache_control": _asked(
        {"type": "text", "text": "Sum:"},
        {
            "type": "file",
            "source_type": "base64",
            "mime_type": "application/pdf",
            "data": "PDF",
            "cache_control": CC,
        },
    ),
    "v1 base64 pdf, cache_control in extras": _asked(
        {
            "type": "file",
            "mime_type": "application/pdf",
            "base64": "PDF",
            "extras": {"cache_control": CC},
        }
    ),
    "v1 base64 pdf, cache_control unpacked": _asked(
        {"type": "file", "mime_type": "application/pdf", "base64": "PDF", "cache_control": CC}
    ),
    # file_id sources: test_chat_anthropic_deviations (we add the Files API beta)
    "v0 text file with citations": _asked(
        {
            "type": "file",
            "source_type": "text",
            "text": "The grass is green.",
            "mime_type": "text/plain",
            "citations": {"enabled": True},
        },
        {"type": "text", "text": "color?"},
    ),
    "openai image_url data and https": _asked(
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}},
        {"type": "image_url", "image_url": {"url": "https://x/i.png"}},
    ),
    "v1 image base64": _asked({"type": "image", "base64": "AAAA", "mime_type": "image/png"}),
    "v1 image url": _asked({"type": "image", "url": "https://x/a.png"}),
    "v0 image url": _asked({"type": "image", "source_type": "url", "url": "https://x/a.png"}),
    "v0 image base64": _asked(
        {"type": "image", "source_type": "base64", "data": "AAAA", "mime_type": "image/png"}
    ),
    "v1 pdf url": _asked(
        {"type": "file", "url": "https://x/a.pdf", "mime_type": "application/pdf"}
    ),
    "v0 file url": _asked({"type": "file", "source_type": "url", "url": "https://x/a.pdf"}),
    "v1 text-plain with extras": _asked(
        {
            "type": "text-plain",
            "text": "doc",
            "mime_type": "text/plain",
            "extras": {"title": "T", "context": "C", "citations": {"enabled": True}},
        }
    ),
    "v1 pdf with title in extras": _asked(
        {
            "type": "file",
            "base64": "PDF",
            "mime_type": "application/pdf",
            "extras": {"title": "T", "citations": {"enabled": True}},
        }
    ),
    "anthropic document and image": _asked(
        {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": "d"},
            "title": "T",
            "citations": {"enabled": True},
        },
        {"type": "image", "source": JPEG},
    ),
    "search_result": _asked(
        {
            "type": "search_result",
            "source": "https://x",
            "title": "T",
            "content": [{"type": "text", "text": "c"}],
            "citations": {"enabled": True},
        },
        {"type": "text", "text": "q"},
    ),
    "consecutive system messages after the first turn": [
        HumanMessage("baz"),
        SystemMessage("bar"),
        SystemMessage("baz"),
    ],
    "middle assistant whitespace kept": [H, AIMessage("thought "), H],
    "other provider's reasoning dropped": _replied(
        {"type": "reasoning", "other": "foo"},
        {"type": "text", "text": "hi"},
        response_metadata={"model_provider": "openai"},
    ),
    "other provider's function_call dropped": _replied(
        {"type": "function_call", "other": "foo"},
        {"type": "text", "text": "hi"},
        response_metadata={"model_provider": "openai"},
    ),
    "signed thinking": _replied(
        {"type": "thinking", "thinking": "hmm", "signature": "sig"}, {"type": "text", "text": "ans"}
    ),
    "redacted thinking": _replied(
        {"type": "redacted_thinking", "data": "xx"}, {"type": "text", "text": "ans"}
    ),
    "cited text": _replied({"type": "text", "text": "green", "citations": [CITE]}),
    "SDK-dumped citation with file_id None": _replied(
        {"type": "text", "text": "green", "citations": [{**CITE, "file_id": None}]}
    ),
    "SDK-dumped tool_use with toolset_name None": [
        H,
        AIMessage(
            [
                {
                    "id": "toolu_1",
                    "input": {"a": 1},
                    "name": "get",
                    "type": "tool_use",
                    "toolset_name": None,
                }
            ],
            tool_calls=[{"id": "toolu_1", "name": "get", "args": {"a": 1}}],
        ),
        Tool("r", tool_call_id="toolu_1"),
    ],
    "web search server tool": _replied(
        {
            "type": "server_tool_use",
            "id": "srvtoolu_1",
            "name": "web_search",
            "input": {"query": "q"},
        },
        {
            "type": "web_search_tool_result",
            "tool_use_id": "srvtoolu_1",
            "content": [
                {
                    "type": "web_search_result",
                    "url": "https://x",
                    "title": "t",
                    "encrypted_content": "e",
                }
            ],
        },
        {"type": "text", "text": "ans"},
    ),
    "streamed server tool with partial_json": _replied(
        {
            "type": "server_tool_use",
            "id": "srvtoolu_1",
            "name": "web_search",
            "input": {},
            "partial_json": '{"query": "q"}',
            "index": 0,
        },
        {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": [], "index": 1},
        {"type": "text", "text": "ans", "index": 2},
    ),
    "list of strings": [HumanMessage(["a", "b"])],
    "LangChain index key on a block": [HumanMessage([{"type": "text", "text": "a", "index": 0}])],
    "v1 text id": _replied({"type": "text", "text": "hi", "id": "lc_1"}),
}


@pytest.mark.parametrize("history", HISTORIES.values(), ids=list(HISTORIES))
def test_history_becomes_the_same_body(history: list[BaseMessage]) -> None:
    assert ours_body(history) == theirs_body(history)


# A final assistant turn is a prefill: models before Claude 4.6 continue it (both libraries
# strip its trailing whitespace); from 4.6 on the API refuses it, and we refuse it before sending
# (test_prefill.py), so the comparison runs on a model that takes one.
PREFILL_HISTORIES = {
    "final assistant whitespace, string": [H, AIMessage("thought ")],
    "final assistant whitespace, block": [H, AIMessage([{"type": "text", "text": "thought "}])],
}


@pytest.mark.parametrize("history", PREFILL_HISTORIES.values(), ids=PREFILL_HISTORIES.keys())
def test_prefill_history_becomes_the_same_body(history: list[BaseMessage]) -> None:
    settings = {"model": "claude-sonnet-4-5"}
    assert ours_body(history, settings) == theirs_body(history, settings)
