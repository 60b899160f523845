"""Histories as other LangChain chat models write them, built by hand from their documented shapes.

Each builder returns a conversation (user question, the other provider's AIMessage with a tool
call, the tool's answer, a follow-up question) whose user-written parts carry marker words, so a
test can check that the request kept every one of them: ``USER1``/``USER2`` (the user's turns),
``ASSISTANT1`` (the other model's visible answer), ``RESULT1``... (tool results). Reasoning from
another provider carries ``FOREIGN_REASONING``, which may be dropped (documented) but must
never be replayed as visible assistant text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

USAGE = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
CITY = {"city": "Paris"}
ARGS_JSON = '{"city": "Paris"}'


def _call(tool_id: str) -> dict[str, Any]:
    return {"id": tool_id, "name": "get_weather", "args": CITY, "type": "tool_call"}


def _thread(ai: AIMessage, tool_id: str, result: Any = "RESULT1 sunny") -> list[BaseMessage]:
    return [
        HumanMessage("Weather in Paris? USER1"),
        ai,
        ToolMessage(result, tool_call_id=tool_id),
        HumanMessage("Thanks. USER2"),
    ]


def openai_chat_completions() -> list[BaseMessage]:
    """ChatOpenAI (chat completions, v0): OpenAI's raw tool_calls in additional_kwargs."""
    raw = {"id": "call_abc123", "type": "function", "function": {"name": "get_weather",
                                                                 "arguments": ARGS_JSON}}
    ai = AIMessage(
        "Checking. ASSISTANT1",
        tool_calls=[_call("call_abc123")],
        additional_kwargs={"tool_calls": [raw], "refusal": None},
        response_metadata={
            "token_usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            "model_name": "gpt-4o-2024-08-06", "system_fingerprint": "fp_1",
            "finish_reason": "tool_calls", "logprobs": None, "model_provider": "openai",
        },
        usage_metadata={**USAGE, "input_token_details": {"audio": 0, "cache_read": 0},
                        "output_token_details": {"audio": 0, "reasoning": 0}},
        id="run-1",
    )  # fmt: skip
    return _thread(ai, "call_abc123")


def openai_legacy_function_call() -> list[BaseMessage]:
    """ChatOpenAI with legacy ``functions``: empty content, ``function_call`` kwarg."""
    ai = AIMessage(
        "",
        tool_calls=[_call("call_1")],
        additional_kwargs={"function_call": {"name": "get_weather", "arguments": ARGS_JSON}},
        response_metadata={"model_provider": "openai", "finish_reason": "function_call"},
    )
    return _thread(ai, "call_1")


def openai_responses() -> list[BaseMessage]:
    """ChatOpenAI, Responses API (``output_version="responses/v1"``): reasoning, annotated text
    and ``function_call`` blocks in content."""
    ai = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1",
             "summary": [{"type": "summary_text", "text": "FOREIGN_REASONING"}]},
            {"type": "text", "text": "Checking. ASSISTANT1", "id": "msg_1",
             "annotations": [{"type": "url_citation", "url": "https://example.com",
                              "title": "Example", "start_index": 0, "end_index": 8}]},
            {"type": "function_call", "id": "fc_1", "call_id": "call_r1",
             "name": "get_weather", "arguments": ARGS_JSON},
        ],
        tool_calls=[_call("call_r1")],
        response_metadata={"id": "resp_1", "model_name": "gpt-5", "model_provider": "openai",
                           "status": "completed"},
        usage_metadata=USAGE,
    )  # fmt: skip
    return _thread(ai, "call_r1")


def openai_responses_v0() -> list[BaseMessage]:
    """ChatOpenAI, Responses API, ``output_version="v0"``: reasoning in additional_kwargs."""
    ai = AIMessage(
        [{"type": "text", "text": "Checking. ASSISTANT1", "annotations": []}],
        tool_calls=[_call("call_r0")],
        additional_kwargs={"reasoning": {"id": "rs_1", "type": "reasoning", "summary": [
            {"type": "summary_text", "text": "FOREIGN_REASONING"}]}},
        response_metadata={"id": "resp_1", "model_name": "gpt-5", "model_provider": "openai"},
    )  # fmt: skip
    return _thread(ai, "call_r0")


