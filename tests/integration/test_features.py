"""Claude features end to end on cassettes: thinking with tool use, JSON outputs, citations.

The assertions hold for the live service too (thinking is signed, a JSON schema output parses,
a tool the prompt asks for is called); whether a model cites a document is checked on the
emulator's recordings only.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_cometapi import ChatCometAPI

from . import _harness

THINK = {"type": "enabled", "budget_tokens": 1024}


@tool
def lookup(term: str) -> str:
    """Look a term up in the glossary."""
    return f"{term}: the part of a sundial that casts the shadow"


def _stream(runnable: Any, value: Any) -> AIMessage:
    full: Any = None
    for chunk in runnable.stream(value):
        full = chunk if full is None else full + chunk
    assert full is not None
    return full  # type: ignore[no-any-return]


def test_thinking_tool_loop_streams_and_round_trips_signatures() -> None:
    llm = ChatCometAPI(**_harness.model_params(max_tokens=2048, thinking=THINK))
    bound = llm.bind_tools([lookup])
    question = HumanMessage("Use the lookup tool: what is a 'gnomon'?")
    first = _stream(bound, [question])
    thinking = [b for b in first.content if isinstance(b, dict) and b.get("type") == "thinking"]
    assert thinking and thinking[0]["signature"]
    assert first.tool_calls and first.tool_calls[0]["name"] == "lookup"
    call = first.tool_calls[0]
    final = bound.invoke([question, first, ToolMessage(lookup.invoke(call["args"]),
                                                       tool_call_id=call["id"])])
    assert final.text
    assert [b["type"] for b in final.content_blocks][-1] == "text"


class Capital(BaseModel):
    country: str
    capital: str


def test_json_schema_structured_output() -> None:
    llm = ChatCometAPI(**_harness.model_params(max_tokens=256))
    result = llm.with_structured_output(Capital, method="json_schema").invoke(
        "Give the capital of 'France' as JSON."
    )
    assert isinstance(result, Capital)
    assert result.country


def test_document_citations_stream(live: bool) -> None:
    llm = ChatCometAPI(**_harness.model_params(max_tokens=256))
    doc = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain",
                   "data": "The grass is green. The sky is blue."},
        "title": "Facts",
        "citations": {"enabled": True},
    }
    full = _stream(llm, [HumanMessage([doc, {"type": "text", "text": "What colour is grass?"}])])
    assert full.text
    cited = [b for b in full.content if isinstance(b, dict) and b.get("citations")]
    for block in cited:  # whatever is cited is quoted from the document
        for citation in block["citations"]:
            assert citation["cited_text"].strip() in doc["source"]["data"]
    if not live:
        assert cited
