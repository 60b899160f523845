"""A base64 text file (``{"type": "file", "base64": ..., "mime_type": "text/plain"}``) is sent
as a document with a ``text`` source: base64 documents may only be PDFs (the API answers 400)."""

from __future__ import annotations

import base64

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