def openai_v1() -> list[BaseMessage]:
    """ChatOpenAI with ``output_version="v1"``: standard reasoning, text with a URL citation
    (no ``cited_text``), and a ``tool_call`` block."""
    ai = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "reasoning": "FOREIGN_REASONING"},
            {"type": "text", "text": "Checking. ASSISTANT1", "id": "msg_1",
             "annotations": [{"type": "citation", "url": "https://example.com",
                              "title": "Example", "start_index": 0, "end_index": 8}]},
            {"type": "tool_call", "id": "call_v1", "name": "get_weather", "args": CITY},
        ],
        tool_calls=[_call("call_v1")],
        response_metadata={"model_provider": "openai", "output_version": "v1"},
    )  # fmt: skip
    return _thread(ai, "call_v1")


def openai_v1_refusal() -> list[BaseMessage]:
    """A refused turn in v1: the refusal is a ``non_standard`` block wrapping OpenAI's."""
    ai = AIMessage(
        [{"type": "non_standard", "value": {"type": "refusal", "refusal": "I can't."}}],
        response_metadata={"model_provider": "openai", "output_version": "v1"},
    )
    return [HumanMessage("Do it. USER1"), ai, HumanMessage("Please. USER2")]


def openai_v1_web_search() -> list[BaseMessage]:
    """ChatOpenAI (v1) after its built-in web search: ``server_tool_call`` /
    ``server_tool_result`` blocks with OpenAI ids, and a URL citation."""
    ai = AIMessage(
        [{"type": "server_tool_call", "name": "web_search", "args": {"query": "news"},
          "id": "ws_abc123"},
         {"type": "server_tool_result", "tool_call_id": "ws_abc123", "status": "success"},
         {"type": "text", "text": "The news. ASSISTANT1",
          "annotations": [{"type": "citation", "url": "https://example.com", "title": "N",
                           "start_index": 0, "end_index": 8}]}],
        response_metadata={"model_provider": "openai", "output_version": "v1"},
    )  # fmt: skip
    return [HumanMessage("News? USER1"), ai, HumanMessage("More. USER2")]


def openai_v1_code_interpreter() -> list[BaseMessage]:
    """ChatOpenAI (v1) after its code interpreter ran."""
    ai = AIMessage(
        [{"type": "server_tool_call", "name": "code_interpreter", "args": {"code": "print(1)"},
          "id": "ci_1"},
         {"type": "server_tool_result", "tool_call_id": "ci_1", "status": "success",
          "output": "1"},
         {"type": "text", "text": "It printed 1. ASSISTANT1"}],
        response_metadata={"model_provider": "openai", "output_version": "v1"},
    )  # fmt: skip
    return [HumanMessage("Run it. USER1"), ai, HumanMessage("Again. USER2")]


def gemini() -> list[BaseMessage]:
    """ChatGoogleGenerativeAI (v0, thoughts included): unsigned ``thinking`` blocks, uuid tool
    ids, ``function_call`` and thought signatures in additional_kwargs."""
    call_id = "3f2a7c9e-1b4d-4e5f-8a6b-9c0d1e2f3a4b"
    ai = AIMessage(
        [{"type": "thinking", "thinking": "FOREIGN_REASONING"},
         {"type": "text", "text": "Checking. ASSISTANT1"}],
        tool_calls=[_call(call_id)],
        additional_kwargs={
            "function_call": {"name": "get_weather", "arguments": ARGS_JSON},
            "__gemini_function_call_thought_signatures__": {call_id: "c2lnbmF0dXJl"},
        },
        response_metadata={"finish_reason": "STOP", "model_name": "gemini-2.5-pro",
                           "safety_ratings": [], "model_provider": "google_genai"},
        usage_metadata={**USAGE, "output_token_details": {"reasoning": 3}},
    )  # fmt: skip
    return _thread(ai, call_id)


def gemini_v1() -> list[BaseMessage]:
    """ChatGoogleGenerativeAI with ``output_version="v1"``: signatures in ``extras``."""
    ai = AIMessage(
        [{"type": "reasoning", "reasoning": "FOREIGN_REASONING", "extras": {"signature": "c2ln"}},
         {"type": "text", "text": "Checking. ASSISTANT1", "extras": {"signature": "c2ln"}},
         {"type": "tool_call", "id": "g1", "name": "get_weather", "args": CITY}],
        tool_calls=[_call("g1")],
        response_metadata={"model_provider": "google_genai", "output_version": "v1"},
    )  # fmt: skip
    return _thread(ai, "g1")


