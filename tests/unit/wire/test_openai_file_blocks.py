"""OpenAI-style ``{"type": "file", "file": {...}}`` parts are documents for ``invoke`` and for
token counting alike (``get_num_tokens_from_messages``, ``trim_messages(token_counter=llm)``)."""

from __future__ import annotations

from langchain_core.messages import HumanMessage, trim_messages

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._wire.request import convert_messages
from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_model import emulated

PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"
FILE = {
    "type": "file",
    "file": {"filename": "report.pdf", "file_data": f"data:application/pdf;base64,{PDF}"},
}


def _message() -> HumanMessage:
    return HumanMessage([{"type": "text", "text": "Summarise this."}, FILE])


def test_openai_file_part_becomes_a_document() -> None:
    _, turns = convert_messages([_message()])
    assert turns[0]["content"][1] == {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
        "title": "report.pdf",
    }


def test_invoke_accepts_it() -> None:
    llm, emu = emulated(MessagesEmulator())
    llm.invoke([_message()])
    assert emu.last_request["body"]["messages"][0]["content"][1]["type"] == "document"


def test_counting_takes_what_invoke_takes() -> None:
    llm = ChatCometAPI(api_key="k")
    counted = llm.get_num_tokens_from_messages([_message()])
    text_only = llm.get_num_tokens_from_messages([HumanMessage("Summarise this.")])
    assert counted > text_only
    trimmed = trim_messages([_message()], max_tokens=100_000, token_counter=llm)
    assert trimmed == [_message()]
