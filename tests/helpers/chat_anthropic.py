"""ChatAnthropic (langchain-anthropic) as a reference: the same input through both models.

Used by the parity tests (tests/unit/wire/test_chat_anthropic_parity*.py), which import
langchain-anthropic only through ``pytest.importorskip`` so that they skip cleanly without it.
Nothing here touches the network: ChatAnthropic's request is its ``_get_request_payload``, its
reply is its ``_format_output`` of an SDK ``Message`` (and its stream, its ``_stream`` over SDK
events handed to a patched ``_create``); ours go through ``_wire.body.build_request``,
``_wire.response.message_from_response`` and a mocked transport.

Two normalisations make equal what is the same on the wire, and nothing else:

* ``same_request``: a string content is one text block (``"hi"`` == ``[{"type": "text", "text":
  "hi"}]``); the anthropic SDK's ``extra_body`` is part of the body; None-valued fields are not
  sent by the SDK; the API's defaults (``is_error: false``, an empty ``tool_result`` content,
  ``citations: null``) are the same request as leaving them out; ChatAnthropic's ``betas``
  payload key is our ``anthropic-beta`` header.
* ``without_nulls``: the anthropic SDK fills every unset optional field of a parsed block with
  None (``toolset_name``, ``file_id``, ``skills``...), which a wire JSON never had (and which
  become a v1 block's ``extras``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from unittest.mock import patch

from langchain_core.messages import AIMessage, BaseMessage

from langchain_cometapi import ChatCometAPI
from langchain_cometapi._wire.body import build_request
from langchain_cometapi._wire.response import message_from_response
from tests.helpers.responses import Recorder, call, json_response, model_with, sse_response

MODEL = "claude-sonnet-4-6"
MAX_TOKENS = 4000
#: response_metadata keys both models fill from a reply.
META_KEYS = (
    "id",
    "model",
    "model_name",
    "model_provider",
    "stop_reason",
    "stop_sequence",
    "container",
    "context_management",
)


def _theirs(settings: Mapping[str, Any]) -> Any:
    from langchain_anthropic import ChatAnthropic

    settings = {"model": MODEL, "max_tokens": MAX_TOKENS, **settings}
    return ChatAnthropic(api_key="sk-ant-test", **settings)


def _ours(settings: Mapping[str, Any]) -> ChatCometAPI:
    settings = {"model": MODEL, "max_tokens": MAX_TOKENS, **settings}
    return ChatCometAPI(api_key="sk-test", prompt_cache="off", **settings)


def _bound(llm: Any, bind: Mapping[str, Any] | None) -> dict[str, Any]:
    """The call keyword arguments ``bind_tools(**bind)`` would add to each call."""
    return dict(llm.bind_tools(**bind).kwargs) if bind else {}


def theirs_body(
    messages: Sequence[BaseMessage],
    settings: Mapping[str, Any] | None = None,
    bind: Mapping[str, Any] | None = None,
    stop: list[str] | None = None,
    **call_kwargs: Any,
) -> dict[str, Any]:
    """ChatAnthropic's request payload (its warnings are not what is compared)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        llm = _theirs(settings or {})
        payload = llm._get_request_payload(
            list(messages), stop=stop, **_bound(llm, bind), **call_kwargs
        )
    return same_request(payload)


def ours_body(
    messages: Sequence[BaseMessage],
    settings: Mapping[str, Any] | None = None,
    bind: Mapping[str, Any] | None = None,
    stop: list[str] | None = None,
    **call_kwargs: Any,
) -> dict[str, Any]:
    """Our request body, with the betas it would send (instance betas and the call's header)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        llm = _ours(settings or {})
        request = build_request(
            list(messages), llm._defaults(), stop, {**_bound(llm, bind), **call_kwargs}
        )
    body = dict(request.body)
    header = (request.headers or {}).get("anthropic-beta")
    body["betas"] = header.split(",") if header else list(llm.betas or [])
    return same_request(body)


def _blocks(content: Any) -> Any:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [_api_defaults_left_out(b) for b in content]


def _api_defaults_left_out(block: Any) -> Any:
    if not isinstance(block, Mapping):
        return block
    out = dict(block)
    if out.get("type") == "tool_result":
        if out.get("is_error") is False:
            del out["is_error"]
        if out.get("content") in ("", []):
            del out["content"]
    if out.get("type") == "text" and "citations" in out and out["citations"] is None:
        del out["citations"]
    return out


def same_request(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A request body in one canonical form (see the module docstring for each rule)."""
    body = {k: v for k, v in payload.items() if v is not None and k != "extra_body"}
    body.update(payload.get("extra_body") or {})
    if not body.get("betas"):
        body.pop("betas", None)
    if "system" in body:
        body["system"] = _blocks(body["system"])
    body["messages"] = [{**m, "content": _blocks(m["content"])} for m in body["messages"]]
    return body


