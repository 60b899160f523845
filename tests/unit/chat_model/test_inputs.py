"""Media, documents, citations and request options on the wire."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from tests.helpers.chat_model import emulated, stream_sum
from tests.integration._media import b64, pdf_bytes, png_bytes

PNG = b64(png_bytes())
PDF = b64(pdf_bytes())


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        ),
        (
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        ),
        (
            {"type": "image", "url": "https://example.com/cat.png"},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
        ),
        (
            {"type": "file", "base64": PDF, "mime_type": "application/pdf"},
            {"type": "document",
             "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
        ),
        (
            {"type": "file", "url": "https://example.com/a.pdf", "mime_type": "application/pdf"},
            {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}},
        ),
        (
            {"type": "text-plain", "text": "Plain notes.", "mime_type": "text/plain",
             "extras": {"title": "Notes", "citations": {"enabled": True}}},
            {"type": "document",
             "source": {"type": "text", "media_type": "text/plain", "data": "Plain notes."},
             "title": "Notes", "citations": {"enabled": True}},
        ),
    ],
)
def test_media_and_documents_on_the_wire(block: dict, expected: dict) -> None:
    llm, emu = emulated()
    llm.invoke([HumanMessage([{"type": "text", "text": "Describe:"}, block])])
    assert emu.last_request["body"]["messages"][0]["content"][1] == expected


def test_openai_file_block_with_pdf_data_url() -> None:
    llm, emu = emulated()
    block = {"type": "file", "file": {"filename": "a.pdf",
                                      "file_data": f"data:application/pdf;base64,{PDF}"}}
    llm.invoke([HumanMessage([{"type": "text", "text": "Summarise"}, block])])
    sent = emu.last_request["body"]["messages"][0]["content"][1]
    assert sent["type"] == "document"
    assert sent["source"] == {"type": "base64", "media_type": "application/pdf", "data": PDF}


def test_image_in_tool_result() -> None:
    llm, emu = emulated()
    history = [
        HumanMessage("draw"),
        AIMessage("", tool_calls=[{"name": "draw", "args": {}, "id": "t1"}]),
        ToolMessage([{"type": "image", "base64": PNG, "mime_type": "image/png"}],
                    tool_call_id="t1"),
    ]
    llm.bind_tools([{"name": "draw", "input_schema": {"type": "object"}}]).invoke(history)
    result = emu.last_request["body"]["messages"][2]["content"][0]
    assert result["content"][0]["source"]["data"] == PNG


DOC = {
    "type": "document",
    "source": {"type": "text", "media_type": "text/plain",
               "data": "The grass is green. The sky is blue."},
    "title": "Facts",
    "citations": {"enabled": True},
}


def test_citations_invoke_and_stream_agree() -> None:
    llm, _ = emulated()
    message = [HumanMessage([DOC, {"type": "text", "text": "What colour is the grass?"}])]
    invoked = llm.invoke(message)
    streamed, _ = stream_sum(llm, message)
    cited = [b for b in invoked.content if b.get("citations")]
    assert cited[0]["citations"][0]["cited_text"] == "The grass is green"
    assert cited[0]["citations"][0]["type"] == "char_location"
    streamed_cited = [b for b in streamed.content if b.get("citations")]
    assert streamed_cited[0]["citations"] == cited[0]["citations"]
    assert streamed.text == invoked.text
    annotations = [b for b in invoked.content_blocks if b.get("annotations")]
    assert annotations[0]["annotations"][0]["type"] == "citation"


def test_request_options_reach_the_wire() -> None:
    llm, emu = emulated(service_tier="auto", betas=["context-1m-2025-08-07"])
    out = llm.invoke("Count: one two three", user_id="user-42", stop=["two"],
                     betas=["extra-beta"], model="claude-haiku-4-5")
    request = emu.last_request
    body = request["body"]
    assert body["metadata"] == {"user_id": "user-42"}
    assert body["service_tier"] == "auto"
    assert body["stop_sequences"] == ["two"]
    assert body["model"] == "claude-haiku-4-5"
    assert request["headers"]["anthropic-beta"] == "extra-beta"
    assert out.response_metadata["stop_reason"] == "stop_sequence"
    assert out.response_metadata["stop_sequence"] == "two"
    assert out.response_metadata["model_name"] == "claude-haiku-4-5"
    llm.invoke("hi")
    assert emu.last_request["headers"]["anthropic-beta"] == "context-1m-2025-08-07"
    assert "metadata" not in emu.last_request["body"]
    fixed, emu2 = emulated(user_id="u-7")  # the constructor field (invoke's metadata= is
    fixed.invoke("hi")  # LangChain's tracing metadata, so metadata.user_id has its own name)
    assert emu2.last_request["body"]["metadata"] == {"user_id": "u-7"}


def test_stream_reports_stop_sequence() -> None:
    llm, _ = emulated()
    full, chunks = stream_sum(llm, "Count: one two three", stop=["two"])
    assert full.response_metadata["stop_reason"] == "stop_sequence"
    assert full.response_metadata["stop_sequence"] == "two"
    assert chunks[-1].chunk_position == "last"
    assert "two" not in full.text


def test_num_tokens_offline_grows_with_an_image() -> None:
    llm, emu = emulated()
    text = llm.get_num_tokens_from_messages([HumanMessage("Describe")])
    image = llm.get_num_tokens_from_messages(
        [HumanMessage([{"type": "text", "text": "Describe"},
                       {"type": "image", "base64": PNG, "mime_type": "image/png"}])]
    )
    assert image > text
    assert emu.requests == []
