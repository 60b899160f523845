"""Generated replies: invoke and the summed stream agree, and both agree with ChatAnthropic.

hypothesis draws a Messages API reply (``tests.helpers.replies``: text with and without
citations, thinking, redacted thinking, tool calls, a server tool call and its result, every
stop reason, usage with and without the cache fields) and an SSE stream of the same content cut
into arbitrary deltas with pings and unknown event types between. Properties, on each of the
four paths (invoke/ainvoke answer the JSON, stream/astream the events):

* our AIMessage from the JSON equals our summed stream: content, tool_calls, usage_metadata and
  the key response_metadata (id, model, stop reason and sequence);
* both equal ChatAnthropic's (its ``_format_output`` of the SDK Message, its ``_stream`` over the
  SDK events) up to the deviations docs/migrating.md names, normalised in :func:`_theirs_as_ours`.

Content is compared as LangChain holds it once streaming bookkeeping is read: a streamed block's
``index`` is its position, and a tool block's ``partial_json`` is its input (both models keep
``input: {}`` beside the fragments, as LangChain's chunk merging needs).
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from tests.helpers.chat_anthropic import (
    ours_called,
    theirs_message,
    theirs_streamed,
    without_nulls,
)
from tests.helpers.replies import replies, streams
from tests.helpers.responses import PATHS

pytest.importorskip("langchain_anthropic")

EXAMPLES = int(os.environ.get("GENERATED_EXAMPLES", "60"))
GENERATED = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("GENERATED_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
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


@GENERATED
@given(st.data())
async def test_invoke_and_stream_of_one_reply_agree_with_chat_anthropic(data: Any) -> None:
    reply = data.draw(replies())
    full_usage = data.draw(st.booleans())
    events = data.draw(streams(reply, full_final_usage=full_usage))
    tools = (TOOL,) if _blocks_only(reply) else data.draw(st.sampled_from([(), (TOOL,)]))
    invoke_path = data.draw(st.sampled_from([p for p in PATHS if "invoke" in p]))
    stream_path = data.draw(st.sampled_from([p for p in PATHS if "stream" in p]))
    invoked = _view(await ours_called(reply, invoke_path, tools))
    streamed = _view(await ours_called({"events": events}, stream_path, tools))
    assert streamed == invoked
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
