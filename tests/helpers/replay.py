"""Replay a recorded real answer as the next turn of a conversation (round-trip checks).

The recorded response is parsed by ``ChatCometAPI`` (JSON by ``invoke``, SSE by ``stream``),
appended to a history with the follow-up a user would send (a ToolMessage per tool call, else a
HumanMessage), and the next request is built with the recorded request's model, tools and
settings and sent to a fresh emulator, so every check on the way must accept it.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator, Reply, emulated_chat_model

#: Recorded request fields carried into the next request as ChatCometAPI settings.
_SETTINGS = ("thinking", "mcp_servers", "context_management", "container")


def _model(body: dict[str, Any], emulator: MessagesEmulator) -> Any:
    settings = {k: body[k] for k in _SETTINGS if body.get(k) is not None}
    return emulated_chat_model(
        emulator,
        model=body["model"],
        max_tokens=body["max_tokens"],
        prompt_cache="off",
        max_retries=0,
        **settings,
    )


def parsed_answer(case: dict[str, Any]) -> AIMessage:
    """The recorded 200 answer as our parser turns it into a message."""
    emulator = MessagesEmulator()
    emulator.script(Reply.raw(200, case["response_text"], case["content_type"]))
    llm = _model(case["request_body"], emulator)
    if case["content_type"].startswith("text/event-stream"):
        total: Any = None
        for chunk in llm.stream([HumanMessage("hi")]):
            total = chunk if total is None else total + chunk
        assert total is not None
        return AIMessage(**{k: v for k, v in total.model_dump().items() if k != "type"})
    answer: AIMessage = llm.invoke([HumanMessage("hi")])
    return answer


def follow_up(answer: AIMessage) -> list[BaseMessage]:
    if answer.tool_calls:
        return [ToolMessage("done", tool_call_id=str(c["id"])) for c in answer.tool_calls]
    return [HumanMessage("Thanks. Go on.")]


def _next_model(case: dict[str, Any]) -> tuple[Any, list[BaseMessage], MessagesEmulator]:
    answer = parsed_answer(case)
    history = [HumanMessage("hi"), answer, *follow_up(answer)]
    body = case["request_body"]
    emulator = MessagesEmulator()
    llm = _model(body, emulator)
    if body.get("tools"):
        llm = llm.bind_tools(body["tools"])
    return llm, history, emulator


def next_request(case: dict[str, Any]) -> dict[str, Any]:
    """Send the history with the replayed answer; return the body the emulator accepted (a
    refusal on the way, ours or the emulator's, raises)."""
    llm, history, emulator = _next_model(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. forced tool_choice relaxed under thinking
        llm.invoke(history)
    sent: dict[str, Any] = emulator.last_request["body"]
    return sent


async def anext_request(case: dict[str, Any]) -> dict[str, Any]:
    """``next_request`` over ``ainvoke``."""
    llm, history, emulator = _next_model(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        await llm.ainvoke(history)
    sent: dict[str, Any] = emulator.last_request["body"]
    return sent


def assistant_turn(sent: dict[str, Any]) -> list[dict[str, Any]]:
    """The replayed assistant turn's blocks in the next request ([] when none was sent)."""
    turns = [m for m in sent["messages"] if m["role"] == "assistant"]
    content = turns[0]["content"] if turns else []
    return content if isinstance(content, list) else [{"type": "text", "text": content}]


def recorded_blocks(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The content blocks of the recorded answer (JSON body, or assembled from the SSE events),
    without blank text blocks (which the client drops, as the API refuses them)."""
    text = case["response_text"]
    if not case["content_type"].startswith("text/event-stream"):
        blocks = json.loads(text).get("content") or []
    else:
        blocks = _streamed_blocks(text)
    return [b for b in blocks if not _blank_text(b)]


def citation_count(blocks: list[Any]) -> int:
    return sum(len(b.get("citations") or ()) for b in blocks if isinstance(b, dict))


def _streamed_blocks(text: str) -> list[dict[str, Any]]:
    """Blocks of an SSE answer, assembled from their deltas (text, thinking, signature,
    citations, tool input JSON, compaction content)."""
    blocks: dict[int, dict[str, Any]] = {}
    partial: dict[int, str] = {}
    for line in text.splitlines():
        data = line[5:].strip() if line.startswith("data:") else ""
        event = json.loads(data) if data.startswith("{") else {}
        index = event.get("index", -1)
        if event.get("type") == "content_block_start":
            blocks[index] = dict(event["content_block"])
        if event.get("type") == "content_block_delta":
            _apply(blocks[index], event["delta"], partial, index)
    for index, raw in partial.items():
        blocks[index]["input"] = json.loads(raw) if raw else {}
    return [blocks[i] for i in sorted(blocks)]


_APPENDED = {
    "text_delta": "text",
    "thinking_delta": "thinking",
    "signature_delta": "signature",
    "compaction_delta": "content",
}


def _apply(
    block: dict[str, Any], delta: dict[str, Any], partial: dict[int, str], index: int
) -> None:
    kind = delta.get("type")
    if kind in _APPENDED:
        key = _APPENDED[kind]
        block[key] = (block.get(key) or "") + delta[key]
    elif kind == "citations_delta":
        block["citations"] = [*(block.get("citations") or ()), delta["citation"]]
    elif kind == "input_json_delta":
        partial[index] = partial.get(index, "") + delta["partial_json"]


def _blank_text(block: dict[str, Any]) -> bool:
    return block.get("type") == "text" and not str(block.get("text", "")).strip()