def bedrock_converse() -> list[BaseMessage]:
    """ChatBedrockConverse: ``reasoning_content`` and ``tool_use`` blocks, ``tooluse_`` ids, a
    tool result as a list of text blocks."""
    ai = AIMessage(
        [{"type": "reasoning_content",
          "reasoning_content": {"text": "FOREIGN_REASONING", "signature": "c2ln"}},
         {"type": "text", "text": "Checking. ASSISTANT1"},
         {"type": "tool_use", "id": "tooluse_AbC123", "name": "get_weather", "input": CITY}],
        tool_calls=[_call("tooluse_AbC123")],
        response_metadata={"ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200},
                           "stopReason": "tool_use", "metrics": {"latencyMs": [100]},
                           "model_name": "us.anthropic.claude-sonnet-4-5",
                           "model_provider": "bedrock_converse"},
        usage_metadata=USAGE,
    )  # fmt: skip
    return _thread(ai, "tooluse_AbC123", [{"type": "text", "text": "RESULT1 sunny"}])


def bedrock_json_result() -> list[BaseMessage]:
    """A Bedrock Converse tool result as a ``json`` block (Converse's structured result)."""
    ai = AIMessage(
        [{"type": "text", "text": "Checking. ASSISTANT1"},
         {"type": "tool_use", "id": "tooluse_J", "name": "get_weather", "input": CITY}],
        tool_calls=[_call("tooluse_J")],
        response_metadata={"model_provider": "bedrock_converse"},
    )  # fmt: skip
    return _thread(ai, "tooluse_J", [{"type": "json", "json": {"forecast": "RESULT1"}}])


def ollama() -> list[BaseMessage]:
    """ChatOllama (``reasoning=True``): string content, ``reasoning_content`` kwarg."""
    call_id = "8a1b2c3d-0000-4000-8000-000000000001"
    ai = AIMessage(
        "Checking. ASSISTANT1",
        tool_calls=[_call(call_id)],
        additional_kwargs={"reasoning_content": "FOREIGN_REASONING"},
        response_metadata={"model": "llama3.1", "created_at": "2025-01-01T00:00:00Z",
                           "done": True, "done_reason": "stop", "model_name": "llama3.1",
                           "model_provider": "ollama"},
        usage_metadata=USAGE,
    )  # fmt: skip
    return _thread(ai, call_id)


def parallel_results_with_artifacts() -> list[BaseMessage]:
    """Two calls answered by ToolMessages with an artifact, a mixed list and an error status."""
    ai = AIMessage(
        "",
        tool_calls=[_call("call_a"), {**_call("call_b"), "args": {"city": "Rome"}}],
        response_metadata={"model_provider": "openai"},
    )
    return [
        HumanMessage("Paris and Rome? USER1"),
        ai,
        ToolMessage("RESULT1", tool_call_id="call_a", artifact={"raw": 1}),
        ToolMessage(["RESULT2", {"type": "text", "text": "RESULT3"}], tool_call_id="call_b",
                    status="error"),
        HumanMessage("And now? USER2"),
    ]  # fmt: skip


HISTORIES: dict[str, Callable[[], list[BaseMessage]]] = {
    f.__name__: f
    for f in (
        openai_chat_completions, openai_legacy_function_call, openai_responses,
        openai_responses_v0, openai_v1, openai_v1_refusal, openai_v1_web_search,
        openai_v1_code_interpreter, gemini, gemini_v1,
        bedrock_converse, bedrock_json_result, ollama, parallel_results_with_artifacts,
    )
}  # fmt: skip

MARKERS = ("USER1", "USER2", "ASSISTANT1", "RESULT1", "RESULT2", "RESULT3")


def markers_in(messages: list[BaseMessage]) -> set[str]:
    """The marker words the user-visible parts of ``messages`` carry."""
    text = repr([m.content for m in messages])
    return {m for m in MARKERS if m in text}
