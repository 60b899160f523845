"""A base64 text file (``{"type": "file", "base64": ..., "mime_type": "text/plain"}``) is sent
as a document with a ``text`` source: base64 documents may only be PDFs (the API answers 400)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator, Reply
from tests.helpers.chat_model import emulated

NOTES = "Meeting notes: ship on Friday. Café ☕"
NOTES_B64 = base64.b64encode(NOTES.encode()).decode()


@pytest.mark.parametrize("mime", ["text/plain", "text/markdown", "text/csv"])
def test_base64_text_file_becomes_a_text_document(mime: str) -> None:
    block = {"type": "file", "base64": NOTES_B64, "mime_type": mime, "extras": {"title": "n"}}
    _, turns = convert_messages([HumanMessage([block, {"type": "text", "text": "summarise"}])])
    document = turns[0]["content"][0]
    assert document == {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": NOTES},
        "title": "n",
    }


def test_text_file_from_a_tool_reaches_the_emulator() -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Friday."))
    tool = {"name": "read", "description": "r", "input_schema": {"type": "object"}}
    history = [
        HumanMessage("when do we ship?"),
        AIMessage("", tool_calls=[{"name": "read", "args": {}, "id": "t1"}]),
        ToolMessage(
            [{"type": "file", "base64": NOTES_B64, "mime_type": "text/plain"}], tool_call_id="t1"
        ),
    ]
    assert llm.bind_tools([tool]).invoke(history).content == "Friday."


def test_pdf_stays_base64_and_bad_text_is_refused() -> None:
    pdf = {"type": "file", "base64": "JVBERi0=", "mime_type": "application/pdf"}
    _, turns = convert_messages([HumanMessage([pdf])])
    assert turns[0]["content"][0]["source"]["type"] == "base64"
    bad = {"type": "file", "base64": "not base64!", "mime_type": "text/plain"}
    with pytest.raises(ValueError, match="base64"):
        convert_messages([HumanMessage([bad])])


def test_emulator_refuses_base64_text_documents() -> None:
    emu = MessagesEmulator()
    document = {
        "type": "document",
        "source": {"type": "base64", "media_type": "text/plain", "data": NOTES_B64},
    }
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 32,
        "messages": [{"role": "user", "content": [document, {"type": "text", "text": "hi"}]}],
    }
    assert emu.handle("POST", "/v1/messages", {"x-api-key": "k"}, body).status == 400


#: A v1 ``text-plain`` block need not hold its text inline: base64, a url and a file id are
#: the other sources ``PlainTextContentBlock`` allows.
TEXT_PLAIN_SOURCES = {
    "base64": (
        {"base64": NOTES_B64, "mime_type": "text/plain"},
        {"type": "text", "media_type": "text/plain", "data": NOTES},
    ),
    "url": (
        {"url": "https://example.com/notes.txt", "mime_type": "text/plain"},
        {"type": "url", "url": "https://example.com/notes.txt"},
    ),
    "file_id": ({"file_id": "file_011"}, {"type": "file", "file_id": "file_011"}),
}


@pytest.mark.parametrize("source", sorted(TEXT_PLAIN_SOURCES))
def test_text_plain_block_keeps_a_source_other_than_inline_text(source: str) -> None:
    fields, expected = TEXT_PLAIN_SOURCES[source]
    block = {"type": "text-plain", **fields}
    _, turns = convert_messages([HumanMessage([block, {"type": "text", "text": "summarise"}])])
    assert turns[0]["content"][0] == {"type": "document", "source": expected}


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
def test_base64_text_plain_block_reaches_the_emulator_with_its_text(mode: str) -> None:
    llm, emu = emulated(MessagesEmulator())
    emu.script(Reply.text("Friday."))
    block = {"type": "text-plain", "base64": NOTES_B64, "mime_type": "text/plain"}
    message = HumanMessage(content_blocks=[block, {"type": "text", "text": "when?"}])
    reply = llm.invoke([message]) if mode == "invoke" else asyncio.run(llm.ainvoke([message]))
    assert reply.content == "Friday."
    sent = emu.last_request["body"]["messages"][0]["content"][0]
    assert sent["source"]["data"] == NOTES


@pytest.mark.parametrize(
    "mime",
    ["application/json", "application/ld+json", "application/xml", "text/csv; charset=utf-8"],
)
def test_base64_structured_text_becomes_a_text_document(mime: str) -> None:
    block = {"type": "file", "base64": NOTES_B64, "mime_type": mime}
    _, turns = convert_messages([HumanMessage([block, {"type": "text", "text": "read"}])])
    assert turns[0]["content"][0]["source"] == {
        "type": "text", "media_type": "text/plain", "data": NOTES
    }  # fmt: skip


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BINARY_FILES = {
    "docx": {"type": "file", "base64": "UEsDBA==", "mime_type": DOCX},
    "octet_stream_data_url": {"type": "file", "url": "data:application/octet-stream;base64,AAE="},
}


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize("name", sorted(BINARY_FILES))
def test_base64_file_neither_pdf_nor_text_is_refused_before_sending(mode: str, name: str) -> None:
    """The API takes a base64 document only as a PDF (a 400 otherwise, as the emulator says)."""
    llm, emu = emulated(MessagesEmulator())
    message = HumanMessage([BINARY_FILES[name], {"type": "text", "text": "summarise"}])
    with pytest.raises(ValueError, match="only as PDF"):
        if mode == "invoke":
            llm.invoke([message])
        else:
            asyncio.run(llm.ainvoke([message]))
    assert emu.requests == []


NATIVE_TEXT_DOCUMENT = {
    "type": "document",
    "source": {"type": "base64", "media_type": "text/plain", "data": NOTES_B64},
}


def _native_document_histories() -> dict[str, list[Any]]:
    call = {"name": "read", "args": {}, "id": "t1"}
    return {
        "user_turn": [HumanMessage([NATIVE_TEXT_DOCUMENT, {"type": "text", "text": "read"}])],
        "tool_result": [
            HumanMessage("read it"),
            AIMessage("", tool_calls=[call]),
            ToolMessage([NATIVE_TEXT_DOCUMENT], tool_call_id="t1"),
        ],
    }


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
@pytest.mark.parametrize("where", ["user_turn", "tool_result"])
def test_native_base64_document_that_is_no_pdf_is_refused_before_sending(
    mode: str, where: str
) -> None:
    """An Anthropic-native block written by hand is sent as written, so a base64 text document
    (the emulator's 400 above) is named before sending rather than rewritten."""
    llm, emu = emulated(MessagesEmulator())
    history = _native_document_histories()[where]
    with pytest.raises(ValueError, match="only as application/pdf"):
        if mode == "invoke":
            llm.invoke(history)
        else:
            asyncio.run(llm.ainvoke(history))
    assert emu.requests == []
