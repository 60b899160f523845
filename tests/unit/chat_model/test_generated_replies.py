"""Generated replies: invoke and the summed stream agree, and both agree with ChatAnthropic.

hypothesis draws a Messages API reply (``tests.helpers.replies``: text with and without
citations, thinking, redacted thinking, tool calls, a server tool call and its result, every
stop reason, usage with and without the cache fields) and an SSE stream of the same content cut
into arbitrary deltas with pings and unknown event types between. Properties, on each of the
four paths (invoke/ainvoke answer the JSON, stream/astream the events):

* our AIMessage from the JSON equals our summed stream: content, tool_calls, usage_metadata and
  the key response_metadata (id, model, stop reason and sequence);
* the next request built from either message (its tool calls answered) is the same body, up to
  adjacent text blocks (the stream shapes below), and the offline emulator accepts it;
* both equal ChatAnthropic's (its ``_format_output`` of the SDK Message, its ``_stream`` over the
  SDK events) up to the deviations docs/migrating.md names, normalised in :func:`_theirs_as_ours`.

Content is compared as LangChain holds it once streaming bookkeeping is read: a streamed block's
``index`` is its position, and a tool block's ``partial_json`` is its input (both models keep
``input: {}`` beside the fragments, as LangChain's chunk merging needs).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from langchain_cometapi.testing import MessagesEmulator
from tests.helpers.chat_anthropic import (
    ours_body,
    ours_called,
    theirs_message,
    theirs_streamed,
    without_nulls,
)
from tests.helpers.generated import generated_settings
from tests.helpers.replies import replies, streams
from tests.helpers.responses import PATHS

pytest.importorskip("langchain_anthropic")

GENERATED = generated_settings(60)
KEYS = ("id", "model_name", "stop_reason", "stop_sequence")
#: A tool bound on the call: with tools, both models stream text as blocks, not as a string.
TOOL = {"name": "tool_0", "description": "t", "input_schema": {"type": "object", "properties": {}}}


def _read(block: Any) -> Any:
    """A streamed block as LangChain reads it: ``index`` and ``partial_json`` are bookkeeping;
    the fragments are the tool's input."""
    if not isinstance(block, dict):
        return block
    out = {k: v for k, v in block.items() if k not in ("index", "partial_json")}
    if "partial_json" in block and not block.get("input"):
        out["input"] = json.loads(block["partial_json"] or "{}")
    return out


def _content(content: Any) -> Any:
    """Content compared as one shape: a list of only uncited text blocks is its text. A request
    with tools streams blocks from the start, so a text-only answer to it sums to text blocks
    while invoke returns a str, in both models (docs/features.md, "Usage": the stream shapes);
    this also reads ChatAnthropic's invoke of several such blocks as the one string ours is
    (docs/migrating.md, "a reply of several text blocks without citations")."""
    if isinstance(content, str):
        return content
    blocks = [_read(b) for b in without_nulls(content) if b != ""]
    if blocks and all(b.get("type") == "text" and not b.get("citations") for b in blocks):
        return "".join(b["text"] for b in blocks)
    return blocks


def _view(message: AIMessage) -> dict[str, Any]:
    return {
        "content": _content(message.content),
        "tool_calls": message.tool_calls,
        "usage": message.usage_metadata,
        "meta": {k: message.response_metadata.get(k) for k in KEYS},
    }


def _theirs_as_ours(view: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """ChatAnthropic's message with the deviations of docs/migrating.md applied."""
    out = dict(view)
    if out["content"] == []:  # "an empty reply's content is `[]`" -> ""
        out["content"] = ""
    # "`input_token_details` is `{}` when the reply reports no cache counts" -> zeros
    details = {"cache_read": 0, "cache_creation": 0, **out["usage"]["input_token_details"]}
    out["usage"] = {**out["usage"], "input_token_details": details}
    if out["meta"]["id"] is None:
        # its summed stream has no reply id ("`AIMessage.id` is LangChain's run id"): ours has
        out["meta"] = {**out["meta"], "id": ours["meta"]["id"]}
    return out


def _blocks_only(reply: dict[str, Any]) -> bool:
    """Whether the reply holds more than plain text: a request that can get one (tools,
    thinking, documents with citations) streams blocks from the start; only a text-only request
    streams strings (docs/features.md, the paragraph after the stream-shape table)."""
    return any(b["type"] != "text" or b.get("citations") for b in reply["content"])


def _next_turn(message: AIMessage) -> list[BaseMessage]:
    answers = [ToolMessage("r", tool_call_id=c["id"]) for c in message.tool_calls]
    return [HumanMessage("q"), message, *(answers or [HumanMessage("more")])]


def _joined(body: dict[str, Any]) -> list[Any]:
    """The turns with adjacent uncited text blocks as one (a text-only answer is one string
    on invoke and text blocks on a stream with tools, see :func:`_content`)."""
    turns = []
    for turn in body["messages"]:
        blocks: list[Any] = []
        for block in turn["content"]:
            plain = block.get("type") == "text" and set(block) == {"type", "text"}
            if plain and blocks and set(blocks[-1]) == {"type", "text"}:
                blocks[-1] = {**blocks[-1], "text": blocks[-1]["text"] + block["text"]}
            else:
                blocks.append(dict(block) if plain else block)
        turns.append({"role": turn["role"], "content": blocks})
    return turns


def _sent_back(invoked: AIMessage, streamed: AIMessage) -> None:
    body = ours_body(_next_turn(streamed))
    assert _joined(body) == _joined(ours_body(_next_turn(invoked)))
    status = EMULATOR.handle("POST", "/v1/messages", {"x-api-key": "k"}, body).status
    assert status == 200, "the message sent back is refused"


EMULATOR = MessagesEmulator()


@GENERATED
@given(st.data())
async def test_invoke_and_stream_of_one_reply_agree_with_chat_anthropic(data: Any) -> None:
    reply = data.draw(replies())
    full_usage = data.draw(st.booleans())
    events = data.draw(streams(reply, full_final_usage=full_usage))
    tools = (TOOL,) if _blocks_only(reply) else data.draw(st.sampled_from([(), (TOOL,)]))
    invoke_path = data.draw(st.sampled_from([p for p in PATHS if "invoke" in p]))
    stream_path = data.draw(st.sampled_from([p for p in PATHS if "stream" in p]))
    invoked_message = await ours_called(reply, invoke_path, tools)
    streamed_message = await ours_called({"events": events}, stream_path, tools)
    invoked, streamed = _view(invoked_message), _view(streamed_message)
    assert streamed == invoked
    _sent_back(invoked_message, streamed_message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _view(theirs_message(reply))
        known = [e for e in events if e["type"] != "future_event"]  # the SDK's event union
        theirs_stream = _view(theirs_streamed(known, tools))
    assert _theirs_as_ours(theirs, invoked) == invoked
    if not full_usage:
        # "a stream whose `message_delta` carries only `output_tokens` (a gateway) reports 0
        # input tokens": ours is held to the invoke's usage above instead
        theirs_stream["usage"] = streamed["usage"]
    assert _theirs_as_ours(theirs_stream, streamed) == streamed
