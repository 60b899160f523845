"""output_version="v1" AIMessages go back as the Anthropic blocks they came from.

v1 content holds ``server_tool_call`` / ``server_tool_result`` blocks and text ``annotations``;
sent as such the API answers 400 (unknown block types) and citations would be lost.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

DOC_CITATIONS: list[dict[str, Any]] = [
    {
        "type": "char_location",
        "cited_text": "The sky is blue.",
        "document_index": 0,
        "document_title": "Sky",
        "start_char_index": 0,
        "end_char_index": 16,
    },
    {
        "type": "page_location",
        "cited_text": "Page text.",
        "document_index": 1,
        "document_title": None,
        "start_page_number": 1,
        "end_page_number": 2,
    },
    {
        "type": "content_block_location",
        "cited_text": "Block text.",
        "document_index": 2,
        "document_title": "Blocks",
        "start_block_index": 0,
        "end_block_index": 1,
    },
    {
        "type": "search_result_location",
        "cited_text": "Result text.",
        "source": "https://docs.example/a",
        "title": "A",
        "search_result_index": 0,
        "start_block_index": 0,
        "end_block_index": 1,
    },
]

WEB_SEARCH: list[dict[str, Any]] = [
    {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {"query": "paris weather"},
    },
    {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [
            {
                "type": "web_search_result",
                "url": "https://w.example",
                "title": "W",
                "encrypted_content": "ENC",
                "page_age": None,
            }
        ],
    },
    {
        "type": "text",
        "text": "Sunny",
        "citations": [
            {
                "type": "web_search_result_location",
                "url": "https://w.example",
                "title": "W",
                "encrypted_index": "EI",
                "cited_text": "sunny",
            }
        ],
    },
]

CODE_AND_MCP: list[dict[str, Any]] = [
    {
        "type": "server_tool_use",
        "id": "srvtoolu_2",
        "name": "code_execution",
        "input": {"code": "print(1)"},
    },
    {
        "type": "code_execution_tool_result",
        "tool_use_id": "srvtoolu_2",
        "content": {
            "type": "code_execution_result",
            "stdout": "1\n",
            "stderr": "",
            "return_code": 0,
        },
    },
    {
        "type": "mcp_tool_use",
        "id": "mcptoolu_1",
        "name": "search_docs",
        "server_name": "docs",
        "input": {"q": "x"},
    },
    {
        "type": "mcp_tool_result",
        "tool_use_id": "mcptoolu_1",
        "is_error": False,
        "content": [{"type": "text", "text": "found"}],
    },
    {"type": "text", "text": "Done."},
]


def _with_text_citations() -> list[dict[str, Any]]:
    return [
        {"type": "text", "text": f"claim {i}", "citations": [c]}
        for i, c in enumerate(DOC_CITATIONS)
    ]


CITED_DOCUMENT: dict[str, Any] = {
    "type": "document",
    "source": {"type": "text", "media_type": "text/plain", "data": "The sky is blue."},
    "title": "Sky",
    "citations": {"enabled": True},
}
SERVER_TOOLS = [
    {"type": "web_search_20250305", "name": "web_search"},
    {"type": "code_execution_20250825", "name": "code_execution"},
]


@pytest.mark.parametrize(
    "blocks",
    [WEB_SEARCH, CODE_AND_MCP, _with_text_citations()],
    ids=["web_search", "code_and_mcp", "document_citations"],
)
@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_v1_message_goes_back_unchanged(blocks: list[dict[str, Any]], mode: str) -> None:
    llm, emu = emulated(MessagesEmulator(), output_version="v1")
    emu.script(Reply.content(blocks, chunks=2), Reply.text("ok"))
    model = llm.bind_tools(SERVER_TOOLS)
    history: list[Any] = [HumanMessage([CITED_DOCUMENT, {"type": "text", "text": "question"}])]
    if mode == "invoke":
        ai = model.invoke(history)
    else:
        ai = None
        for chunk in model.stream(history):
            ai = chunk if ai is None else ai + chunk
    assert ai is not None
    assert all(b["type"] not in ("server_tool_use", "web_search_tool_result") for b in ai.content)
    model.invoke([*history, ai, HumanMessage("thanks")])
    assert emu.last_request["body"]["messages"][1]["content"] == blocks


def test_invalid_tool_call_block_becomes_tool_use() -> None:
    ai = AIMessage(
        content=[{"type": "invalid_tool_call", "id": "toolu_9", "name": "f", "args": "{bad"}],
    )
    _, turns = convert_messages([HumanMessage("q"), ai])
    assert turns[1]["content"] == [{"type": "tool_use", "id": "toolu_9", "name": "f", "input": {}}]


def test_server_tool_result_without_block_type_is_refused() -> None:
    ai = AIMessage(
        content=[{"type": "server_tool_result", "tool_call_id": "srvtoolu_1", "output": []}],
    )
    with pytest.raises(ValueError, match="block_type"):
        convert_messages([HumanMessage("q"), ai])