def without_nulls(value: Any) -> Any:
    """``value`` without None-valued keys (and a v1 block's ``extras`` left empty by that)."""
    if isinstance(value, Mapping):
        out = {k: without_nulls(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in out.items() if not (k == "extras" and v == {})}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _sdk_message(data: Mapping[str, Any]) -> Any:
    """The SDK's parsed Message (the beta type for blocks only it knows, such as MCP)."""
    from anthropic.types import Message
    from anthropic.types.beta import BetaMessage

    try:
        return Message.model_validate(data)
    except ValueError:
        return BetaMessage.model_validate(data)


def theirs_message(data: Mapping[str, Any], **settings: Any) -> AIMessage:
    """ChatAnthropic's AIMessage for a JSON reply, with ``llm_output`` merged into
    ``response_metadata`` as BaseChatModel merges it on invoke."""
    result = _theirs(settings)._format_output(_sdk_message(data))
    message: AIMessage = result.generations[0].message
    message.response_metadata = {**result.llm_output, **message.response_metadata}
    return message


def ours_message(data: Mapping[str, Any]) -> AIMessage:
    return message_from_response(data)


async def ours_called(data: Mapping[str, Any], path: str, tools: Sequence[Any] = ()) -> AIMessage:
    """Our reply through a whole call on ``path`` (invoke/ainvoke: JSON; stream/astream: the
    events of ``data["events"]``), with ``tools`` bound when given."""
    answer = sse_response(list(data["events"])) if "events" in data else json_response(dict(data))
    llm: Any = model_with(Recorder(answer), model=MODEL)
    message: AIMessage = await call(llm.bind_tools(tools) if tools else llm, path, "hi")
    return message


def theirs_streamed(
    events: Sequence[Mapping[str, Any]], tools: Sequence[Any] = (), **settings: Any
) -> AIMessage:
    """ChatAnthropic's summed stream over the same events (as SDK event objects), with
    ``tools`` bound when given (it streams blocks, not text, when the request has tools)."""
    from anthropic.types.beta import BetaRawMessageStreamEvent
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(BetaRawMessageStreamEvent)
    parsed = [adapter.validate_python(e) for e in events if e["type"] != "ping"]

    class _Raw:
        headers: dict[str, str] = {}

        def parse(self) -> Iterator[Any]:
            return iter(parsed)

    llm = _theirs(settings)
    with patch.object(llm, "_create", lambda payload: _Raw()):
        chunks = list((llm.bind_tools(tools) if tools else llm).stream("hi"))
    total: Any = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert isinstance(total, AIMessage)
    return total


def metadata(message: AIMessage) -> dict[str, Any]:
    """The response_metadata both fill; a container's ``expires_at`` as one instant (the SDK
    parses it into a datetime and writes ``+00:00`` where the wire said ``Z``)."""
    picked = dict(without_nulls({k: message.response_metadata.get(k) for k in META_KEYS}))
    container = picked.get("container")
    if isinstance(container, Mapping) and isinstance(container.get("expires_at"), str):
        instant = datetime.fromisoformat(container["expires_at"].replace("Z", "+00:00"))
        picked["container"] = {**container, "expires_at": instant}
    return picked


def _answering(llm: Any, data: Mapping[str, Any]) -> Any:
    """``llm`` with its SDK call answered by ``data`` (an SDK Message), for ChatAnthropic."""

    class _Raw:
        headers: dict[str, str] = {}

        def parse(self) -> Any:
            return _sdk_message(data)

    return patch.object(llm, "_create", lambda payload: _Raw())


def structured(
    model: str, data: Mapping[str, Any], schema: Any, settings: Mapping[str, Any], **kw: Any
) -> Any:
    """``with_structured_output(schema, **kw).invoke("hi")`` answered by ``data`` with
    ChatAnthropic (``model="theirs"``) or ours; an exception is returned as its type's name,
    an ``include_raw`` result as its parsed value and the type of its parsing error."""
    if model == "theirs":
        llm = _theirs(settings)
        context = _answering(llm, data)
    else:
        llm = model_with(Recorder(json_response(dict(data))), model=MODEL, **settings)
        context = warnings.catch_warnings()
    with context, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = llm.with_structured_output(schema, **kw).invoke("hi")
        except Exception as exc:
            return type(exc).__name__
    if isinstance(result, dict) and "raw" in result:
        error = result["parsing_error"]
        return {"parsed": result["parsed"], "error": type(error).__name__ if error else None}
    return result
